# ruff: noqa: F811 (the till API fixtures of test_pos_api.py are imported, then asked for by name)
"""Promo codes and the pricing preview through the till's API: POST /api/v1/pos/sessions/<id>/price/ answers
the amounts the sale then records (segment price, discounts, code) in a bounded number of queries and
writes nothing; a sale with a code keeps it; bad codes are 4xx naming the `code` field, nothing recorded."""

import uuid

import pytest

from ashopy.pos import services
from ashopy.pos.models import Ticket
from ashopy.promotions.models import PromoCode, Redemption
from tests import factories
from tests.api.test_pos_api import POS, SALES, _signing_key_and_hosts, client_for, is_error, shop  # noqa: F401
from tests.promotions.codes_helpers import promo_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(store, shop, manager, seller):
    till = services.save_till(user=manager, store=store, code="c1", name="Caisse 1", warehouse=shop)
    return services.open_session(user=seller, till=till, opening_float={})


@pytest.fixture
def variant(store, shop):
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    factories.receive(variant, 50, warehouse_=shop)
    return variant


def price_url(session) -> str:
    return f"{POS}sessions/{session.pk}/price/"


def basket(variant, quantity=2, **extra) -> dict:
    return {"lines": [{"variant": variant.pk, "quantity": quantity}], **extra}


def test_the_preview_prices_a_segment_customer_with_a_code_as_the_sale_records_it(
        store, session, seller, variant, customer):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    promo_code(store, "CAISSE10", value="10")
    body = basket(variant, customer=customer.pk, code="caisse10", discount_percent="5", discount_reason="Fidèle")
    answer = client_for(seller).post(price_url(session), body, format="json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    line = data["lines"][0]
    assert (line["unit_price"], line["code_discount"]) == ("5310.00", "1062.00")  # 10 620, the code's 10 %
    assert data["code"] == {"code": "CAISSE10", "applied": True, "discount": "1062.00", "error": "", "error_code": ""}
    assert data["total"] == "9080.00" and set(data["vat"]) == {"18.00"}  # 9 558, then the ticket's 5 %
    assert not Ticket.objects.exists() and not Redemption.objects.exists()
    sale = {**body, "till": session.till_id, "payments": [{"method": "cash", "amount": data["total"]}]}
    made = client_for(seller).post(SALES, sale, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert made.status_code == 201, made.content
    ticket = made.json()["ticket"]
    assert (ticket["total"], ticket["promo_code"], ticket["total_discount"]) == (
        data["total"], "CAISSE10", data["total_discount"])
    receipt = client_for(seller).get(f"{POS}tickets/{ticket['id']}/").json()
    assert [line["code_discount"] for line in receipt["lines"]] == ["1062.00"]


def test_a_refused_code_is_answered_by_the_preview_and_refuses_the_sale(store, session, seller, variant):
    promo_code(store, "PORT", kind=PromoCode.Kind.FREE_SHIPPING)
    promo_code(factories.StoreFactory(slug="autre", domain="autre.test"), "AILLEURS")
    for text, error_code in (("PORT", "code_free_shipping_at_till"), ("ailleurs", "code_unknown"),
                             ("NOPE", "code_unknown")):
        answer = client_for(seller).post(price_url(session), basket(variant, code=text), format="json")
        assert answer.status_code == 200
        code = answer.json()["code"]
        assert (code["applied"], code["error_code"], code["discount"]) == (False, error_code, "0.00")
        assert answer.json()["total"] == "11800.00" and code["error"]
        sale = {**basket(variant, code=text), "till": session.till_id,
                "payments": [{"method": "cash", "amount": "11800"}]}
        refused = client_for(seller).post(SALES, sale, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        body = is_error(refused, 400, error_code)
        assert body["fields"] == {"code": [body["detail"]]}
    assert not Ticket.objects.exists() and not Redemption.objects.exists()


@pytest.mark.parametrize("code", ["X" * 41, "A\x00B", True, ["A"], {"a": 1}])
def test_a_malformed_code_is_a_400(session, seller, variant, code):
    answer = client_for(seller).post(price_url(session), basket(variant, code=code), format="json")
    assert answer.status_code == 400 and "code" in answer.json()["fields"], answer.content
    sale = {**basket(variant, code=code), "till": session.till_id, "payments": [{"method": "cash", "amount": "11800"}]}
    refused = client_for(seller).post(SALES, sale, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert refused.status_code == 400 and not Ticket.objects.exists()


def test_the_preview_refuses_what_the_sale_refuses(store, other_store, session, seller, customer, variant):
    for body, status in ((basket(variant, discount_percent="50", discount_reason="Ami"), 403),  # above the cap
                         (basket(variant, discount_percent="5"), 400),  # no reason
                         ({"lines": []}, 400),
                         ({"lines": [{"variant": 999999, "quantity": 1}]}, 400),
                         (basket(variant, customer=999999), 400)):
        assert client_for(seller).post(price_url(session), body, format="json").status_code == status
    assert client_for(customer).post(price_url(session), basket(variant), format="json").status_code == 403
    assert client_for().post(price_url(session), basket(variant), format="json").status_code == 401
    assert client_for(seller).post(f"{POS}sessions/999999/price/", basket(variant), format="json").status_code == 404
    stranger = factories.staff(other_store, "vendeur", email="paris@example.com")
    answer = client_for(stranger, host="b.test").post(price_url(session), basket(variant), format="json")
    assert answer.status_code == 404


def test_the_preview_reads_a_bounded_number_of_rows(store, shop, session, seller, customer,
                                                    django_assert_max_num_queries):
    code = promo_code(store, "CABLES", kind=PromoCode.Kind.ITEMS_PERCENT, value="10", max_uses=100,
                      max_uses_per_customer=3)
    category = factories.category(store, "Câbles")
    code.categories.add(category)
    variants = [factories.product(store, f"Câble {n}", price="1000", category_=category).variants.get()
                for n in range(12)]
    body = {"lines": [{"variant": v.pk, "quantity": 1} for v in variants], "customer": customer.pk,
            "code": "CABLES", "discount_percent": "5", "discount_reason": "Fidèle"}
    api = client_for(seller)
    # The caller, the store, the role, the session; the customer; taxes, segment discounts, promotions; the
    # variants; the code, its uses, its products and categories: none per line (12 here).
    with django_assert_max_num_queries(14):
        answer = api.post(price_url(session), body, format="json")
    assert answer.status_code == 200 and answer.json()["code"]["discount"] == "1200.00"
