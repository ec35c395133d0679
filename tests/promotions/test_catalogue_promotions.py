"""Catalogue promotions: what they cover, for whom, how much, how they stack with partner and segment
discounts, when they run (to the minute, without a cache clear), and that listings and the API show them
within their query budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ashopy.catalog.models import Variant
from ashopy.core.money import round_money
from ashopy.pricing import hooks
from ashopy.pricing.resolver import PricingPolicy, StoreRates
from ashopy.promotions.models import Promotion
from tests import factories
from tests.catalog.test_storefront_queries import LISTING_BUDGET, _queries, catalogue  # noqa: F401 (fixture)


def promotion(store, name="Soldes d’hiver", *, kind="percent", value=10, scope=None, **fields) -> Promotion:
    made = Promotion.objects.create(store=store, name=name, kind=kind, value=Decimal(value), **fields)
    for field, objects in (scope or {}).items():
        getattr(made, field).set(objects)
    return made


def variant_of(product) -> Variant:
    """The product's first variant with its product loaded, as listings, the cart and the API load it."""
    return Variant.objects.select_related("product").filter(product=product).order_by("position").first()


def price(store, product, customer=None) -> Decimal:
    return PricingPolicy(store, customer).price(variant_of(product)).price


@pytest.fixture
def shelf(store):
    """Ordinateurs > Portables > Ultraportables, and a ThinkPad (Lenovo) at 10 000 F on Portables."""
    computers = factories.category(store, "Ordinateurs")
    laptops = factories.category(store, "Portables", parent=computers)
    ultra = factories.category(store, "Ultraportables", parent=laptops)
    return computers, laptops, ultra


@pytest.fixture
def thinkpad(store, shelf):
    return factories.product(store, "ThinkPad", category_=shelf[1], brand_=factories.brand(store, "Lenovo"),
                             price="10000")


@pytest.fixture
def student(store, customer):
    """A customer whose student status the shop verified (10 %), partner of UCAD (5 %)."""
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.partner = factories.PartnerFactory(store=store, name="UCAD", discount_percent=Decimal(5))
    customer.save()
    return customer


# Scope ----------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_scope_by_product_variant_brand_and_category_with_its_sub_categories(store, shelf, thinkpad):
    computers, _laptops, ultra = shelf
    other = factories.product(store, "Souris", category_=factories.category(store, "Accessoires"), price="2000")
    in_ultra = factories.product(store, "Yoga", category_=ultra, price="20000")
    two_variants = factories.product(store, "Dell", category_=factories.category(store, "Autres"),
                                     variants=[{"price": Decimal(1000)}, {"price": Decimal(3000)}])
    assert price(store, thinkpad) == 10000

    by_product = promotion(store, "Produit", value=10, scope={"products": [thinkpad]})
    assert (price(store, thinkpad), price(store, other)) == (9000, 2000)
    by_product.delete()

    second = two_variants.variants.order_by("position")[1]
    promotion(store, "Variante", kind="fixed_price", value=2500, scope={"variants": [second]})
    policy = PricingPolicy(store)
    assert policy.price(variant_of(two_variants)).price == 1000
    assert policy.price(Variant.objects.select_related("product").get(pk=second.pk)).price == 2500

    brand = promotion(store, "Marque", value=20, scope={"brands": [thinkpad.brand]})
    assert (price(store, thinkpad), price(store, in_ultra)) == (8000, 20000)
    brand.delete()

    promotion(store, "Rayon", value=50, scope={"categories": [computers]})
    assert (price(store, thinkpad), price(store, in_ultra), price(store, other)) == (5000, 10000, 2000)


@pytest.mark.django_db
def test_an_empty_scope_covers_nothing_and_an_inactive_promotion_nothing_either(store, thinkpad):
    promotion(store, "Partout ?", value=50)
    promotion(store, "Éteinte", value=50, scope={"products": [thinkpad]}, is_active=False)
    assert price(store, thinkpad) == 10000


@pytest.mark.django_db
def test_a_new_sub_category_and_scope_changes_apply_at_once(store, shelf, thinkpad):
    computers, _laptops, ultra = shelf
    sale = promotion(store, "Rayon", value=10, scope={"categories": [ultra]})
    assert price(store, thinkpad) == 10000
    nested = factories.category(store, "Convertibles", parent=ultra)
    convertible = factories.product(store, "Flip", category_=nested, price="30000")
    assert price(store, convertible) == 27000  # the sub-category created after the promotion is in its scope
    sale.categories.add(computers)
    assert price(store, thinkpad) == 9000
    sale.value = Decimal(25)
    sale.save()
    assert price(store, thinkpad) == 7500
    sale.categories.clear()
    assert price(store, thinkpad) == 10000


