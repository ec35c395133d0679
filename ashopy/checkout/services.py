"""Checkout: the cart becomes an order with its stock reserved, then a payment attempt.

`place_order` is the final validation ("Procéder au paiement"): the cart is re-validated (any
change sends the customer back to the cart with the messages), priced, its units reserved for
the store's reservation time, and the order stored in `pending_payment` — all in one
transaction. `start_payment` then asks the provider for its page, outside any transaction.
The same Idempotency-Key (API) or one-time form token (web) always gives the same order.

Units that a cart's pending order holds are available to that cart (`held_for_cart`, which the
cart asks through `cart.selectors.own_holds`): looking at the cart while paying changes nothing.
A new attempt from the cart (another key: the customer came back, changed the address or the
payment method) that needs those units cancels the earlier order — its open payment attempts
closed, its units released — and places the new one: the customer meant this one, and the units
cannot serve both. When the free units suffice, the earlier order is left to be paid or to lapse
like any other, and the common path pays no query to look for it.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ashopy.cart import rules as cart_rules
from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.cart import totals as cart_totals
from ashopy.cart.errors import EmptyCart, NotForUniqueItem, OutOfStock, UnknownVariant
from ashopy.cart.models import Cart
from ashopy.cart.services import Notice
from ashopy.inventory import reservations
from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Reservation, ReservationLine
from ashopy.orders import services as orders
from ashopy.orders.errors import PreorderLimitReached
from ashopy.orders.models import Order, OrderEvent
from ashopy.orders.timeline import Fact, Note
from ashopy.payments import providers
from ashopy.payments import selectors as payment_selectors
from ashopy.payments import services as payments
from ashopy.payments.errors import NotRefundable, UnknownMethod
from ashopy.payments.models import Payment
from ashopy.payments.providers.base import ProviderError
from ashopy.pricing.purchase import PurchasePolicy
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions import codes
from ashopy.promotions.errors import CodeRefused
from ashopy.shipping.selectors import ShippingQuote, available_methods, method_quote

from .errors import CartChanged, GuestCheckoutDisabled, IdempotencyConflict, InvalidAddress, ShippingUnavailable

ADDRESS_FIELDS = ("first_name", "last_name", "company", "line1", "line2", "postal_code", "city", "country", "phone")


@dataclass(frozen=True)
class Details:
    """What the customer chose in the checkout steps (addresses as plain dicts of ADDRESS_FIELDS)."""

    email: str
    billing_address: dict
    shipping_address: dict | None
    shipping_method_id: int | str | None
    payment_method: str
    customer_note: str = ""
    extra: dict = field(default_factory=dict)


def shipping_options(*, cart: Cart | None, policy: PricingPolicy, country: str | None) -> list[ShippingQuote]:
    """The methods offered for the cart and destination: in-person ones only when it holds a unique item."""
    lines = cart_selectors.lines_of(cart)
    totals = cart_selectors.priced(cart, policy, lines=lines)
    return available_methods(store=policy.store, country=country, weight_kg=totals.weight_kg,
                             goods_total=totals.goods, parcel=not cart_rules.holds_unique(lines))


def payment_options(*, store, cart: Cart | None) -> list:
    """The payment providers offered for the cart: none paid on delivery when it holds a unique item."""
    return providers.offered(store, parcel=not cart_rules.holds_unique(cart_selectors.lines_of(cart)))


def _refused_for_unique(store, field: str) -> NotForUniqueItem:
    error = NotForUniqueItem(contact=cart_rules.contact(store))
    error.fields = {field: [str(error)]}
    return error


def _existing(store, key: str, cart: Cart) -> Order | None:
    if not key:
        return None
    order = Order.objects.filter(store=store, idempotency_key=key).first()
    if order is not None and order.cart_id != cart.pk:
        raise IdempotencyConflict()
    return order


def _replayed(order: Order) -> tuple[Order, Payment | None]:
    order.replayed = True
    return order, payment_selectors.latest_payment(order)


def _pending_orders(cart: Cart) -> QuerySet[Order]:
    """The cart's orders waiting for payment."""
    return Order.objects.filter(store_id=cart.store_id, cart_id=cart.pk, state=Order.State.PENDING_PAYMENT)


def held_for_cart(cart: Cart) -> dict[int, int]:
    """Units per variant that `cart`'s orders waiting for payment hold (in active warehouses, as the free
    units are counted): the cart may keep them (see `cart.selectors.own_holds`)."""
    return dict(ReservationLine.objects.filter(reservation__in=_pending_orders(cart).values("reservation_id"),
                                               reservation__state=Reservation.State.ACTIVE,
                                               stock__warehouse__is_active=True)
                .values_list("stock__variant_id").annotate(Sum("quantity")).order_by())


