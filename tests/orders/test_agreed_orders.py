"""Orders at agreed prices (an accepted quote): lines excl. tax with or without a variant, totals equal to
their recomputation, and part payments that leave the order waiting (or flag a refund once cancelled)."""

from decimal import Decimal

import pytest
from django.db import transaction

from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderEvent
from ashopy.orders.timeline import Fact
from tests import factories


def agreed_order(store, variant):
    lines = (orders.AgreedLine(variant=variant, product_name="Ordinateur — offre projet", sku=variant.sku,
                               quantity=2, unit_price=Decimal(45000), tax_rate=Decimal(18), net=Decimal(90000),
                               tax=Decimal(16200)),
             orders.AgreedLine(variant=None, product_name="Installation sur site", sku="", quantity=1,
                               unit_price=Decimal(20000), tax_rate=Decimal(18), net=Decimal(20000),
                               tax=Decimal(3600)))
    with transaction.atomic():
        return orders.create(store=store, number=orders.next_number(store), user=None, email="achat@example.com",
                             language="fr", totals=orders.AgreedTotals(currency="XOF", lines=lines),
                             billing_address=factories.address(), shipping_address=None, payment_method="",
                             reservation=None)


@pytest.fixture
def variant(store):
    return factories.product(store, price="59000", stock=5).variants.get()


def test_an_order_at_agreed_prices_stores_its_lines_and_totals(store, variant):
    order = agreed_order(store, variant)
    assert (order.total_net, order.total_tax, order.total) == (Decimal(110000), Decimal(19800), Decimal(129800))
    assert not order.prices_include_tax and order.shipping_method == "" and order.shipping_gross == 0
    free = order.lines.get(variant__isnull=True)
    assert (free.product_name, free.product_id, free.sku, free.gross) == ("Installation sur site", None, "",
                                                                         Decimal(23600))
    goods = order.lines.get(variant=variant)
    assert goods.unit_base == goods.unit_price == Decimal(45000) and goods.product_id == variant.product_id
    recomputed = order.recomputed_totals()
    assert recomputed["total"] == order.total and recomputed["total_net"] == order.total_net


def test_free_lines_are_skipped_when_the_stock_is_taken(store, variant):
    order = orders.await_payment(order=agreed_order(store, variant))
    assert order.state == Order.State.AWAITING_PAYMENT and order.stock_consumed
    assert sum(variant.stocks.values_list("on_hand", flat=True)) == 3


def test_a_part_payment_keeps_the_order_waiting(store, variant):
    order = orders.await_payment(order=agreed_order(store, variant))
    note = Fact("deposit_received", {"method": "sandbox", "amount": "38940", "currency": "XOF"})
    order = orders.mark_part_paid(order=order, payment_note=note)
    assert order.state == Order.State.AWAITING_PAYMENT and order.paid_at is None
    event = OrderEvent.objects.get(order=order, code="deposit_received")
    assert event.kind == OrderEvent.Kind.PAYMENT and "38" in event.text


def test_a_part_payment_for_a_cancelled_order_needs_a_refund(store, variant, seller, customer):
    order = orders.cancel(order=orders.await_payment(order=agreed_order(store, variant)))
    order = orders.mark_part_paid(order=order, payment_note=Fact("deposit_received", {"method": "sandbox"}))
    assert order.state == Order.State.REFUND_NEEDED
    from ashopy.orders.errors import OrderNotFound

    with pytest.raises(OrderNotFound):  # a customer is not told the order exists
        orders.mark_part_paid(order=order, user=customer)
