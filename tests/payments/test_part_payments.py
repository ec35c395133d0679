"""Part payments (a quote's deposit, then its balance): the order is paid only when its payments reach
its total; staff record a transfer or cash by hand; amounts beyond what is left are refused."""

from decimal import Decimal

import pytest
from django.db import transaction

from ashopy.orders import services as orders
from ashopy.orders.errors import OrderNotFound
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments import services as payments
from ashopy.payments.errors import InvalidAmount, NotOffline, UnknownMethod
from ashopy.payments.models import Payment
from ashopy.payments.providers import label_of, sandbox
from tests import factories


@pytest.fixture
def order(store):
    variant = factories.product(store, price="10000", stock=5).variants.get()
    line = orders.AgreedLine(variant=variant, product_name="Produit", sku=variant.sku, quantity=1,
                             unit_price=Decimal(10000), tax_rate=Decimal(18), net=Decimal(10000), tax=Decimal(1800))
    with transaction.atomic():
        placed = orders.create(store=store, number=orders.next_number(store), user=None, email="a@example.com",
                               language="fr", totals=orders.AgreedTotals(currency="XOF", lines=(line,)),
                               billing_address=factories.address(), shipping_address=None, payment_method="",
                               reservation=None)
    return orders.await_payment(order=placed)


def notify(payment, outcome="succeeded"):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    payments.handle_notification(store=payment.order.store, provider_code="sandbox", body=body,
                                 headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def test_a_deposit_then_the_balance(store, order):
    provider = payments.provider_for(store, "sandbox")
    with transaction.atomic():
        deposit = payments.create(order=order, provider=provider, amount=Decimal(3540))
    assert deposit.amount == Decimal(3540) and deposit.data == {"part": True}
    notify(payments.start(payment=deposit, provider=provider, urls=factories.RETURN_URLS))
    assert Order.objects.get(pk=order.pk).state == Order.State.AWAITING_PAYMENT
    assert payments.received(order.pk) == Decimal(3540)
    notify(deposit)  # a replay changes nothing
    assert payments.received(order.pk) == Decimal(3540)
    with transaction.atomic():
        balance = payments.create(order=order, provider=provider, amount=Decimal(8260))
    notify(payments.start(payment=balance, provider=provider, urls=factories.RETURN_URLS))
    order = Order.objects.get(pk=order.pk)
    assert order.state == Order.State.PAID and order.paid_at is not None
    assert list(OrderEvent.objects.filter(order=order, kind="payment").values_list("code", flat=True)) == [
        "deposit_received", "payment_received"]


def test_a_whole_payment_is_unchanged(store, order):
    payment = payments.create(order=order, provider=payments.provider_for(store, "sandbox"))
    assert payment.amount == order.total and payment.data == {}


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-1), Decimal("0.5"), Decimal(11801), "abc", "NaN"])
def test_a_part_beyond_what_is_left_or_malformed_is_refused(store, order, amount):
    with pytest.raises(InvalidAmount):
        payments.create(order=order, provider=payments.provider_for(store, "sandbox"), amount=amount)
    assert not Payment.objects.exists()


def test_staff_record_a_part_in_cash(store, order, seller, customer):
    for user, method, error in ((customer, "cash", OrderNotFound), (seller, "cheque", UnknownMethod)):
        with pytest.raises(error):
            payments.record_part_payment(order=order, user=user, amount=Decimal(1000), method=method)
    assert not Payment.objects.exists()
    payment = payments.record_part_payment(order=order, user=seller, amount=Decimal(1000), method="cash")
    assert payment.status == Payment.Status.SUCCEEDED and label_of("cash") == "Cash"
    event = OrderEvent.objects.get(order=order, code="deposit_recorded")
    assert event.user == seller and "1,000" in event.text and event.text.endswith("recorded by hand (Cash).")
    payments.record_part_payment(order=order, user=seller, amount=Decimal(10800), method="bank_transfer")
    assert Order.objects.get(pk=order.pk).state == Order.State.PAID
    with pytest.raises(NotOffline):
        payments.record_part_payment(order=order, user=seller, amount=Decimal(1), method="cash")
