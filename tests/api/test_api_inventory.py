"""Stock API: staff only, store isolation, the operations through the services, and every bad input refused
before it changes anything."""

from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from ashopy.inventory import reservations, services
from ashopy.inventory.models import Stock, StockMovement, VariantCost, Warehouse
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

BASE = "/api/v1/inventory/"
ADJUST, TRANSFER, COUNT, RECEIVE = (f"{BASE}stock/{name}/" for name in ("adjust", "transfer", "count", "receive"))
READS = ["warehouses/", "stock/", "movements/", "low-stock/", "value/"]


@pytest.fixture
def warehouses(store):
    main = Warehouse.objects.create(store=store, code="main", name="Entrepôt Dakar", priority=1)
    shop = Warehouse.objects.create(store=store, code="shop", name="Boutique Plateau", kind="shop", priority=2)
    return main, shop


@pytest.fixture
def variant(store, warehouses, manager):
    variant = factories.product(store, "ThinkPad X1", variants=[{"sku": "X1-16", "barcode": "4006381333931",
                                                                  "price": Decimal(900000)}]).variants.get()
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=10,
                     unit_cost=Decimal(600000), reference="BL-1", user=manager)
    return variant


@pytest.fixture
def foreign(other_store):
    warehouse = Warehouse.objects.create(store=other_store, code="paris", name="Paris")
    variant = factories.product(other_store, "Souris Paris", variants=[{"sku": "PAR-1"}]).variants.get()
    services.receive(store=other_store, variant=variant, warehouse=warehouse, quantity=7)
    return warehouse, variant


@pytest.fixture
def api(manager):
    return client_for(manager)


def snapshot():
    return (list(Stock.objects.order_by("id").values_list("on_hand", "reserved")), StockMovement.objects.count())


def test_anonymous_callers_get_401_and_others_403(store, customer, seller, other_manager, variant, warehouses):
    before = snapshot()
    body = {"variant": variant.pk, "warehouse": warehouses[0].pk, "quantity": 1}
    for user, expected in ((None, 401), (customer, 403), (seller, 403), (other_manager, 403)):
        client = client_for(user)
        for path in [*READS, f"stock/{Stock.objects.get().pk}/"]:
            response = client.get(BASE + path)
            assert response.status_code == expected, (user, path)
            assert set(response.json()) == {"code", "detail", "fields"}
        for url in (ADJUST, TRANSFER, COUNT, RECEIVE):
            assert client.post(url, body, format="json").status_code == expected
    assert snapshot() == before


def test_session_authentication_works_for_staff(store, manager, variant):
    client = APIClient()
    client.force_login(manager)
    assert client.get(f"{BASE}stock/").json()["count"] == 1


def test_admins_are_stock_staff_too(store_admin, variant):
    assert client_for(store_admin).get(f"{BASE}warehouses/").status_code == 200


def test_warehouses_and_stock_are_those_of_the_request_store(api, other_manager, variant, warehouses, foreign):
    assert [w["code"] for w in api.get(f"{BASE}warehouses/").json()] == ["main", "shop"]
    rows = api.get(f"{BASE}stock/").json()["results"]
    assert [(r["sku"], r["warehouse_code"], r["on_hand"], r["available"]) for r in rows] == [("X1-16", "main", 10, 10)]
    theirs = client_for(other_manager, host="b.test")
    assert [r["sku"] for r in theirs.get(f"{BASE}stock/").json()["results"]] == ["PAR-1"]
    assert theirs.get(f"{BASE}stock/{Stock.objects.get(variant=variant).pk}/").status_code == 404
    assert theirs.get(f"{BASE}movements/", {"variant": variant.pk}).status_code == 400
    before = snapshot()
    response = theirs.post(ADJUST, {"variant": variant.pk, "warehouse": warehouses[0].pk, "quantity_change": -1,
                                    "reason": "lost", "note": "x"}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"variant", "warehouse"}
    assert snapshot() == before


