"""The till through the API (/api/v1/pos/): staff of the request's store open a session, sell with split
tender and an Idempotency-Key, reprint, refund, close with a blind count, read the report, the closures
and the chain check. The services decide; bad input is a 400 that writes nothing; another store's till,
session or ticket is a 404; customers and anonymous callers are refused."""

import uuid
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.inventory.models import Stock
from ashopy.pos import closures, services, signing, triggers
from ashopy.pos.models import CashMovement, ChainRecord, Duplicate, Ticket, TicketLine, TillSession
from tests import factories
from tests.threads import run_together

pytestmark = pytest.mark.django_db
POS = "/api/v1/pos/"
SALES = f"{POS}sales/"
BARCODE = "4006381333931"


def client_for(user=None, host="testserver") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"} and body["detail"]
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture(autouse=True)
def _signing_key_and_hosts(settings):
    settings.POS_SIGNING_KEYS = {"*": signing.new_seed()}
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]


@pytest.fixture
def shop(store):
    return factories.warehouse(store, "shop", kind="shop", priority=2)


@pytest.fixture
def till(store, shop, manager):
    return services.save_till(user=manager, store=store, code="c1", name="Caisse 1", warehouse=shop)


@pytest.fixture
def session(till, seller):
    return services.open_session(user=seller, till=till, opening_float={"1000": 10, "500": 4})


@pytest.fixture
def variant(store, shop):
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    factories.receive(variant, 50, warehouse_=shop)
    return variant


@pytest.fixture
def scanned(store, shop):
    """A second product, sold by scanning its barcode."""
    variant = factories.product(store, "Souris sans fil", price="12000").variants.get()
    variant.barcode = BARCODE
    variant.save(update_fields=["barcode"])
    factories.receive(variant, 10, warehouse_=shop)
    return variant


def sale_body(till, variant, quantity=1, **extra) -> dict:
    amount = str(variant.price * quantity)
    return {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": quantity}],
            "payments": [{"method": "cash", "amount": amount}], **extra}


def post_sale(api, body, key=None):
    return api.post(SALES, body, format="json", HTTP_IDEMPOTENCY_KEY=str(key or uuid.uuid4()))


def on_hand(variant, till) -> int:
    return Stock.objects.get(variant=variant, warehouse=till.warehouse).on_hand


