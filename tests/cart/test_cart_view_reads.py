"""Looking at the cart (web page or API) touches no one else's holds: Celery beat sweeps lapsed ones.

Only a hold that lapsed on a line the cart is short of is released, so that the units it kept show
as available to the customer looking.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ashopy.cart import services as cart_services
from ashopy.cart.models import CartLine
from ashopy.inventory import reservations
from ashopy.inventory.models import Reservation
from tests import factories
from tests.api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(store):
    """Someone else's hold on two units of the only two a variant has, lapsed a minute ago."""
    variant = factories.product(store, "Latitude", stock=2, price="10000").variants.get()
    hold = reservations.reserve(store=store, lines=[reservations.Line(variant.pk, 2)], owner="order:CMD-X")
    Reservation.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return variant, hold


def view(customer, channel: str):
    """The customer looks at their cart: the page, or the API's answer."""
    if channel == "api":
        response = client_for(customer).get("/api/v1/cart/")
    else:
        client = Client()
        client.force_login(customer)
        response = client.get("/cart/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("channel", ["web", "api"])
def test_viewing_a_cart_leaves_unrelated_lapsed_holds_to_the_sweep(store, customer, lapsed, channel):
    _variant, hold = lapsed
    other = factories.product(store, "ThinkPad", stock=5, price="20000").variants.get()
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=other.pk, quantity=1)
    view(customer, channel)
    hold.refresh_from_db()
    assert hold.state == Reservation.State.ACTIVE  # the GET swept nothing that is not its business
    assert CartLine.objects.get(cart=cart).quantity == 1


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_lapsed_hold_on_a_short_line_is_released_for_the_customer_looking(store, customer, lapsed, channel):
    variant, hold = lapsed
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    CartLine.objects.create(cart=cart, variant=variant, quantity=2)  # added while the units were free
    view(customer, channel)
    hold.refresh_from_db()
    assert hold.state == Reservation.State.EXPIRED
    assert CartLine.objects.get(cart=cart).quantity == 2
