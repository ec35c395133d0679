"""How a promo code stacks on the catalogue prices, for any cart (hypothesis), in XOF and EUR.

Random carts (the order totals test's: prices, sale prices, tax classes, segment and partner
discounts, shipping) get a random code (every kind, any value, amounts beyond the goods): the
order placed never has a negative figure, its stored totals equal their recomputation from its
stored lines, the discount shown equals the sum of its discount lines (stored as OrderDiscount
rows), and those lines account for every saving against the pre-discount prices.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ashopy.cart import selectors as cart_selectors
from ashopy.cart.totals import _allocate
from ashopy.checkout import services as checkout
from ashopy.core.money import ZERO, round_money
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.models import PromoCode, Redemption
from tests import factories
from tests.orders.test_order_totals import _build, shops

from .codes_helpers import promo_code

pytestmark = pytest.mark.django_db

codes = st.fixed_dictionaries({
    "kind": st.sampled_from(PromoCode.Kind.values),
    "percent": st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    "amount": st.decimals(min_value=0, max_value=3000000, places=2, allow_nan=False, allow_infinity=False),
    "covers_first": st.booleans(),
})


def _code(store, drawn, cart):
    percent = drawn["kind"] in (PromoCode.Kind.ORDER_PERCENT, PromoCode.Kind.ITEMS_PERCENT)
    value = drawn["percent"] if percent else round_money(drawn["amount"], store.currency)
    code = promo_code(store, "HYPO", kind=drawn["kind"], value=str(value))
    if drawn["kind"] in (PromoCode.Kind.ITEMS_PERCENT, PromoCode.Kind.ITEMS_AMOUNT):
        lines = list(cart.lines.select_related("variant"))
        chosen = lines[:1] if drawn["covers_first"] else lines[1:2]
        code.products.add(*[line.variant.product_id for line in chosen])
    cart.promo_code = code
    cart.save(update_fields=["promo_code"])
    return code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops(), drawn=codes)
def test_an_order_with_a_code_is_never_negative_and_equals_its_recomputation(shop, drawn):
    with transaction.atomic():
        store, customer, cart, method = _build(shop)
        code = _code(store, drawn, cart)
        destination = "SN" if store.currency == "XOF" else "FR"
        policy = PricingPolicy(store, customer)
        [shipping] = checkout.shipping_options(cart=cart, policy=policy, country=destination)
        shown = cart_selectors.priced(cart, policy, shipping=shipping)
        assert shown.offer is not None and not shown.code_problem
        order, _payment = checkout.place_order(
            cart=cart, user=customer, policy=PricingPolicy(store, customer),
            details=factories.checkout_details(method, email=customer.email,
                                               shipping_address=factories.address(country=destination)))
        order.refresh_from_db()

        stored = {name: getattr(order, name) for name in order.recomputed_totals()}
        assert stored == order.recomputed_totals()
        assert order.total == shown.total and order.total_tax == sum(tax for _rate, tax in shown.taxes)
        for amount in (*stored.values(), order.shipping_net, order.shipping_tax, order.shipping_gross):
            assert amount >= 0 and round_money(amount, store.currency) == amount
        lines = list(order.lines.order_by("id"))
        for line, priced in zip(lines, shown.lines, strict=True):
            assert min(line.net, line.tax, line.gross, line.discount) >= 0
            assert (line.net, line.tax, line.gross) == (priced.charged.net, priced.charged.tax, priced.charged.gross)
            assert priced.code_discount <= priced.price.amount
        # What the customer saved, line by line, is every discount shown, and is stored with its cause.
        assert shown.savings == sum((line.amount for line in shown.discount_lines), ZERO)
        before = sum((round_money(min(p.unit.base, p.unit.sale if p.unit.sale is not None else p.unit.base)
                                  * p.quantity, store.currency) for p in shown.lines), ZERO)
        after = sum((p.charged.amount for p in shown.lines), ZERO)
        assert shown.savings == before - after + shown.shipping_discount
        discounts = list(order.discounts.all())
        assert sum((row.amount for row in discounts), ZERO) == shown.savings
        assert all(row.amount > 0 for row in discounts)
        assert shown.code_discount <= shown.items
        if drawn["kind"] == PromoCode.Kind.ORDER_AMOUNT:
            assert shown.code_discount == min(code.value, shown.items)
        if drawn["kind"] == PromoCode.Kind.FREE_SHIPPING:
            assert order.shipping_gross == 0
        held = Redemption.objects.get(code=code, order_id=order.pk)
        assert held.state == Redemption.State.HELD and held.discount == shown.code_discount + shown.shipping_discount
        transaction.set_rollback(True)


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.integers(0, 10**7), min_size=1, max_size=6), share=st.integers(0, 100),
       currency=st.sampled_from(["XOF", "EUR"]))
def test_an_order_discount_is_spread_exactly_and_never_beyond_a_line(weights, share, currency):
    exponent = Decimal(1) if currency == "XOF" else Decimal("0.01")
    amounts = [Decimal(weight) * exponent for weight in weights]
    total = round_money(sum(amounts, ZERO) * share / 100, currency)
    shares = _allocate(total, amounts, currency)
    assert sum(shares, ZERO) == (total if sum(amounts, ZERO) else ZERO)
    assert all(ZERO <= part <= amount and round_money(part, currency) == part
               for part, amount in zip(shares, amounts, strict=True))