def _replace(order: Order) -> bool:
    """A new attempt from the same cart: the earlier order stops waiting for its payment. False when it
    was paid meanwhile (its lines have left the cart).

    Its open attempts are closed first (which cancels the order and releases its units), their rows
    locked before the order's, as a provider's notification takes them: a payment that succeeds
    after this commit finds the order cancelled, which then needs a refund (refund_needed).
    """
    with transaction.atomic():
        payments.cancel_open(order=order)
        state = Order.objects.select_for_update().filter(pk=order.pk).values_list("state", flat=True).first()
        if state == Order.State.PENDING_PAYMENT:
            orders.cancel(order=order, note=Fact("replaced_by_checkout"))
            return True
    return state in (Order.State.CANCELLED, Order.State.EXPIRED)


def place_order(*, cart: Cart, user, policy: PricingPolicy, details: Details, idempotency_key: str = "",
                language: str = "fr") -> tuple[Order, Payment | None]:
    """Final validation, reservation, order in pending_payment, a payment attempt created.

    Returns the existing order (and its latest attempt), marked `replayed`, when the key was used
    before. When the lines need units the cart's pending orders hold, those orders are read: one
    placed with this key is answered again, the others are cancelled (`_replace`) once the new
    order is found valid. Otherwise the key is looked up only when something is off (the cart
    changed or is empty — it was emptied by the first order —, the stock ran out, the key's unique
    constraint refused the order): a first submit, the common case, pays no query for either.
    """
    store = cart.store
    key = (idempotency_key or "")[:80]
    if not (user is not None and user.is_authenticated) and not store.allow_guest_checkout:
        raise GuestCheckoutDisabled()
    provider = payments.provider_for(store, details.payment_method)
    lines = cart_selectors.lines_of(cart)  # what the cart's pending orders hold counts as its own
    needs_own = any(line.quantity > line.available - line.own_held for line in lines)
    pending = list(_pending_orders(cart)) if needs_own else []
    again = next((order for order in pending if key and order.idempotency_key == key), None)
    if again is not None:
        again.store = store
        return _replayed(again)
    purchase = policy if isinstance(policy, PurchasePolicy) else PurchasePolicy(store)
    if not lines or cart_services.problems(cart=cart, lines=lines, policy=purchase):
        existing = _existing(store, key, cart)
        if existing is not None:
            return _replayed(existing)
        if not lines:
            raise EmptyCart()
        raise CartChanged(cart_services.revalidate(cart=cart, policy=purchase))
    parcel = not cart_rules.holds_unique(lines)  # a unique item: no parcel delivery, no payment on delivery
    if not parcel and provider.code in providers.ON_DELIVERY:
        raise _refused_for_unique(store, "payment_method")
    # The code is checked again like the stock (its uses are counted with its row locked, below).
    priced = cart_selectors.priced(cart, policy, lines=lines, email=details.email, count_uses=False)
    if priced.code_problem:
        raise _code_refused(cart, priced.code_problem)
    destination = details.shipping_address or {}
    shipping = method_quote(store=store, method_id=details.shipping_method_id, country=destination.get("country"),
                            weight_kg=priced.weight_kg, goods_total=priced.goods, parcel=parcel)
    if shipping is None and not parcel:
        raise _refused_for_unique(store, "shipping_method")
    if shipping is None:
        raise ShippingUnavailable(fields={"shipping_method": [str(ShippingUnavailable.message)]})
    if shipping.method.kind == shipping.method.Kind.PICKUP:
        destination = None
    elif not destination.get("line1") or not destination.get("city"):
        raise InvalidAddress(fields={"shipping_address": [str(InvalidAddress.message)]})
    totals = cart_totals.compute(policy=policy, lines=list(priced.lines), shipping=shipping, offer=priced.offer)
    # Only now, the new order being valid: a refused attempt leaves the earlier one to be paid.
    replaced = [_replace(order) for order in pending]  # every one, even after one that was paid meanwhile
    if not all(replaced):
        raise CartChanged(cart_services.revalidate(cart=cart, policy=purchase))
    number = orders.next_number(store)
    # Units beyond the free stock of a pre-order variant are pre-ordered: they hold nothing.
    held = [reservations.Line(line.variant.pk, line.quantity - line.preorder_quantity)
            for line in totals.lines if line.quantity > line.preorder_quantity]
    try:
        with transaction.atomic():
            reservation = reservations.begin(store=store, owner=orders.owner_of(number)) if held else None
            order = orders.create(
                store=store, number=number, user=user, email=details.email, language=language, totals=totals,
                billing_address=details.billing_address, shipping_address=destination,
                payment_method=provider.code, pays_on_delivery=provider.code in providers.ON_DELIVERY,
                reservation=reservation, idempotency_key=key,
                customer_note=details.customer_note, cart_id=cart.pk,
                expires_at=timezone.now() + store.reservation_ttl)
            payment = payments.create(order=order, provider=provider)
            if totals.offer is not None:  # the code's row, then the stock rows: always in this order
                codes.hold(code=totals.offer.code, order_id=order.pk, customer=user, email=details.email,
                           discount=totals.code_discount + totals.shipping_discount)
            # Last: the contended stock rows stay locked only until the COMMIT that follows.
            if held:
                reservations.hold(reservation=reservation, lines=held)
    except CodeRefused as error:  # its last use went to another order since the validation
        existing = _existing(store, key, cart)
        if existing is not None:
            return _replayed(existing)
        raise _code_refused(cart, str(error)) from None
    except PreorderLimitReached:
        # Other customers took the last pre-order places since the validation: show the cart again.
        raise CartChanged(cart_services.revalidate(cart=cart, policy=purchase)) from None
    except InsufficientStock:
        existing = _existing(store, key, cart)
        if existing is not None:  # a duplicate submit that waited for the first one: its order holds the units
            return _replayed(existing)
        # Someone took the units between the validation and the reservation: show the cart again.
        raise CartChanged(cart_services.revalidate(cart=cart, policy=purchase)) from None
    except IntegrityError:
        existing = _existing(store, key, cart)
        if existing is None:
            raise
        return _replayed(existing)
    return order, payment


