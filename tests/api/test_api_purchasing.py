"""Purchasing API: stock staff only, scoped to the store, changes through the services, bad input changes nothing."""

from decimal import Decimal

import pytest

from ashopy.inventory.models import Stock, StockMovement, Warehouse
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import PurchaseOrder, Supplier, SupplierItem
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]
API = "/api/v1/purchasing"


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
def api(manager):
    return client_for(manager)


@pytest.fixture
def sent(store, supplier, main, mouse):
    order = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main,
                                             lines=[(mouse, 5, Decimal(1000))])
    return purchasing.send(purchase_order=order)


@pytest.fixture
def foreign(other_store):
    supplier = purchasing.save_supplier(store=other_store, name="Paris Import")
    main = Warehouse.objects.create(store=other_store, code="main", name="Paris")
    variant = factories.product(other_store, "Clavier", price="30").variants.get()
    order = purchasing.create_purchase_order(store=other_store, supplier=supplier, warehouse=main,
                                             lines=[(variant, 2, Decimal(3))])
    return {"supplier": supplier, "warehouse": main, "variant": variant,
            "order": purchasing.send(purchase_order=order)}


def snapshot():
    return (list(PurchaseOrder.objects.order_by("id").values_list("state", flat=True)),
            list(Stock.objects.order_by("id").values_list("on_hand", flat=True)), StockMovement.objects.count(),
            list(SupplierItem.objects.order_by("id").values_list("unit_cost", flat=True)),
            Supplier.objects.count())


def endpoints(supplier, order):
    return [("get", f"{API}/suppliers/"), ("post", f"{API}/suppliers/"), ("get", f"{API}/suppliers/{supplier.pk}/"),
            ("get", f"{API}/suppliers/{supplier.pk}/items/"), ("get", f"{API}/orders/"),
            ("post", f"{API}/orders/"), ("get", f"{API}/orders/{order.pk}/"),
            ("post", f"{API}/orders/{order.pk}/cancel/"), ("post", f"{API}/orders/{order.pk}/receive/"),
            ("get", f"{API}/reorder-suggestions/"), ("post", f"{API}/reorder-suggestions/draft/")]


def test_only_this_stores_stock_staff_get_in(seller, customer, other_manager, store_admin, supplier, sent):
    calls = endpoints(supplier, sent)
    before = snapshot()
    for method, url in calls:
        response = getattr(client_for(), method)(url, {}, format="json")
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated"), url
    for user in (seller, customer, other_manager):
        for method, url in calls:
            assert getattr(client_for(user), method)(url, {}, format="json").status_code == 403, (user, url)
    assert snapshot() == before
    for method, url in calls:
        if method == "get":
            assert client_for(store_admin).get(url).status_code == 200, url


