"""A code at "Procéder au paiement": checked again, its use held with the order, confirmed once paid
(once, however often the provider says so), released when the order is not paid; the order keeps
each discount with its cause; the checkout's query budget grows by 3 at most with a code."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ashopy.cart.models import Cart
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.orders.models import Order, OrderDiscount
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.models import PromoCode, Redemption
from tests import factories
from tests.checkout import test_checkout_queries as budget

from .codes_helpers import cart_with, promo_code

pytestmark = pytest.mark.django_db


def _apply(store, cart, user, text):
    from ashopy.cart import services as cart_services

    return cart_services.apply_code(cart=cart, code=text, user=user, policy=PricingPolicy(store, user))


def _place(store, user, cart, method, **details):
    order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user),
                                          details=factories.checkout_details(method, **details))
    return order, checkout.start_payment(order=order, payment=payment, urls=factories.RETURN_URLS)


def _notify(store, payment, outcome="succeeded"):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                        headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def test_the_order_keeps_each_discount_and_the_use_is_confirmed_once(store, customer,
                                                                     django_capture_on_commit_callbacks):
    code = promo_code(store, "BIENVENUE10", max_uses=100, minimum_amount=Decimal("13000"))
    method = factories.shipping_method(store, price="2000")
    cart, _variant = cart_with(store, customer, price="10000", quantity=2)
    _apply(store, cart, customer, "bienvenue10")
    order, payment = _place(store, customer, cart, method)
    order.refresh_from_db()
    assert (order.goods_gross, order.discount, order.shipping_gross, order.total) == (
        Decimal("18000"), Decimal("2000"), Decimal("2000"), Decimal("20000"))
    [line] = order.lines.all()
    assert line.discount == Decimal("2000") and "Code BIENVENUE10" in line.discount_labels
    [discount] = order.discounts.all()
    assert (discount.kind, discount.code, discount.label, discount.amount) == (
        OrderDiscount.Kind.CODE, code, "Code BIENVENUE10", Decimal("2000"))
    redemption = Redemption.objects.get(code=code)
    assert (redemption.order_id, redemption.state, redemption.discount) == (order.pk, "held", Decimal("2000"))
    for _attempt in range(3):  # the provider says it three times
        with django_capture_on_commit_callbacks(execute=True):
            _notify(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    redemption = Redemption.objects.get(code=code)
    assert redemption.state == Redemption.State.CONFIRMED and Redemption.objects.filter(code=code).count() == 1


def test_free_shipping_is_a_discount_line_and_the_shipping_is_zero(store, customer):
    promo_code(store, "PORTOFFERT", kind=PromoCode.Kind.FREE_SHIPPING, value="0")
    method = factories.shipping_method(store, price="2500")
    cart, _variant = cart_with(store, customer, price="10000")
    _apply(store, cart, customer, "portoffert")
    order, _payment = _place(store, customer, cart, method)
    order.refresh_from_db()
    assert (order.shipping_gross, order.total) == (0, Decimal("10000"))
    assert [(row.kind, row.amount) for row in order.discounts.all()] == [("shipping", Decimal("2500"))]
    assert order.recomputed_totals()["total"] == order.total


def test_a_cancelled_payment_gives_the_use_back(store, customer, django_capture_on_commit_callbacks):
    code = promo_code(store, "ONCE", max_uses=1)
    method = factories.shipping_method(store)
    cart, _variant = cart_with(store, customer)
    _apply(store, cart, customer, "once")
    order, _payment = _place(store, customer, cart, method)
    with django_capture_on_commit_callbacks(execute=True):
        checkout.cancel_payment(order=order)
    assert Redemption.objects.get(code=code).state == Redemption.State.RELEASED
    order, _payment = _place(store, customer, Cart.objects.get(pk=cart.pk), method)  # usable again
    assert Redemption.objects.get(code=code, order_id=order.pk).state == Redemption.State.HELD


def test_an_expired_order_gives_the_use_back(store, customer, django_capture_on_commit_callbacks):
    from ashopy.orders import services as orders

    code = promo_code(store, "ONCE", max_uses=1)
    cart, _variant = cart_with(store, customer)
    _apply(store, cart, customer, "once")
    order, _payment = _place(store, customer, cart, factories.shipping_method(store))
    with django_capture_on_commit_callbacks(execute=True):
        orders.expire(order=order)
    assert Redemption.objects.get(code=code).state == Redemption.State.RELEASED


def test_a_code_refused_at_payment_sends_back_to_the_cart_without_it(store, customer):
    code = promo_code(store, "BIENVENUE10")
    method = factories.shipping_method(store)
    cart, _variant = cart_with(store, customer)
    _apply(store, cart, customer, "bienvenue10")
    PromoCode.objects.filter(pk=code.pk).update(is_active=False)  # staff deactivated it meanwhile
    with pytest.raises(CartChanged) as raised:
        _place(store, customer, Cart.objects.get(pk=cart.pk), method)
    assert "no longer valid" in raised.value.notices[0].message
    assert "removed from your cart" in raised.value.notices[0].message
    assert Cart.objects.get(pk=cart.pk).promo_code_id is None and not Order.objects.exists()


def test_the_last_use_taken_meanwhile_refuses_the_order(store, customer):
    code = promo_code(store, "ONCE", max_uses=1)
    method = factories.shipping_method(store)
    cart, _variant = cart_with(store, customer)
    _apply(store, cart, customer, "once")
    Redemption.objects.create(store=store, code=code, order_id=999999, email="other@example.com")
    with pytest.raises(CartChanged) as raised:
        _place(store, customer, Cart.objects.get(pk=cart.pk), method)
    assert "used as many times" in raised.value.notices[0].message
    assert not Order.objects.exists() and Redemption.objects.count() == 1


def test_a_guest_is_counted_by_email_at_checkout(store):
    code = promo_code(store, "ONCE", max_uses_per_customer=1)
    store.allow_guest_checkout = True
    store.save(update_fields=["allow_guest_checkout"])
    Redemption.objects.create(store=store, code=code, order_id=999999, email="guest@example.com",
                              state=Redemption.State.CONFIRMED)
    cart, _variant = cart_with(store, None)
    _apply(store, cart, None, "once")  # the cart cannot know the guest yet
    with pytest.raises(CartChanged) as raised:
        _place(store, None, Cart.objects.get(pk=cart.pk), factories.shipping_method(store), email="GUEST@example.com")
    assert "already used" in raised.value.notices[0].message


@pytest.mark.postgres
def test_the_checkout_budget_grows_by_three_at_most_with_a_code(store, customer, django_assert_max_num_queries):
    method = factories.shipping_method(store, price="2000")
    variants = [factories.product(store, name=f"Produit {n}", stock=50, price=f"{(n + 1) * 1000}").variants.get()
                for n in range(3)]
    promo_code(store, "BIENVENUE10", max_uses=100, max_uses_per_customer=1, minimum_amount=Decimal("1000"))
    cart = budget._cart(store, customer, variants)
    _apply(store, cart, customer, "BIENVENUE10")  # the cart (its store loaded) now names the code
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(budget.BUDGET + 3):
        order, payment = budget._place(store, customer, cart, method)
        budget._pay(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.discounts.count() == 1
    assert len(queries) == budget.BUDGET + 3  # the code's row locked, its use counted and held, the discount stored


def test_customer_and_staff_order_pages_show_the_discount_lines(client, store, customer, manager):
    promo_code(store, "BIENVENUE10")
    cart, _variant = cart_with(store, customer, price="10000", quantity=2)
    _apply(store, cart, customer, "bienvenue10")
    order, _payment = _place(store, customer, cart, factories.shipping_method(store))
    client.force_login(customer)
    page = client.get(f"/account/orders/{order.number}/").content.decode()
    assert 'data-testid="order-discount"' in page and "Code BIENVENUE10" in page
    client.force_login(manager)
    page = client.get(f"/staff/orders/{order.number}/").content.decode()
    assert 'data-testid="order-discount"' in page and "Code BIENVENUE10" in page
