"""Credit notes: chosen lines or an amount, never beyond what remains on the invoice, refund and restock
on request, and the credit note that a cancelled invoiced order gets instead of a changed invoice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from ashopy.core.errors import DomainError, PermissionDenied
from ashopy.inventory.models import Stock, StockMovement
from ashopy.orders import services as orders
from ashopy.payments.models import Payment
from ashopy.sales import services
from ashopy.sales.errors import CreditTooLarge, NotIssued
from ashopy.sales.models import Invoice
from tests import factories
from tests.threads import run_together

from .test_invoices import complete_profile

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")


@pytest.fixture
def variant(store):
    return factories.product(store, price="50000", stock=100).variants.get()


@pytest.fixture
def invoice(store, variant, customer):
    complete_profile(store)
    order = factories.placed_order(store, variant, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=3, paid=True)
    return services.invoice_order(order=order)


def goods_line(invoice):
    return invoice.lines.get(position=1)


def test_chosen_quantities_are_credited_and_the_last_unit_takes_the_rounding(invoice, manager):
    line = goods_line(invoice)
    first = services.credit(invoice=invoice, user=manager, reason="Casse", quantities={line.pk: 1})
    year = timezone.localdate().year
    assert first.number == f"AV-{year}-000001" and first.is_credit_note and first.credited_invoice == invoice
    assert first.lines.get().credited_line == line and first.total == round((line.net + line.tax) / 3)
    second = services.credit(invoice=invoice, user=manager, reason="Casse", quantities={line.pk: 2})
    assert first.total + second.total == line.net + line.tax, "the credits add up to the line exactly"
    with pytest.raises(CreditTooLarge):
        services.credit(invoice=invoice, user=manager, reason="Casse", quantities={line.pk: 1})
    assert invoice.credit_notes.count() == 2
    assert Invoice.objects.get(pk=invoice.pk).total == invoice.total, "the invoice itself never changes"


def test_an_amount_is_spread_over_the_rates_and_capped_at_what_remains(invoice, manager):
    note = services.credit(invoice=invoice, user=manager, reason="Geste commercial", amount=Decimal(11800))
    assert note.total == 11800 and note.total_net == 10000 and note.total_tax == 1800
    with pytest.raises(CreditTooLarge):
        services.credit(invoice=invoice, user=manager, reason="Trop", amount=invoice.total - 11800 + 1)
    rest = services.credit(invoice=invoice, user=manager, reason="Reste", amount=invoice.total - 11800)
    assert note.total + rest.total == invoice.total and services.remaining_to_credit(invoice) == 0


def test_bad_requests_change_nothing(invoice, manager, seller, other_store):
    for bad in ({"quantities": {}}, {"quantities": {999999: 1}}, {"amount": Decimal("-5")},
                {"amount": Decimal("10.5")}):
        with pytest.raises(DomainError) as refused:
            services.credit(invoice=invoice, user=manager, reason="x", **bad)
        assert getattr(refused.value, "status", None) in (400, 409)
    with pytest.raises(PermissionDenied):  # giving money back is a manager's call
        services.credit(invoice=invoice, user=seller, reason="x", amount=Decimal(100))
    paris_manager = factories.staff(other_store, "gestionnaire", email="g@paris.example.com")
    with pytest.raises(PermissionDenied):
        services.credit(invoice=invoice, user=paris_manager, reason="x", amount=Decimal(100))
    note = services.credit(invoice=invoice, user=manager, reason="x", amount=Decimal(100))
    with pytest.raises(NotIssued):  # a credit note is not credited
        services.credit(invoice=note, user=manager, reason="x", amount=Decimal(10))
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1


def test_restock_and_refund_are_each_explicit(invoice, manager, store):
    line = goods_line(invoice)
    shelf = Stock.objects.get(variant=line.order_line.variant)
    before = shelf.on_hand
    note = services.credit(invoice=invoice, user=manager, reason="Retour", quantities={line.pk: 1},
                           restock_to=shelf.warehouse, refund=True)
    shelf.refresh_from_db()
    assert shelf.on_hand == before + 1
    assert StockMovement.objects.filter(reference=f"credit_note:{note.pk}", quantity=1).exists()
    payment = Payment.objects.get(order=invoice.order)
    assert payment.refunded_amount == note.total
    assert note.amount_paid == note.total and note.payment_state == Invoice.Payment.PAID
    plain = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    assert plain.amount_paid == 0 and Payment.objects.get(pk=payment.pk).refunded_amount == note.total
    assert Stock.objects.get(pk=shelf.pk).on_hand == before + 1


def test_cancelling_an_invoiced_order_credits_it_instead_of_touching_the_invoice(invoice, store_admin):
    order = invoice.order
    orders.cancel(order=order, user=store_admin)
    note = services.credit_cancelled_order(order_id=order.pk)
    assert note.total == invoice.total and note.lines.count() == invoice.lines.count()
    assert note.amount_paid == sum(Payment.objects.filter(order=order).values_list("refunded_amount", flat=True))
    assert services.credit_cancelled_order(order_id=order.pk) is None, "once"
    assert Invoice.objects.get(pk=invoice.pk).total == invoice.total


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_credit_notes_at_once_never_exceed_the_invoice(store, variant, manager):
    complete_profile(store)
    order = factories.placed_order(store, variant, factories.shipping_method(store), quantity=2, paid=True)
    invoice = services.invoice_order(order=order)
    share = (invoice.total * Decimal("0.6")).quantize(Decimal(1))

    def attempt(_index):
        try:
            return services.credit(invoice=invoice, user=manager, reason="x", amount=share).total
        except CreditTooLarge:
            return None

    results = run_together(2, attempt)
    assert sorted(results, key=lambda r: r is None) == [share, None]
    assert services.remaining_to_credit(invoice) == invoice.total - share


def test_a_credit_note_is_never_overdue(invoice, manager):
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    assert note.amount_paid == 0 and note.due_date is not None
    services.mark_overdue(today=note.due_date + timedelta(days=1))
    assert Invoice.objects.get(pk=note.pk).payment_state == Invoice.Payment.UNPAID
