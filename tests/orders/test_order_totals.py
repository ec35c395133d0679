"""A placed order's stored totals equal their recomputation and what the cart showed, for any cart.

Hypothesis builds random carts (1–4 lines: prices, sale prices, quantities, tax classes, a
customer segment discount, a partner discount, a shipping price) in an XOF store and in a EUR
store whose prices include tax. Each example builds its own store inside a savepoint that is
rolled back afterwards: no function-scoped fixture is shared between examples.
"""

import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.catalog.models import TaxClass
from ashopy.checkout import services as checkout
from ashopy.core.money import round_money
from ashopy.pricing.models import TaxRate
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

pytestmark = pytest.mark.django_db

_stores = itertools.count()
STORES = [("XOF", True), ("XOF", False), ("EUR", True)]


def _amounts(currency):
    top = Decimal("2000000") if currency == "XOF" else Decimal("5000")
    return st.decimals(min_value=0, max_value=top, places=2, allow_nan=False, allow_infinity=False)


percents = st.decimals(min_value=0, max_value=60, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=25, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def shops(draw):
    currency, includes_tax = draw(st.sampled_from(STORES))
    amounts = _amounts(currency)
    lines = draw(st.lists(st.fixed_dictionaries({
        "price": amounts,
        "sale": st.one_of(st.none(), amounts),
        "quantity": st.integers(1, 5),
        "tax_class": st.sampled_from([None, "standard", "reduced", "exempt"]),
    }), min_size=1, max_size=4))
    for line in lines:  # the catalogue refuses a sale price above the price
        line["sale"] = min(line["sale"], line["price"]) if line["sale"] is not None else None
    return {
        "currency": currency, "includes_tax": includes_tax, "lines": lines,
        "reduced_rate": draw(rates),
        "segment_percent": draw(st.one_of(st.none(), percents)),
        "partner_percent": draw(st.one_of(st.none(), percents)),
        "shipping": draw(amounts),
        "free_above": draw(st.one_of(st.none(), amounts)),
    }


def _build(shop):
    """The store, its tax classes, products with exactly the stock the cart needs, and the customer."""
    currency = shop["currency"]
    store = factories.StoreFactory(slug=f"totals-{next(_stores)}", currency=currency,
                                   country="SN" if currency == "XOF" else "FR",
                                   prices_include_tax=shop["includes_tax"])
    classes = {"standard": TaxClass.objects.get(store=store, code="standard")}
    for code, rate in (("reduced", shop["reduced_rate"]), ("exempt", Decimal(0))):
        classes[code] = TaxClass.objects.create(store=store, code=code, name=code.title())
        TaxRate.objects.create(store=store, tax_class=classes[code], rate=rate)
    fields = {}
    if shop["segment_percent"] is not None:
        factories.segment_discount(store, "etudiant", shop["segment_percent"])
        fields["segment"] = "etudiant"
    if shop["partner_percent"] is not None:
        fields["partner"] = factories.PartnerFactory(store=store, discount_percent=shop["partner_percent"])
    customer = factories.UserFactory(email=f"{store.slug}@example.com", **fields)
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for index, line in enumerate(shop["lines"]):
        variant = factories.product(store, f"Article {index}", price=str(line["price"]),
                                    sale_price=str(line["sale"]) if line["sale"] is not None else None,
                                    stock=line["quantity"]).variants.get()
        if line["tax_class"] is not None:
            variant.tax_class = classes[line["tax_class"]]
            variant.save(update_fields=["tax_class"])
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=line["quantity"])
    method = factories.shipping_method(store, price=str(shop["shipping"]), free_above=shop["free_above"])
    return store, customer, cart, method


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops())
def test_placed_order_totals_equal_their_recomputation_and_the_cart(shop):
    with transaction.atomic():
        store, customer, cart, method = _build(shop)
        destination = "SN" if store.currency == "XOF" else "FR"
        policy = PricingPolicy(store, customer)
        [shipping] = checkout.shipping_options(cart=cart, policy=policy, country=destination)
        shown = cart_selectors.priced(cart, policy, shipping=shipping)

        order, payment = checkout.place_order(
            cart=cart, user=customer, policy=PricingPolicy(store, customer),
            details=factories.checkout_details(method, email=customer.email,
                                               shipping_address=factories.address(country=destination)))
        order.refresh_from_db()

        stored = {name: getattr(order, name) for name in order.recomputed_totals()}
        assert stored == order.recomputed_totals()
        assert order.total == order.total_net + order.total_tax
        assert order.total == shown.total and order.total_net == shown.net and order.total_tax == shown.tax
        assert (order.goods_net, order.goods_tax, order.goods_gross, order.discount) == (
            shown.goods_net, shown.goods_tax, shown.goods_gross, shown.discount)
        assert (order.shipping_net, order.shipping_tax, order.shipping_gross) == (
            shown.shipping_net, shown.shipping_tax, shown.shipping_gross)
        assert sum(tax for _rate, tax in shown.taxes) == order.total_tax
        assert payment.amount == order.total and payment.currency == store.currency
        for amount in (*stored.values(), order.shipping_net, order.shipping_tax):
            assert round_money(amount, store.currency) == amount and amount >= 0
        lines = list(order.lines.order_by("id"))
        assert [(line.quantity, line.net, line.tax, line.gross, line.tax_rate) for line in lines] == [
            (priced.quantity, priced.price.net, priced.price.tax, priced.price.gross, priced.unit.tax_rate)
            for priced in shown.lines]
        if shipping.free:  # which goods total the threshold reads is tested in test_shipping.py
            assert order.shipping_gross == 0
        transaction.set_rollback(True)