# Kinds -----------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("percent", 15, 8500), ("percent", 100, 0), ("amount", 1500, 8500), ("amount", 25000, 0),
    ("fixed_price", 7000, 7000), ("fixed_price", 0, 0), ("fixed_price", 12000, 10000),
])
def test_kinds_never_raise_the_price_nor_go_below_zero(store, thinkpad, kind, value, expected):
    promotion(store, kind=kind, value=value, scope={"products": [thinkpad]})
    unit = PricingPolicy(store).price(variant_of(thinkpad))
    assert unit.price == expected
    assert unit.line(3).gross == 3 * expected
    assert [a.code for a in unit.adjustments] == (["promotion"] if expected < 10000 else [])


@pytest.mark.django_db
def test_a_promotion_applies_to_the_sale_price_and_amounts_round_to_the_currency(store, other_store):
    product = factories.product(store, "Écran", price="10000", sale_price="9999")
    promotion(store, value=Decimal("12.5"), scope={"products": [product]})
    assert price(store, product) == 8749  # 9 999 − 1 249.875 → 1 250 off, whole francs
    euro = factories.product(other_store, "Câble", price="9.99")
    promotion(other_store, value=Decimal("33.33"), scope={"products": [euro]})
    assert price(other_store, euro) == Decimal("6.66")


@pytest.mark.django_db
def test_the_best_single_promotion_applies_ties_by_priority(store, shelf, thinkpad):
    promotion(store, "Rayon −10 %", value=10, scope={"categories": [shelf[0]]})
    best = promotion(store, "Lenovo −1 500 F", kind="amount", value=1500, scope={"brands": [thinkpad.brand]})
    unit = PricingPolicy(store).price(variant_of(thinkpad))
    assert unit.price == 8500 and [a.promotion_id for a in unit.adjustments] == [best.pk]
    urgent = promotion(store, "Prioritaire", kind="fixed_price", value=8500, priority=5,
                       scope={"products": [thinkpad]})
    unit = PricingPolicy(store).price(variant_of(thinkpad))
    assert unit.price == 8500 and [a.label for a in unit.adjustments] == [urgent.name]


# Audience and stacking -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_audience_segments_count_only_the_verified_segment(store, thinkpad, customer):
    promotion(store, "Étudiants", value=20, audience="segments", segments=["etudiant"],
              scope={"products": [thinkpad]})
    assert price(store, thinkpad) == 10000
    customer.declared_segment = "etudiant"  # declared, not verified
    customer.save()
    assert price(store, thinkpad, customer) == 10000
    customer.segment = "etudiant"
    customer.save()
    assert price(store, thinkpad, customer) == 8000
    customer.segment = "professionnel"
    customer.save()
    assert price(store, thinkpad, customer) == 10000


@pytest.mark.django_db
def test_audience_partners_the_chosen_ones_or_every_partner_of_the_store(store, other_store, thinkpad, customer):
    ucad = factories.PartnerFactory(store=store, name="UCAD", discount_percent=0)
    ucad_only = promotion(store, "UCAD", value=20, audience="partners", scope={"products": [thinkpad]})
    ucad_only.partners.set([ucad])
    assert price(store, thinkpad) == 10000 and price(store, thinkpad, customer) == 10000
    customer.partner = factories.PartnerFactory(store=store, name="ESP", discount_percent=0)
    customer.save()
    assert price(store, thinkpad, customer) == 10000
    ucad_only.partners.clear()  # no partner chosen: every partner of the store
    assert price(store, thinkpad, customer) == 8000
    customer.partner = factories.PartnerFactory(store=other_store, name="Sorbonne", discount_percent=0)
    customer.save()
    assert price(store, thinkpad, customer) == 10000


@pytest.mark.django_db
def test_a_combinable_promotion_stacks_on_partner_and_segment_discounts(store, thinkpad, student):
    promotion(store, "Soldes", value=10, scope={"products": [thinkpad]})
    unit = PricingPolicy(store, student).price(variant_of(thinkpad))
    # 10 000 − 5 % (partner) = 9 500 − 10 % (segment) = 8 550 − 10 % (promotion) = 7 695
    assert unit.price == 7695
    assert [a.code for a in unit.adjustments] == ["partner", "segment", "promotion"]
    assert sum(a.amount for a in unit.adjustments) + unit.price == 10000


