"""Back-office purchasing pages: who may see them, forms that go through the services, refusals that change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.inventory.models import Stock, StockMovement, Warehouse
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import PurchaseOrder, Supplier, SupplierItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings, client):
    """Both stores' hosts; the back office in English, which the assertions read."""
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def main(store):
    return Warehouse.objects.create(store=store, code="main", name="Entrepôt")


@pytest.fixture
def mouse(store):
    return factories.product(store, "Souris", price="5000").variants.get()


@pytest.fixture
def supplier(store):
    return purchasing.save_supplier(store=store, name="Dakar Distribution")


@pytest.fixture
def order(store, supplier, main, mouse):
    return purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main,
                                            lines=[(mouse, 5, Decimal(1000))])


@pytest.fixture
def staff_client(client, manager):
    client.force_login(manager)
    return client


def fresh(order):
    return PurchaseOrder.objects.get(pk=order.pk)


def pages(supplier, order):
    return [reverse("purchasing:supplier_list"), reverse("purchasing:supplier_create"),
            reverse("purchasing:supplier_edit", args=[supplier.pk]), reverse("purchasing:purchase_order_list"),
            reverse("purchasing:purchase_order_create"), reverse("purchasing:purchase_order_detail", args=[order.pk]),
            reverse("purchasing:reorder_suggestions")]


def test_stock_staff_see_every_page(client, manager, store_admin, supplier, order):
    for user in (manager, store_admin):
        client.force_login(user)
        for url in pages(supplier, order):
            response = client.get(url)
            assert response.status_code == 200, url
            assert b"Purchase orders" in response.content or b"Bons de commande" in response.content


def test_others_are_refused(client, seller, customer, other_manager, supplier, order):
    urls = pages(supplier, order)
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: to the login page
    for user in (seller, customer, other_manager):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.email, url)
            assert client.post(url, {"action": "send"}).status_code == 403, (user.email, url)
    assert fresh(order).state == "draft"


def test_another_stores_supplier_and_order_are_not_found(staff_client, other_store):
    other_supplier = purchasing.save_supplier(store=other_store, name="Paris Import")
    other_main = Warehouse.objects.create(store=other_store, code="main", name="Paris")
    other_order = purchasing.create_purchase_order(store=other_store, supplier=other_supplier, warehouse=other_main)
    assert staff_client.get(reverse("purchasing:supplier_edit", args=[other_supplier.pk])).status_code == 404
    url = reverse("purchasing:purchase_order_detail", args=[other_order.pk])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"action": "cancel"}).status_code == 404
    assert fresh(other_order).state == "draft"


def test_create_a_supplier_and_its_items(staff_client, store, mouse):
    response = staff_client.post(reverse("purchasing:supplier_create"), {
        "action": "save", "name": "Thiès Import", "email": "x@ti.sn", "lead_time_days": "5", "is_active": "on"})
    supplier = Supplier.objects.get(name="Thiès Import")
    assert response.status_code == 302 and supplier.currency == "XOF" and supplier.store == store
    url = reverse("purchasing:supplier_edit", args=[supplier.pk])
    response = staff_client.post(url, {"action": "add_item", "item-variant": mouse.sku.lower(),
                                       "item-unit_cost": "650.5", "item-is_preferred": "on"})
    assert response.status_code == 302
    item = SupplierItem.objects.get()
    assert (item.variant, item.unit_cost, item.is_preferred) == (mouse, Decimal("650.5"), True)
    assert mouse.sku.encode() in staff_client.get(url).content
    refused = staff_client.post(url, {"action": "add_item", "item-variant": "NOPE", "item-unit_cost": "-1"})
    assert refused.status_code == 400 and b"NOPE" in refused.content
    assert staff_client.post(url, {"action": "remove_item", "item": item.pk}).status_code == 302
    assert not SupplierItem.objects.exists()
    invalid = staff_client.post(url, {"action": "save", "name": "", "email": "nope", "lead_time_days": "-3"})
    assert invalid.status_code == 400 and Supplier.objects.get().name == "Thiès Import"


def test_create_a_purchase_order_with_lines(staff_client, supplier, main, mouse):
    data = {"supplier": supplier.pk, "warehouse": main.pk, "expected_at": "2030-01-15", "note": "urgent",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            "lines-0-variant": mouse.sku, "lines-0-quantity": "12", "lines-0-unit_cost": "900"}
    response = staff_client.post(reverse("purchasing:purchase_order_create"), data)
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("purchasing:purchase_order_detail",
                                                                    args=[order.pk])
    assert (order.state, order.note, str(order.expected_at)) == ("draft", "urgent", "2030-01-15")
    assert list(order.lines.values_list("variant", "quantity", "unit_cost")) == [(mouse.pk, 12, Decimal(900))]


