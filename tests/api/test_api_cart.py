"""Cart API: customers' and visitors' carts, the services' messages, stock limits, and bad input refused
without changing anything."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart, CartLine
from ashopy.inventory import services as inventory
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

CART, LINES = "/api/v1/cart/", "/api/v1/cart/lines/"


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=5, price="11800",
                             variants=[{"sku": "X1-16", "name": "16 Go", "price": Decimal(11800)}]).variants.get()


def _line(client, variant, quantity):
    return client.post(LINES, {"variant": variant.pk, "quantity": quantity}, format="json")


def _snapshot():
    return sorted(CartLine.objects.values_list("cart_id", "variant_id", "quantity")), Cart.objects.count()


def test_customer_adds_updates_and_removes_with_messages(store, customer, variant):
    client = client_for(customer)
    response = _line(client, variant, 2)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["token"] is None and body["currency"] == "XOF" and body["prices_include_tax"]
    assert body["messages"] == [{"level": "success", "message": "“ThinkPad X1 — 16 Go” has been added to your cart."}]
    [line] = body["lines"]
    assert {key: line[key] for key in ("variant", "sku", "product", "variant_name", "quantity", "available")} == {
        "variant": variant.pk, "sku": "X1-16", "product": "ThinkPad X1", "variant_name": "16 Go", "quantity": 2,
        "available": 5}
    assert (line["unit_price"], line["net"], line["tax"], line["gross"]) == ("11800", "20000", "3600", "23600")
    assert body["totals"] == {"quantity": 2, "goods": "23600", "goods_net": "20000", "goods_tax": "3600",
                              "goods_gross": "23600", "discount": "0", "code_discount": "0", "discounts": [],
                              "taxes": [{"rate": "18", "amount": "3600"}], "total": "23600"}

    response = client.patch(f"{LINES}{line['id']}/", {"quantity": 9}, format="json")
    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 5
    assert response.json()["messages"][0]["level"] == "warning"

    response = client.patch(f"{LINES}{line['id']}/", {"quantity": 0}, format="json")
    assert response.status_code == 200 and response.json()["lines"] == []
    line_id = _line(client, variant, 1).json()["lines"][0]["id"]
    response = client.delete(f"{LINES}{line_id}/")
    assert response.status_code == 200 and response.json()["lines"] == []
    assert response.json()["messages"][0]["message"] == "“ThinkPad X1 — 16 Go” removed from your cart."


def test_discounts_are_shown_with_their_labels(store, customer, variant):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    line = _line(client_for(customer), variant, 1).json()["lines"][0]
    assert line["unit_price"] == "10620" and line["discount"] == "1180"
    assert [(d["code"], d["amount"]) for d in line["discounts"]] == [("segment", "1180")]
    assert line["discounts"][0]["label"]


def test_nothing_fits_is_409_and_a_partial_add_warns(store, customer, variant):
    client = client_for(customer)
    response = _line(client, variant, 8)
    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 5
    assert response.json()["messages"] == [
        {"level": "warning", "message": "Cannot add more of “ThinkPad X1 — 16 Go” to the cart: not enough stock."}]
    before = _snapshot()
    response = _line(client, variant, 1)
    assert response.status_code == 409 and response.json()["code"] == "insufficient_stock"
    assert _snapshot() == before


def test_visitor_cart_lives_by_its_token(store, variant):
    response = _line(client_for(), variant, 1)
    assert response.status_code == 200
    token = response.json()["token"]
    assert response["Cart-Token"] == token
    assert Cart.objects.get(token=token).user is None

    again = client_for(token=token)
    assert _line(again, variant, 1).json()["token"] == token
    assert again.get(CART).json()["lines"][0]["quantity"] == 2

    unknown = _line(client_for(token=uuid.uuid4()), variant, 1).json()["token"]
    assert unknown != token and Cart.objects.count() == 2
    assert client_for(token=token).get(CART).json()["totals"]["quantity"] == 2


def test_viewing_without_a_cart_creates_nothing(store, customer, variant):
    for client in (client_for(), client_for(customer), client_for(token=uuid.uuid4())):
        response = client.get(CART)
        assert response.status_code == 200
        assert response.json()["lines"] == [] and response.json()["token"] is None
    assert Cart.objects.count() == 0


def test_a_failed_write_does_not_create_a_visitor_cart(store, variant):
    inventory.adjust(store=store, variant=variant, warehouse=factories.warehouse(store), quantity_change=-5,
                     note="casse")
    response = _line(client_for(), variant, 1)
    assert response.status_code == 409
    assert Cart.objects.count() == 0


def test_viewing_revalidates_and_says_what_changed(store, customer, variant):
    client = client_for(customer)
    _line(client, variant, 4)
    inventory.adjust(store=store, variant=variant, warehouse=factories.warehouse(store), quantity_change=-3,
                     note="casse")
    body = client.get(CART).json()
    assert body["lines"][0]["quantity"] == 2 and body["lines"][0]["available"] == 2
    assert body["messages"] == [
        {"level": "warning", "message": "Quantity of “ThinkPad X1 — 16 Go” adjusted to 2 (limited stock)."}]
    assert client.get(CART).json()["messages"] == []


def test_a_visitor_cart_joins_the_customer_cart(store, customer, variant):
    token = _line(client_for(), variant, 2).json()["token"]
    body = client_for(customer, token=token).get(CART).json()
    assert body["lines"][0]["quantity"] == 2 and body["token"] is None
    assert body["messages"][0]["level"] == "info"
    assert not Cart.objects.filter(token=token).exists()


@pytest.mark.parametrize("payload", [
    {"variant": "x", "quantity": 1}, {"quantity": 1}, {"variant": "V"}, {"variant": "V", "quantity": -1},
    {"variant": "V", "quantity": 0}, {"variant": "V", "quantity": 10**12}, {"variant": "V", "quantity": "abc"},
    {"variant": "V", "quantity": 2.5}, {"variant": "V", "quantity": True}, {"variant": "V", "quantity": None},
    {"variant": 10**12, "quantity": 1}, {"variant": -3, "quantity": 1}, [], "plain text",
])
def test_garbage_adds_are_refused(store, customer, variant, payload):
    client = client_for(customer)
    _line(client, variant, 1)
    before = _snapshot()
    if isinstance(payload, dict):
        payload = {key: variant.pk if value == "V" else value for key, value in payload.items()}
    response = client.post(LINES, payload, format="json")
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"code", "detail", "fields"}
    assert _snapshot() == before


def test_other_stores_variants_and_other_carts_lines_are_404(store, other_store, customer, variant):
    foreign = factories.product(other_store, "Souris", stock=3).variants.get()
    stranger = factories.UserFactory(email="autre@example.com")
    theirs = cart_services.get_cart(store=store, user=stranger, create=True)
    cart_services.add(cart=theirs, variant_id=variant.pk, quantity=1)
    line_id = theirs.lines.get().pk
    client = client_for(customer)
    _line(client, variant, 1)
    before = _snapshot()
    assert _line(client, foreign, 1).status_code == 404
    assert client.patch(f"{LINES}{line_id}/", {"quantity": 3}, format="json").status_code == 404
    assert client.delete(f"{LINES}{line_id}/").status_code == 404
    assert client_for(token=theirs.token).delete(f"{LINES}{line_id}/").status_code == 404
    assert client.patch(f"{LINES}{10**15}/", {"quantity": 1}, format="json").status_code == 404
    assert client.patch(f"{LINES}abc/", {"quantity": 1}, format="json").status_code == 404
    mine = CartLine.objects.get(cart__user=customer).pk
    for quantity in (-1, 10**12, "x", None):
        assert client.patch(f"{LINES}{mine}/", {"quantity": quantity}, format="json").status_code == 400
    assert client_for(token="not-a-uuid").post(LINES, {"variant": variant.pk, "quantity": 1},
                                                format="json").status_code == 400
    assert _snapshot() == before


def test_viewing_the_cart_costs_the_same_queries_for_one_line_or_five(store, customer):
    category = factories.category(store, "Tout")
    variants = [factories.product(store, f"Produit {n}", category_=category, stock=3).variants.get()
                for n in range(5)]
    client = client_for(customer)
    _line(client, variants[0], 1)
    client.get(CART)  # warm the per-process memos
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(CART).json()["lines"]) == 1
    for variant in variants[1:]:
        _line(client, variant, 1)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(CART).json()["lines"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
    queries = [query["sql"] for query in one.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(queries) <= 8, queries