@pytest.mark.django_db
def test_an_exclusive_promotion_gives_whichever_price_is_better_for_the_customer(store, thinkpad, student):
    small = promotion(store, "Exclusive −12 %", value=12, exclusive=True, scope={"products": [thinkpad]})
    unit = PricingPolicy(store, student).price(variant_of(thinkpad))
    assert unit.price == 8550 and [a.code for a in unit.adjustments] == ["partner", "segment"]
    assert price(store, thinkpad) == 8800  # a visitor has no discount to lose

    small.value = Decimal(20)
    small.save()
    unit = PricingPolicy(store, student).price(variant_of(thinkpad))
    assert unit.price == 8000
    assert [(a.code, a.exclusive) for a in unit.adjustments] == [("promotion", True)]

    promotion(store, "Combinable −10 %", value=10, scope={"products": [thinkpad]})
    unit = PricingPolicy(store, student).price(variant_of(thinkpad))
    assert unit.price == 7695  # 8 550 − 10 % beats 8 000
    assert [a.code for a in unit.adjustments] == ["partner", "segment", "promotion"]
    assert price(store, thinkpad) == 8000  # the visitor: −20 % exclusive beats −10 %


# Time ------------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_promotion_starts_and_ends_at_its_minute_without_a_cache_clear(store, thinkpad,
                                                                          django_assert_num_queries):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    promotion(store, "Vente flash", value=30, starts_at=start, ends_at=start + timedelta(hours=2),
              scope={"products": [thinkpad]})
    variant = variant_of(thinkpad)
    with time_machine.travel(start - timedelta(seconds=1), tick=False):
        assert PricingPolicy(store).price(variant).price == 10000  # the memo is loaded, the promotion in it
    for moment, expected in ((start, 7000), (start + timedelta(minutes=119, seconds=59), 7000),
                             (start + timedelta(hours=2), 10000)):
        with time_machine.travel(moment, tick=False), django_assert_num_queries(0):
            assert PricingPolicy(store).price(variant).price == expected


# Stores ----------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_another_stores_promotion_never_applies(store, other_store, thinkpad):
    promotion(other_store, "Paris −50 %", value=50, scope={"products": [thinkpad], "brands": [thinkpad.brand],
                                                         "categories": [thinkpad.category]})
    assert price(store, thinkpad) == 10000
    promotion(store, "Dakar −10 %", value=10, scope={"products": [thinkpad]})
    assert price(store, thinkpad) == 9000


# Storefront, API and query budgets -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_cards_and_product_page_show_the_promotion_its_struck_price_and_the_badge(client, store, thinkpad):
    promotion(store, "Soldes d’hiver", value=15, scope={"products": [thinkpad]})
    page = client.get("/c/ordinateurs/").content.decode()
    card = page[page.index('class="card h-100 product-card"'):]
    assert "Soldes d’hiver" in card and 'class="price-base' in card and "product-badge-promo" in card
    assert "8 500" in card.replace("\u202f", " ").replace("\xa0", " ")
    product_page = client.get(thinkpad.get_absolute_url()).content.decode()
    assert "product-badge-promo" in product_page and "Soldes d’hiver (−15 %)" in product_page


@pytest.mark.django_db
def test_the_badge_follows_the_promotion_for_the_visitor(client, store, thinkpad, customer):
    promotion(store, "Étudiants", value=15, audience="segments", segments=["etudiant"],
              scope={"products": [thinkpad]})
    assert "product-badge-promo" not in client.get("/c/ordinateurs/").content.decode()
    customer.segment = "etudiant"
    customer.save()
    client.force_login(customer)
    assert "product-badge-promo" in client.get("/c/ordinateurs/").content.decode()


@pytest.mark.django_db
def test_the_api_shows_the_promotion_on_cards_pages_and_badges(store, thinkpad):
    sale = promotion(store, "Soldes d’hiver", value=15, scope={"products": [thinkpad]})
    client = APIClient()
    card = client.get("/api/v1/products/").json()["results"][0]
    assert card["price"]["gross"] == "8500" and card["price"]["base_gross"] == "10000"
    assert card["price"]["adjustments"] == [{"code": "promotion", "label": "Soldes d’hiver", "amount": "1500",
                                             "percent": "15.00", "promotion_id": sale.pk}]
    assert "promo" in [badge["code"] for badge in card["badges"]]
    page = client.get(f"/api/v1/products/{thinkpad.slug}/").json()
    assert page["variants"][0]["price"]["adjustments"][0]["promotion_id"] == sale.pk
    assert "promo" in [badge["code"] for badge in page["badges"]]