def test_another_stores_rows_are_not_found_or_refused(api, foreign, main, mouse, supplier):
    before = snapshot()
    for url in (f"suppliers/{foreign['supplier'].pk}/", f"suppliers/{foreign['supplier'].pk}/items/",
                f"orders/{foreign['order'].pk}/"):
        assert api.get(f"{API}/{url}").status_code == 404, url
    for action in ("send", "cancel", "receive"):
        response = api.post(f"{API}/orders/{foreign['order'].pk}/{action}/",
                            {"lines": [{"line": foreign["order"].lines.get().pk, "quantity": 1}]}, format="json")
        assert response.status_code == 404, action
    assert api.delete(f"{API}/suppliers/{foreign['supplier'].pk}/").status_code == 404
    bodies = [{"supplier": foreign["supplier"].pk, "warehouse": main.pk},
              {"supplier": supplier.pk, "warehouse": foreign["warehouse"].pk},
              {"supplier": supplier.pk, "warehouse": main.pk,
               "lines": [{"variant": foreign["variant"].pk, "quantity": 1, "unit_cost": "1"}]}]
    for body in bodies:
        response = api.post(f"{API}/orders/", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid", body
    response = api.post(f"{API}/suppliers/{supplier.pk}/items/", {"variant": foreign["variant"].pk,
                                                                  "unit_cost": "1"}, format="json")
    assert response.status_code == 400 and "variant" in response.json()["fields"]
    assert snapshot() == before


def test_suppliers_crud(api, store, main):
    response = api.post(f"{API}/suppliers/", {"name": "Thiès Import", "email": "achats@ti.sn",
                                              "phone": "77 123 45 67", "lead_time_days": 3}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["currency"], body["phone"], body["is_active"]) == ("XOF", "+221771234567", True)
    url = f"{API}/suppliers/{body['id']}/"
    assert api.patch(url, {"is_active": False}, format="json").json()["is_active"] is False
    for bad in ({"email": "nope"}, {"phone": "12"}, {"currency": "francs"}, {"currency": "ABC"}, {"currency": "xof"},
                {"lead_time_days": -1}, {"name": ""},
                {"contact_name": "a\x00b"}):
        response = api.patch(url, bad, format="json")
        assert response.status_code == 400 and set(bad) <= set(response.json()["fields"]), bad
    assert Supplier.objects.get().email == "achats@ti.sn"
    assert [s["name"] for s in api.get(f"{API}/suppliers/").json()["results"]] == ["Thiès Import"]
    used = purchasing.save_supplier(store=store, name="Utilisé")
    purchasing.create_purchase_order(store=store, supplier=used, warehouse=main)
    assert api.delete(f"{API}/suppliers/{used.pk}/").status_code == 409
    assert api.delete(url).status_code == 204 and Supplier.objects.count() == 1


def test_supplier_items(api, store, supplier, mouse):
    url = f"{API}/suppliers/{supplier.pk}/items/"
    response = api.post(url, {"variant": mouse.pk, "unit_cost": "650.5", "supplier_sku": "DD-1"}, format="json")
    assert response.status_code == 201
    item = response.json()
    assert (item["sku"], item["unit_cost"], item["is_preferred"]) == (mouse.sku, "650.5000", True)
    response = api.patch(f"{url}{item['id']}/", {"unit_cost": "600", "is_preferred": False}, format="json")
    assert (response.json()["unit_cost"], response.json()["is_preferred"]) == ("600.0000", False)
    other = factories.product(store, "Câble", price="100").variants.get()
    assert api.patch(f"{url}{item['id']}/", {"variant": other.pk}, format="json").status_code == 400
    assert api.post(url, {"variant": mouse.pk, "unit_cost": "-1"}, format="json").status_code == 400
    assert [i["id"] for i in api.get(url).json()] == [item["id"]]
    assert api.delete(f"{url}{item['id']}/").status_code == 204 and not SupplierItem.objects.exists()


def test_full_flow(api, manager, supplier, main, mouse):
    laptop = factories.product(supplier.store, "ThinkPad", price="500000").variants.get()
    response = api.post(f"{API}/orders/", {
        "supplier": supplier.pk, "warehouse": main.pk, "expected_at": "2030-02-01", "note": "urgent",
        "lines": [{"variant": mouse.pk, "quantity": 3, "unit_cost": "1000"}]}, format="json")
    assert response.status_code == 201, response.json()
    order = response.json()
    assert (order["state"], order["allowed_actions"], order["number"][:3]) == ("draft", ["send", "cancel"], "PO-")
    url = f"{API}/orders/{order['id']}/"
    response = api.patch(url, {"lines": [{"variant": mouse.pk, "quantity": 4, "unit_cost": "1000"},
                                         {"variant": laptop.pk, "quantity": 1, "unit_cost": "250000.5"}]},
                         format="json")
    assert [line["quantity"] for line in response.json()["lines"]] == [4, 1]
    assert response.json()["total"] == "254000.5000" and response.json()["note"] == "urgent"
    assert api.post(f"{url}send/", {"note": "par WhatsApp"}, format="json").json()["state"] == "sent"
    assert api.patch(url, {"note": "trop tard"}, format="json").status_code == 409
    lines = {line["variant"]: line["id"] for line in api.get(url).json()["lines"]}
    response = api.post(f"{url}receive/", {"lines": [{"line": lines[mouse.pk], "quantity": 3}]}, format="json")
    assert (response.json()["state"], response.json()["allowed_actions"]) == ("partially_received",
                                                                               ["receive", "cancel"])
    response = api.post(f"{url}receive/", {"lines": [{"line": lines[mouse.pk], "quantity": 1},
                                                      {"line": lines[laptop.pk], "quantity": 1}], "note": "BL 9"},
                        format="json")
    body = response.json()
    assert (body["state"], body["allowed_actions"]) == ("received", [])
    assert [(e["from_state"], e["to_state"], e["user"]) for e in body["events"]] == [
        ("", "draft", manager.email), ("draft", "sent", manager.email),
        ("sent", "partially_received", manager.email), ("partially_received", "received", manager.email)]
    assert Stock.objects.get(variant=mouse, warehouse=main).on_hand == 4
    assert set(StockMovement.objects.values_list("reference", "reason")) == {(body["number"], "receipt")}
    listed = api.get(f"{API}/orders/", {"state": "received", "supplier": supplier.pk}).json()["results"]
    assert [(o["id"], o["line_count"], o["total"]) for o in listed] == [(order["id"], 2, "254000.5000")]


@pytest.mark.parametrize("body", [
    {"lines": [{"line": "{line}", "quantity": 6}]},
    {"lines": [{"line": "{line}", "quantity": 0}]},
    {"lines": [{"line": "{line}", "quantity": -2}]},
    {"lines": [{"line": "{line}", "quantity": 2.5}]},
    {"lines": [{"line": "{line}", "quantity": "abc"}]},
    {"lines": [{"line": "{line}", "quantity": 10**12}]},
    {"lines": [{"line": "{line}", "quantity": 1}, {"line": "{line}", "quantity": 1}]},
    {"lines": [{"line": "{line}", "quantity": 1}, {"line": "{foreign}", "quantity": 1}]},
    {"lines": [{"line": 999999999, "quantity": 1}]},
    {"lines": []},
    {},
    {"lines": "all"},
])
def test_refused_receipts_change_nothing(api, sent, foreign, body):
    ids = {"{line}": sent.lines.get().pk, "{foreign}": foreign["order"].lines.get().pk}
    for line in body.get("lines", []) if isinstance(body.get("lines"), list) else []:
        line["line"] = ids.get(line["line"], line["line"])
    before = snapshot()
    response = api.post(f"{API}/orders/{sent.pk}/receive/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["detail"]
    assert snapshot() == before


def test_over_receipt_and_state_refusals_are_clear(api, store, supplier, main, sent):
    line = sent.lines.get()
    response = api.post(f"{API}/orders/{sent.pk}/receive/", {"lines": [{"line": line.pk, "quantity": 6}]},
                        format="json")
    assert response.json()["code"] == "over_receipt" and "Only 5 units" in response.json()["detail"]
    draft = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main)
    response = api.post(f"{API}/orders/{draft.pk}/send/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "empty_purchase_order")
    assert api.post(f"{API}/orders/{sent.pk}/send/", {}, format="json").status_code == 409
    before = snapshot()
    response = api.post(f"{API}/orders/{draft.pk}/receive/", {"lines": [{"line": line.pk, "quantity": 1}]},
                        format="json")
    assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed")
    assert api.post(f"{API}/orders/{sent.pk}/cancel/", {"note": "x"}, format="json").json()["state"] == "cancelled"
    for action in ("receive", "cancel"):
        response = api.post(f"{API}/orders/{sent.pk}/{action}/", {"lines": [{"line": line.pk, "quantity": 1}]},
                            format="json")
        assert response.status_code == 409, action
    assert snapshot()[1:] == before[1:]


def test_order_list_filters_are_checked(api, sent, supplier):
    assert api.get(f"{API}/orders/", {"state": "bogus"}).status_code == 400
    assert api.get(f"{API}/orders/", {"supplier": "x"}).status_code == 400
    assert api.get(f"{API}/orders/", {"supplier": 99999}).status_code == 400
    assert api.get(f"{API}/orders/", {"state": "draft"}).json()["results"] == []
    assert [o["id"] for o in api.get(f"{API}/orders/", {"state": "sent"}).json()["results"]] == [sent.pk]
    assert api.get(f"{API}/orders/abc/").status_code == 404


def test_reorder_suggestions_and_drafting(api, store, supplier, main, mouse):
    cable = factories.product(store, "Câble", price="100").variants.get()
    purchasing.save_supplier_item(store=store, supplier=supplier, variant=mouse, unit_cost=Decimal(700))
    for variant in (mouse, cable):
        Stock.objects.create(store=store, variant=variant, warehouse=main, reorder_point=3, reorder_quantity=2)
    plan = api.get(f"{API}/reorder-suggestions/").json()
    assert [(s["sku"], s["quantity"], s["supplier"]["name"], s["unit_cost"]) for s in plan["to_order"]] == [
        (mouse.sku, 4, "Dakar Distribution", "700.0000")]
    assert [(s["sku"], s["supplier"]) for s in plan["no_supplier"]] == [(cable.sku, None)]
    assert api.post(f"{API}/reorder-suggestions/draft/", {"stocks": ["x"]}, format="json").status_code == 400
    response = api.post(f"{API}/reorder-suggestions/draft/", {}, format="json")
    assert response.status_code == 201
    assert [(o["state"], [(line["variant"], line["quantity"]) for line in o["lines"]]) for o in response.json()] == [
        ("draft", [(mouse.pk, 4)])]
    again = api.post(f"{API}/reorder-suggestions/draft/", {}, format="json")
    assert (again.status_code, again.json()) == (200, [])
    assert PurchaseOrder.objects.count() == 1


def test_order_reads_take_the_same_queries_whatever_the_number_of_lines(api, store, supplier, main, mouse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variants = [mouse] + [factories.product(store, f"Article {n}", price="10").variants.get() for n in range(7)]
    small = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main,
                                             lines=[(mouse, 1, Decimal(1))])
    large = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main,
                                             lines=[(variant, 2, Decimal(3)) for variant in variants])
    purchasing.send(purchase_order=large)
    api.get(f"{API}/orders/")  # warm the per-process store cache
    counts = []
    for url in (f"{API}/orders/{small.pk}/", f"{API}/orders/{large.pk}/", f"{API}/orders/"):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and max(counts) <= 8, counts
