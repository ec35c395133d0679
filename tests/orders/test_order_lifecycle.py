"""An order from placement to delivery, cancellation or expiry, driven through the services.

Covers the stock-reservation design on the order side (a placed order holds its units, expiry
and cancellation give them back, a late payment re-reserves or asks for a refund), the state
machine and its event rows, per-store numbering, and idempotency of order placement and of
provider notifications.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged, IdempotencyConflict
from ashopy.inventory import reservations
from ashopy.inventory.models import Reason, Reservation, Stock, StockMovement
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.orders import services as orders
from ashopy.orders.errors import TransitionNotAllowed
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments import services as payments
from ashopy.payments.models import Payment, PaymentEvent
from ashopy.payments.providers import sandbox
from ashopy.payments.providers.base import InvalidNotification
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

pytestmark = pytest.mark.django_db

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


# --- helpers ---------------------------------------------------------------------------------

def _stock(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.on_hand, row.reserved


def _cart(store, user, variant, quantity):
    cart = cart_services.get_cart(store=store, user=user, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def _place(store, user, cart, method, **kwargs):
    key = kwargs.pop("idempotency_key", "")
    return checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user), idempotency_key=key,
                                details=factories.checkout_details(method, **kwargs))


def _signed(payment, outcome, timestamp=None):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    return body, {sandbox.SIGNATURE_HEADER: sandbox.sign(body, timestamp)}


def _notify(store, payment, outcome="succeeded"):
    body, headers = _signed(payment, outcome)
    return payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)


def _transitions(order) -> list[tuple[str, str, object]]:
    return [(event.from_state, event.to_state, event.user)
            for event in order.events.filter(kind=OrderEvent.Kind.TRANSITION).order_by("id")]


def _snapshot(order):
    """What a refused change must leave as it was."""
    order = Order.objects.get(pk=order.pk)
    return (order.state, order.paid_at, order.shipped_at, order.delivered_at, order.cancelled_at, order.carrier,
            order.tracking_number, order.stock_consumed, order.events.count(),
            list(Payment.objects.filter(order=order).values_list("status", flat=True)),
            list(Stock.objects.filter(store=order.store).values_list("on_hand", "reserved")),
            StockMovement.objects.filter(store=order.store).count())


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", stock=5, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def placed(store, customer, laptop, method):
    """An order for 2 of 5 laptops, pending payment, its sandbox attempt started."""
    cart = _cart(store, customer, laptop, 2)
    order, payment = _place(store, customer, cart, method)
    payment = checkout.start_payment(order=order, payment=payment, urls=URLS)
    return order, payment, cart


@pytest.fixture
def paid(store, placed):
    order, payment, cart = placed
    _notify(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    return order, Payment.objects.get(pk=payment.pk), cart


def _past_expiry(store):
    return time_machine.travel(timezone.now() + store.reservation_ttl + timedelta(seconds=1), tick=False)


# --- (c) a reservation blocks another customer -----------------------------------------------

def test_checkout_cannot_take_units_held_by_another_order(store, customer, laptop, method):
    other = factories.UserFactory(email="other@example.com")
    other_cart = _cart(store, other, laptop, 4)  # while all 5 were free
    _place(store, customer, _cart(store, customer, laptop, 2), method)
    assert _stock(laptop) == (5, 2)

    with pytest.raises(CartChanged) as raised:
        _place(store, other, other_cart, method)
    assert raised.value.fields == {"cart": ["Quantity of “ThinkPad X1” adjusted to 3 (limited stock)."]}
    assert other_cart.lines.get().quantity == 3
    assert Order.objects.count() == 1 and _stock(laptop) == (5, 2)

    order, _payment = _place(store, other, other_cart, method)  # the customer checks the cart again
    assert order.lines.get().quantity == 3 and _stock(laptop) == (5, 5)


# --- (d) expiry after the store's reservation time -------------------------------------------

def test_hold_lasts_the_store_reservation_time_then_lapses(store, placed, laptop):
    order, _payment, cart = placed
    assert order.expires_at == order.reservation.expires_at
    assert abs(order.expires_at - (order.created_at + store.reservation_ttl)) < timedelta(seconds=5)

    with time_machine.travel(order.expires_at - timedelta(seconds=30), tick=False):
        assert reservations.expire_reservations() == 0
        assert orders.expire_due() == 0
    assert _stock(laptop) == (5, 2)

    with _past_expiry(store):
        assert reservations.expire_reservations() == 1
        assert _stock(laptop) == (5, 0)
        assert orders.expire_due() == 1
        assert orders.expire_due() == 0
    order.refresh_from_db()
    assert order.state == Order.State.EXPIRED
    assert order.reservation.state == Reservation.State.EXPIRED
    assert _transitions(order)[-1] == ("pending_payment", "expired", None)
    assert cart.lines.get().quantity == 2  # the cart is kept: the customer may try again
    assert stock_discrepancies(store) == []

    other_cart = _cart(store, factories.UserFactory(email="other@example.com"), laptop, 5)
    assert other_cart.lines.get().quantity == 5  # all units available again


def test_expire_due_alone_releases_the_hold(store, placed, laptop):
    order, _payment, _ = placed
    with _past_expiry(store):
        assert orders.expire_due() == 1
    order.refresh_from_db()
    assert order.state == Order.State.EXPIRED
    assert order.reservation.state == Reservation.State.RELEASED
    assert _stock(laptop) == (5, 0) and stock_discrepancies(store) == []


# --- (e) cancellation releases the hold ------------------------------------------------------

def test_cancel_payment_releases_the_hold(store, placed, laptop):
    order, payment, cart = placed
    order = checkout.cancel_payment(order=order)
    assert order.state == Order.State.CANCELLED and order.cancelled_at is not None
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CANCELLED
    assert _stock(laptop) == (5, 0) and cart.lines.get().quantity == 2
    assert stock_discrepancies(store) == []


def test_cancel_order_releases_the_hold(store, customer, placed, laptop):
    order, _payment, _ = placed
    assert checkout.customer_can_cancel(order)
    order = checkout.cancel_order(order=order, user=customer, note="changed my mind")
    assert order.state == Order.State.CANCELLED
    assert order.reservation.state == Reservation.State.RELEASED
    assert _stock(laptop) == (5, 0) and stock_discrepancies(store) == []
    assert _transitions(order)[-1] == ("pending_payment", "cancelled", customer)


def test_cancel_cash_on_delivery_order_puts_units_back_without_refund(store, customer, manager, laptop, method):
    cart = _cart(store, customer, laptop, 2)
    order, payment = _place(store, customer, cart, method, payment_method="cash_on_delivery")
    checkout.start_payment(order=order, payment=payment, urls=URLS)
    assert _stock(laptop) == (3, 0)
    order = checkout.cancel_order(order=Order.objects.get(pk=order.pk), user=manager)
    assert order.state == Order.State.CANCELLED and _stock(laptop) == (5, 0)
    assert stock_discrepancies(store) == []


# --- late success ----------------------------------------------------------------------------

def test_late_success_re_reserves_and_pays_when_stock_allows(store, placed, laptop):
    order, payment, cart = placed
    with _past_expiry(store):
        reservations.expire_reservations()
        orders.expire_due()
    order.refresh_from_db()
    assert order.state == Order.State.EXPIRED

    _notify(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.paid_at is not None and order.stock_consumed
    assert order.reservation.state == Reservation.State.CONSUMED
    assert _stock(laptop) == (3, 0)
    assert not cart.lines.exists()
    assert _transitions(order)[-1] == ("expired", "paid", None)
    assert stock_discrepancies(store) == []


def test_late_success_re_reserves_when_only_the_sweep_ran(store, placed, laptop):
    order, payment, _ = placed
    with _past_expiry(store):
        reservations.expire_reservations()
    _notify(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID and _stock(laptop) == (3, 0)
    assert _transitions(order)[-1] == ("pending_payment", "paid", None)


def test_late_success_without_stock_needs_a_refund_and_tells_staff(
        store, manager, store_admin, placed, laptop, django_capture_on_commit_callbacks):
    order, payment, _ = placed
    with _past_expiry(store):
        reservations.expire_reservations()
        orders.expire_due()
    reservations.deduct(store=store, lines=[reservations.Line(laptop.pk, 5)])  # the counter sold them all

    templates_ready = all(_template_exists(f"orders/email/refund_needed{suffix}")
                          for suffix in ("_subject.txt", ".txt", ".html"))
    mail.outbox.clear()
    if templates_ready:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _notify(store, payment)
    else:
        # The e-mail templates are written separately; until they exist the attempt fails loudly.
        with pytest.raises(TemplateDoesNotExist), \
                django_capture_on_commit_callbacks(execute=True) as callbacks:
            _notify(store, payment)
    assert len(callbacks) == 1  # the staff e-mail was attempted, after commit

    order.refresh_from_db()
    assert order.state == Order.State.REFUND_NEEDED and order.paid_at is not None
    assert not order.stock_consumed
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert _stock(laptop) == (0, 0) and stock_discrepancies(store) == []
    assert _transitions(order)[-1] == ("expired", "refund_needed", None)
    if templates_ready:
        assert len(mail.outbox) == 1
        assert sorted(mail.outbox[0].to) == ["admin@example.com", "gestionnaire@example.com"]

    order = checkout.cancel_order(order=order, user=manager)
    assert order.state == Order.State.CANCELLED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    assert _stock(laptop) == (0, 0) and stock_discrepancies(store) == []


def test_success_for_a_cancelled_order_is_recorded_and_flagged(store, placed, laptop):
    """The customer left the provider's page (order cancelled) yet the provider later reports that the
    money was taken. The notification must be accepted once (not raise and be retried forever) and the
    order must say that the money has to go back; the released units stay free."""
    order, payment, _ = placed
    checkout.cancel_payment(order=order)
    event = _notify(store, payment)
    assert event is not None and PaymentEvent.objects.filter(payment=payment).count() == 1
    order.refresh_from_db()
    assert order.state == Order.State.REFUND_NEEDED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert _stock(laptop) == (5, 0)


# --- cancelling a paid order -----------------------------------------------------------------

def test_cancelling_a_paid_order_puts_units_back_and_refunds(store, manager, paid, laptop):
    order, payment, _ = paid
    assert _stock(laptop) == (3, 0)
    order = checkout.cancel_order(order=order, user=manager, note="out of delivery area")
    assert order.state == Order.State.CANCELLED and not order.stock_consumed
    assert _stock(laptop) == (5, 0)
    returns = StockMovement.objects.filter(store=store, reference=order.number, reason=Reason.RETURN)
    assert list(returns.values_list("quantity", flat=True)) == [2]
    assert stock_discrepancies(store) == []
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_amount == payment.amount
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT, code="refunded").count() == 1
    with pytest.raises(TransitionNotAllowed):
        checkout.cancel_order(order=order, user=manager)
    assert _stock(laptop) == (5, 0)


def test_cancelling_a_paid_order_served_by_two_warehouses(store, customer, manager, method):
    variant = factories.product(store, "Écran", price="3000").variants.get()
    main = factories.warehouse(store, "main", priority=1)
    shop = factories.warehouse(store, "shop", priority=2, kind="shop")
    factories.receive(variant, 2, warehouse_=main)
    factories.receive(variant, 3, warehouse_=shop)
    order, payment = _place(store, customer, _cart(store, customer, variant, 4), method)
    checkout.start_payment(order=order, payment=payment, urls=URLS)
    _notify(store, payment)
    rows = dict(Stock.objects.filter(variant=variant).values_list("warehouse__code", "on_hand"))
    assert rows == {"main": 0, "shop": 1}

    checkout.cancel_order(order=Order.objects.get(pk=order.pk), user=manager)
    rows = dict(Stock.objects.filter(variant=variant).values_list("warehouse__code", "on_hand"))
    assert rows == {"main": 2, "shop": 3}
    assert stock_discrepancies(store) == []


def test_cancelling_an_order_paid_in_cash_asks_staff_to_refund_by_hand(store, customer, manager, laptop, method):
    order, payment = _place(store, customer, _cart(store, customer, laptop, 1), method,
                            payment_method="cash_on_delivery")
    checkout.start_payment(order=order, payment=payment, urls=URLS)
    payments.mark_paid_by_hand(order=order, user=manager)
    order = checkout.cancel_order(order=Order.objects.get(pk=order.pk), user=manager)
    assert order.state == Order.State.CANCELLED and _stock(laptop) == (5, 0)
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT, code="refund_by_hand").exists()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


# --- lifecycle -------------------------------------------------------------------------------

def test_paid_order_is_processed_shipped_and_delivered(store, customer, manager, paid):
    order, _payment, _ = paid
    order = orders.process(order=order, user=manager)
    assert order.state == Order.State.PROCESSING
    order = orders.ship(order=order, user=manager, carrier=" DHL ", tracking_number="JD0146",
                        tracking_url="https://track.example.com/JD0146")
    assert order.state == Order.State.SHIPPED and order.shipped_at is not None
    order = orders.deliver(order=order, user=manager, note="signed by Awa")
    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED and order.delivered_at is not None
    assert (order.carrier, order.tracking_number, order.tracking_url) == (
        "DHL", "JD0146", "https://track.example.com/JD0146")
    assert _transitions(order) == [
        ("", "pending_payment", customer),
        ("pending_payment", "paid", None),
        ("paid", "processing", manager),
        ("processing", "shipped", manager),
        ("shipped", "delivered", manager),
    ]
    assert order.events.get(to_state="delivered").note == "signed by Awa"


def test_a_paid_order_may_ship_without_processing(store, manager, paid):
    order, _payment, _ = paid
    order = orders.ship(order=order, user=manager, carrier="La Poste")
    assert order.state == Order.State.SHIPPED
    assert _transitions(order)[-1] == ("paid", "shipped", manager)


@pytest.mark.parametrize(("path", "refused"), [
    ((), "process"),                      # pending payment
    ((), "ship"),
    ((), "deliver"),
    (("pay",), "deliver"),
    (("pay", "process"), "process"),
    (("pay", "ship"), "process"),
    (("pay", "ship"), "cancel"),
    (("pay", "ship", "deliver"), "ship"),
    (("pay", "ship", "deliver"), "cancel"),
    (("cancel",), "process"),
    (("cancel",), "cancel"),
    (("expire",), "ship"),
])
def test_disallowed_transitions_raise_and_change_nothing(store, manager, placed, path, refused):
    order, payment, _ = placed
    for step in path:
        if step == "pay":
            _notify(store, payment)
        elif step == "expire":
            with _past_expiry(store):
                orders.expire_due()
        else:
            getattr(orders, step)(order=order, user=manager)
    before = _snapshot(order)
    with pytest.raises(TransitionNotAllowed):
        getattr(orders, refused)(order=Order.objects.get(pk=order.pk), user=manager)
    assert _snapshot(order) == before


def test_transition_refusal_names_the_states(store, manager, placed):
    order, _payment, _ = placed
    with pytest.raises(TransitionNotAllowed) as raised:
        orders.deliver(order=order, user=manager)
    assert str(raised.value) == "This order cannot go from “Pending payment” to “Delivered”."


# --- numbering -------------------------------------------------------------------------------

def test_order_numbers_count_per_store(store, other_store, customer, method):
    year = timezone.localdate().year
    laptop = factories.product(store, "Câble", stock=50, price="1000").variants.get()
    first, _ = _place(store, customer, _cart(store, customer, laptop, 1), method)
    second, _ = _place(store, customer, _cart(store, customer, laptop, 1), method)

    other_variant = factories.product(other_store, "Écran", stock=5, price="99.90").variants.get()
    other_method = factories.shipping_method(other_store, price="4.90")
    other_cart = _cart(other_store, customer, other_variant, 1)
    abroad, _ = _place(other_store, customer, other_cart, other_method,
                       shipping_address=factories.address(country="FR", city="Paris"))
    third, _ = _place(store, customer, _cart(store, customer, laptop, 1), method)

    assert [first.number, second.number, third.number] == [
        f"CMD-{year}-000001", f"CMD-{year}-000002", f"CMD-{year}-000003"]
    assert abroad.number == f"CMD-{year}-000001"
    assert abroad.currency == "EUR" and abroad.total == abroad.total_net + abroad.total_tax


# --- idempotency -----------------------------------------------------------------------------

def test_same_idempotency_key_gives_the_same_order(store, customer, laptop, method):
    cart = _cart(store, customer, laptop, 2)
    order, payment = _place(store, customer, cart, method, idempotency_key="key-1")
    again, same_payment = _place(store, customer, cart, method, idempotency_key="key-1")
    assert again == order and same_payment == payment
    assert Order.objects.count() == 1 and Payment.objects.count() == 1 and Reservation.objects.count() == 1
    assert _stock(laptop) == (5, 2)

    other_cart = _cart(store, factories.UserFactory(email="other@example.com"), laptop, 1)
    with pytest.raises(IdempotencyConflict):
        _place(store, customer, other_cart, method, idempotency_key="key-1")
    assert Order.objects.count() == 1


def test_replayed_notification_is_processed_once(store, placed, laptop):
    order, payment, _ = placed
    body, headers = _signed(payment, "succeeded")
    first = payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
    assert first is not None
    events = list(order.events.values_list("kind", "from_state", "to_state"))
    replay = payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
    assert replay is None
    assert PaymentEvent.objects.count() == 1
    assert list(order.events.values_list("kind", "from_state", "to_state")) == events
    assert _stock(laptop) == (3, 0)
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def _assert_refused(store, order, body, headers):
    before = _snapshot(order)
    with pytest.raises(InvalidNotification):
        payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
    assert _snapshot(order) == before
    assert PaymentEvent.objects.count() == 0


def test_forged_signature_is_refused(store, placed):
    order, payment, _ = placed
    body, headers = _signed(payment, "succeeded")
    stamp, digest = headers[sandbox.SIGNATURE_HEADER].split(",")
    _assert_refused(store, order, body, {sandbox.SIGNATURE_HEADER: f"{stamp},v1={'0' * 64}"})
    _assert_refused(store, order, body.replace(b"succeeded", b"cancelled"), headers)
    _assert_refused(store, order, body, {})
    _assert_refused(store, order, body, {sandbox.SIGNATURE_HEADER: digest})


def test_stale_or_future_timestamp_is_refused(store, placed):
    order, payment, _ = placed
    body, headers = _signed(payment, "succeeded")
    with time_machine.travel(timezone.now() + timedelta(seconds=sandbox.TOLERANCE_SECONDS + 5), tick=False):
        _assert_refused(store, order, body, headers)
    with time_machine.travel(timezone.now() - timedelta(seconds=sandbox.TOLERANCE_SECONDS + 5), tick=False):
        _assert_refused(store, order, body, headers)
    with time_machine.travel(timezone.now() + timedelta(seconds=sandbox.TOLERANCE_SECONDS - 60), tick=False):
        assert payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_notification_for_another_stores_payment_is_refused(store, other_store, placed):
    order, payment, _ = placed
    body, headers = _signed(payment, "succeeded")
    before = _snapshot(order)
    with pytest.raises(InvalidNotification):
        payments.handle_notification(store=other_store, provider_code="sandbox", body=body, headers=headers)
    assert _snapshot(order) == before and PaymentEvent.objects.count() == 0
