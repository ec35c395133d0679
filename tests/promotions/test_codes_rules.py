"""Applying a promo code to a cart: each refusal with its own code and message, case-insensitive codes,
the web cart's form and the API's POST/DELETE /api/v1/cart/code/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.core.money import format_money
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions import codes
from ashopy.promotions import errors as code_errors
from ashopy.promotions.models import PromoCode, Redemption
from tests import factories

from .codes_helpers import cart_with, promo_code

pytestmark = pytest.mark.django_db


def _apply(store, cart, user, text):
    return cart_services.apply_code(cart=cart, code=text, user=user, policy=PricingPolicy(store, user))


def test_a_code_is_found_in_any_case_and_takes_its_discount(store, customer):
    promo_code(store, "BIENVENUE10", minimum_amount=Decimal("5000"))
    cart, _variant = cart_with(store, customer, price="10000", quantity=2)
    notice = _apply(store, cart, customer, "  bienvenue10 ")
    assert notice.level == "success" and "BIENVENUE10" in notice.message
    totals = cart_selectors.priced(Cart.objects.get(pk=cart.pk), PricingPolicy(store, customer))
    assert totals.items == Decimal("20000") and totals.code_discount == Decimal("2000")
    assert totals.goods_gross == Decimal("18000") and [line.label for line in totals.code_lines] == ["Code BIENVENUE10"]
    cart_services.remove_code(cart=cart)
    assert Cart.objects.get(pk=cart.pk).promo_code_id is None


@pytest.mark.parametrize(("fields", "error", "words"), [
    ({}, code_errors.UnknownCode, "does not exist"),
    ({"is_active": False}, code_errors.InactiveCode, "no longer valid"),
    ({"ends_at": timezone.now() - timedelta(days=1), "starts_at": timezone.now() - timedelta(days=9)},
     code_errors.ExpiredCode, "expired"),
    ({"starts_at": timezone.now() + timedelta(days=2)}, code_errors.CodeNotYetValid, "valid from"),
    ({"minimum_amount": Decimal("13000")}, code_errors.MinimumNotReached, "3,000 more"),
    ({"staff_only": True}, code_errors.CodeNotForAccount, "not available for your account"),
    ({"segments": ["etudiant"]}, code_errors.CodeNotForAccount, "not available for your account"),
])
def test_each_refusal_has_its_code_and_message(store, customer, fields, error, words):
    if fields:
        promo_code(store, "PROMO", **fields)
    cart, _variant = cart_with(store, customer, price="10000")
    with pytest.raises(error) as raised:
        _apply(store, cart, customer, "promo")
    assert words in str(raised.value) and raised.value.code.startswith("code_")
    assert Cart.objects.get(pk=cart.pk).promo_code_id is None


def test_minimum_message_gives_the_missing_amount_in_the_store_currency(store, customer):
    promo_code(store, "BIENVENUE10", minimum_amount=Decimal("13000"))
    cart, _variant = cart_with(store, customer, price="10000")
    with pytest.raises(code_errors.MinimumNotReached) as raised:
        _apply(store, cart, customer, "BIENVENUE10")
    assert str(raised.value) == (f"The code “BIENVENUE10” needs an order of at least {format_money(13000, 'XOF')}: "
                                 f"add {format_money(3000, 'XOF')} more.")


def test_uses_per_customer_and_in_total_are_counted(store, customer):
    once = promo_code(store, "ONCE", max_uses_per_customer=1)
    full = promo_code(store, "FULL", max_uses=1)
    Redemption.objects.create(store=store, code=once, order_id=1, customer=customer, email=customer.email)
    Redemption.objects.create(store=store, code=full, order_id=2, email="other@example.com",
                              state=Redemption.State.CONFIRMED)
    cart, _variant = cart_with(store, customer)
    with pytest.raises(code_errors.CodeAlreadyUsed):
        _apply(store, cart, customer, "once")
    with pytest.raises(code_errors.CodeLimitReached):
        _apply(store, cart, customer, "full")
    Redemption.objects.filter(code=full).update(state=Redemption.State.RELEASED)  # a released use is given back
    assert _apply(store, cart, customer, "full").level == "success"


def test_guests_are_counted_by_email(store):
    code = promo_code(store, "ONCE", max_uses_per_customer=1)
    Redemption.objects.create(store=store, code=code, order_id=1, email="Guest@Example.com")
    with pytest.raises(code_errors.CodeAlreadyUsed):
        codes.check(code, user=None, goods=Decimal(100), email="guest@example.com")
    codes.check(code, user=None, goods=Decimal(100), email="someone@example.com")


def test_first_order_only_asks_the_orders(store, customer):
    promo_code(store, "PREMIERE", first_order_only=True)
    method = factories.shipping_method(store)
    variant = factories.product(store, name="Lampe", price="5000", stock=5).variants.get()
    cart, _variant = cart_with(store, customer)
    assert _apply(store, cart, customer, "premiere").level == "success"
    cart_services.remove_code(cart=cart)
    factories.placed_order(store, variant, method, user=customer, paid=True)
    cart, _variant = cart_with(store, customer, name="Tapis")
    with pytest.raises(code_errors.CodeNotForAccount):
        _apply(store, cart, customer, "premiere")


def test_staff_only_code_for_staff(store):
    promo_code(store, "EQUIPE", staff_only=True)
    seller = factories.staff(store, "vendeur", email="vendeur@example.com")
    cart, _variant = cart_with(store, seller)
    assert _apply(store, cart, seller, "equipe").level == "success"


def test_a_code_on_chosen_products_needs_one_in_the_cart(store, customer):
    parent = factories.category(store, name="Maison")
    child = factories.category(store, name="Cuisine", parent=parent)
    pan = factories.product(store, name="Poêle", price="8000", stock=5, category_=child).variants.get()
    code = promo_code(store, "MAISON", kind=PromoCode.Kind.ITEMS_PERCENT, value="25")
    code.categories.add(parent)
    cart, _variant = cart_with(store, customer, price="10000")
    with pytest.raises(code_errors.CodeNotForCart):
        _apply(store, cart, customer, "maison")
    cart_services.add(cart=cart, variant_id=pan.pk, quantity=1)
    _apply(store, cart, customer, "maison")
    totals = cart_selectors.priced(Cart.objects.get(pk=cart.pk), PricingPolicy(store, customer))
    assert {line.variant.pk: line.code_discount for line in totals.lines}[pan.pk] == Decimal("2000")
    assert totals.code_discount == Decimal("2000")  # the sub-category's product only


def test_the_cart_says_when_its_code_no_longer_applies(store, customer):
    promo_code(store, "BIENVENUE10", minimum_amount=Decimal("15000"))
    cart, _variant = cart_with(store, customer, price="10000", quantity=2)
    _apply(store, cart, customer, "BIENVENUE10")
    line = cart.lines.get()
    cart_services.set_quantity(cart=cart, line_id=line.pk, quantity=1)
    totals = cart_selectors.priced(Cart.objects.get(pk=cart.pk), PricingPolicy(store, customer))
    assert totals.code_discount == 0 and f"add {format_money(5000, 'XOF')} more" in totals.code_problem


def test_web_cart_form_applies_shows_and_removes_the_code(client, store, customer):
    promo_code(store, "BIENVENUE10")
    client.force_login(customer)
    cart_with(store, customer, price="10000", quantity=3)
    response = client.post(reverse("cart:apply_code"), {"code": "bienvenue10"}, follow=True)
    page = response.content.decode()
    assert "Code BIENVENUE10" in page and 'data-testid="code-discount"' in page
    assert f"−{format_money(3000, 'XOF', 'fr')}" in page
    response = client.post(reverse("cart:apply_code"), {"code": "NOPE"}, follow=True)
    assert "n’existe pas" in response.content.decode()
    response = client.post(reverse("cart:remove_code"), follow=True)
    assert "Code BIENVENUE10" not in response.content.decode()


def test_api_applies_and_removes_the_code(store, customer):
    promo_code(store, "BIENVENUE10")
    cart_with(store, customer, price="10000", quantity=2)
    api = APIClient()
    api.force_authenticate(customer)
    response = api.post("/api/v1/cart/code/", {"code": "bienvenue10"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["promo_code"] == "BIENVENUE10" and body["totals"]["code_discount"] == "2000"
    assert body["totals"]["discounts"] == [{"kind": "code", "label": "Code BIENVENUE10", "amount": "2000"}]
    assert body["totals"]["total"] == "18000"
    response = api.post("/api/v1/cart/code/", {"code": "NOPE"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "code_unknown"
    response = api.post("/api/v1/cart/code/", {"code": ""}, format="json")
    assert response.status_code == 400
    response = api.delete("/api/v1/cart/code/")
    assert response.status_code == 200 and response.json()["promo_code"] is None
    assert response.json()["totals"]["total"] == "20000"


def test_api_guest_without_cart_gets_a_clear_error(store):
    promo_code(store, "BIENVENUE10")
    response = APIClient().post("/api/v1/cart/code/", {"code": "BIENVENUE10"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "empty_cart"