def test_stock_detail_and_filters(api, store, variant, warehouses, foreign):
    shop = warehouses[1]
    mouse = factories.product(store, "Souris MX", variants=[{"sku": "MX-3"}]).variants.get()
    services.receive(store=store, variant=mouse, warehouse=shop, quantity=2)
    Stock.objects.filter(variant=mouse).update(low_stock_threshold=5)
    reservations.reserve(store=store, lines=[reservations.Line(variant.pk, 4)], owner="cart:1")
    row = Stock.objects.get(variant=variant)
    detail = api.get(f"{BASE}stock/{row.pk}/").json()
    assert (detail["on_hand"], detail["reserved"], detail["available"], detail["product_name"]) == (
        10, 4, 6, "ThinkPad X1")

    def skus(**params):
        response = api.get(f"{BASE}stock/", params)
        assert response.status_code == 200, response.json()
        return sorted(r["sku"] for r in response.json()["results"])

    assert skus() == ["MX-3", "X1-16"]
    assert skus(warehouse=shop.pk) == ["MX-3"]
    assert skus(variant=variant.pk) == ["X1-16"]
    assert skus(sku="MX-3") == ["MX-3"]
    assert skus(q="thinkpad") == ["X1-16"]
    assert skus(q="4006381333931") == ["X1-16"]
    assert skus(low="true") == ["MX-3"]
    assert skus(q="") == ["MX-3", "X1-16"]
    assert api.get(f"{BASE}stock/{Stock.objects.get(variant=foreign[1]).pk}/").status_code == 404
    assert api.get(f"{BASE}stock/{10**30}/").status_code == 404


