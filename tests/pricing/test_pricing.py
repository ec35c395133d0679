"""The price resolver: base → sale → partner → segment → promotions, taxed and rounded per line."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ashopy.catalog.models import TaxClass, Variant
from ashopy.core.money import round_money
from ashopy.pricing import hooks
from ashopy.pricing.models import TaxRate
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

prices = st.decimals(min_value=0, max_value=Decimal("1e9"), places=2, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


class _Store:
    """Just what the resolver reads of a store; hypothesis needs no database for the arithmetic."""

    def __init__(self, currency, includes_tax):
        self.pk, self.currency, self.prices_include_tax = -1, currency, includes_tax


def _policy(currency="XOF", includes_tax=True, tax=Decimal(18), steps=()):
    policy = PricingPolicy.__new__(PricingPolicy)
    policy.store = _Store(currency, includes_tax)
    policy.customer = None
    from ashopy.pricing.resolver import StoreRates

    policy.rates = StoreRates({}, tax, {})
    policy.context = hooks.PriceContext(store=policy.store, customer=None)
    policy._percent_steps = list(steps)
    policy._offer_sources = []
    return policy


@settings(max_examples=300)
@given(prices, st.one_of(st.none(), prices), percents, percents, percents, st.integers(1, 999),
       st.sampled_from(["XOF", "EUR"]), st.booleans())
def test_line_invariants(price, sale, partner, segment, tax, quantity, currency, includes_tax):
    sale = min(sale, price) if sale is not None else None
    policy = _policy(currency, includes_tax, tax, [("partner", "P", partner), ("segment", "S", segment)])
    unit = policy.price(Variant(price=price, sale_price=sale, position=0))
    line = unit.line(quantity)
    assert unit.price >= 0 and line.net >= 0 and line.tax >= 0
    assert unit.price <= round_money(price, currency)
    assert line.gross == line.net + line.tax
    for amount in (unit.price, line.net, line.tax, line.gross):
        assert round_money(amount, currency) == amount
    assert sum(a.amount for a in unit.adjustments) + unit.price == (
        round_money(sale, currency) if sale is not None and round_money(sale, currency) < round_money(price, currency)
        else round_money(price, currency))


@given(prices, percents)
def test_full_discount_never_goes_negative(price, extra):
    policy = _policy(steps=[("partner", "P", Decimal(100)), ("segment", "S", extra)])
    unit = policy.price(Variant(price=price, position=0))
    assert unit.price == 0


def test_tax_included_and_excluded():
    included = _policy("XOF", True, Decimal(18)).price(Variant(price=Decimal(11800), position=0)).line(1)
    assert (included.net, included.tax, included.gross) == (Decimal(10000), Decimal(1800), Decimal(11800))
    excluded = _policy("EUR", False, Decimal(20)).price(Variant(price=Decimal("10.00"), position=0)).line(3)
    assert (excluded.net, excluded.tax, excluded.gross) == (Decimal("30.00"), Decimal("6.00"), Decimal("36.00"))


@pytest.mark.django_db
def test_partner_then_segment_discounts_compound_and_are_named(store):
    factories.segment_discount(store, "etudiant", 10)
    partner = factories.PartnerFactory(store=store, name="UCAD", discount_percent=Decimal(5))
    student = factories.UserFactory(segment="etudiant", partner=partner)
    product = factories.product(store, price="100000", sale_price="80000")
    variant = product.variants.get()
    unit = PricingPolicy(store, student).price(variant)
    # 80 000 − 5 % = 76 000 − 10 % = 68 400
    assert unit.base == Decimal(100000) and unit.sale == Decimal(80000)
    assert unit.price == Decimal(68400)
    assert [a.code for a in unit.adjustments] == ["partner", "segment"]
    assert "UCAD" in unit.adjustments[0].label
    anonymous = PricingPolicy(store, None).price(variant)
    assert anonymous.price == Decimal(80000) and anonymous.adjustments == ()


@pytest.mark.django_db
def test_segment_rates_are_per_store_and_partner_only_in_its_store(store, other_store):
    factories.segment_discount(other_store, "etudiant", 25)
    partner = factories.PartnerFactory(store=other_store, discount_percent=Decimal(50))
    student = factories.UserFactory(segment="etudiant", partner=partner)
    variant = factories.product(store, price="1000").variants.get()
    assert PricingPolicy(store, student).price(variant).price == Decimal(1000)
    other_variant = factories.product(other_store, price="100.00").variants.get()
    assert PricingPolicy(other_store, student).price(other_variant).price == Decimal("37.50")


@pytest.mark.django_db
def test_tax_class_rates_and_memo_refresh(store):
    reduced = TaxClass.objects.create(store=store, code="reduced", name="Réduit")
    rate = TaxRate.objects.create(store=store, tax_class=reduced, rate=Decimal(10))
    product = factories.product(store, price="1100")
    variant = product.variants.get()
    variant.tax_class = reduced
    variant.save()
    assert PricingPolicy(store).price(variant).line(1).tax == Decimal(100)
    rate.rate = Decimal(0)
    rate.save()
    assert PricingPolicy(store).price(variant).line(1).tax == Decimal(0)
    variant.tax_class = None
    assert PricingPolicy(store).tax_rate(variant) == Decimal(18)


@pytest.mark.django_db
def test_promotion_hook_takes_off_after_customer_discounts(store):
    def ten_off(context):
        return lambda variant: [hooks.Offer(promotion_id=1, label="−10", kind=hooks.Offer.AMOUNT, value=Decimal(10))]

    hooks.register_adjuster(ten_off)
    try:
        unit = PricingPolicy(store).price(factories.product(store, price="15").variants.get())
        assert unit.price == Decimal(5)
        assert [(a.code, a.promotion_id) for a in unit.adjustments] == [("promotion", 1)]
        free = PricingPolicy(store).price(factories.product(store, "Câble", price="8").variants.get())
        assert free.price == 0
    finally:
        hooks.unregister_adjuster(ten_off)
