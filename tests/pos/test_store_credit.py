"""Store credit at the till: a credit note issued as store credit keeps a balance; a sale spends it (split
with cash), never more than remains — even two tills at once on PostgreSQL; another store's credit note is
not found; a credit note is either refunded or kept as credit."""

from decimal import Decimal

import pytest

from ashopy.pos import selling, services
from ashopy.pos.errors import StoreCreditRequired
from ashopy.pos.models import Ticket, TicketPayment
from ashopy.pos.selling import SaleLine, Tender
from ashopy.sales import services as sales
from ashopy.sales import store_credit
from ashopy.sales.credit_models import StoreCredit, StoreCreditUse
from ashopy.sales.errors import RefundOrStoreCredit, StoreCreditNotFound, StoreCreditTooSmall
from tests import factories
from tests.sales.test_invoices import complete_profile
from tests.threads import run_together


@pytest.fixture
def credit_note(store, manager, customer):
    complete_profile(store)
    variant = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=1, paid=True)
    invoice = sales.invoice_order(order=order)
    return sales.credit(invoice=invoice, user=manager, reason="Retour", amount=Decimal(12000), as_store_credit=True)


def sell(session, seller, variant, *tenders, quantity=1):
    return selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, quantity)],
                               payments=list(tenders))


@pytest.mark.django_db
def test_a_credit_note_issued_as_store_credit_keeps_its_balance(credit_note, customer):
    credit = store_credit.find(store=credit_note.store, number=credit_note.number)
    assert (credit.amount, credit.remaining, credit.currency) == (Decimal(12000), Decimal(12000), "XOF")
    assert credit.credit_note.customer_id == customer.pk
    assert credit_note.amount_paid == 0  # nothing was given back


@pytest.mark.django_db
def test_spending_takes_from_the_balance_and_a_sale_splits_with_cash(credit_note, session, seller, variant):
    ticket = sell(session, seller, variant, Tender("store_credit", Decimal(5000), credit_note=credit_note.number),
                  Tender("cash", Decimal(1000)))

    assert dict(TicketPayment.objects.filter(ticket=ticket).values_list("method", "amount")) == {
        "store_credit": Decimal(5000), "cash": Decimal(900)}
    credit = StoreCredit.objects.get()
    assert credit.remaining == Decimal(7000)
    assert list(StoreCreditUse.objects.values_list("amount", "reference")) == [(Decimal(5000), ticket.reference)]


@pytest.mark.django_db
def test_never_more_than_remains(credit_note, session, seller, variant):
    sell(session, seller, variant, Tender("store_credit", Decimal(5900), credit_note=credit_note.number))
    with pytest.raises(StoreCreditTooSmall):
        sell(session, seller, variant, Tender("store_credit", Decimal(5900), credit_note=credit_note.number),
             Tender("store_credit", Decimal(300), credit_note=credit_note.number), Tender("cash", Decimal(5600)),
             quantity=2)  # 6200 > 6100 left
    assert Ticket.objects.count() == 1
    assert StoreCredit.objects.get().remaining == Decimal(6100)
    sell(session, seller, variant, Tender("store_credit", Decimal(5900), credit_note=credit_note.number))
    assert StoreCredit.objects.get().remaining == Decimal(200)


@pytest.mark.django_db
def test_a_store_credit_tender_names_a_credit_note_of_the_store(credit_note, session, seller, variant, other_store):
    with pytest.raises(StoreCreditRequired):
        sell(session, seller, variant, Tender("store_credit", Decimal(5900)))
    with pytest.raises(StoreCreditNotFound):
        sell(session, seller, variant, Tender("store_credit", Decimal(5900), credit_note="AV-1999-000001"))
    with pytest.raises(StoreCreditNotFound):
        store_credit.find(store=other_store, number=credit_note.number)
    assert not Ticket.objects.exists()
    assert StoreCredit.objects.get().remaining == Decimal(12000)


@pytest.mark.django_db
def test_a_credit_note_is_refunded_or_kept_as_credit_not_both(store, manager, customer):
    complete_profile(store)
    variant = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=1, paid=True)
    invoice = sales.invoice_order(order=order)
    with pytest.raises(RefundOrStoreCredit):
        sales.credit(invoice=invoice, user=manager, reason="Retour", amount=Decimal(1000), refund=True,
                     as_store_credit=True)
    plain = sales.credit(invoice=invoice, user=manager, reason="Retour", amount=Decimal(1000))
    assert not StoreCredit.objects.filter(credit_note=plain).exists()


@pytest.mark.django_db
def test_a_store_credit_sale_is_not_refunded_as_store_credit(credit_note, session, seller, variant):
    ticket = sell(session, seller, variant, Tender("store_credit", Decimal(5900), credit_note=credit_note.number))
    line = ticket.lines.get()
    with pytest.raises(Exception) as refused:
        selling.record_refund(user=seller, session=session, ticket=ticket, lines=[selling.RefundLine(line.pk, 1)],
                              method="store_credit")
    assert refused.value.code == "unknown_payment_method"
    refund = selling.record_refund(user=seller, session=session, ticket=ticket,
                                   lines=[selling.RefundLine(line.pk, 1)], method="cash")
    assert refund.total == Decimal(-5900)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tills_spending_the_same_credit_at_once_never_exceed_it(credit_note, session, seller, variant, till,
                                                                     manager):
    second_till = services.save_till(user=manager, store=till.store, code="c2", name="Caisse 2",
                                     warehouse=till.warehouse)
    sessions = [session, services.open_session(user=seller, till=second_till, opening_float={})]

    def spend(index):
        try:
            return sell(sessions[index], seller, variant,
                        Tender("store_credit", Decimal(5900) * 2, credit_note=credit_note.number), quantity=2).pk
        except StoreCreditTooSmall:
            return None

    tickets = run_together(2, spend)

    assert sum(ticket is not None for ticket in tickets) == 1, "12,000 pays one 11,800 sale, not two"
    credit = StoreCredit.objects.get()
    assert credit.remaining == Decimal(200)
    assert sum(StoreCreditUse.objects.values_list("amount", flat=True)) == Decimal(11800)