def test_a_day_at_the_till_through_the_api(store, till, seller, customer, variant, scanned):
    api = client_for(seller)
    tills = api.get(f"{POS}tills/")
    assert tills.status_code == 200 and tills.json() == [
        {"id": till.pk, "code": "c1", "name": "Caisse 1", "warehouse": "shop", "active": True, "session": None}]

    opened = api.post(f"{POS}tills/{till.pk}/sessions/", {"opening_float": {"1000": 10, "500": 4}}, format="json")
    assert opened.status_code == 201, opened.content
    session = opened.json()
    assert session["state"] == "open" and Decimal(session["opening_total"]) == 12000
    assert session["expected"] == {} and session["cashier"] == seller.email
    assert api.get(f"{POS}tills/").json()[0]["session"]["id"] == session["id"]
    is_error(api.post(f"{POS}tills/{till.pk}/sessions/", {"opening_float": {}}, format="json"), 409,
             "session_already_open")
    moved = api.post(f"{POS}sessions/{session['id']}/cash-movements/",
                     {"direction": "out", "amount": "2000", "reason": "Monnaie pour la caisse 2"}, format="json")
    assert moved.status_code == 201 and moved.json()["direction"] == "out"

    # 2 keys by id and a mouse by its barcode: 23 800 F CFA, 10 000 by card, 15 000 cash → 1 200 change.
    body = {"till": till.pk, "customer": customer.pk,
            "lines": [{"variant": variant.pk, "quantity": 2}, {"code": BARCODE, "quantity": 1}],
            "payments": [{"method": "card", "amount": "10000"}, {"method": "cash", "amount": "15000"}]}
    sold = post_sale(api, body)
    assert sold.status_code == 201, sold.content
    answer = sold.json()
    ticket = answer["ticket"]
    assert ticket["reference"] == "C1-000001" and ticket["kind"] == "sale" and ticket["customer"] == customer.pk
    assert Decimal(ticket["total"]) == 23800 and Decimal(ticket["total_net"]) + Decimal(ticket["total_tax"]) == 23800
    assert list(answer["vat"]) == ["18.00"] and Decimal(answer["vat"]["18.00"]["gross"]) == 23800
    assert [(p["method"], Decimal(p["amount"]), Decimal(p["tendered"]), Decimal(p["change_given"]))
            for p in answer["payments"]] == [("cash", 13800, 15000, 1200), ("card", 10000, 0, 0)]
    assert Decimal(answer["change"]) == 1200
    assert all(Decimal(p["amount"]) == Decimal(p["amount"]).to_integral_value() for p in answer["payments"])
    record = ChainRecord.objects.get(till=till, kind="sale", object_id=ticket["id"])
    assert answer["signature_start"] == record.signature[:4] and len(answer["signature_start"]) == 4
    assert answer["software_version"] == record.software_version
    assert on_hand(variant, till) == 48 and on_hand(scanned, till) == 9

    detail = api.get(f"{POS}tickets/{ticket['id']}/")
    assert detail.status_code == 200
    receipt = detail.json()
    assert receipt["ticket"] == ticket and receipt["store"] == store.name and receipt["duplicate"] is None
    assert {key: receipt[key] for key in ("vat", "payments", "change", "signature_start")} == {
        key: answer[key] for key in ("vat", "payments", "change", "signature_start")}
    assert [(line["sku"], line["quantity"]) for line in receipt["lines"]] == [(variant.sku, 2), (scanned.sku, 1)]
    duplicate = api.post(f"{POS}tickets/{ticket['id']}/duplicate/")
    assert duplicate.status_code == 201 and duplicate.json()["duplicate"] == 1
    assert api.post(f"{POS}tickets/{ticket['id']}/duplicate/").json()["duplicate"] == 2

    mouse_line = receipt["lines"][1]["id"]
    refunded = api.post(f"{POS}tickets/{ticket['id']}/refund/",
                        {"till": till.pk, "lines": [{"line": mouse_line, "quantity": 1}], "method": "cash",
                         "restock": True, "reason": "Ne fonctionne pas"}, format="json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert refunded.status_code == 201, refunded.content
    refund = refunded.json()
    assert refund["ticket"]["kind"] == "refund" and refund["refunds"] == "C1-000001"
    assert Decimal(refund["ticket"]["total"]) == -12000 and on_hand(scanned, till) == 10
    is_error(api.post(f"{POS}tickets/{ticket['id']}/refund/",
                      {"till": till.pk, "lines": [{"line": mouse_line, "quantity": 1}], "method": "cash"},
                      format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())), 400, "refund_refused")

    found = api.get(f"{POS}tickets/", {"q": "C1-000001"}).json()
    assert [row["reference"] for row in found["results"]] == ["C1-000001"]
    today = timezone.localdate(timezone=ZoneInfo(store.timezone))
    by_customer = api.get(f"{POS}tickets/", {"customer": customer.pk}).json()
    assert {row["reference"] for row in by_customer["results"]} == {"C1-000001", "C1-000002"}
    assert api.get(f"{POS}tickets/", {"date": today.isoformat()}).json()["count"] == 2
    assert api.get(f"{POS}tickets/", {"date": (today - timedelta(days=1)).isoformat()}).json()["count"] == 0
    is_error(api.get(f"{POS}tickets/", {"date": "hier"}), 400)

    is_error(api.get(f"{POS}sessions/{session['id']}/report/"), 409, "session_open")
    # Blind count: cash = float 12 000 − 2 000 out + 13 800 sold − 12 000 refunded = 11 800; counted 11 700.
    closed = api.post(f"{POS}sessions/{session['id']}/close/",
                      {"counted": {"cash": "11700", "card": "10000"}, "note": "Pièce de 100 perdue"}, format="json")
    assert closed.status_code == 200, closed.content
    closing = closed.json()
    assert closing["state"] == "closed" and closing["closed_by"] == seller.email
    assert {method: Decimal(value) for method, value in closing["expected"].items()} == {"cash": 11800, "card": 10000}
    assert {method: Decimal(value) for method, value in closing["differences"].items()} == {"cash": -100, "card": 0}
    report = api.get(f"{POS}sessions/{session['id']}/report/")
    assert report.status_code == 200, report.content
    figures = report.json()
    assert figures["sales"] == {"count": 1, "total": "23800.00"} and figures["refunds"]["count"] == 1
    assert {m: Decimal(v) for m, v in figures["payments"].items()} == {"cash": 1800, "card": 10000}
    assert Decimal(figures["vat"]["18.00"]["gross"]) == 11800 and len(figures["cash_movements"]) == 1
    is_error(post_sale(api, sale_body(till, variant)), 409, "session_closed")

    closures.close_due(now=timezone.now() + timedelta(days=2))
    listed = api.get(f"{POS}closures/", {"till": till.pk})
    assert listed.status_code == 200 and listed.json()["count"] >= 1
    assert {row["kind"] for row in listed.json()["results"]} >= {"daily"}
    verified = api.get(f"{POS}chain/verify/", {"till": till.pk})
    assert verified.status_code == 200, verified.content
    check = verified.json()
    assert check["ok"] is True and check["tills"][0]["failure"] is None
    assert check["tills"][0]["records"] == ChainRecord.objects.filter(till=till).count() >= 6


