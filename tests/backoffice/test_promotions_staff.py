"""The staff promotion and promo code pages: who opens them, create / edit / deactivate through the forms with
the service's rules (field errors, never a 500, nothing changed), the scope preview, dates in the store's clock,
another store's rows a 404, batches of single-use codes and their CSV, the usage report against a
recomputation, and lists whose query count does not grow with their rows."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ashopy.promotions import staff
from ashopy.promotions.models import PromoCode, Promotion, Redemption
from tests import factories
from tests.backoffice.sales.conftest import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

PROMOTIONS = reverse("staff_promotions:promotion_list")
CODES = reverse("staff_promotions:code_list")
NEW_PROMOTION = reverse("staff_promotions:promotion_create")
NEW_CODE = reverse("staff_promotions:code_create")
BATCH = reverse("staff_promotions:code_batch")


@pytest.fixture
def computers(store):
    """Ordinateurs > Portables: a laptop in the sub-category, a desktop in the parent, a phone elsewhere."""
    parent = factories.category(store, "Ordinateurs")
    child = factories.category(store, "Portables", parent=parent)
    laptop = factories.product(store, "ThinkPad X1", category_=child, price="50000")
    desktop = factories.product(store, "OptiPlex", category_=parent, price="30000", sale_price="27000")
    phone = factories.product(store, "Tecno Spark", price="20000")
    return {"parent": parent, "child": child, "laptop": laptop, "desktop": desktop, "phone": phone}


@pytest.fixture
def promotion(store, manager, computers):
    return staff.save_promotion(store=store, user=manager, name="Rentrée", kind="percent", value=Decimal(10),
                                categories=[computers["parent"]])


@pytest.fixture
def code(store, manager):
    return staff.save_code(store=store, user=manager, code="BIENVENUE10", kind="order_percent", value=Decimal(10),
                           minimum_amount=Decimal(13000), max_uses=100)


@pytest.fixture
def foreign(other_store, other_manager):
    promotion = staff.save_promotion(store=other_store, user=other_manager, name="Soldes Paris", kind="percent",
                                     value=Decimal(20))
    code = staff.save_code(store=other_store, user=other_manager, code="PARIS20", kind="order_percent",
                           value=Decimal(20))
    return promotion, code


def promotion_data(**overrides) -> dict:
    return {"name": "Fête", "kind": "percent", "value": "15", "starts_at": "", "ends_at": "", "priority": "0",
            "audience": "everyone", **overrides}


def code_data(**overrides) -> dict:
    return {"code": "promo5", "description": "", "kind": "order_amount", "value": "3000",
            "minimum_amount": "10000", "starts_at": "", "ends_at": "", "max_uses": "", "max_uses_per_customer": "",
            **overrides}


def pages(promotion, code) -> list[str]:
    return [PROMOTIONS, NEW_PROMOTION, reverse("staff_promotions:promotion_edit", args=[promotion.pk]), CODES,
            NEW_CODE, BATCH, reverse("staff_promotions:code_edit", args=[code.pk]),
            reverse("staff_promotions:code_usage", args=[code.pk])]


def test_every_page_renders_for_a_manager_and_an_admin(manager, store_admin, promotion, code):
    for user in (manager, store_admin):
        client = browser(user)
        for url in pages(promotion, code):
            assert client.get(url).status_code == 200, url
    menu = browser(manager).get(PROMOTIONS).content.decode()
    assert f'href="{PROMOTIONS}"' in menu and f'href="{CODES}"' in menu


def test_a_customer_gets_403_a_salesperson_reads_without_writing(customer, seller, promotion, code):
    client = browser(customer)
    for url in pages(promotion, code):
        assert client.get(url).status_code == 403, url
    client = browser(seller)
    readable = {PROMOTIONS, CODES, reverse("staff_promotions:promotion_edit", args=[promotion.pk]),
                reverse("staff_promotions:code_edit", args=[code.pk]),
                reverse("staff_promotions:code_usage", args=[code.pk])}
    for url in pages(promotion, code):
        assert client.get(url).status_code == (200 if url in readable else 403), url
    assert "New promotion" not in client.get(PROMOTIONS).content.decode()
    for url, data in ((reverse("staff_promotions:promotion_edit", args=[promotion.pk]), promotion_data()),
                      (reverse("staff_promotions:promotion_deactivate", args=[promotion.pk]), {}),
                      (reverse("staff_promotions:code_edit", args=[code.pk]), code_data()),
                      (reverse("staff_promotions:code_deactivate", args=[code.pk]), {}),
                      (NEW_CODE, code_data(code="OTHER")), (BATCH, {"prefix": "X", "count": "3"})):
        assert client.post(url, data).status_code == 403, url
    promotion.refresh_from_db()
    code.refresh_from_db()
    assert promotion.name == "Rentrée" and promotion.is_active and code.is_active
    assert PromoCode.objects.count() == 1


def test_create_edit_deactivate_reactivate_a_promotion(store, manager, computers):
    client = browser(manager)
    response = client.post(NEW_PROMOTION, promotion_data(categories=[computers["child"].pk],
                                                         brands=[], starts_at="2026-12-10T08:00",
                                                         ends_at="2026-12-24T20:00", exclusive="on"))
    assert response.status_code == 302
    promotion = Promotion.objects.get(store=store)
    assert (promotion.name, promotion.kind, promotion.value, promotion.exclusive) == ("Fête", "percent", 15, True)
    assert promotion.starts_at == datetime(2026, 12, 10, 8, tzinfo=UTC)  # Dakar is UTC+0
    assert list(promotion.categories.all()) == [computers["child"]]
    edit = reverse("staff_promotions:promotion_edit", args=[promotion.pk])
    assert client.post(edit, promotion_data(name="Fête des pères", kind="amount", value="5000",
                                            products=[computers["phone"].pk])).status_code == 302
    promotion.refresh_from_db()
    assert (promotion.name, promotion.kind, promotion.value) == ("Fête des pères", "amount", 5000)
    assert list(promotion.products.all()) == [computers["phone"]] and not promotion.categories.exists()
    client.post(reverse("staff_promotions:promotion_deactivate", args=[promotion.pk]))
    promotion.refresh_from_db()
    assert not promotion.is_active
    assert [p.pk for p in client.get(PROMOTIONS, {"status": "inactive"}).context["page"].object_list] == [promotion.pk]
    client.post(reverse("staff_promotions:promotion_reactivate", args=[promotion.pk]))
    promotion.refresh_from_db()
    assert promotion.is_active


def test_dates_are_typed_in_the_stores_clock(other_store, other_manager):
    client = browser(other_manager, host="b.test")
    response = client.post(NEW_PROMOTION, promotion_data(starts_at="2026-07-01T09:00"))
    assert response.status_code == 302
    assert Promotion.objects.get(store=other_store).starts_at == datetime(2026, 7, 1, 7, tzinfo=UTC)  # Paris, CEST


@pytest.mark.parametrize(("data", "field"), [
    ({"value": "150"}, "value"),
    ({"value": "-5"}, "value"),
    ({"kind": "amount", "value": "12.5"}, "value"),  # francs CFA have no decimals
    ({"starts_at": "2026-12-10T08:00", "ends_at": "2026-12-01T08:00"}, "ends_at"),
    ({"audience": "segments"}, "segments"),
    ({"name": "   "}, "name"),
    ({"value": "abc"}, "value"),
    ({"starts_at": "2026-13-45T25:00"}, "starts_at"),
])
def test_bad_input_is_a_400_with_the_field_named_and_nothing_saved(manager, data, field):
    response = browser(manager).post(NEW_PROMOTION, promotion_data(**data))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Promotion.objects.exists()


def test_another_stores_objects_cannot_be_picked_or_opened(store, manager, foreign, other_store, computers):
    other_product = factories.product(other_store, "Clavier", price="30")
    client = browser(manager)
    response = client.post(NEW_PROMOTION, promotion_data(products=[other_product.pk]))
    assert response.status_code == 400 and "products" in response.context["form"].errors
    assert not Promotion.objects.filter(store=store).exists()
    promotion, code = foreign
    for name in ("promotion_edit", "promotion_deactivate"):
        assert client.post(reverse(f"staff_promotions:{name}", args=[promotion.pk]),
                           promotion_data(name="Volé")).status_code == 404
    for name in ("code_edit", "code_deactivate", "code_usage"):
        method = client.get if name == "code_usage" else client.post
        assert method(reverse(f"staff_promotions:{name}", args=[code.pk]), code_data()).status_code == 404
    promotion.refresh_from_db()
    code.refresh_from_db()
    assert promotion.name == "Soldes Paris" and promotion.is_active and code.is_active and code.code == "PARIS20"
    assert "Soldes Paris" not in client.get(PROMOTIONS).content.decode()


def test_the_preview_shows_the_products_reached_with_their_prices(store, manager, promotion, computers):
    client = browser(manager)
    edit = reverse("staff_promotions:promotion_edit", args=[promotion.pk])
    preview = client.get(edit).context["preview"]
    assert (preview.product_count, preview.variant_count) == (2, 2)  # sub-category included, the phone not
    prices = {row.variant.product.name: (row.current, row.promoted) for row in preview.rows}
    assert prices == {"ThinkPad X1": (50000, 45000), "OptiPlex": (27000, 24300)}
    # previewing other settings saves nothing
    response = client.post(edit, promotion_data(name="Autre", kind="fixed_price", value="20000",
                                                 products=[computers["phone"].pk],
                                                 categories=[computers["child"].pk], preview="1"))
    assert response.status_code == 200
    prices = {row.variant.product.name: row.promoted for row in response.context["preview"].rows}
    assert prices == {"ThinkPad X1": 20000, "Tecno Spark": 20000}
    promotion.refresh_from_db()
    assert promotion.name == "Rentrée" and promotion.kind == "percent"


def test_lists_filter_by_status_and_search(store, manager, computers):
    now = timezone.now()
    rows = {"active": {}, "scheduled": {"starts_at": now + timedelta(days=2)},
            "expired": {"starts_at": now - timedelta(days=9), "ends_at": now - timedelta(days=2)},
            "inactive": {"is_active": False}}
    made = {}
    for status, fields in rows.items():
        made[status] = staff.save_promotion(store=store, user=manager, name=f"Promo {status}", kind="percent",
                                            value=Decimal(5), **fields)
        staff.save_code(store=store, user=manager, code=f"CODE-{status}", kind="free_shipping", value=Decimal(0),
                        **fields)
    client = browser(manager)
    for status in rows:
        found = client.get(PROMOTIONS, {"status": status}).context["page"].object_list
        assert [p.pk for p in found] == [made[status].pk]
        codes = client.get(CODES, {"status": status}).context["page"].object_list
        assert [c.code for c in codes] == [f"CODE-{status}".upper()]
    assert [c.code for c in client.get(CODES, {"q": "code-exp"}).context["page"].object_list] == ["CODE-EXPIRED"]
    assert [p.name for p in client.get(PROMOTIONS, {"q": "schedul"}).context["page"].object_list] == [
        "Promo scheduled"]
    assert client.get(PROMOTIONS, {"status": "nonsense", "page": "-3"}).status_code == 200


def test_create_edit_deactivate_a_code_with_its_rules(store, manager, code, computers):
    client = browser(manager)
    assert client.post(NEW_CODE, code_data()).status_code == 302
    promo5 = PromoCode.objects.get(store=store, code="PROMO5")
    assert (promo5.kind, promo5.value, promo5.minimum_amount) == ("order_amount", 3000, 10000)
    for data, field in ((code_data(code="bienvenue10"), "code"), (code_data(code="BAD CODE!"), "code"),
                        (code_data(code="É"), "code"), (code_data(code="X" * 41), "code"),
                        (code_data(code="P1", kind="order_percent", value="101"), "value"),
                        (code_data(code="P2", kind="items_percent", value="10"), "products"),
                        (code_data(code="P3", max_uses="0"), "max_uses"),
                        (code_data(code="P4", starts_at="2026-12-10T08:00", ends_at="2026-12-09T08:00"), "ends_at")):
        response = client.post(NEW_CODE, data)
        assert response.status_code == 400 and field in response.context["form"].errors, data
    assert PromoCode.objects.filter(store=store).count() == 2
    edit = reverse("staff_promotions:code_edit", args=[promo5.pk])
    response = client.post(edit, code_data(code="PROMO5", kind="items_percent", value="15",
                                           categories=[computers["parent"].pk], max_uses_per_customer="1",
                                           first_order_only="on", segments=["etudiant"]))
    assert response.status_code == 302
    promo5.refresh_from_db()
    assert (promo5.kind, promo5.value, promo5.max_uses_per_customer, promo5.first_order_only,
            promo5.segments) == ("items_percent", 15, 1, True, ["etudiant"])
    assert list(promo5.categories.all()) == [computers["parent"]]
    client.post(reverse("staff_promotions:code_deactivate", args=[promo5.pk]))
    promo5.refresh_from_db()
    assert not promo5.is_active


def test_a_batch_makes_n_unique_single_use_codes_and_its_csv_lists_them(store, manager):
    client = browser(manager, language="fr")
    response = client.post(BATCH, code_data(prefix="noel", count="40", code="", kind="order_amount",
                                            value="2500", minimum_amount="10000", ends_at="2026-12-31T23:59"))
    assert response.status_code == 302 and "batch=NOEL" in response["Location"]
    codes = list(PromoCode.objects.filter(store=store, batch="NOEL"))
    assert len(codes) == 40 and len({c.code for c in codes}) == 40
    assert all(re.fullmatch(r"NOEL-[A-HJ-NP-Z2-9]{10}", c.code) for c in codes)
    assert all(c.max_uses == 1 and c.value == 2500 and c.kind == "order_amount" for c in codes)
    listing = client.get(response["Location"])
    assert listing.context["page"].paginator.count == 40
    download = client.get(reverse("staff_promotions:batch_csv"), {"batch": "noel"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Code" and len(rows) == 41
    assert sorted(row[0] for row in rows[1:]) == sorted(c.code for c in codes)
    assert rows[1][2] == "2500" and rows[1][3] == "10000" and rows[1][5] == "31/12/2026 23:59"
    again = client.post(BATCH, code_data(prefix="NOEL", count="5", code=""))
    assert again.status_code == 302 and PromoCode.objects.filter(batch="NOEL").count() == 45
    for bad in ({"prefix": "no el", "count": "5"}, {"prefix": "NOEL", "count": "0"},
                {"prefix": "NOEL", "count": "100000"}, {"prefix": "X" * 40, "count": "2"}):
        assert client.post(BATCH, code_data(code="", **bad)).status_code == 400, bad
    assert PromoCode.objects.filter(store=store).count() == 45
    assert client.get(reverse("staff_promotions:batch_csv"), {"batch": "NOPE"}).status_code == 404


def test_the_usage_report_equals_a_recomputation(store, manager, code):
    variant = factories.product(store, "Souris", price="15000", stock=20).variants.get()
    method = factories.shipping_method(store, price="2000")
    states = ["confirmed", "confirmed", "held", "released", "confirmed"]
    discounts = [Decimal(1500), Decimal(3000), Decimal(1500), Decimal(1500), Decimal(4500)]
    orders = []
    for index, (state, discount) in enumerate(zip(states, discounts, strict=True)):
        order = factories.placed_order(store, variant, method, quantity=index + 1, paid=state == "confirmed",
                                       email=f"c{index}@example.com")
        Redemption.objects.create(store=store, code=code, order_id=order.pk, email=order.email, state=state,
                                  discount=discount)
        orders.append(order)
    factories.placed_order(store, variant, method)  # an order without the code counts nowhere
    response = browser(manager).get(reverse("staff_promotions:code_usage", args=[code.pk]))
    usage = response.context["usage"]

    def total(state, values):
        return sum((value for value, s in zip(values, states, strict=True) if s == state), Decimal(0))

    assert (usage.confirmed, usage.held, usage.released) == (3, 1, 1)
    assert usage.revenue_confirmed == total("confirmed", [o.total for o in orders])
    assert usage.revenue_held == total("held", [o.total for o in orders])
    assert usage.discount_confirmed == total("confirmed", discounts) == 9000
    assert usage.discount_held == 1500
    page = response.content.decode()
    for order in orders:
        assert reverse("staff_orders:order_detail", args=[order.number]) in page
    listed = browser(manager).get(CODES).context["page"].object_list
    assert [(c.confirmed_uses, c.held_uses) for c in listed] == [(3, 1)]


def test_lists_cost_the_same_queries_for_3_or_30_rows(store, manager, computers, django_assert_max_num_queries):
    def make(start, count):
        for index in range(start, start + count):
            staff.save_promotion(store=store, user=manager, name=f"P{index}", kind="percent", value=Decimal(5),
                                 products=[computers["phone"]], categories=[computers["parent"]])
            staff.save_code(store=store, user=manager, code=f"C{index}", kind="order_percent", value=Decimal(5))

    client = browser(manager)
    make(0, 3)
    budgets = {}
    for url in (PROMOTIONS, CODES):
        client.get(url)  # warm the per-process caches (store, roles, menu)
        with django_assert_max_num_queries(12) as few:
            assert client.get(url).status_code == 200
        budgets[url] = len(few.captured_queries)
    make(3, 27)
    for url in (PROMOTIONS, CODES):
        with django_assert_max_num_queries(budgets[url]):
            response = client.get(url)
        assert len(response.context["page"].object_list) == 25


def test_setup_roles_lets_managers_write_and_salespeople_read_promotions(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_roles", stdout=io.StringIO())

    def granted(role):
        return set(Group.objects.get(name=role).permissions.filter(content_type__app_label="promotions")
                   .values_list("codename", flat=True))

    assert granted("gestionnaire") == {f"{action}_{model}" for action in ("view", "add", "change", "delete")
                                       for model in ("promotion", "promocode")} | {"view_redemption"}
    assert granted("vendeur") == {"view_promotion", "view_promocode", "view_redemption"}
    assert granted("client") == set()
