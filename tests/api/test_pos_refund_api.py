# ruff: noqa: F811 (the till's fixtures of test_pos_api.py are imported, then asked for by name)
"""Refunds at the till through the API: a ticket's detail says what is still refundable and how it may
go back; a preview gives the amount the refund then records; a refund is made once per Idempotency-Key
(a double click, a retry, two at once); bad input is a 4xx that writes nothing."""

import uuid
from decimal import Decimal

import pytest

from ashopy.pos import invoicing, verification
from ashopy.pos.models import ChainRecord, Ticket
from ashopy.sales.models import Invoice
from tests.api.test_pos_api import (  # noqa: F401 (fixtures)
    POS,
    _signing_key_and_hosts,
    client_for,
    is_error,
    on_hand,
    post_sale,
    scanned,
    session,
    shop,
    till,
    variant,
)
from tests.sales.test_invoices import complete_profile
from tests.threads import run_together

pytestmark = pytest.mark.django_db
BUYER = {"name": "Moussa Fall", "line1": "Rue 10, Point E", "city": "Dakar", "country": "SN"}


def refund_path(ticket_id) -> str:
    return f"{POS}tickets/{ticket_id}/refund/"


def refund(api, ticket_id, body, key=None):
    return api.post(refund_path(ticket_id), body, format="json", HTTP_IDEMPOTENCY_KEY=str(key or uuid.uuid4()))


@pytest.fixture
def sale(till, session, seller, variant, scanned):
    """Two keys (5,900 each) and a mouse (12,000): 23,800 F CFA, 10,000 by card and the rest in cash."""
    body = {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": 2}, {"variant": scanned.pk, "quantity": 1}],
            "payments": [{"method": "card", "amount": "10000"}, {"method": "cash", "amount": "13800"}]}
    answer = post_sale(client_for(seller), body)
    assert answer.status_code == 201, answer.content
    ticket = Ticket.objects.get(pk=answer.json()["ticket"]["id"])
    return ticket, list(ticket.lines.order_by("id").values_list("pk", flat=True))


def test_the_detail_says_what_is_refundable_and_how(sale, seller, till, django_assert_max_num_queries):
    ticket, (keys, mouse) = sale
    api = client_for(seller)
    with django_assert_max_num_queries(9):
        detail = api.get(f"{POS}tickets/{ticket.pk}/")
    assert detail.status_code == 200
    data = detail.json()
    assert data["refundable"] == {str(keys): 2, str(mouse): 1}
    assert data["refund_methods"] == ["cash", "card"] and data["invoice"] is None
    assert refund(api, ticket.pk, {"till": till.pk, "lines": [{"line": keys, "quantity": 1}],
                                   "method": "card"}).status_code == 201
    data = api.get(f"{POS}tickets/{ticket.pk}/").json()
    assert data["refundable"] == {str(keys): 1, str(mouse): 1}
    refund_ticket = Ticket.objects.get(kind="refund")
    data = api.get(f"{POS}tickets/{refund_ticket.pk}/").json()
    assert data["refundable"] == {} and data["refund_methods"] == [] and data["refunds"] == ticket.reference
    # The till's search lists sales only (what may be refunded); refunds apart; a bad kind is a 400.
    assert [row["id"] for row in api.get(f"{POS}tickets/", {"kind": "sale"}).json()["results"]] == [ticket.pk]
    assert [row["id"] for row in api.get(f"{POS}tickets/", {"kind": "refund"}).json()["results"]] == [
        refund_ticket.pk]
    assert api.get(f"{POS}tickets/", {"kind": "gift"}).status_code == 400


def test_the_preview_gives_what_the_refund_records_and_writes_nothing(sale, seller, till, variant, scanned):
    ticket, (keys, mouse) = sale
    api = client_for(seller)
    lines = [{"line": keys, "quantity": 1}, {"line": mouse, "quantity": 1}]
    preview = api.post(f"{refund_path(ticket.pk)}preview/", {"lines": lines}, format="json")
    assert preview.status_code == 200, preview.content
    shown = preview.json()
    assert Decimal(shown["total"]) == -17900
    assert [(line["line"], line["quantity"], Decimal(line["gross"])) for line in shown["lines"]] == [
        (keys, -1, -5900), (mouse, -1, -12000)]
    assert Ticket.objects.count() == 1 and on_hand(variant, till) == 48 and on_hand(scanned, till) == 9
    made = refund(api, ticket.pk, {"till": till.pk, "lines": lines, "method": "cash", "restock": False})
    assert made.status_code == 201 and made.json()["ticket"]["total"] == shown["total"]
    assert on_hand(variant, till) == 48  # not restocked


def test_a_refund_sent_twice_with_its_key_is_made_once(sale, seller, till, variant):
    ticket, (keys, _mouse) = sale
    api = client_for(seller)
    key = uuid.uuid4()
    body = {"till": till.pk, "lines": [{"line": keys, "quantity": 1}], "method": "cash", "reason": "Cassée"}
    first = refund(api, ticket.pk, body, key)
    assert first.status_code == 201, first.content
    again = refund(api, ticket.pk, body, key)  # a double click: one unit is still refundable, yet one refund
    assert again.status_code == 200 and again.json() == first.json()
    assert Ticket.objects.filter(kind="refund").count() == 1 and on_hand(variant, till) == 49
    assert ChainRecord.objects.filter(till=till, kind="refund").count() == 1
    other = dict(body, lines=[{"line": keys, "quantity": 2}])
    is_error(refund(api, ticket.pk, other, key), 409, "idempotency_key_reused")
    is_error(refund(api, ticket.pk, dict(body, method="card"), key), 409, "idempotency_key_reused")
    assert Ticket.objects.filter(kind="refund").count() == 1 and on_hand(variant, till) == 49
    assert verification.verify_till(till).ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_refund(sale, seller, till, variant):
    ticket, (keys, _mouse) = sale
    key = str(uuid.uuid4())
    body = {"till": till.pk, "lines": [{"line": keys, "quantity": 1}], "method": "cash"}
    clients = (client_for(seller), client_for(seller))
    answers = run_together(2, lambda index: refund(clients[index], ticket.pk, body, key))
    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    assert Ticket.objects.filter(kind="refund").count() == 1 and on_hand(variant, till) == 49
    assert verification.verify_till(till).ok


