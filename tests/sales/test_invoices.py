"""Invoices of paid orders: issued once per order, gap-free numbers, legal mentions, frozen once issued."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ashopy.core import events
from ashopy.orders import services as orders
from ashopy.sales import services
from ashopy.sales.errors import AlreadyIssued, MentionsMissing, NothingToInvoice, PaymentTooLarge
from ashopy.sales.models import Invoice, InvoiceLine, IssuedInvoiceError, SellerProfile
from tests import factories
from tests.threads import run_together

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and triggers")


def complete_profile(store):
    """Everything the law asks the seller's side of an invoice to say, for the store's country."""
    french = str(store.country) == "FR"
    store.legal_name = "Paris Mode SAS" if french else "Dakar Tech SARL"
    store.address, store.city = ("12 rue de Rivoli", "Paris") if french else ("12 rue Carnot", "Dakar")
    store.postal_code = "75001" if french else "10000"
    store.save()
    legal = ({"legal_form": "SAS", "siren": "303265045", "vat_number": "FR40303265045", "share_capital": "10 000 €"}
             if french else {"legal_form": "SARL", "ninea": "1234567 2G3", "rccm": "SN-DKR-2020-B-12345"})
    SellerProfile.objects.update_or_create(store=store, defaults=legal)
    return store


@pytest.fixture
def variant(store):
    product = factories.product(store, price="50000", stock=100)
    return product.variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def paid_order(store, variant, method, customer):
    return factories.placed_order(store, variant, method, user=customer, quantity=2, paid=True)


def test_a_paid_order_gets_one_issued_invoice_whatever_delivers_the_event(store, paid_order, customer):
    complete_profile(store)
    for _ in range(2):  # a replayed event, a second worker
        for consumer in events.consumers_of("order_paid"):
            if consumer.name == "sales.invoice.issue":
                consumer.handler(order_id=paid_order.pk)
    invoice = Invoice.objects.get(order=paid_order)
    year = timezone.localdate().year
    assert invoice.number == f"FAC-{year}-000001" and invoice.is_issued and invoice.customer == customer
    assert (invoice.total_net, invoice.total_tax, invoice.total) == (
        paid_order.total_net, paid_order.total_tax, paid_order.total)
    assert invoice.recomputed_totals() == {"total_net": invoice.total_net, "total_tax": invoice.total_tax,
                                           "total": invoice.total}
    assert invoice.payment_state == Invoice.Payment.PAID and invoice.amount_due == 0
    assert invoice.due_date == invoice.issue_date
    assert invoice.seller["ninea"] == "1234567 2G3" and invoice.seller["country"] == "SN"
    assert invoice.buyer["city"] == "Dakar" and invoice.buyer["email"] == paid_order.email
    lines = list(invoice.lines.all())
    assert [line.quantity for line in lines] == [2, 1], "the goods, then the delivery"
    assert lines[0].tax_rate == Decimal(18)
    assert invoice.pdf and invoice.pdf.read().startswith(b"%PDF") and len(invoice.pdf_sha256) == 64
    assert [e.code for e in invoice.events.all()] == ["created", "issued"]


def test_an_incomplete_legal_profile_keeps_the_invoice_a_draft_with_what_is_missing(store, paid_order):
    services.invoice_order(order=paid_order, keep_draft_if_incomplete=True)
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.state == Invoice.State.DRAFT and invoice.number == ""
    missing = services.mentions_missing(invoice)
    assert "a valid NINEA for the seller" in missing and "the seller's RCCM number" in missing
    with pytest.raises(MentionsMissing) as refused:
        services.issue(invoice=invoice)
    assert "a valid NINEA for the seller" in refused.value.fields["missing"]
    complete_profile(store)
    assert services.issue(invoice=invoice).is_issued


def test_french_mentions_are_checked_with_stdnum(other_store):
    seller = services.seller_snapshot(other_store, SellerProfile(store=other_store, legal_form="SAS",
                                                                 siren="732829321", vat_number="FR00"))
    seller.update(address="1 rue de Rivoli", city="Paris", postal_code="75001")
    buyer = {"name": "Jean Martin", "line1": "3 rue X", "city": "Lyon", "vat_number": "FR12"}
    missing = [str(m) for m in services.missing_mentions(seller=seller, buyer=buyer, lines=1)]
    assert missing == ["a valid SIREN for the seller",
                       "the seller's VAT number (FR…), unless the store is VAT-exempt",
                       "a valid VAT number for the buyer (or none)"]
    seller.update(siren="732829320", vat_exempt=True)
    buyer["vat_number"] = "FR40303265045"
    assert services.missing_mentions(seller=seller, buyer=buyer, lines=1) == []


def test_an_unpaid_order_is_not_invoiced(store, variant, method):
    order = factories.placed_order(store, variant, method)
    with pytest.raises(NothingToInvoice):
        services.invoice_order(order=order)
    assert not Invoice.objects.exists()


def test_an_issued_invoice_is_never_edited_nor_deleted(store, paid_order):
    complete_profile(store)
    invoice = services.invoice_order(order=paid_order)
    invoice.notes = "changed"
    with pytest.raises(IssuedInvoiceError):
        invoice.save()
    with pytest.raises(IssuedInvoiceError):
        invoice.delete()
    with pytest.raises(AlreadyIssued):
        services.issue(invoice=invoice)


@postgres_only
def test_the_database_refuses_to_change_an_issued_invoice(store, paid_order):
    complete_profile(store)
    invoice = services.invoice_order(order=paid_order)
    for change in (lambda: Invoice.objects.filter(pk=invoice.pk).update(total=Decimal(1)),
                   lambda: Invoice.objects.filter(pk=invoice.pk).update(pdf="elsewhere.pdf"),
                   lambda: Invoice.objects.filter(pk=invoice.pk).delete(),
                   lambda: InvoiceLine.objects.filter(invoice=invoice).update(net=Decimal(1)),
                   lambda: InvoiceLine.objects.filter(invoice=invoice).delete(),
                   lambda: InvoiceLine.objects.create(invoice=invoice, description="x", quantity=1, unit_price=1,
                                                      tax_rate=0, net=1, tax=0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.total == paid_order.total and invoice.lines.count() == 2


def test_payments_add_up_and_never_beyond_what_is_due(store, variant, method, seller, customer):
    complete_profile(store)
    order = factories.placed_order(store, variant, method, user=customer, payment_method="cash_on_delivery")
    orders.process(order=order, user=seller)
    orders.ship(order=order, user=seller)
    orders.deliver(order=order, user=seller)
    invoice = services.invoice_order(order=order, user=seller)  # delivered, the courier's cash not yet in
    assert invoice.payment_state == Invoice.Payment.UNPAID
    assert invoice.due_date == invoice.issue_date + timedelta(days=30)
    services.record_payment(invoice=invoice, user=seller, amount=Decimal(40000), method="cash")
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_state == Invoice.Payment.PARTIAL and invoice.amount_due == order.total - 40000
    with pytest.raises(PaymentTooLarge):
        services.record_payment(invoice=invoice, user=seller, amount=invoice.amount_due + 1, method="cash")
    services.record_payment(invoice=invoice, user=seller, amount=invoice.amount_due, method="cash")
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_state == Invoice.Payment.PAID and invoice.payments.count() == 2


def test_overdue_after_the_due_date(store, variant, method, seller):
    complete_profile(store)
    order = factories.placed_order(store, variant, method, payment_method="cash_on_delivery")
    for step in (orders.process, orders.ship, orders.deliver):
        step(order=order, user=seller)
    invoice = services.invoice_order(order=order, user=seller)
    assert services.mark_overdue(today=invoice.due_date) == 0
    assert services.mark_overdue(today=invoice.due_date + timedelta(days=1)) == 1
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_state == Invoice.Payment.OVERDUE


def test_a_customer_may_not_issue_and_a_seller_of_another_store_neither(store, paid_order, customer, other_manager):
    complete_profile(store)
    from ashopy.core.errors import PermissionDenied
    for user in (customer, other_manager):
        with pytest.raises(PermissionDenied):
            services.invoice_order(order=paid_order, user=user)
    assert not Invoice.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_numbers_are_gap_free_under_concurrency_and_a_rolled_back_issue_leaves_no_hole(store, variant, method):
    paid = [factories.placed_order(store, variant, method, paid=True) for _ in range(51)]
    drafts = [services.draft_for_order(order=order) for order in paid]  # kept as drafts by the consumer so far
    assert Invoice.objects.filter(state=Invoice.State.DRAFT).count() == 51
    complete_profile(store)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():  # issued, then rolled back: its number is given back
        services.issue(invoice=drafts[0])
        raise Abort

    todo = drafts[1:]
    run_together(20, lambda index: [services.issue(invoice=invoice) for invoice in todo[index::20]])
    numbers = sorted(Invoice.objects.filter(state=Invoice.State.ISSUED).values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"FAC-{year}-{n:06d}" for n in range(1, 51)]
    assert services.issue(invoice=drafts[0]).number == f"FAC-{year}-000051"


def test_a_cash_on_delivery_invoice_issued_at_delivery_is_settled_when_the_cash_is_recorded(
        store, variant, method, seller, customer, django_capture_on_commit_callbacks):
    from ashopy.payments import services as payments

    complete_profile(store)
    order = factories.placed_order(store, variant, method, user=customer, payment_method="cash_on_delivery")
    for step in (orders.process, orders.ship, orders.deliver):
        step(order=order, user=seller)
    invoice = services.invoice_order(order=order, user=seller)  # delivered, the courier's cash not yet in
    assert invoice.amount_due == order.total
    with django_capture_on_commit_callbacks(execute=True):  # `order_paid` reaches the sales consumer
        payments.mark_paid_by_hand(order=order, user=seller)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_state == Invoice.Payment.PAID and invoice.amount_due == 0
    assert [(p.amount, p.method) for p in invoice.payments.all()] == [(order.total, "Cash on delivery")]
    assert Invoice.objects.filter(order=order).count() == 1
    services.settle_paid_order(invoice=invoice, order=order.__class__.objects.get(pk=order.pk))  # again: nothing more
    assert invoice.payments.count() == 1


def test_staff_invoice_a_transfer_before_the_money_but_not_a_cash_on_delivery_order_before_delivery(
        store, variant, method, seller, customer, django_capture_on_commit_callbacks):
    from ashopy.payments import services as payments
    from ashopy.sales.errors import NothingToInvoice

    complete_profile(store)
    on_delivery = factories.placed_order(store, variant, method, user=customer, payment_method="cash_on_delivery")
    with pytest.raises(NothingToInvoice):
        services.invoice_order(order=on_delivery, user=seller)
    transfer = factories.placed_order(store, variant, method, user=customer, payment_method="bank_transfer")
    invoice = services.invoice_order(order=transfer, user=seller)  # the invoice the customer pays by transfer
    assert invoice.is_issued and invoice.amount_paid == 0 and invoice.payment_state == Invoice.Payment.UNPAID
    with django_capture_on_commit_callbacks(execute=True):
        payments.mark_paid_by_hand(order=transfer, user=seller)  # the transfer arrived
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_state == Invoice.Payment.PAID and invoice.payments.get().method == "Bank transfer"
    assert Invoice.objects.filter(order__in=[on_delivery, transfer]).count() == 1
