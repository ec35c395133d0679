"""Which shipping methods a cart is offered, at what price, and that checkout refuses any other.

Flat rates, free above an amount, pickup (no address needed), methods limited to some
countries, weight bands (the lightest that fits; too heavy: not offered), inactive methods,
and a method of another store.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import ShippingUnavailable
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.pricing.resolver import PricingPolicy
from ashopy.shipping.models import ShippingMethod
from ashopy.shipping.selectors import available_methods
from tests import factories

pytestmark = pytest.mark.django_db


def _cart(store, customer, *items):
    """A cart of (variant, quantity) items."""
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for variant, quantity in items:
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def _offered(store, customer, cart, country) -> dict[str, Decimal]:
    options = checkout.shipping_options(cart=cart, policy=PricingPolicy(store, customer), country=country)
    return {option.name: option.price for option in options}


def _place(store, customer, cart, method, **details):
    return checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                details=factories.checkout_details(method, **details))


def _weighing(store, name, kg, *, stock=10, price="10000"):
    return factories.product(store, name, stock=stock,
                             variants=[{"price": Decimal(price), "weight_kg": Decimal(kg)}]).variants.get()


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", stock=10, price="10000").variants.get()


def test_flat_rate_is_charged_and_stored_on_the_order(store, customer, laptop):
    method = factories.shipping_method(store, "Livraison standard", price="2000")
    cart = _cart(store, customer, (laptop, 1))
    assert _offered(store, customer, cart, "SN") == {"Livraison standard": Decimal(2000)}
    order, _payment = _place(store, customer, cart, method)
    assert (order.shipping_method, order.shipping_method_id) == ("Livraison standard", method.pk)
    assert order.shipping_gross == 2000 and order.shipping_net + order.shipping_tax == 2000
    assert order.total == 10000 + 2000
    assert order.shipping_address["city"] == "Dakar"


def test_free_above_an_amount(store, customer, laptop):
    method = factories.shipping_method(store, "Standard", price="2000", free_above="30000")
    cart = _cart(store, customer, (laptop, 2))
    [quote] = checkout.shipping_options(cart=cart, policy=PricingPolicy(store, customer), country="SN")
    assert (quote.price, quote.free) == (Decimal(2000), False)

    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)  # 30 000: the threshold is reached
    [quote] = checkout.shipping_options(cart=cart, policy=PricingPolicy(store, customer), country="SN")
    assert (quote.price, quote.free) == (Decimal(0), True)
    order, _payment = _place(store, customer, cart, method)
    assert (order.shipping_net, order.shipping_tax, order.shipping_gross) == (0, 0, 0)
    assert order.total == 30000


def test_free_above_compares_the_goods_as_the_store_shows_them(store, customer):
    """In a store whose prices exclude tax, the threshold is on that basis too (like the method's price)."""
    store.prices_include_tax = False
    store.save()
    variant = factories.product(store, "Câble", stock=10, price="9000").variants.get()
    factories.shipping_method(store, "Standard", price="2000", free_above="10000")
    cart = _cart(store, customer, (variant, 1))  # 9 000 excl. tax, 10 620 incl. 18 %
    assert _offered(store, customer, cart, "SN") == {"Standard": Decimal(2000)}


def test_pickup_needs_no_country_nor_address(store, customer, laptop):
    pickup = factories.shipping_method(store, "Retrait boutique", kind="pickup", price="0",
                                       pickup_address="Plateau, Dakar", countries=["SN"])
    factories.shipping_method(store, "Livraison Sénégal", price="2000", countries=["SN"])
    cart = _cart(store, customer, (laptop, 1))
    assert _offered(store, customer, cart, None) == {"Retrait boutique": Decimal(0)}
    assert _offered(store, customer, cart, "FR") == {"Retrait boutique": Decimal(0)}

    order, _payment = _place(store, customer, cart, pickup, shipping_address=None)
    assert order.shipping_address is None and order.shipping_method == "Retrait boutique"
    assert order.shipping_gross == 0 and order.total == 10000


def test_country_limited_methods_are_not_offered_elsewhere(store, customer, laptop):
    everywhere = factories.shipping_method(store, "International", price="15000")
    senegal = factories.shipping_method(store, "Dakar et régions", price="2000", countries=["SN", "ML"])
    cart = _cart(store, customer, (laptop, 1))
    assert _offered(store, customer, cart, "SN") == {"International": 15000, "Dakar et régions": 2000}
    assert _offered(store, customer, cart, "ML") == {"International": 15000, "Dakar et régions": 2000}
    assert _offered(store, customer, cart, "FR") == {"International": 15000}

    abroad = factories.address(country="FR", city="Paris")
    with pytest.raises(ShippingUnavailable):
        _place(store, customer, cart, senegal, shipping_address=abroad)
    assert not Order.objects.exists() and Stock.objects.get(variant=laptop).reserved == 0
    order, _payment = _place(store, customer, cart, everywhere, shipping_address=abroad)
    assert order.shipping_gross == 15000 and order.shipping_address["country"] == "FR"


def test_weight_bands_take_the_lightest_band_that_fits(store, customer):
    method = factories.shipping_method(store, "Colis", kind="weight", price="0",
                                       bands=[(20, 8000), (1, 1000), (5, 3000)])
    book = _weighing(store, "Livre", "0.800")
    screen = _weighing(store, "Écran", "4.200")
    cart = _cart(store, customer, (book, 1))
    assert _offered(store, customer, cart, "SN") == {"Colis": 1000}
    cart_services.add(cart=cart, variant_id=book.pk, quantity=1)  # 1.6 kg
    assert _offered(store, customer, cart, "SN") == {"Colis": 3000}
    cart_services.set_quantity(cart=cart, line_id=cart.lines.get().pk, quantity=1)
    cart_services.add(cart=cart, variant_id=screen.pk, quantity=1)  # exactly 5 kg: the 5 kg band
    assert _offered(store, customer, cart, "SN") == {"Colis": 3000}
    order, _payment = _place(store, customer, cart, method)
    assert order.shipping_gross == 3000


def test_too_heavy_for_every_band_is_not_offered(store, customer):
    method = factories.shipping_method(store, "Colis", kind="weight", price="0", bands=[(1, 1000), (20, 8000)])
    factories.shipping_method(store, "Retrait", kind="pickup", price="0")
    fridge = _weighing(store, "Réfrigérateur", "45")
    cart = _cart(store, customer, (fridge, 1))
    assert _offered(store, customer, cart, "SN") == {"Retrait": 0}
    with pytest.raises(ShippingUnavailable) as raised:
        _place(store, customer, cart, method)
    assert raised.value.fields == {"shipping_method": ["Choose one of the shipping methods offered for this address."]}
    assert not Order.objects.exists() and Stock.objects.get(variant=fridge).reserved == 0


def test_inactive_methods_are_hidden_and_refused(store, customer, laptop):
    hidden = factories.shipping_method(store, "Ancienne offre", price="500", is_active=False)
    factories.shipping_method(store, "Standard", price="2000")
    cart = _cart(store, customer, (laptop, 1))
    assert _offered(store, customer, cart, "SN") == {"Standard": 2000}
    with pytest.raises(ShippingUnavailable):
        _place(store, customer, cart, hidden)
    assert not Order.objects.exists()


def test_another_stores_method_is_refused(store, other_store, customer, laptop):
    foreign = factories.shipping_method(other_store, "Colissimo", price="4.90")
    factories.shipping_method(store, "Standard", price="2000")
    cart = _cart(store, customer, (laptop, 1))
    assert "Colissimo" not in _offered(store, customer, cart, "SN")
    with pytest.raises(ShippingUnavailable):
        _place(store, customer, cart, foreign)
    assert not Order.objects.exists() and Stock.objects.get(variant=laptop).reserved == 0


def test_methods_keep_the_store_order(store):
    factories.shipping_method(store, "B", price="3000", position=2)
    factories.shipping_method(store, "A", price="1000", position=1)
    names = [quote.name for quote in available_methods(store=store, country="SN", weight_kg=Decimal(0),
                                                       goods_total=Decimal(0))]
    assert names == ["A", "B"]


@pytest.mark.parametrize(("days", "french", "english"), [
    ((0, 1), "0 à 1 jour", "0 to 1 day"), ((1, 2), "1 à 2 jours", "1 to 2 days"), ((3, 3), "3 jours", "3 days"),
    ((1, 1), "1 jour", "1 day"), ((0, 0), "0 jour", "0 days"),
])
def test_the_delivery_estimate_says_its_plural_in_each_language(days, french, english):
    method = ShippingMethod(name="Livraison", min_days=days[0], max_days=days[1])
    with translation.override("fr"):
        assert method.delivery_estimate == french
    with translation.override("en"):
        assert method.delivery_estimate == english
