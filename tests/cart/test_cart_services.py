"""The cart never holds more than the store can sell now, and says so in the customer's words.

Stock-reservation design, cart side: adding above stock adds what fits (or nothing, OutOfStock);
a quantity above stock is adjusted; a line gone out of stock is removed when the cart is
re-validated; units held by another customer's order are not available; at login the
visitor's cart joins the customer's, capped by stock.
"""

import pytest

from ashopy.cart import services as cart_services
from ashopy.cart.errors import OutOfStock, UnknownVariant
from ashopy.checkout import services as checkout
from ashopy.inventory import reservations
from ashopy.inventory.errors import InvalidQuantity
from ashopy.inventory.models import Stock
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

pytestmark = pytest.mark.django_db


def _quantities(cart) -> dict[int, int]:
    return dict(cart.lines.values_list("variant_id", "quantity"))


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", stock=3, price="500000").variants.get()


@pytest.fixture
def cart(store, customer):
    return cart_services.get_cart(store=store, user=customer, create=True)


# --- (a) adding more than is available ------------------------------------------------------

def test_add_within_stock_says_it_was_added(cart, laptop):
    notice = cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    assert notice.level == "success"
    assert notice.message == "“ThinkPad X1” has been added to your cart."
    assert _quantities(cart) == {laptop.pk: 2}


def test_add_more_than_available_adds_only_what_fits(cart, laptop):
    notice = cart_services.add(cart=cart, variant_id=laptop.pk, quantity=5)
    assert notice.level == "warning"
    assert notice.message == "Cannot add more of “ThinkPad X1” to the cart: not enough stock."
    assert _quantities(cart) == {laptop.pk: 3}


def test_adding_to_an_existing_line_is_capped_too(cart, laptop):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    notice = cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    assert notice.message == "Cannot add more of “ThinkPad X1” to the cart: not enough stock."
    assert _quantities(cart) == {laptop.pk: 3}


def test_nothing_fits_raises_out_of_stock_and_changes_nothing(cart, laptop, store):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=3)
    with pytest.raises(OutOfStock) as raised:
        cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    assert str(raised.value) == "Cannot add more of “ThinkPad X1” to the cart: not enough stock."
    assert _quantities(cart) == {laptop.pk: 3}

    empty = factories.product(store, "Souris", price="5000").variants.get()
    with pytest.raises(OutOfStock):
        cart_services.add(cart=cart, variant_id=empty.pk, quantity=1)
    assert _quantities(cart) == {laptop.pk: 3}


@pytest.mark.parametrize("quantity", [0, -1, 10**9, "2", 1.5, True, None])
def test_bad_quantities_are_refused_and_change_nothing(cart, laptop, quantity):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    with pytest.raises(InvalidQuantity):
        cart_services.add(cart=cart, variant_id=laptop.pk, quantity=quantity)
    assert _quantities(cart) == {laptop.pk: 1}


def test_another_stores_variant_is_not_sold_here(cart, other_store):
    foreign = factories.product(other_store, "Écran", stock=5, price="99.90").variants.get()
    for variant_id in (foreign.pk, "abc", None, 10**12):
        with pytest.raises(UnknownVariant):
            cart_services.add(cart=cart, variant_id=variant_id, quantity=1)
    assert _quantities(cart) == {}


# --- (b) quantities above stock, lines gone out of stock -------------------------------------

def test_quantity_above_stock_is_adjusted_to_what_is_available(cart, laptop):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    line = cart.lines.get()
    notice = cart_services.set_quantity(cart=cart, line_id=line.pk, quantity=10)
    assert notice.level == "warning"
    assert notice.message == "Quantity of “ThinkPad X1” adjusted to 3 (limited stock)."
    assert _quantities(cart) == {laptop.pk: 3}
    assert cart_services.set_quantity(cart=cart, line_id=line.pk, quantity=2).level == "success"
    assert _quantities(cart) == {laptop.pk: 2}