def test_the_chain_check_names_the_first_altered_record(till, session, seller, variant):
    api = client_for(seller)
    first = post_sale(api, sale_body(till, variant)).json()["ticket"]
    post_sale(api, sale_body(till, variant))
    with transaction.atomic(), triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE pos_ticketline SET quantity = 3 WHERE ticket_id = %s", [first["id"]])
    check = api.get(f"{POS}chain/verify/").json()
    record = ChainRecord.objects.get(till=till, kind="sale", object_id=first["id"])
    assert check["ok"] is False
    assert check["tills"][0]["failure"]["sequence"] == record.sequence == 1
    assert check["tills"][0]["failure"]["record_id"] == record.pk


def test_the_same_idempotency_key_makes_one_ticket(till, session, seller, variant):
    api, key = client_for(seller), uuid.uuid4()
    body = sale_body(till, variant, 2)
    first = post_sale(api, body, key)
    again = post_sale(api, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Ticket.objects.filter(idempotency_key=key).count() == 1 and on_hand(variant, till) == 48

    other_body = is_error(post_sale(api, sale_body(till, variant, 3), key), 409, "idempotency_key_reused")
    assert other_body["detail"]
    other_payment = dict(body, payments=[{"method": "cash", "amount": "20000"}])
    is_error(post_sale(api, other_payment, key), 409, "idempotency_key_reused")
    assert Ticket.objects.count() == 1 and on_hand(variant, till) == 48


def test_a_key_reused_at_another_till_is_a_conflict(store, manager, till, session, seller, variant):
    second = services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=till.warehouse)
    services.open_session(user=seller, till=second, opening_float={})
    api, key = client_for(seller), uuid.uuid4()
    assert post_sale(api, sale_body(till, variant), key).status_code == 201
    is_error(post_sale(api, sale_body(second, variant), key), 409, "idempotency_key_reused")
    assert Ticket.objects.count() == 1


def test_an_offline_sale_synced_after_the_closing_still_answers_its_ticket(till, session, seller, variant):
    api, key = client_for(seller), uuid.uuid4()
    made = post_sale(api, sale_body(till, variant), key)
    services.close_session(user=seller, session=session, counted={"cash": "0"})
    replayed = post_sale(api, sale_body(till, variant), key)
    assert replayed.status_code == 200 and replayed.json()["ticket"]["id"] == made.json()["ticket"]["id"]


def test_a_sale_answers_what_its_replay_reads_back(till, session, seller, variant):
    """The answer of a sale made now is built from what was written; the replay's is read from the database:
    they are the same, payments, change, signature and software version included."""
    api, key = client_for(seller), uuid.uuid4()
    body = {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": 3}],
            "payments": [{"method": "card", "amount": "10000"}, {"method": "cash", "amount": "10000"}]}
    made = post_sale(api, body, key)
    replayed = post_sale(api, body, key)
    assert (made.status_code, replayed.status_code) == (201, 200)
    assert made.json() == replayed.json()
    record = ChainRecord.objects.get(till=till, object_id=made.json()["ticket"]["id"])
    assert made.json()["signature_start"] == record.signature[:4]
    assert made.json()["change"] == "2300.00"  # 3 × 5,900 = 17,700: 10,000 by card, 10,000 in cash
    assert [(p["method"], p["amount"], p["tendered"], p["change_given"]) for p in made.json()["payments"]] == [
        ("cash", "7700.00", "10000.00", "2300.00"), ("card", "10000.00", "0.00", "0.00")]