def _code_refused(cart: Cart, reason: str) -> CartChanged:
    """The cart's code can no longer be used: it leaves the cart, and the customer is told why."""
    cart_services.remove_code(cart=cart)
    return CartChanged([Notice("warning", _("%(reason)s The code was removed from your cart.") % {"reason": reason})])


def start_payment(*, order: Order, payment: Payment, urls: dict[str, str]) -> Payment:
    """Ask the provider for its page (outside any transaction). An offline method confirms the order now
    (`order` is then read again).

    When the provider cannot be reached, the order is cancelled (its units released) and
    ProviderError is raised: nothing was charged and the cart is intact.
    """
    if payment.status != Payment.Status.CREATED:
        return payment
    provider = payments.provider_for(order.store, payment.provider)
    try:
        payment = payments.start(payment=payment, provider=provider, urls=urls)
    except ProviderError as error:
        orders.cancel(order=order, note=Fact("payment_not_started", {"method": provider.code, "error": str(error)}))
        raise
    if provider.offline:
        orders.await_payment(order=order)
        order.refresh_from_db()  # awaiting payment now, its units sold
    return payment


def cancel_payment(*, order: Order) -> Order:
    """Back from the provider's page without paying: the hold is released, the cart untouched.

    Only a pending order is concerned: one already paid, or confirmed with an offline method, stays.
    """
    order.refresh_from_db()
    if order.state != Order.State.PENDING_PAYMENT:
        return order
    payments.cancel_open(order=order)
    order.refresh_from_db()
    if order.state == Order.State.PENDING_PAYMENT:
        order = orders.cancel(order=order, note=Fact("payment_cancelled"))
    return order


def cancel_order(*, order: Order, user=None, note: Note = "") -> Order:
    """Cancel an order (customer while allowed, or staff); a paid one is refunded through its payment.

    The refund is asked after the cancellation committed; when it cannot be made here (cash,
    transfer, a provider down), an event says so and staff refund by hand.
    """
    was_paid = order.paid_at is not None
    order = orders.cancel(order=order, user=user, note=note)
    if was_paid:
        try:
            payments.refund(order=order, user=user)
        except (ProviderError, NotRefundable, UnknownMethod) as error:
            orders.record(order=order, kind=OrderEvent.Kind.PAYMENT, user=user,
                          note=Fact("refund_by_hand", {"error": str(error)}))
    return order


def customer_can_cancel(order: Order) -> bool:
    return order.state in Order.CUSTOMER_CANCELLABLE


def cancelled_message(order: Order) -> str:
    if order.paid_at is not None:
        return _("Order {number} is cancelled; the payment will be refunded.").format(number=order.number)
    return _("Order {number} is cancelled.").format(number=order.number)


def reorder(*, order: Order, cart: Cart) -> list:
    """Put an earlier order's items back in the cart, as far as the stock allows."""
    notices = []
    for line in order.lines.all():
        if line.variant_id is None:
            continue
        try:
            notices.append(cart_services.add(cart=cart, variant_id=line.variant_id, quantity=line.quantity))
        except (OutOfStock, UnknownVariant) as error:
            notices.append(Notice("warning", str(error)))
    return notices