def test_revalidate_adjusts_and_removes_lines_whose_stock_went(cart, laptop, store):
    mouse = factories.product(store, "Souris", stock=2, price="5000").variants.get()
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=3)
    cart_services.add(cart=cart, variant_id=mouse.pk, quantity=2)
    # Another channel (the counter) sells 2 laptops and every mouse.
    reservations.deduct(store=store, lines=[reservations.Line(laptop.pk, 2), reservations.Line(mouse.pk, 2)])

    notices = cart_services.revalidate(cart=cart)
    assert [notice.message for notice in notices] == [
        "Quantity of “ThinkPad X1” adjusted to 1 (limited stock).",
        "“Souris” removed from the cart (out of stock).",
    ]
    assert all(notice.level == "warning" for notice in notices)
    assert _quantities(cart) == {laptop.pk: 1}
    assert cart_services.revalidate(cart=cart) == []


def test_set_quantity_on_a_line_gone_out_of_stock_removes_it(cart, laptop, store):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    reservations.deduct(store=store, lines=[reservations.Line(laptop.pk, 3)])
    notice = cart_services.set_quantity(cart=cart, line_id=cart.lines.get().pk, quantity=1)
    assert notice.message == "“ThinkPad X1” removed from the cart (out of stock)."
    assert not cart.lines.exists()


# --- (c) units held by another customer's order ----------------------------------------------

def test_units_reserved_by_an_order_are_not_available_to_another_customer(store, customer, cart, laptop):
    method = factories.shipping_method(store)
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                         details=factories.checkout_details(method))
    assert Stock.objects.get(variant=laptop).reserved == 2

    other = factories.UserFactory(email="other@example.com")
    other_cart = cart_services.get_cart(store=store, user=other, create=True)
    notice = cart_services.add(cart=other_cart, variant_id=laptop.pk, quantity=2)
    assert notice.message == "Cannot add more of “ThinkPad X1” to the cart: not enough stock."
    assert _quantities(other_cart) == {laptop.pk: 1}
    with pytest.raises(OutOfStock):
        cart_services.add(cart=other_cart, variant_id=laptop.pk, quantity=1)


# --- merge at login --------------------------------------------------------------------------

def test_merge_sums_quantities_and_says_so(store, cart, laptop):
    mouse = factories.product(store, "Souris", stock=10, price="5000").variants.get()
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    visitor = cart_services.get_cart(store=store, create=True)
    cart_services.add(cart=visitor, variant_id=laptop.pk, quantity=1)
    cart_services.add(cart=visitor, variant_id=mouse.pk, quantity=4)

    notices = cart_services.merge(source=visitor, into=cart)
    assert [(notice.level, notice.message) for notice in notices] == [
        ("info", "The items of your previous cart were added to this one.")]
    assert _quantities(cart) == {laptop.pk: 2, mouse.pk: 4}
    assert not type(visitor).objects.filter(pk=visitor.pk).exists()


def test_merge_caps_the_sum_by_what_is_available(store, cart, laptop):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    visitor = cart_services.get_cart(store=store, create=True)
    cart_services.add(cart=visitor, variant_id=laptop.pk, quantity=2)

    notices = cart_services.merge(source=visitor, into=cart)
    assert [notice.message for notice in notices] == [
        "The items of your previous cart were added to this one.",
        "Quantity of “ThinkPad X1” adjusted to 3 (limited stock).",
    ]
    assert notices[1].level == "warning"
    assert _quantities(cart) == {laptop.pk: 3}


def test_merge_when_stock_fell_below_the_customers_own_line(store, cart, laptop):
    """The customer's line (2) was added when 3 were in stock; 2 were sold since. Merging one more
    unit must leave the cart at what is available — the quantity the notice announces."""
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=2)
    visitor = cart_services.get_cart(store=store, create=True)
    cart_services.add(cart=visitor, variant_id=laptop.pk, quantity=1)
    reservations.deduct(store=store, lines=[reservations.Line(laptop.pk, 2)])

    notices = cart_services.merge(source=visitor, into=cart)
    assert notices[-1].message == "Quantity of “ThinkPad X1” adjusted to 1 (limited stock)."
    assert _quantities(cart) == {laptop.pk: 1}


def test_merge_ignores_another_stores_cart(store, other_store, cart, laptop):
    cart_services.add(cart=cart, variant_id=laptop.pk, quantity=1)
    foreign = cart_services.get_cart(store=other_store, create=True)
    assert cart_services.merge(source=foreign, into=cart) == []
    assert _quantities(cart) == {laptop.pk: 1}