@pytest.mark.parametrize("header", [None, "", "not-a-uuid", "1234"])
def test_a_sale_needs_a_uuid_idempotency_key(till, session, seller, variant, header):
    extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}
    body = is_error(client_for(seller).post(SALES, sale_body(till, variant), format="json", **extra), 400)
    assert "Idempotency-Key" in body["fields"]
    assert not Ticket.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_from_two_tabs_at_once_makes_one_ticket(till, session, seller, variant):
    key, body = uuid.uuid4(), sale_body(till, variant)

    def work(index):
        response = post_sale(client_for(seller), body, key)
        return response.status_code, response.json()["ticket"]["id"]

    results = run_together(2, work)
    assert sorted(status for status, _id in results) == [200, 201]
    assert len({ticket for _status, ticket in results}) == 1
    assert Ticket.objects.filter(idempotency_key=key).count() == 1 and on_hand(variant, till) == 49


def test_another_stores_tills_sessions_and_tickets_are_not_found(store, other_store, other_manager, till, session,
                                                                 seller, variant):
    ticket = post_sale(client_for(seller), sale_body(till, variant)).json()["ticket"]
    api = client_for(other_manager, host="b.test")
    assert api.get(f"{POS}tills/").json() == []
    is_error(api.post(f"{POS}tills/{till.pk}/sessions/", {"opening_float": {}}, format="json"), 404)
    is_error(api.post(f"{POS}sessions/{session.pk}/cash-movements/",
                      {"direction": "in", "amount": "5", "reason": "x"}, format="json"), 404)
    is_error(api.post(f"{POS}sessions/{session.pk}/close/", {"counted": {}}, format="json"), 404)
    is_error(api.get(f"{POS}sessions/{session.pk}/report/"), 404)
    is_error(post_sale(api, sale_body(till, variant)), 404)
    is_error(api.get(f"{POS}tickets/{ticket['id']}/"), 404)
    is_error(api.post(f"{POS}tickets/{ticket['id']}/duplicate/"), 404)
    is_error(api.post(f"{POS}tickets/{ticket['id']}/refund/",
                      {"till": till.pk, "lines": [{"line": 1, "quantity": 1}], "method": "cash"}, format="json",
                      HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())), 404)
    assert api.get(f"{POS}tickets/").json()["count"] == 0
    is_error(api.get(f"{POS}chain/verify/", {"till": till.pk}), 404)
    assert api.get(f"{POS}closures/", {"till": till.pk}).json()["count"] == 0
    assert TillSession.objects.get(pk=session.pk).state == "open" and Ticket.objects.count() == 1
    assert not Duplicate.objects.exists() and not CashMovement.objects.exists()


@pytest.mark.parametrize("method, path", [("get", "tills/"), ("post", "sales/"), ("get", "tickets/"),
                                          ("get", "closures/"), ("get", "chain/verify/")])
def test_customers_and_anonymous_callers_are_refused(customer, till, session, variant, method, path):
    is_error(getattr(client_for(customer), method)(f"{POS}{path}", {}, format="json"), 403)
    is_error(getattr(client_for(), method)(f"{POS}{path}", {}, format="json"), 401)


