"""Invoices and credit notes API: customers read and download only their own issued documents in the request's
store; staff list, invoice, issue, cash, send, remind and credit through the sales services, with the back
office's roles; the accountant's exports. Bad input is a 4xx that changes nothing; reads never write."""

import io
import logging
import smtplib
import socket
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from ashopy.inventory.models import StockMovement
from ashopy.payments.models import Payment
from ashopy.sales import services
from ashopy.sales.models import Invoice, InvoiceEvent, InvoicePayment, SellerProfile
from tests import factories
from tests.api import client_for
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

MINE, STAFF = "/api/v1/invoices/", "/api/v1/staff/invoices/"
JOURNAL, VAT = "/api/v1/staff/accounting/journal/", "/api/v1/staff/accounting/vat-summary/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=50, price="50000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def order_of(store, variant, method):
    """order_of(user, paid=True, quantity=…): an order placed and paid through the checkout services."""

    def make(user, **options):
        options.setdefault("paid", True)
        return factories.placed_order(store, variant, method, user=user, language="fr", **options)

    return make


@pytest.fixture
def invoiced(store, order_of):
    """invoiced(user, quantity=…): an issued invoice (with its stored PDF) of a paid order of `user`."""
    complete_profile(store)

    def make(user, **options):
        return services.invoice_order(order=order_of(user, **options))

    return make


@pytest.fixture
def unpaid_invoice(store, order_of, seller):
    """An issued invoice nothing is paid on yet: a delivered cash-on-delivery order."""
    from ashopy.orders import services as orders

    complete_profile(store)
    order = order_of(factories.UserFactory(email="livraison@example.com"), paid=False,
                     payment_method="cash_on_delivery")
    for step in (orders.process, orders.ship, orders.deliver):
        step(order=order, user=seller, **({"carrier": "DHL", "tracking_number": "T1", "tracking_url": ""}
                                           if step is orders.ship else {}))
    return services.invoice_order(order=order, user=seller)


def _state(invoice) -> tuple:
    """What a refused request must leave as it was."""
    invoice = Invoice.objects.get(pk=invoice.pk)
    return (invoice.state, invoice.number, invoice.amount_paid, invoice.payment_state, invoice.pdf.name,
            invoice.payments.count(), invoice.events.count(), invoice.credit_notes.count(),
            Invoice.objects.count(), StockMovement.objects.count())


# --- the customer's own documents -------------------------------------------------------------


def test_customer_lists_and_reads_only_their_issued_documents(store, other_store, customer, manager, invoiced):
    mine = invoiced(customer, quantity=2)
    note = services.credit(invoice=mine, user=manager, reason="Casse", quantities={mine.lines.first().pk: 1})
    theirs = invoiced(factories.UserFactory(email="autre@example.com"))
    client = client_for(customer)
    listing = client.get(MINE).json()
    assert [row["number"] for row in listing["results"]] == [note.number, mine.number]
    row = listing["results"][1]
    assert {key: row[key] for key in ("kind", "currency", "total", "amount_due", "payment_state", "order")} == {
        "kind": "invoice", "currency": "XOF", "total": str(mine.total.quantize(1)), "amount_due": "0",
        "payment_state": "paid", "order": mine.order.number}
    assert listing["results"][0]["credited_invoice"] == mine.number and listing["results"][0]["kind"] == "credit_note"

    detail = client.get(f"{MINE}{mine.number}/").json()
    assert detail["seller"]["ninea"] == "1234567 2G3" and detail["buyer"]["city"] == "Dakar"
    assert [line["quantity"] for line in detail["lines"]] == ["2.000", "1.000"]
    assert detail["vat"][0]["rate"] == "18.00" and detail["credit_notes"][0]["number"] == note.number
    assert sum(Decimal(rate["gross"]) for rate in detail["vat"]) == Decimal(detail["total"])

    assert client.get(f"{MINE}{theirs.number}/").status_code == 404
    assert client.get(f"{MINE}{theirs.number}/pdf/").status_code == 404
    assert client.get(f"{MINE}NOPE/").json()["code"] == "invoice_not_found"
    assert client_for().get(MINE).status_code == 401
    assert client_for(customer, host="b.test").get(f"{MINE}{mine.number}/").status_code == 404
    assert client_for(customer, host="b.test").get(MINE).json()["count"] == 0