@pytest.mark.parametrize("params, field", [
    ({"warehouse": "abc"}, "warehouse"), ({"warehouse": "999999"}, "warehouse"), ({"warehouse": str(10**30)},
                                                                                  "warehouse"),
    ({"variant": "-1"}, "variant"), ({"low": "maybe"}, "low"),
])
def test_bad_stock_filters_are_400_naming_the_field(api, variant, params, field):
    response = api.get(f"{BASE}stock/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == [field]


def test_stock_filter_with_another_stores_warehouse_is_400(api, variant, foreign):
    response = api.get(f"{BASE}stock/", {"warehouse": foreign[0].pk})
    assert response.status_code == 400 and "warehouse" in response.json()["fields"]


# --- operations ----------------------------------------------------------------------------

def test_adjust_writes_one_movement_with_the_reason_first(api, manager, variant, warehouses):
    response = api.post(ADJUST, {"variant": variant.pk, "warehouse": warehouses[0].pk, "quantity_change": -3,
                                 "reason": "damaged", "note": "Écran fissuré"}, format="json")
    assert response.status_code == 201, response.json()
    [movement] = response.json()["movements"]
    assert [movement[key] for key in ("quantity", "balance_after", "reason", "note", "user")] == [
        -3, 7, "adjustment", "damaged: Écran fissuré", manager.email]
    assert Stock.objects.get(variant=variant).on_hand == 7


ADJUST_BAD = [
    ({"quantity_change": 0}, "quantity_change"),
    ({"quantity_change": "1.5"}, "quantity_change"),
    ({"quantity_change": 1.5}, "quantity_change"),
    ({"quantity_change": "abc"}, "quantity_change"),
    ({"quantity_change": True}, "quantity_change"),
    ({"quantity_change": 10**12}, "quantity_change"),
    ({"quantity_change": None}, "quantity_change"),
    ({"note": ""}, "note"),
    ({"note": "   "}, "note"),
    ({"note": "x" * 300}, "note"),
    ({"note": "nul\x00"}, "note"),
    ({"reason": "aliens"}, "reason"),
    ({"variant": 999999}, "variant"),
    ({"variant": True}, "variant"),
    ({"variant": "1.5"}, "variant"),
    ({"warehouse": 10**30}, "warehouse"),
    ({"warehouse": None}, "warehouse"),
]


@pytest.mark.parametrize("change, field", ADJUST_BAD)
def test_adjust_bad_input_is_400_naming_the_field_and_changes_nothing(api, variant, warehouses, change, field):
    before = snapshot()
    body = {"variant": variant.pk, "warehouse": warehouses[0].pk, "quantity_change": -1, "reason": "lost",
            "note": "Inventaire", **change}
    response = api.post(ADJUST, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert snapshot() == before


def test_adjust_with_another_stores_ids_is_400(api, variant, warehouses, foreign):
    before = snapshot()
    for body, field in (({"variant": foreign[1].pk, "warehouse": warehouses[0].pk}, "variant"),
                        ({"variant": variant.pk, "warehouse": foreign[0].pk}, "warehouse")):
        response = api.post(ADJUST, {**body, "quantity_change": 1, "reason": "found", "note": "x"}, format="json")
        assert response.status_code == 400 and list(response.json()["fields"]) == [field]
        assert response.json()["fields"][field] == [f"No such {field} in this store."]
    assert snapshot() == before


def test_adjust_below_zero_or_below_reserved_is_409_with_the_figures(api, store, variant, warehouses):
    before = snapshot()
    body = {"variant": variant.pk, "warehouse": warehouses[0].pk, "reason": "lost", "note": "x"}
    response = api.post(ADJUST, {**body, "quantity_change": -11}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert "10 available, 11 requested" in response.json()["detail"]
    reservations.reserve(store=store, lines=[reservations.Line(variant.pk, 8)], owner="order:1")
    before = snapshot()
    response = api.post(ADJUST, {**body, "quantity_change": -5}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "below_reserved"
    assert response.json()["detail"].startswith("8 units are reserved") and "(5 asked)" in response.json()["detail"]
    assert snapshot() == before


def test_malformed_json_is_400(api, variant):
    before = snapshot()
    response = api.post(ADJUST, data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert api.post(ADJUST, data="[1, 2]", content_type="application/json").status_code == 400
    assert snapshot() == before


def test_transfer_writes_two_movements(api, variant, warehouses):
    main, shop = warehouses
    response = api.post(TRANSFER, {"variant": variant.pk, "source": main.pk, "destination": shop.pk, "quantity": 4,
                                   "note": "Vitrine"}, format="json")
    assert response.status_code == 201
    assert [(m["reason"], m["warehouse_code"], m["quantity"], m["balance_after"])
            for m in response.json()["movements"]] == [("transfer_out", "main", -4, 6), ("transfer_in", "shop", 4, 4)]
    assert Stock.objects.get(variant=variant, warehouse=shop).on_hand == 4


@pytest.mark.parametrize("change, status, code, field", [
    ({"destination": "SAME"}, 400, "same_warehouse", None),
    ({"quantity": 11}, 409, "insufficient_stock", "quantity"),
    ({"quantity": 0}, 400, "invalid", "quantity"),
    ({"quantity": -2}, 400, "invalid", "quantity"),
    ({"quantity": "1.5"}, 400, "invalid", "quantity"),
    ({"quantity": "abc"}, 400, "invalid", "quantity"),
    ({"quantity": True}, 400, "invalid", "quantity"),
    ({"quantity": 10**12}, 400, "invalid", "quantity"),
    ({"destination": 424242}, 400, "invalid", "destination"),
    ({"source": None}, 400, "invalid", "source"),
])
def test_transfer_bad_input_changes_nothing(api, variant, warehouses, change, status, code, field):
    main, shop = warehouses
    body = {"variant": variant.pk, "source": main.pk, "destination": shop.pk, "quantity": 2, **change}
    if body["destination"] == "SAME":
        body["destination"] = main.pk
    before = snapshot()
    response = api.post(TRANSFER, body, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    if field:
        assert field in response.json()["fields"]
    assert snapshot() == before


def test_count_records_the_difference_or_nothing(api, variant, warehouses):
    body = {"variant": variant.pk, "warehouse": warehouses[0].pk, "counted": 12, "note": "Inventaire"}
    response = api.post(COUNT, body, format="json")
    assert response.status_code == 201
    assert [(m["reason"], m["quantity"], m["balance_after"]) for m in response.json()["movements"]] == [
        ("count", 2, 12)]
    same = api.post(COUNT, body, format="json")
    assert (same.status_code, same.json()) == (200, {"movements": []})
    zero = api.post(COUNT, {**body, "counted": 0}, format="json")
    assert zero.status_code == 201 and zero.json()["movements"][0]["balance_after"] == 0
    before = snapshot()
    for bad in (-1, "1.5", "abc", True, 10**12, None):
        response = api.post(COUNT, {**body, "counted": bad}, format="json")
        assert response.status_code == 400 and "counted" in response.json()["fields"], bad
    assert snapshot() == before


def test_receive_updates_stock_and_average_cost(api, variant, warehouses):
    response = api.post(RECEIVE, {"variant": variant.pk, "warehouse": warehouses[1].pk, "quantity": 10,
                                  "unit_cost": "700000", "reference": "BL-2"}, format="json")
    assert response.status_code == 201
    [movement] = response.json()["movements"]
    assert (movement["reason"], movement["reference"], Decimal(movement["unit_cost"])) == (
        "receipt", "BL-2", Decimal(700000))
    assert VariantCost.objects.get(variant=variant).average_cost == Decimal(650000)
    plain = api.post(RECEIVE, {"variant": variant.pk, "warehouse": warehouses[1].pk, "quantity": 1}, format="json")
    assert plain.status_code == 201 and plain.json()["movements"][0]["unit_cost"] is None


@pytest.mark.parametrize("change, field", [
    ({"unit_cost": "-1"}, "unit_cost"), ({"unit_cost": "abc"}, "unit_cost"), ({"unit_cost": "1e20"}, "unit_cost"),
    ({"quantity": 0}, "quantity"), ({"quantity": "2.5"}, "quantity"), ({"reference": "r" * 81}, "reference"),
])
def test_receive_bad_input_changes_nothing(api, variant, warehouses, change, field):
    before, cost = snapshot(), VariantCost.objects.get(variant=variant).average_cost
    response = api.post(RECEIVE, {"variant": variant.pk, "warehouse": warehouses[0].pk, "quantity": 1, **change},
                        format="json")
    assert response.status_code == 400 and field in response.json()["fields"]
    assert snapshot() == before and VariantCost.objects.get(variant=variant).average_cost == cost


def test_inactive_warehouse_is_refused_by_the_service(api, store, variant):
    closed = Warehouse.objects.create(store=store, code="closed", name="Fermé", is_active=False)
    before = snapshot()
    response = api.post(RECEIVE, {"variant": variant.pk, "warehouse": closed.pk, "quantity": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "inactive_warehouse")
    assert snapshot() == before


# --- ledger, low stock, value --------------------------------------------------------------

def test_movements_filters(api, store, variant, warehouses, manager):
    main, shop = warehouses
    services.transfer(store=store, variant=variant, source=main, destination=shop, quantity=4, user=manager)
    other = factories.product(store, "Clavier", variants=[{"sku": "KB-1"}]).variants.get()
    services.receive(store=store, variant=other, warehouse=main, quantity=1)

    def reasons(**params):
        response = api.get(f"{BASE}movements/", params)
        assert response.status_code == 200, response.json()
        return sorted(m["reason"] for m in response.json()["results"])

    assert reasons() == ["receipt", "receipt", "transfer_in", "transfer_out"]
    assert reasons(product=variant.product_id) == ["receipt", "transfer_in", "transfer_out"]
    assert reasons(product=variant.product.slug, warehouse=shop.pk) == ["transfer_in"]
    assert reasons(variant=other.pk) == ["receipt"]
    today = timezone.localdate()
    assert len(reasons(date_from=today.isoformat(), date_to=today.isoformat())) == 4
    assert reasons(date_from=(today + timedelta(days=1)).isoformat()) == []
    assert reasons(date_to=(today - timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2024-13-45"}, "date_from"), ({"date_to": "01/05/2024"}, "date_to"),
    ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_to"), ({"product": "nothing-like-it"}, "product"),
    ({"product": str(10**30)}, "product"),
    ({"variant": "x"}, "variant"), ({"warehouse": "0"}, "warehouse"),
])
def test_bad_movement_filters_are_400(api, variant, params, field):
    response = api.get(f"{BASE}movements/", params)
    assert response.status_code == 400 and list(response.json()["fields"]) == [field]


def test_movements_of_another_stores_product_are_refused(api, variant, foreign):
    response = api.get(f"{BASE}movements/", {"product": foreign[1].product.slug})
    assert response.status_code == 400 and "product" in response.json()["fields"]


def test_low_stock_and_value(api, store, variant, warehouses):
    Stock.objects.filter(variant=variant).update(low_stock_threshold=12)
    services.receive(store=store, variant=variant, warehouse=warehouses[1], quantity=10, unit_cost=Decimal(700000))
    low = api.get(f"{BASE}low-stock/").json()
    assert low["count"] == 1 and low["results"][0]["warehouse_code"] == "main"
    value = api.get(f"{BASE}value/").json()
    assert value["currency"] == "XOF" and value["units"] == 20
    assert Decimal(value["total"]) == Decimal(13000000)
    assert {w["code"]: Decimal(w["value"]) for w in value["warehouses"]} == {
        "main": Decimal(6500000), "shop": Decimal(6500000)}


def test_lists_take_a_fixed_number_of_queries(api, store, warehouses, django_assert_max_num_queries):
    for number in range(9):
        product = factories.product(store, f"Produit {number}",
                                    variants=[{"sku": f"P{number}-{v}"} for v in range(3)])
        for variant in product.variants.all():
            for warehouse in warehouses:
                services.receive(store=store, variant=variant, warehouse=warehouse, quantity=4)
    for path in ("stock/", "movements/", "low-stock/"):
        with django_assert_max_num_queries(6):
            response = api.get(f"{BASE}{path}", {"page_size": 50})
        assert response.status_code == 200
    assert len(api.get(f"{BASE}stock/", {"page_size": 50}).json()["results"]) == 50


def test_schema_documents_the_stock_endpoints(store):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    for path in ("warehouses/", "stock/", "stock/{id}/", "stock/adjust/", "stock/transfer/", "stock/count/",
                 "stock/receive/", "movements/", "low-stock/", "value/"):
        assert f"{BASE}{path}" in paths, path
    adjust = paths[f"{BASE}stock/adjust/"]["post"]
    assert {"201", "400", "401", "403", "409"} <= set(adjust["responses"])
    assert {"product", "variant", "warehouse", "date_from", "date_to"} <= {
        parameter["name"] for parameter in paths[f"{BASE}movements/"]["get"]["parameters"]}