@pytest.mark.parametrize("lines", [
    {},  # no line
    {"lines-0-variant": "UNKNOWN", "lines-0-quantity": "1", "lines-0-unit_cost": "1"},
    {"lines-0-variant": "{sku}", "lines-0-quantity": "0", "lines-0-unit_cost": "1"},
    {"lines-0-variant": "{sku}", "lines-0-quantity": "1.5", "lines-0-unit_cost": "1"},
    {"lines-0-variant": "{sku}", "lines-0-quantity": "1"},  # no cost and no supplier price
    {"lines-0-variant": "{sku}", "lines-0-quantity": "1", "lines-0-unit_cost": "1",
     "lines-1-variant": "{sku}", "lines-1-quantity": "2", "lines-1-unit_cost": "1"},
])
def test_bad_purchase_orders_are_refused(staff_client, supplier, main, mouse, lines):
    data = {"supplier": supplier.pk, "warehouse": main.pk, "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            **{key: value.format(sku=mouse.sku) for key, value in lines.items()}}
    assert staff_client.post(reverse("purchasing:purchase_order_create"), data).status_code == 400
    assert not PurchaseOrder.objects.exists()


def test_buttons_follow_the_state_and_the_full_flow_works(staff_client, order, mouse, main, manager):
    url = reverse("purchasing:purchase_order_detail", args=[order.pk])
    page = staff_client.get(url).content.decode()
    assert 'value="send"' in page and 'value="cancel"' in page and 'value="receive"' not in page
    assert staff_client.post(url, {"action": "send", "note": "envoyé"}).status_code == 302
    page = staff_client.get(url).content.decode()
    assert 'value="send"' not in page and 'value="receive"' in page and "envoyé" in page
    line = order.lines.get()
    assert staff_client.post(url, {"action": "receive", f"receive-line_{line.pk}": "2"}).status_code == 302
    assert fresh(order).state == "partially_received"
    assert Stock.objects.get(variant=mouse, warehouse=main).on_hand == 2
    assert staff_client.post(url, {"action": "receive", f"receive-line_{line.pk}": "3",
                                   "receive-note": "BL 12"}).status_code == 302
    page = staff_client.get(url).content.decode()
    assert fresh(order).state == "received" and 'value="receive"' not in page and 'value="cancel"' not in page
    assert "BL 12" in page
    movement = StockMovement.objects.filter(reference=order.number).latest("id")
    assert (movement.quantity, movement.reason, movement.user) == (3, "receipt", manager)


@pytest.mark.parametrize("quantity", ["6", "-1", "2.5", "abc", "0", ""])
def test_refused_receipts_change_nothing(staff_client, order, quantity):
    purchasing.send(purchase_order=order)
    url = reverse("purchasing:purchase_order_detail", args=[order.pk])
    line = order.lines.get()
    response = staff_client.post(url, {"action": "receive", f"receive-line_{line.pk}": quantity})
    assert response.status_code == 400
    assert fresh(order).state == "sent" and not StockMovement.objects.exists()
    if quantity == "6":
        assert "Only 5 units" in response.content.decode()


def test_refused_actions_answer_with_the_errors_status(staff_client, store, supplier, main, order):
    url = reverse("purchasing:purchase_order_detail", args=[order.pk])
    line = order.lines.get()
    assert staff_client.post(url, {"action": "receive", f"receive-line_{line.pk}": "1"}).status_code == 409
    empty = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main)
    response = staff_client.post(reverse("purchasing:purchase_order_detail", args=[empty.pk]), {"action": "send"})
    assert response.status_code == 400 and "at least one line" in response.content.decode()
    assert staff_client.post(url, {"action": "explode"}).status_code == 400
    assert staff_client.post(url, {"action": "cancel", "note": "doublon"}).status_code == 302
    assert staff_client.post(url, {"action": "cancel"}).status_code == 409
    assert (fresh(order).state, fresh(empty).state) == ("cancelled", "draft")
    assert not StockMovement.objects.exists()


def test_list_filters_by_state_and_supplier(staff_client, store, supplier, main, order):
    other = purchasing.save_supplier(store=store, name="Thiès Import")
    second = purchasing.create_purchase_order(store=store, supplier=other, warehouse=main)
    url = reverse("purchasing:purchase_order_list")
    assert {o.pk for o in staff_client.get(url).context["page"]} == {order.pk, second.pk}
    assert [o.pk for o in staff_client.get(url, {"supplier": other.pk}).context["page"]] == [second.pk]
    purchasing.send(purchase_order=order)
    assert [o.pk for o in staff_client.get(url, {"state": "sent"}).context["page"]] == [order.pk]
    assert staff_client.get(url, {"state": "bogus", "supplier": "x", "page": "zz"}).status_code == 200


def test_reorder_page_lists_and_drafts(staff_client, store, supplier, main, mouse):
    cable = factories.product(store, "Câble", price="100").variants.get()
    purchasing.save_supplier_item(store=store, supplier=supplier, variant=mouse, unit_cost=Decimal(700))
    for variant in (mouse, cable):
        Stock.objects.create(store=store, variant=variant, warehouse=main, reorder_point=3, reorder_quantity=10)
    url = reverse("purchasing:reorder_suggestions")
    page = staff_client.get(url).content.decode()
    assert mouse.sku in page and cable.sku in page and "Dakar Distribution" in page
    response = staff_client.post(url, {"stock": [str(Stock.objects.get(variant=mouse).pk), "junk"]})
    assert response.status_code == 302 and response.url.endswith("?state=draft")
    drafted = PurchaseOrder.objects.get()
    assert list(drafted.lines.values_list("variant", "quantity", "unit_cost")) == [(mouse.pk, 10, Decimal(700))]
    assert staff_client.post(url, {}).status_code == 302  # nothing left to draft: a warning, no order
    assert PurchaseOrder.objects.count() == 1


def test_detail_page_queries_do_not_grow_with_lines(staff_client, store, supplier, main, mouse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variants = [mouse] + [factories.product(store, f"Article {n}", price="10").variants.get() for n in range(7)]
    staff_client.get(reverse("purchasing:purchase_order_list"))  # warm the per-process store cache
    counts = []
    for lines in ([(mouse, 1, Decimal(1))], [(variant, 2, Decimal(3)) for variant in variants]):
        order = purchasing.send(purchase_order=purchasing.create_purchase_order(
            store=store, supplier=supplier, warehouse=main, lines=lines))
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("purchasing:purchase_order_detail", args=[order.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
