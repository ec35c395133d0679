"""Customers racing for the last unit, and a late payment racing the expiry sweep: real threads on PostgreSQL.

Each thread has its own database connection (Django's are per thread) and closes it at the end;
a barrier starts them together so that they really collide on the same rows. Whatever the
interleaving, one unit is sold at most once, the ledger matches the stock and nothing goes negative.
"""

from datetime import timedelta

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.inventory import reservations
from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Stock
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


def _emails_ready() -> bool:
    try:
        for kind in ("confirmation", "refund_needed"):
            for suffix in ("_subject.txt", ".txt", ".html"):
                get_template(f"orders/email/{kind}{suffix}")
    except TemplateDoesNotExist:
        return False
    return True


def _notify(store, payment):
    """A signed success notification. The order e-mail leaves after commit (eager Celery in tests);
    until its templates exist (written separately) that step fails after the state was committed."""
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
    try:
        return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                            headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    except TemplateDoesNotExist:
        if _emails_ready():
            raise
        return "committed, e-mail template missing"


def _stock(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.on_hand, row.reserved


def _assert_stock_sane(store):
    for on_hand, reserved in Stock.objects.values_list("on_hand", "reserved"):
        assert 0 <= reserved <= on_hand, (on_hand, reserved)
    assert stock_discrepancies(store) == []


@pytest.mark.parametrize("buyers", [2, 8])
def test_customers_race_for_the_last_unit(store, buyers):
    variant = factories.product(store, "Dernier exemplaire", stock=1, price="25000").variants.get()
    method = factories.shipping_method(store, price="1000")
    customers = [factories.UserFactory(email=f"buyer{index}@example.com") for index in range(buyers)]
    carts = []
    for customer in customers:
        cart = cart_services.get_cart(store=store, user=customer, create=True)
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
        carts.append(cart)

    def work(index):
        customer = customers[index]
        try:
            order, payment = checkout.place_order(
                cart=carts[index], user=customer, policy=PricingPolicy(store, customer),
                details=factories.checkout_details(method, email=customer.email))
        except CartChanged as changed:
            return "changed", [notice.message for notice in changed.notices]
        return "placed", (order, payment)

    results = run_together(buyers, work)
    placed = [value for kind, value in results if kind == "placed"]
    changed = [value for kind, value in results if kind == "changed"]
    assert len(placed) == 1 and len(changed) == buyers - 1
    assert all(messages == ["“Dernier exemplaire” removed from the cart (out of stock)."] for messages in changed)
    assert Order.objects.count() == 1
    assert _stock(variant) == (1, 1)

    order, payment = placed[0]
    payment = checkout.start_payment(order=order, payment=payment, urls=URLS)
    _notify(store, payment)
    assert Order.objects.filter(state=Order.State.PAID).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert _stock(variant) == (0, 0)
    _assert_stock_sane(store)
    winner = next(index for index, (kind, _value) in enumerate(results) if kind == "placed")
    assert [cart.lines.count() for cart in carts] == [0] * buyers  # the winner's was emptied when paid
    assert Order.objects.get().user == customers[winner]


def _pending_order(store, variant, method):
    customer = factories.UserFactory(email=f"buyer-{variant.pk}@example.com")
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method))
    return order, checkout.start_payment(order=order, payment=payment, urls=URLS)


def test_success_notification_racing_the_expiry_sweep(store):
    """Paid directly, or expired then paid by re-reserving: the order always ends paid with its unit."""
    method = factories.shipping_method(store, price="1000")
    for round_ in range(4):
        variant = factories.product(store, f"Article {round_}", stock=1, price="5000").variants.get()
        order, payment = _pending_order(store, variant, method)
        later = timezone.now() + store.reservation_ttl + timedelta(seconds=1)

        def work(index, payment=payment, later=later):
            if index == 0:
                return _notify(store, payment)
            return reservations.expire_reservations(now=later), orders.expire_due(now=later)

        run_together(2, work)
        order.refresh_from_db()
        assert order.state == Order.State.PAID, round_
        assert order.stock_consumed and order.paid_at is not None
        assert _stock(variant) == (0, 0)
        _assert_stock_sane(store)


def test_success_notification_racing_the_sweep_and_another_sale(store):
    """The sweep frees the unit and the counter sells it, while the money arrives: exactly one of
    them gets the unit; the order is paid, or "paid – refund needed" when the counter won."""
    method = factories.shipping_method(store, price="1000")
    outcomes = set()
    for round_ in range(6):
        variant = factories.product(store, f"Article {round_}", stock=1, price="5000").variants.get()
        order, payment = _pending_order(store, variant, method)
        later = timezone.now() + store.reservation_ttl + timedelta(seconds=1)

        def work(index, payment=payment, later=later, variant=variant):
            if index == 0:
                return _notify(store, payment)
            reservations.expire_reservations(now=later)
            orders.expire_due(now=later)
            try:
                reservations.deduct(store=store, lines=[reservations.Line(variant.pk, 1)], reference="counter")
            except InsufficientStock:
                return "counter refused"
            return "counter sold"

        counter = run_together(2, work)[1]
        order.refresh_from_db()
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
        assert order.paid_at is not None
        if counter == "counter sold":
            assert order.state == Order.State.REFUND_NEEDED and not order.stock_consumed, round_
        else:
            assert order.state == Order.State.PAID and order.stock_consumed, round_
        outcomes.add(order.state)
        assert _stock(variant) == (0, 0)
        _assert_stock_sane(store)
    assert outcomes <= {Order.State.PAID, Order.State.REFUND_NEEDED}


def test_double_submit_with_the_same_idempotency_key_gives_one_order(store):
    """A customer's browser (or an API client's retry) sends the same request twice at once, for
    units that only one order can hold: both answers are the one order, and the cart keeps its line."""
    method = factories.shipping_method(store, price="1000")
    for round_ in range(5):
        variant = factories.product(store, f"Article {round_}", stock=2, price="5000").variants.get()
        customer = factories.UserFactory(email=f"double-{round_}@example.com")
        cart = cart_services.get_cart(store=store, user=customer, create=True)
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)

        def work(index, cart=cart, customer=customer, round_=round_):
            try:
                order, _payment = checkout.place_order(
                    cart=cart, user=customer, policy=PricingPolicy(store, customer), idempotency_key=f"k-{round_}",
                    details=factories.checkout_details(method, email=customer.email))
            except CartChanged as changed:
                return [notice.message for notice in changed.notices]
            return order.pk

        results = run_together(2, work)
        order = Order.objects.get(idempotency_key=f"k-{round_}")
        assert results == [order.pk, order.pk], round_
        assert cart.lines.get().quantity == 2
        assert _stock(variant) == (2, 2)
        _assert_stock_sane(store)
