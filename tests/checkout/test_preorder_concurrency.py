"""The pre-order limit under concurrent checkouts: real threads on PostgreSQL (see test_checkout_concurrency)."""

import pytest

from ashopy.cart import services as cart_services
from ashopy.catalog import services as catalog
from ashopy.catalog.models import Variant
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.orders.models import Order, OrderLine
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_checkouts_of_one_unit_against_a_limit_of_five_place_exactly_five(store):
    product = factories.product(store, "Console", price="300000")
    variant = catalog.save_variant(store=store, product=product, variant=product.variants.get(), preorder=True,
                                   preorder_limit=5)
    method = factories.shipping_method(store, price="1000")
    customers = [factories.UserFactory(email=f"fan{index}@example.com") for index in range(10)]
    carts = []
    for customer in customers:  # every cart took its unit while the limit was still open
        cart = cart_services.get_cart(store=store, user=customer, create=True)
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
        carts.append(cart)

    def work(index):
        customer = customers[index]
        try:
            checkout.place_order(cart=carts[index], user=customer, policy=PricingPolicy(store, customer),
                                 details=factories.checkout_details(method, email=customer.email))
        except CartChanged as changed:
            return [notice.message for notice in changed.notices]
        return "placed"

    results = run_together(10, work)
    assert results.count("placed") == 5
    assert all(result == ["“Console” removed from the cart (out of stock)."] for result in results
               if result != "placed")
    assert Order.objects.count() == 5
    assert sum(OrderLine.objects.values_list("preorder_quantity", flat=True)) == 5
    assert Variant.objects.get(pk=variant.pk).preorder_waiting == 5