BAD_SALES = {
    "negative quantity": lambda t, v: sale_body(t, v) | {"lines": [{"variant": v.pk, "quantity": -1}]},
    "zero quantity": lambda t, v: sale_body(t, v) | {"lines": [{"variant": v.pk, "quantity": 0}]},
    "unknown variant": lambda t, v: sale_body(t, v) | {"lines": [{"variant": 99999999, "quantity": 1}]},
    "huge variant id": lambda t, v: sale_body(t, v) | {"lines": [{"variant": 10**30, "quantity": 1}]},
    "unknown barcode": lambda t, v: sale_body(t, v) | {"lines": [{"code": "0000000000000", "quantity": 1}]},
    "variant and code": lambda t, v: sale_body(t, v) | {"lines": [{"variant": v.pk, "code": v.sku, "quantity": 1}]},
    "no lines": lambda t, v: sale_body(t, v) | {"lines": []},
    "not covered": lambda t, v: sale_body(t, v) | {"payments": [{"method": "cash", "amount": "5000"}]},
    "card over the total": lambda t, v: sale_body(t, v) | {"payments": [{"method": "card", "amount": "9000"}]},
    "centimes in XOF": lambda t, v: sale_body(t, v) | {"payments": [{"method": "cash", "amount": "5900.50"}]},
    "negative payment": lambda t, v: sale_body(t, v) | {"payments": [{"method": "cash", "amount": "-5900"}]},
    "huge payment": lambda t, v: sale_body(t, v) | {"payments": [{"method": "cash", "amount": "1e40"}]},
    "huge quantity": lambda t, v: sale_body(t, v) | {"lines": [{"variant": v.pk, "quantity": 10**12}]},
    "unknown method": lambda t, v: sale_body(t, v) | {"payments": [{"method": "cheque", "amount": "5900"}]},
    "no payments": lambda t, v: sale_body(t, v) | {"payments": []},
    "discount without reason": lambda t, v: sale_body(t, v) | {"discount_percent": "5"},
    "discount over 100": lambda t, v: sale_body(t, v) | {"discount_percent": "150", "discount_reason": "x"},
    "unknown customer": lambda t, v: sale_body(t, v) | {"customer": 99999999},
    "till as text": lambda t, v: sale_body(t, v) | {"till": "c1"},
    "lines not a list": lambda t, v: sale_body(t, v) | {"lines": {"variant": v.pk}},
}


@pytest.mark.parametrize("case", BAD_SALES)
def test_bad_sales_are_400_and_write_nothing(till, session, seller, variant, case):
    records = ChainRecord.objects.count()
    body = is_error(post_sale(client_for(seller), BAD_SALES[case](till, variant)), 400)
    assert body["fields"], body
    assert not Ticket.objects.exists() and not TicketLine.objects.exists()
    assert ChainRecord.objects.count() == records and on_hand(variant, till) == 50


def test_malformed_json_is_a_400_that_writes_nothing(till, session, seller, variant):
    api = client_for(seller)
    for raw in (b'{"till": ', b"[1, 2", b'{"till": NaN}', b"\xff\xfe"):
        response = api.post(SALES, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        is_error(response, 400)
    assert not Ticket.objects.exists()


def test_bad_session_inputs_are_400(till, session, seller):
    api = client_for(seller)
    is_error(api.post(f"{POS}sessions/{session.pk}/cash-movements/",
                      {"direction": "in", "amount": "10.5", "reason": "Fonds"}, format="json"), 400, "invalid_amount")
    is_error(api.post(f"{POS}sessions/{session.pk}/cash-movements/",
                      {"direction": "sideways", "amount": "10", "reason": "Fonds"}, format="json"), 400)
    is_error(api.post(f"{POS}sessions/{session.pk}/close/", {"counted": {"bitcoin": "1"}}, format="json"), 400)
    is_error(api.post(f"{POS}sessions/{session.pk}/close/", {"counted": {"cash": "1e30"}}, format="json"), 400)
    is_error(api.post(f"{POS}sessions/{10**30}/close/", {"counted": {}}, format="json"), 404)
    assert TillSession.objects.get(pk=session.pk).state == "open" and not CashMovement.objects.exists()


def test_a_sale_through_the_api_stays_within_its_query_budget(till, session, seller, customer, variant, scanned,
                                                             django_assert_max_num_queries):
    """14 for a sale by variant ids: the token's user, the role, the till's session and the service's 11 (its
    transaction's two statements included); the answer's payments and signature are the ones just written.
    Scanned codes cost one query for all of a sale's codes, a customer one. A replayed key reads its ticket
    and the answer."""
    api = client_for(seller)
    post_sale(api, sale_body(till, variant))  # warm the per-process caches (store by host, signing key)
    with django_assert_max_num_queries(14):
        assert post_sale(api, sale_body(till, variant, 3)).status_code == 201
    body = {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": 2}, {"variant": scanned.pk, "quantity": 1}],
            "payments": [{"method": "card", "amount": "10000"}, {"method": "cash", "amount": "15000"}]}
    with django_assert_max_num_queries(14):
        assert post_sale(api, body).status_code == 201
    body = dict(body, customer=customer.pk, lines=[{"variant": variant.pk, "quantity": 2},
                                                   {"code": BARCODE, "quantity": 1}])
    with django_assert_max_num_queries(16):
        assert post_sale(api, body).status_code == 201