def test_bad_refunds_are_refused_and_change_nothing(store, sale, seller, till, variant, other_manager, other_store):
    ticket, (keys, mouse) = sale
    api = client_for(seller)
    good = {"till": till.pk, "lines": [{"line": keys, "quantity": 1}], "method": "cash"}
    path = refund_path(ticket.pk)
    # The key: missing or not a UUID.
    assert api.post(path, good, format="json").status_code == 400
    assert api.post(path, good, format="json", HTTP_IDEMPOTENCY_KEY="nope").status_code == 400
    # Malformed bodies.
    for body in ({}, dict(good, lines=[]), dict(good, lines=[{"line": keys, "quantity": 0}]),
                 dict(good, lines=[{"line": keys, "quantity": -1}]), dict(good, lines=[{"line": "x", "quantity": 1}]),
                 dict(good, lines=[{"line": 2**63, "quantity": 1}]), dict(good, lines=[{"line": keys,
                                                                                        "quantity": 10**9}]),
                 dict(good, method="bitcoin"), dict(good, till="C1"), dict(good, lines="all"),
                 dict(good, reason="x" * 201), dict(good, reason="a\x00b")):
        assert refund(api, ticket.pk, body).status_code == 400, body
    # More than remains, a line of another ticket, a method the sale did not use, mobile money.
    is_error(refund(api, ticket.pk, dict(good, lines=[{"line": keys, "quantity": 3}])), 400, "refund_refused")
    is_error(refund(api, ticket.pk, dict(good, lines=[{"line": keys, "quantity": 1}, {"line": keys, "quantity": 2}])),
             400, "refund_refused")
    is_error(refund(api, ticket.pk, dict(good, lines=[{"line": 999999, "quantity": 1}])), 400, "refund_refused")
    is_error(refund(api, ticket.pk, dict(good, method="wave")), 400, "mobile_refund_by_cash")
    is_error(refund(api, ticket.pk, dict(good, method="store_credit")), 400, "unknown_payment_method")
    # Unknown tickets, and another store's staff.
    is_error(refund(api, 999999, good), 404)
    is_error(refund(api, 2**63, good), 404)
    is_error(refund(client_for(other_manager, host="b.test"), ticket.pk, good), 404)
    is_error(client_for(other_manager, host="b.test").post(f"{path}preview/", {"lines": good["lines"]},
                                                           format="json"), 404)
    is_error(client_for(other_manager, host="b.test").get(f"{POS}tickets/{ticket.pk}/"), 404)
    assert Ticket.objects.count() == 1 and on_hand(variant, till) == 48
    # The preview refuses what the refund refuses.
    is_error(api.post(f"{path}preview/", {"lines": [{"line": mouse, "quantity": 2}]}, format="json"), 400,
             "refund_refused")
    assert api.post(f"{path}preview/", {"lines": []}, format="json").status_code == 400
    assert api.post(f"{path}preview/", "[", content_type="application/json").status_code == 400
    # A refund ticket is not refunded again.
    made = refund(api, ticket.pk, good)
    assert made.status_code == 201
    refund_id = made.json()["ticket"]["id"]
    refund_line = made.json()["lines"][0]["id"]
    is_error(refund(api, refund_id, dict(good, lines=[{"line": refund_line, "quantity": 1}])), 400,
             "ticket_not_refundable")
    is_error(api.post(f"{refund_path(refund_id)}preview/", {"lines": [{"line": refund_line, "quantity": 1}]},
                      format="json"), 400, "ticket_not_refundable")
    assert Ticket.objects.count() == 2 and on_hand(variant, till) == 49


def test_customers_may_not_preview_or_refund(sale, customer, till):
    ticket, (keys, _mouse) = sale
    body = {"till": till.pk, "lines": [{"line": keys, "quantity": 1}], "method": "cash"}
    is_error(refund(client_for(customer), ticket.pk, body), 403)
    is_error(client_for(customer).post(f"{refund_path(ticket.pk)}preview/", {"lines": body["lines"]},
                                       format="json"), 403)
    is_error(refund(client_for(), ticket.pk, body), 401)
    assert Ticket.objects.count() == 1


def test_a_refund_of_an_invoiced_sale_answers_its_credit_note(store, sale, seller, till, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    complete_profile(store)
    ticket, (keys, _mouse) = sale
    invoice = invoicing.invoice_ticket(user=seller, ticket=ticket, buyer=BUYER)
    api = client_for(seller)
    assert api.get(f"{POS}tickets/{ticket.pk}/").json()["invoice"] == {"id": invoice.pk, "number": invoice.number}
    made = refund(api, ticket.pk, {"till": till.pk, "lines": [{"line": keys, "quantity": 1}], "method": "cash"})
    assert made.status_code == 201, made.content
    note = Invoice.objects.get(credited_invoice=invoice)
    assert made.json()["invoice"] == {"id": note.pk, "number": note.number} and note.number