@pytest.fixture
def promoted_catalogue(store, catalogue):  # noqa: F811 (the storefront's 96-laptop fixture)
    """Promotions of every scope on the 96 laptops: the category, a brand, products, variants, one exclusive."""
    shelf = catalogue[0].category
    factories.segment_discount(store, "etudiant", 10)
    promotion(store, "Rayon −10 %", value=10, scope={"categories": [shelf]})
    promotion(store, "Lenovo −5 000 F", kind="amount", value=5000, scope={"brands": [catalogue[0].brand]})
    promotion(store, "Prix choc", kind="fixed_price", value=50000, exclusive=True,
              scope={"products": catalogue[::7], "variants": [variant_of(p) for p in catalogue[1::9]]})
    return catalogue


@pytest.mark.django_db
def test_listing_queries_with_promotions_do_not_grow_with_the_page_size(client, promoted_catalogue,
                                                                          django_assert_max_num_queries):
    base = "/c/ordinateurs/?brand=lenovo&brand=dell&brand=hp&ordering=price"
    small = _queries(client, f"{base}&page_size=24", django_assert_max_num_queries, LISTING_BUDGET, cards=24)
    large = _queries(client, f"{base}&page_size=96", django_assert_max_num_queries, LISTING_BUDGET, cards=96)
    assert small == large
    page = client.get(f"{base}&page_size=96").content.decode()
    assert page.count("product-badge-promo") == 96  # −10 % on the shelf beats −5 000 F on 90 000 F and more
    assert page.count(">Prix choc</div>") == len(promoted_catalogue[::7]) + len(promoted_catalogue[1::9]) - 2
    assert page.count(">Rayon −10 %</div>") == 96 - page.count(">Prix choc</div>")


@pytest.mark.django_db
def test_api_listing_queries_with_promotions_do_not_grow_with_the_page_size(store, promoted_catalogue, customer,
                                                                              django_assert_num_queries,
                                                                              django_assert_max_num_queries):
    customer.segment = "etudiant"
    customer.save()
    client = APIClient()
    client.force_authenticate(customer)
    client.get("/api/v1/products/")  # warm the per-process memos
    with django_assert_max_num_queries(LISTING_BUDGET) as small:
        assert len(client.get("/api/v1/products/", {"page_size": 24}).json()["results"]) == 24
    with django_assert_num_queries(len(small)):
        results = client.get("/api/v1/products/", {"page_size": 96}).json()["results"]
    assert all("promo" in [badge["code"] for badge in card["badges"]] for card in results)


# Stacking, over random prices and promotions --------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=Decimal("1e7"), places=2, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
offers = st.builds(
    lambda kind, value, percent, priority, exclusive: hooks.Offer(
        promotion_id=0, label="P", kind=kind, value=percent if kind == "percent" else value, priority=priority,
        exclusive=exclusive),
    st.sampled_from(["percent", "amount", "fixed_price"]), amounts, percents, st.integers(-2, 2), st.booleans())


class _Store:
    def __init__(self, currency):
        self.pk, self.currency, self.prices_include_tax = -1, currency, True


@settings(max_examples=300, deadline=None)
@given(amounts, st.one_of(st.none(), amounts), percents, percents, st.lists(offers, max_size=4),
       st.sampled_from(["XOF", "EUR"]))
def test_one_promotion_at_most_never_negative_and_the_cheaper_of_both_ways(price, sale, partner, segment, found,
                                                                          currency):
    found = [hooks.Offer(**{**offer.__dict__, "promotion_id": number}) for number, offer in enumerate(found, 1)]
    policy = PricingPolicy.__new__(PricingPolicy)
    policy.store, policy.customer = _Store(currency), None
    policy.rates = StoreRates({}, Decimal(18), {})
    policy._percent_steps = [("partner", "P", partner), ("segment", "S", segment)]
    policy._offer_sources = [lambda variant: found]
    unit = policy.price(Variant(price=price, sale_price=sale, position=0))
    start = unit.sale if unit.sale is not None and unit.sale < unit.base else unit.base
    assert 0 <= unit.price <= start and round_money(unit.price, currency) == unit.price
    assert sum(a.amount for a in unit.adjustments) + unit.price == start
    promotions = [a for a in unit.adjustments if a.promotion_id is not None]
    assert len(promotions) <= 1
    if promotions and promotions[0].exclusive:
        assert unit.adjustments == tuple(promotions)
    # No single way of pricing is cheaper than the one chosen.
    steps = PricingPolicy.__new__(PricingPolicy)
    steps.__dict__.update(policy.__dict__, _offer_sources=[])
    after_steps = steps.price(Variant(price=price, sale_price=sale, position=0)).price
    combinable = [after_steps - o.amount_off(after_steps, currency) for o in found if not o.exclusive]
    exclusive = [start - o.amount_off(start, currency) for o in found if o.exclusive]
    assert unit.price == min([after_steps, *combinable, *exclusive])