def test_a_draft_is_not_the_customers_business(store, customer, order_of, seller):
    draft = services.draft_for_order(order=order_of(customer), user=seller)
    assert client_for(customer).get(MINE).json()["count"] == 0
    assert client_for(customer).get(f"{MINE}{draft.pk}/").status_code == 404


def test_the_pdf_is_the_stored_file_even_with_slashes_in_the_number(store, customer, invoiced):
    complete_profile(store)
    SellerProfile.objects.filter(store=store).update(invoice_format="FAC/{year}/{number:04d} A?#%")
    invoice = invoiced(customer)
    assert "/" in invoice.number and "?" in invoice.number
    client = client_for(customer)
    url = reverse("api:invoice-pdf", kwargs={"number": invoice.number})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == invoice.pdf.open("rb").read()
    assert response["Content-Disposition"].startswith("attachment")
    detail = client.get(reverse("api:invoice-detail", kwargs={"number": invoice.number}))
    assert detail.status_code == 200 and detail.json()["number"] == invoice.number
    assert client.get(f"{MINE}{invoice.number.split('/')[0]}/pdf/").status_code == 404


def test_a_lost_pdf_file_is_a_clean_error_never_a_new_rendering(store, customer, manager, invoiced, caplog):
    invoice = invoiced(customer)
    invoice.pdf.storage.delete(invoice.pdf.name)
    before = _state(invoice)
    with caplog.at_level(logging.ERROR, logger="ashopy.sales.selectors"):
        response = client_for(customer).get(f"{MINE}{invoice.number}/pdf/")
    assert response.status_code == 409 and response.json()["code"] == "pdf_missing"
    assert invoice.number in caplog.text
    response = client_for(manager).get(f"{STAFF}{invoice.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409 and response["Content-Type"] == "application/json"
    assert _state(invoice) == before


def test_a_lost_pdf_file_is_a_styled_409_page_on_the_web_too(store, customer, manager, invoiced):
    from django.test import Client

    invoice = invoiced(customer)
    invoice.pdf.storage.delete(invoice.pdf.name)
    before = _state(invoice)
    for user, url in ((customer, f"/account/invoices/{invoice.number}.pdf"),
                      (manager, f"/staff/invoices/{invoice.pk}/pdf/")):
        web = Client()
        web.force_login(user)
        response = web.get(url)
        page = response.content.decode()
        assert response.status_code == 409 and 'data-testid="refused"' in page, url
        assert "Le PDF de ce document est introuvable." in page, url
    assert _state(invoice) == before


# --- staff: listing and reading ---------------------------------------------------------------


def test_staff_list_filters(store, customer, seller, invoiced, unpaid_invoice, order_of):
    paid = invoiced(customer)
    draft = services.draft_for_order(order=order_of(factories.UserFactory(email="brouillon@example.com")),
                                     user=seller)
    client = client_for(seller)

    def numbers(**query):
        response = client.get(STAFF, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    issued = sorted([unpaid_invoice.pk, paid.pk], reverse=True)  # the same issue date: newest first
    assert numbers() == [draft.pk, *issued]
    assert numbers(state="draft") == [draft.pk]
    assert numbers(kind="credit_note") == []
    assert numbers(unpaid="true") == [unpaid_invoice.pk]
    assert numbers(payment_state="paid") == [paid.pk]
    assert numbers(overdue="true") == []
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    assert numbers(overdue="true") == [unpaid_invoice.pk]
    assert numbers(customer=customer.pk) == [paid.pk]
    assert numbers(q="BROUILLON@") == [draft.pk]
    assert numbers(q=paid.number) == [paid.pk]
    today = paid.issue_date
    assert numbers(issued_after=today.isoformat(), issued_before=today.isoformat()) == issued
    assert numbers(issued_before=(today - timedelta(days=1)).isoformat()) == []
    for bad in ({"issued_after": "hier"}, {"state": "lost"}, {"kind": "devis"}, {"customer": "-1"},
                {"unpaid": "peut-être"}, {"issued_after": "2026-02-01", "issued_before": "2026-01-01"},
                {"customer": "9" * 30}):
        response = client.get(STAFF, bad)
        assert response.status_code == 400 and response.json()["code"] == "invalid", bad


def test_staff_detail_of_a_draft_writes_nothing(store, customer, seller, order_of):
    draft = services.draft_for_order(order=order_of(customer), user=seller)  # the store has no legal profile yet
    assert not SellerProfile.objects.exists()
    events = InvoiceEvent.objects.count()
    client = client_for(seller)
    detail = client.get(f"{STAFF}{draft.pk}/").json()
    assert detail["state"] == "draft" and detail["number"] == "" and "a valid NINEA for the seller" in detail[
        "missing_mentions"]
    assert detail["actions"] == {"issue": True, "record_payment": False, "send": False, "remind": False,
                                 "credit": False}
    assert detail["events"][0]["code"] == "created" and detail["events"][0]["text"].startswith("Draft made")
    response = client.get(f"{STAFF}{draft.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"{STAFF}{draft.pk}/credit-notes/").json()["credit_notes"] == []
    assert not SellerProfile.objects.exists() and InvoiceEvent.objects.count() == events
    assert not Invoice.objects.get(pk=draft.pk).pdf


def test_staff_permissions_follow_the_back_office(store, customer, seller, manager, store_admin, other_manager,
                                                  invoiced):
    invoice = invoiced(customer)
    before = _state(invoice)
    for user in (seller, manager, store_admin):
        assert client_for(user).get(f"{STAFF}{invoice.pk}/").status_code == 200
    assert client_for().get(STAFF).status_code == 401
    for refused in (customer, other_manager):
        client = client_for(refused)
        assert client.get(STAFF).status_code == 403
        assert client.get(f"{STAFF}{invoice.pk}/").status_code == 403
        assert client.post(f"{STAFF}{invoice.pk}/credit-notes/", {"reason": "x", "amount": "1"},
                           format="json").status_code == 403
        assert client.get(VAT, {"start": "2026-01-01", "end": "2026-01-31"}).status_code == 403
    other = client_for(other_manager, host="b.test")
    assert other.get(STAFF).json()["count"] == 0
    for suffix in ("", "pdf/", "credit-notes/"):
        assert other.get(f"{STAFF}{invoice.pk}/{suffix}").status_code == 404
    for suffix, body in (("issue/", {}), ("payments/", {"amount": "1"}), ("send/", {}), ("remind/", {}),
                         ("credit-notes/", {"reason": "x", "amount": "1"})):
        assert other.post(f"{STAFF}{invoice.pk}/{suffix}", body, format="json").status_code == 404
    # A salesperson reads and cashes; crediting and the accounts are a manager's.
    response = client_for(seller).post(f"{STAFF}{invoice.pk}/credit-notes/", {"reason": "x", "amount": "1"},
                                       format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client_for(seller).get(VAT, {"start": "2026-01-01", "end": "2026-01-31"}).status_code == 403
    assert client_for(seller).get(f"{STAFF}{invoice.pk}/").json()["actions"]["credit"] is False
    assert client_for(manager).get(f"{STAFF}{invoice.pk}/").json()["actions"]["credit"] is True
    assert _state(invoice) == before


# --- staff: invoicing an order, issuing ---------------------------------------------------------


def test_staff_invoice_an_order_as_a_draft_then_issue_it(store, customer, seller, order_of):
    order = order_of(customer)
    client = client_for(seller)
    response = client.post(STAFF, {"order": order.number}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "draft"
    draft_id = response.json()["id"]
    again = client.post(STAFF, {"order": order.number}, format="json")
    assert again.status_code == 200 and again.json()["id"] == draft_id, "one invoice per order"

    response = client.post(f"{STAFF}{draft_id}/issue/")
    assert response.status_code == 400 and response.json()["code"] == "mentions_missing"
    assert "a valid NINEA for the seller" in response.json()["fields"]["missing"]
    complete_profile(store)
    response = client.post(f"{STAFF}{draft_id}/issue/")
    assert response.status_code == 200
    issued = response.json()
    assert issued["state"] == "issued" and issued["number"].startswith("FAC-") and issued["missing_mentions"] == []
    assert Invoice.objects.get(pk=draft_id).pdf
    response = client.post(f"{STAFF}{draft_id}/issue/")
    assert response.status_code == 409 and response.json()["code"] == "already_issued"


def test_staff_invoice_and_issue_at_once_or_nothing(store, customer, seller, order_of):
    order = order_of(customer)
    client = client_for(seller)
    response = client.post(STAFF, {"order": order.number, "issue": True}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "mentions_missing"
    assert not Invoice.objects.exists(), "no draft is left behind"
    complete_profile(store)
    response = client.post(STAFF, {"order": order.number, "issue": True}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "issued"
    unpaid = order_of(customer, paid=False)
    for body, code in (({"order": unpaid.number}, "nothing_to_invoice"), ({"order": "NOPE"}, "invalid"),
                       ({}, "invalid"), ({"order": "x" * 500}, "invalid"), ({"order": ["a"]}, "invalid")):
        response = client.post(STAFF, body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code, body
    assert Invoice.objects.count() == 1


# --- staff: payments ----------------------------------------------------------------------------


def test_partial_payments_add_up_to_paid(seller, unpaid_invoice):
    client = client_for(seller)
    url = f"{STAFF}{unpaid_invoice.pk}/payments/"
    response = client.post(url, {"amount": "10000", "method": "Espèces", "reference": "R1"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["payment_state"] == "partial" and body["amount_paid"] == "10000"
    assert body["payments"][0]["recorded_by"] == seller.email and body["payments"][0]["amount"] == "10000"
    rest = str(unpaid_invoice.total.quantize(1) - 10000)
    response = client.post(url, {"amount": rest}, format="json")  # the invoice's own method
    assert response.status_code == 201 and response.json()["payment_state"] == "paid"
    assert response.json()["amount_due"] == "0" and response.json()["actions"]["record_payment"] is False


def test_bad_payments_are_refused_and_change_nothing(seller, unpaid_invoice, customer, order_of):
    client = client_for(seller)
    url = f"{STAFF}{unpaid_invoice.pk}/payments/"
    before = _state(unpaid_invoice)
    too_much = str(unpaid_invoice.total.quantize(1) + 1)
    for body, code in (({"amount": "-5"}, "invalid_amount"), ({"amount": "0"}, "invalid_amount"),
                       ({"amount": "10.5"}, "invalid_amount"), ({"amount": too_much}, "payment_too_large"),
                       ({"amount": "1e30"}, "invalid"), ({"amount": "9" * 40}, "invalid"),
                       ({"amount": "abc"}, "invalid"), ({"amount": "NaN"}, "invalid"),
                       ({"amount": "Infinity"}, "invalid"), ({"amount": "1.234"}, "invalid"), ({}, "invalid"),
                       ({"amount": "100", "received_on": "2999-01-01"}, "invalid"),
                       ({"amount": "100", "method": "x" * 81}, "invalid"),
                       ({"amount": "100", "method": "a\x00"}, "invalid")):
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code, (body, response.json())
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _state(unpaid_invoice) == before

    draft = services.draft_for_order(order=order_of(customer), user=seller)
    response = client.post(f"{STAFF}{draft.pk}/payments/", {"amount": "100", "method": "Espèces"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_issued"
    assert "Issue the invoice" in response.json()["detail"]
    assert not InvoicePayment.objects.exists()


# --- staff: e-mails -----------------------------------------------------------------------------


def test_send_and_remind_by_email_with_the_stored_pdf(seller, unpaid_invoice):
    client = client_for(seller)
    response = client.post(f"{STAFF}{unpaid_invoice.pk}/send/", {}, format="json")
    assert response.status_code == 200 and response.json()["sent_at"]
    message = mail.outbox[-1]
    assert message.to == ["livraison@example.com"]
    assert message.attachments[0][1] == unpaid_invoice.pdf.open("rb").read()
    response = client.post(f"{STAFF}{unpaid_invoice.pk}/send/", {"to": "compta@example.com"}, format="json")
    assert response.status_code == 200 and mail.outbox[-1].to == ["compta@example.com"]
    assert client.post(f"{STAFF}{unpaid_invoice.pk}/send/", {"to": "pas une adresse"},
                       format="json").status_code == 400

    response = client.post(f"{STAFF}{unpaid_invoice.pk}/remind/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_overdue"
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    response = client.post(f"{STAFF}{unpaid_invoice.pk}/remind/", {}, format="json")
    assert response.status_code == 200 and response.json()["events"][-1]["code"] == "reminded"
    assert len(mail.outbox) == 3


def test_a_draft_is_not_sent(seller, customer, order_of):
    draft = services.draft_for_order(order=order_of(customer), user=seller)
    response = client_for(seller).post(f"{STAFF}{draft.pk}/send/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_sendable"
    assert not mail.outbox


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens there once the probe is closed


def test_a_mail_server_failure_is_a_clean_502_and_nothing_is_recorded(settings, seller, unpaid_invoice):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    before = _state(unpaid_invoice)
    response = client_for(seller).post(f"{STAFF}{unpaid_invoice.pk}/send/", {}, format="json")
    assert response.status_code == 502
    assert response.json() == {"code": "mail_not_sent", "detail": "The e-mail could not be sent. Try again later.",
                               "fields": {}}
    assert _state(unpaid_invoice) == before and Invoice.objects.get(pk=unpaid_invoice.pk).sent_at is None
    assert issubclass(ConnectionRefusedError, OSError) and smtplib.SMTPException  # what the API translates


# --- staff: credit notes ------------------------------------------------------------------------


def test_credit_chosen_quantities_with_restock(store, customer, manager, invoiced, variant):
    invoice = invoiced(customer, quantity=3)
    goods = invoice.lines.get(position=1)
    warehouse = variant.stocks.first().warehouse
    client = client_for(manager)
    url = f"{STAFF}{invoice.pk}/credit-notes/"
    state = client.get(url).json()
    assert state["remaining"] == str(invoice.total.quantize(1))
    assert state["lines"][0] == {"line": goods.pk, "description": goods.description, "quantity": "3.000",
                                 "credited": "0.000", "creditable": "3.000"}
    on_hand = variant.stocks.get(warehouse=warehouse).on_hand
    response = client.post(url, {"reason": "Retour", "lines": [{"line": goods.pk, "quantity": "2"}],
                                 "restock_warehouse": warehouse.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    note = body["credit_note"]
    assert note["kind"] == "credit_note" and note["state"] == "issued" and note["credited_invoice"] == invoice.number
    assert note["reason"] == "Retour" and body["refunded"] is False and body["warning"] == ""
    assert variant.stocks.get(warehouse=warehouse).on_hand == on_hand + 2
    state = client.get(url).json()
    assert state["lines"][0]["credited"] == "2.000" and state["lines"][0]["creditable"] == "1.000"
    assert [row["number"] for row in state["credit_notes"]] == [note["number"]]
    assert client_for(customer).get(f"{MINE}{note['number']}/pdf/").status_code == 200


def test_credit_an_amount_with_a_refund(store, customer, manager, invoiced):
    invoice = invoiced(customer)
    response = client_for(manager).post(f"{STAFF}{invoice.pk}/credit-notes/",
                                         {"reason": "Geste commercial", "amount": "1180", "refund": True},
                                         format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["credit_note"]["total"] == "1180" and body["refunded"] is True
    assert body["credit_note"]["payment_state"] == "paid"
    assert Payment.objects.get(order=invoice.order).refunded_amount == Decimal(1180)


def test_bad_credit_notes_are_refused_and_change_nothing(store, other_store, customer, seller, manager, invoiced,
                                                         order_of):
    invoice = invoiced(customer, quantity=2)
    goods = invoice.lines.get(position=1)
    foreign = factories.product(other_store, "Ailleurs", stock=1).variants.get().stocks.first().warehouse
    url = f"{STAFF}{invoice.pk}/credit-notes/"
    client = client_for(manager)
    before = _state(invoice)
    too_much = str(invoice.total.quantize(1) + 1)
    for body, code in (
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "3"}]}, "credit_too_large"),
            ({"reason": "x", "amount": too_much}, "credit_too_large"),
            ({"reason": "x", "amount": "-100"}, "invalid_amount"),
            ({"reason": "x", "amount": "0"}, "nothing_to_credit"),
            ({"reason": "x", "amount": "99.5"}, "invalid_amount"),
            ({"reason": "x", "amount": "1e40"}, "invalid"),
            ({"reason": "x", "amount": "beaucoup"}, "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "-1"}]}, "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "0.0001"}]}, "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "1e20"}]}, "invalid"),
            ({"reason": "x", "lines": [{"line": 999999, "quantity": "1"}]}, "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "1"}, {"line": goods.pk, "quantity": "1"}]},
             "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "1"}], "amount": "100"}, "invalid"),
            ({"reason": "x"}, "invalid"),
            ({"lines": [{"line": goods.pk, "quantity": "1"}]}, "invalid"),
            ({"reason": "x", "amount": "100", "restock_warehouse": foreign.pk}, "invalid"),
            ({"reason": "x", "lines": [{"line": goods.pk, "quantity": "1"}], "restock_warehouse": foreign.pk},
             "invalid"),
            ({"reason": "x", "lines": "tout"}, "invalid")):
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code, (body, response.json())
    assert _state(invoice) == before

    draft = services.draft_for_order(order=order_of(customer), user=seller)
    response = client.post(f"{STAFF}{draft.pk}/credit-notes/", {"reason": "x", "amount": "100"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_issued"
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 0


# --- exports -------------------------------------------------------------------------------------


def test_journal_and_vat_summary_reconcile_to_the_invoices(store, customer, manager, invoiced):
    invoice = invoiced(customer, quantity=2)
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1180))
    day = invoice.issue_date.isoformat()
    client = client_for(manager)
    response = client.get(JOURNAL, {"start": day, "end": day, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="journal-{store.slug}-' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Issue date,Number,Kind") and len(lines) == 3
    rows = {line.split(",")[1]: line.split(",") for line in lines[1:]}
    assert rows[invoice.number][11] == f"{invoice.total:.0f}" and rows[note.number][6] == invoice.number
    assert rows[note.number][9:12] == [f"-{note.total_net:.0f}", f"-{note.total_tax:.0f}", "-1180"]

    response = client.get(JOURNAL, {"start": day, "end": day, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(row[11])) for row in rows) == invoice.total - note.total

    summary = client.get(VAT, {"start": day, "end": day}).json()
    assert summary["currency"] == "XOF" and summary["rates"][0]["rate"] == "18.00"
    assert summary["total"]["invoices"]["gross"] == str(invoice.total.quantize(1))
    assert summary["total"]["credit_notes"]["gross"] == "-1180"
    assert Decimal(summary["total"]["net"]["gross"]) == invoice.total - note.total


def test_exports_refuse_bad_periods(manager):
    client = client_for(manager)
    for url in (JOURNAL, VAT):
        for query, code in (({"start": "2026-02-01", "end": "2026-01-01"}, "invalid_period"),
                            ({"start": "2024-01-01", "end": "2026-01-01"}, "period_too_long"),
                            ({"start": "hier", "end": "2026-01-01"}, "invalid"), ({}, "invalid")):
            response = client.get(url, query)
            assert response.status_code == 400 and response.json()["code"] == code, (url, query)
    response = client.get(JOURNAL, {"start": "2026-01-01", "end": "2026-01-31", "format": "pdf"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


# --- query budgets ------------------------------------------------------------------------------


def _issued_documents(store, customer, count):
    """`count` issued invoices of `customer` made with the ORM (the lists read only the invoice rows)."""
    from tests.sales.conftest import SENEGALESE_BUYER, SENEGALESE_LINES, SENEGALESE_SELLER, make_invoice

    for index in range(count):
        invoice = make_invoice(store, seller=SENEGALESE_SELLER, buyer=SENEGALESE_BUYER, lines=SENEGALESE_LINES)
        invoice.customer, invoice.number = customer, f"FAC-2026-{index + 900:06d}"
        invoice.issue_date, invoice.due_date = date(2026, 12, 5), date(2026, 12, 20)
        invoice.issue()
        invoice.save()


@pytest.mark.parametrize("count", [1, 12])
def test_lists_cost_the_same_queries_whatever_their_rows(store, customer, manager, count,
                                                         django_assert_max_num_queries):
    _issued_documents(store, customer, count)
    mine, staff = client_for(customer), client_for(manager)
    with django_assert_max_num_queries(6):
        assert mine.get(MINE).json()["count"] == count
    with django_assert_max_num_queries(7):
        assert staff.get(STAFF, {"unpaid": "true", "q": "Diop"}).json()["count"] == count
