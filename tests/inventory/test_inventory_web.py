"""Back-office stock pages: who gets in, filters, the ledger and its CSV, the operation forms, query budgets."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ashopy.core.money import format_money
from ashopy.inventory import reservations, services
from ashopy.inventory.models import LowStockAlert, Stock, StockMovement, Warehouse
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]


@pytest.fixture
def warehouses(store):
    main = Warehouse.objects.create(store=store, code="main", name="Entrepôt Dakar", priority=1)
    shop = Warehouse.objects.create(store=store, code="shop", name="Boutique Plateau", kind="shop", priority=2)
    return main, shop


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", variants=[{"sku": "X1-16", "barcode": "4006381333931",
                                                               "price": Decimal(900000)}]).variants.get()


@pytest.fixture
def stocked(store, warehouses, variant, manager):
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=10, unit_cost=Decimal(600000),
                     reference="BL-1", user=manager)
    return variant


@pytest.fixture
def foreign(other_store):
    """A warehouse and a stocked variant of the other store."""
    warehouse = Warehouse.objects.create(store=other_store, code="paris", name="Paris")
    variant = factories.product(other_store, "Souris Paris", variants=[{"sku": "PAR-1"}]).variants.get()
    services.receive(store=other_store, variant=variant, warehouse=warehouse, quantity=7)
    return warehouse, variant


@pytest.fixture
def staff_client(client, manager, settings):
    """A stock manager's browser, in English so that messages can be asserted whatever the store's language."""
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def snapshot():
    return (list(Stock.objects.order_by("id").values_list("on_hand", "reserved")), StockMovement.objects.count())


def page_urls(variant_id):
    return [reverse(f"inventory:{name}") for name in
            ("stock_list", "movements", "adjust", "transfer", "count", "low_stock", "stock_value")] + [
        reverse("inventory:variant_movements", args=[variant_id])]


def test_every_page_opens_for_stock_managers_and_admins(client, manager, store_admin, stocked):
    for user in (manager, store_admin):
        client.force_login(user)
        for url in page_urls(stocked.pk):
            assert client.get(url).status_code == 200, url


def test_anonymous_visitors_go_to_login_and_others_get_403(client, customer, seller, other_manager, stocked):
    for url in page_urls(stocked.pk):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
    for user in (customer, seller, other_manager):
        client.force_login(user)
        for url in page_urls(stocked.pk):
            assert client.get(url).status_code == 403, (user.email, url)
        before = snapshot()
        assert client.post(reverse("inventory:adjust"), {}).status_code == 403
        assert snapshot() == before


def test_other_stores_manager_sees_only_their_own_stock_on_their_host(other_manager, stocked, foreign):
    client = Client(HTTP_HOST="b.test")
    client.force_login(other_manager)
    html = client.get(reverse("inventory:stock_list")).content.decode()
    assert "PAR-1" in html and "X1-16" not in html
    assert client.get(reverse("inventory:variant_movements", args=[stocked.pk])).status_code == 404
    assert "X1-16" not in client.get(reverse("inventory:movements")).content.decode()
    response = client.get(reverse("inventory:movements"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    [movement] = StockMovement.objects.filter(store=foreign[0].store)
    paris_time = timezone.localtime(movement.created_at, ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M:%S")
    assert [row[:2] for row in rows[1:]] == [[paris_time, "PAR-1"]], "times on the store's own clock"


def test_stock_list_shows_levels_and_links_to_ledger_and_operations(staff_client, store, stocked, warehouses):
    reservations.reserve(store=store, lines=[reservations.Line(stocked.pk, 3)], owner="cart:1")
    response = staff_client.get(reverse("inventory:stock_list"))
    row = response.context["page"].object_list[0]
    assert (row.on_hand, row.reserved, row.available_units) == (10, 3, 7)
    html = response.content.decode()
    assert reverse("inventory:variant_movements", args=[stocked.pk]) in html
    assert f"{reverse('inventory:adjust')}?variant={stocked.pk}&amp;warehouse={warehouses[0].pk}" in html
    assert f"{reverse('inventory:transfer')}?variant={stocked.pk}&amp;source={warehouses[0].pk}" in html


def test_stock_list_filters_by_warehouse_search_and_low_stock(staff_client, store, stocked, warehouses):
    shop = warehouses[1]
    mouse = factories.product(store, "Souris MX", variants=[{"sku": "MX-3"}]).variants.get()
    services.receive(store=store, variant=mouse, warehouse=shop, quantity=2)
    Stock.objects.filter(variant=mouse).update(low_stock_threshold=5)

    def skus(**params):
        response = staff_client.get(reverse("inventory:stock_list"), params)
        assert response.status_code == 200
        return [row.variant.sku for row in response.context["page"].object_list]

    assert skus() == ["MX-3", "X1-16"]  # by product name: "Souris MX" before "ThinkPad X1"
    assert skus(warehouse=shop.pk) == ["MX-3"]
    assert skus(q="x1-") == ["X1-16"]
    assert skus(q="souris") == ["MX-3"]
    assert skus(q="4006381333931") == ["X1-16"]
    assert skus(low="on") == ["MX-3"]


def test_stock_list_ignores_another_stores_warehouse_with_a_notice(staff_client, stocked, foreign):
    response = staff_client.get(reverse("inventory:stock_list"), {"warehouse": foreign[0].pk})
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert [row.variant.sku for row in response.context["page"].object_list] == ["X1-16"]


def many_rows(store, warehouses, products=10, per_product=3):
    """products × per_product variants, each stocked in both warehouses."""
    for number in range(products):
        product = factories.product(store, f"Produit {number}",
                                    variants=[{"sku": f"P{number}-{v}", "name": f"V{v}"} for v in range(per_product)])
        for variant in product.variants.all():
            for warehouse in warehouses:
                services.receive(store=store, variant=variant, warehouse=warehouse, quantity=4)


def test_stock_list_paginates_in_a_fixed_number_of_queries(staff_client, store, warehouses,
                                                          django_assert_max_num_queries):
    many_rows(store, warehouses, products=9, per_product=3)  # 54 rows: a full page of 50 and a second one
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("inventory:stock_list"))
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 54
    second = staff_client.get(reverse("inventory:stock_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 4
    assert staff_client.get(reverse("inventory:stock_list"), {"page": "abc"}).status_code == 200


def test_movement_list_paginates_in_a_fixed_number_of_queries(staff_client, store, warehouses,
                                                             django_assert_max_num_queries):
    many_rows(store, warehouses, products=9, per_product=3)
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("inventory:movements"))
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(10):
        csv_response = staff_client.get(reverse("inventory:movements"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 55


def test_movements_filter_by_product_warehouse_and_dates(staff_client, store, stocked, warehouses, manager):
    main, shop = warehouses
    services.transfer(store=store, variant=stocked, source=main, destination=shop, quantity=4, user=manager)
    other = factories.product(store, "Clavier", variants=[{"sku": "KB-1"}]).variants.get()
    services.receive(store=store, variant=other, warehouse=main, quantity=1)

    def reasons(**params):
        response = staff_client.get(reverse("inventory:movements"), params)
        assert response.status_code == 200
        return sorted(m.reason for m in response.context["page"].object_list)

    assert reasons() == ["receipt", "receipt", "transfer_in", "transfer_out"]
    assert reasons(product=stocked.product_id) == ["receipt", "transfer_in", "transfer_out"]
    assert reasons(product=stocked.product.slug, warehouse=shop.pk) == ["transfer_in"]
    assert reasons(product="KB-1") == ["receipt"]
    today = timezone.localdate()
    assert len(reasons(date_from=today.isoformat(), date_to=today.isoformat())) == 4
    assert reasons(date_from=(today + timedelta(days=1)).isoformat()) == []
    assert reasons(date_to=(today - timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2024-13-45"}, "date_from"), ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_to"),
    ({"product": "no-such-product"}, "product"), ({"warehouse": "999999999"}, "warehouse"),
    ({"warehouse": str(10**30)}, "warehouse"),
])
def test_bad_movement_filters_are_a_notice_not_an_error(staff_client, stocked, params, field):
    response = staff_client.get(reverse("inventory:movements"), params)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert list(response.context["form"].errors) == [field]
    assert len(response.context["page"].object_list) == 1, "the bad filter is dropped, the others kept"
    csv_response = staff_client.get(reverse("inventory:movements"), {**params, "format": "csv"})
    assert csv_response.status_code == 302, "no file filtered otherwise than asked"
    assert csv_response["Location"].startswith(reverse("inventory:movements") + "?")
    assert "format" not in csv_response["Location"] and staff_client.get(csv_response["Location"]).status_code == 200


def test_variant_ledger_and_its_csv_export(staff_client, store, stocked, warehouses, manager):
    main = warehouses[0]
    services.adjust(store=store, variant=stocked, warehouse=main, quantity_change=-2, note="=cmd|' /C calc'!A0",
                    user=manager)
    other = factories.product(store, "Autre", variants=[{"sku": "AUT-1"}]).variants.get()
    services.receive(store=store, variant=other, warehouse=main, quantity=1)
    url = reverse("inventory:variant_movements", args=[stocked.pk])
    page = staff_client.get(url)
    assert [m.balance_after for m in page.context["page"].object_list] == [8, 10]
    assert 'href="?format=csv"' in page.content.decode()

    response = staff_client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="movements-x1-16-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows[0]) == 10 and len(rows) == 3
    adjustment, receipt = rows[1], rows[2]
    assert adjustment[1:8] == ["X1-16", "ThinkPad X1", "Entrepôt Dakar", "Adjustment", "-2", "8", ""]
    assert adjustment[8] == "gestionnaire@example.com"
    assert adjustment[9] == "'=cmd|' /C calc'!A0", "a formula in a note must not run in a spreadsheet"
    assert receipt[5:8] == ["10", "10", "BL-1"]
    assert timezone.localdate().isoformat() == adjustment[0][:10]


def test_variant_of_another_store_is_404(staff_client, foreign):
    assert staff_client.get(reverse("inventory:variant_movements", args=[foreign[1].pk])).status_code == 404
    assert staff_client.get(reverse("inventory:variant_movements", args=[10**12])).status_code == 404


# --- the operation forms -------------------------------------------------------------------

def test_adjust_writes_a_movement_with_the_cause_and_redirects(staff_client, store, stocked, warehouses, manager):
    form = staff_client.get(reverse("inventory:adjust"), {"variant": stocked.pk, "warehouse": warehouses[0].pk})
    assert form.context["form"].initial == {"variant": str(stocked.pk), "warehouse": str(warehouses[0].pk)}
    response = staff_client.post(reverse("inventory:adjust"), {
        "variant": stocked.pk, "warehouse": warehouses[0].pk, "quantity_change": "-3", "cause": "damaged",
        "note": "Écran fissuré"}, follow=True)
    assert response.redirect_chain == [(reverse("inventory:stock_list"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Stock.objects.get(variant=stocked, warehouse=warehouses[0]).on_hand == 7
    movement = StockMovement.objects.latest("id")
    assert (movement.reason, movement.quantity, movement.balance_after, movement.user) == (
        "adjustment", -3, 7, manager)
    assert movement.note == "damaged: Écran fissuré"


@pytest.mark.parametrize("change, field", [
    ({"quantity_change": "0"}, "quantity_change"),
    ({"quantity_change": "1.5"}, "quantity_change"),
    ({"quantity_change": "abc"}, "quantity_change"),
    ({"quantity_change": str(10**12)}, "quantity_change"),
    ({"note": "  "}, "note"),
    ({"cause": "stolen-by-aliens"}, "cause"),
    ({"quantity_change": "-11"}, "__all__"),  # below zero: InsufficientStock from the service
])
def test_adjust_bad_input_changes_nothing(staff_client, stocked, warehouses, change, field):
    before = snapshot()
    data = {"variant": stocked.pk, "warehouse": warehouses[0].pk, "quantity_change": "-1", "cause": "lost",
            "note": "Inventaire", **change}
    response = staff_client.post(reverse("inventory:adjust"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_adjust_below_reserved_names_the_figures(staff_client, store, stocked, warehouses):
    reservations.reserve(store=store, lines=[reservations.Line(stocked.pk, 8)], owner="order:1")
    before = snapshot()
    response = staff_client.post(reverse("inventory:adjust"), {
        "variant": stocked.pk, "warehouse": warehouses[0].pk, "quantity_change": "-5", "cause": "lost", "note": "x"})
    assert response.status_code == 400
    assert "8 units are reserved" in " ".join(response.context["form"].non_field_errors())
    assert snapshot() == before


def test_forms_refuse_another_stores_variant_and_warehouse(staff_client, stocked, warehouses, foreign):
    before = snapshot()
    theirs_warehouse, theirs_variant = foreign
    posts = [
        ("adjust", {"variant": theirs_variant.pk, "warehouse": warehouses[0].pk, "quantity_change": "1",
                    "cause": "found", "note": "x"}, "variant"),
        ("adjust", {"variant": stocked.pk, "warehouse": theirs_warehouse.pk, "quantity_change": "1",
                    "cause": "found", "note": "x"}, "warehouse"),
        ("transfer", {"variant": stocked.pk, "source": warehouses[0].pk, "destination": theirs_warehouse.pk,
                      "quantity": "1"}, "destination"),
        ("count", {"variant": theirs_variant.pk, "warehouse": theirs_warehouse.pk, "counted": "0"}, "variant"),
    ]
    for name, data, field in posts:
        response = staff_client.post(reverse(f"inventory:{name}"), data)
        assert response.status_code == 400 and field in response.context["form"].errors, (name, data)
    assert snapshot() == before


def test_transfer_moves_units_in_two_movements(staff_client, stocked, warehouses, manager):
    main, shop = warehouses
    response = staff_client.post(reverse("inventory:transfer"), {
        "variant": stocked.pk, "source": main.pk, "destination": shop.pk, "quantity": "4", "note": "Vitrine"})
    assert response.status_code == 302 and response["Location"] == reverse("inventory:stock_list")
    assert Stock.objects.get(variant=stocked, warehouse=main).on_hand == 6
    assert Stock.objects.get(variant=stocked, warehouse=shop).on_hand == 4
    out, into = StockMovement.objects.filter(reason__startswith="transfer").order_by("id")
    assert (out.quantity, into.quantity, out.note, into.user) == (-4, 4, "Vitrine", manager)


@pytest.mark.parametrize("change, field", [
    ({"destination": "SAME"}, "__all__"),   # SameWarehouse from the service
    ({"quantity": "11"}, "__all__"),        # InsufficientStock
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "-2"}, "quantity"),
    ({"quantity": "2.5"}, "quantity"),
    ({"source": "99999999"}, "source"),
])
def test_transfer_bad_input_changes_nothing(staff_client, stocked, warehouses, change, field):
    main, shop = warehouses
    data = {"variant": stocked.pk, "source": main.pk, "destination": shop.pk, "quantity": "2", **change}
    if data["destination"] == "SAME":
        data["destination"] = main.pk
    before = snapshot()
    response = staff_client.post(reverse("inventory:transfer"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert snapshot() == before


def test_count_records_the_difference_or_nothing(staff_client, stocked, warehouses):
    main = warehouses[0]
    response = staff_client.post(reverse("inventory:count"), {"variant": stocked.pk, "warehouse": main.pk,
                                                              "counted": "7", "note": "Inventaire annuel"},
                                 follow=True)
    assert response.status_code == 200
    movement = StockMovement.objects.latest("id")
    assert (movement.reason, movement.quantity, movement.balance_after) == ("count", -3, 7)
    response = staff_client.post(reverse("inventory:count"), {"variant": stocked.pk, "warehouse": main.pk,
                                                              "counted": "7"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The count of X1-16 matches the stock: nothing changed."]
    assert StockMovement.objects.filter(reason="count").count() == 1
    before = snapshot()
    for bad in ("-1", "x", str(10**9)):
        response = staff_client.post(reverse("inventory:count"), {"variant": stocked.pk, "warehouse": main.pk,
                                                                  "counted": bad})
        assert response.status_code == 400 and "counted" in response.context["form"].errors
    assert snapshot() == before


def test_operations_need_a_csrf_token_and_get_changes_nothing(manager, stocked, warehouses):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    before = snapshot()
    data = {"variant": stocked.pk, "warehouse": warehouses[0].pk, "quantity_change": "5", "cause": "found",
            "note": "Carton retrouvé"}
    assert client.post(reverse("inventory:adjust"), data).status_code == 403
    assert client.get(reverse("inventory:adjust"), data).status_code == 200
    assert client.put(reverse("inventory:adjust"), data).status_code in (403, 405)
    assert snapshot() == before


# --- overviews -----------------------------------------------------------------------------

def test_low_stock_lists_rows_at_threshold_and_recent_alerts(staff_client, store, stocked, warehouses, manager):
    Stock.objects.filter(variant=stocked).update(low_stock_threshold=5)
    healthy = factories.product(store, "Câble", variants=[{"sku": "CAB-1"}]).variants.get()
    services.receive(store=store, variant=healthy, warehouse=warehouses[0], quantity=50)
    Stock.objects.filter(variant=healthy).update(low_stock_threshold=5)
    services.adjust(store=store, variant=stocked, warehouse=warehouses[0], quantity_change=-6, note="casse",
                    user=manager)
    assert LowStockAlert.objects.filter(store=store).count() == 1
    response = staff_client.get(reverse("inventory:low_stock"))
    assert [(row.variant.sku, row.available_units) for row in response.context["page"].object_list] == [("X1-16", 4)]
    assert [alert.available for alert in response.context["alerts"]] == [4]
    assert "CAB-1" not in response.content.decode()


def test_stock_value_per_warehouse_and_total(staff_client, store, stocked, warehouses):
    shop = warehouses[1]
    services.receive(store=store, variant=stocked, warehouse=shop, quantity=10, unit_cost=Decimal(700000))
    response = staff_client.get(reverse("inventory:stock_value"))
    value = response.context["value"]
    assert [(w["code"], w["units"], w["value"]) for w in sorted(value["warehouses"], key=lambda w: w["code"])] == [
        ("main", 10, Decimal(6500000)), ("shop", 10, Decimal(6500000))]
    assert value["total"] == Decimal(13000000)
    html = response.content.decode()
    assert format_money(Decimal(13000000), "XOF") in html and format_money(Decimal(6500000), "XOF") in html
    assert f"<td>{shop.name}</td>" in html and f">{shop.code}<" not in html, "names for people, not codes"


def test_the_ledger_reads_as_words_not_codes(staff_client, store, stocked, warehouses, manager, settings):
    """An adjustment's cause and a transfer's route are shown in the page's language (the CSV keeps the codes)."""
    main, shop = warehouses
    services.transfer(store=store, variant=stocked, source=main, destination=shop, quantity=2, user=manager)
    services.adjust(store=store, variant=stocked, warehouse=main, quantity_change=-1, user=manager,
                    note="damaged: Écran fissuré")
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = staff_client.get(reverse("inventory:movements")).content.decode()
    assert "Transfert Entrepôt Dakar → Boutique Plateau" in page and "transfer:main&gt;shop" not in page
    assert "Endommagé\u00a0: Écran fissuré" in page and "damaged:" not in page
    exported = b"".join(staff_client.get(reverse("inventory:movements"), {"format": "csv"}).streaming_content)
    assert "transfer:main>shop" in exported.decode("utf-8-sig")
