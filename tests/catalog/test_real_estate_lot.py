"""A real-estate lot is a unique item, not a parcel: one at most in a cart (add, set quantity, merge at login),
no parcel delivery and no cash on delivery offered for a cart holding it (web and API), both refused by the
final checkout when a client forces them, and its product page says how to reserve it. A retail product of
the same store keeps its ordinary rules.

The lots get more than one unit of stock here, so that only the lot rule (not the stock) caps them.
"""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.cart import services as cart_services
from ashopy.cart.errors import NotForUniqueItem
from ashopy.cart.models import CartLine
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

LINES, CHECKOUT = "/api/v1/cart/lines/", "/api/v1/checkout/"
UNIQUE = "“Villa Almadies” is unique: one at most in the cart."


@pytest.fixture
def contact(store):
    store.email, store.phone = "immo@dakar.test", "+221338210000"
    store.save(update_fields=["email", "phone"])
    return store


@pytest.fixture
def lot(store, contact):
    made = factories.product(store, "Villa Almadies", kind="real_estate_lot", stock=3, price="90000000",
                             surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies Résidence")
    return made.variants.get()


@pytest.fixture
def retail(store):
    return factories.product(store, "Lampe", stock=5, price="10000").variants.get()


@pytest.fixture
def parcel(store):
    return factories.shipping_method(store, "Livraison Dakar", price="2000")


@pytest.fixture
def pickup(store):
    return factories.shipping_method(store, "Remise des clés à l'agence", kind="pickup", price="0")


@pytest.fixture
def cart(store, customer):
    return cart_services.get_cart(store=store, user=customer, create=True)


def _quantities(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- one at most in a cart -----------------------------------------------------------------------

def test_adding_two_lots_puts_one_in_the_cart_and_says_so(cart, lot, retail):
    notice = cart_services.add(cart=cart, variant_id=lot.pk, quantity=2)
    assert (notice.level, notice.message) == ("warning", UNIQUE)
    assert cart_services.add(cart=cart, variant_id=lot.pk, quantity=1).message == UNIQUE
    cart_services.add(cart=cart, variant_id=retail.pk, quantity=3)  # a retail product is unaffected
    assert _quantities(cart) == {lot.pk: 1, retail.pk: 3}


def test_adding_two_lots_on_the_web(client, lot):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("cart:add"), {"variant": lot.pk, "quantity": 2}, follow=True)
    assert UNIQUE in _messages(response)
    assert CartLine.objects.get().quantity == 1


def test_adding_two_lots_through_the_api(customer, lot, retail):
    api = client_for(customer)
    response = api.post(LINES, {"variant": lot.pk, "quantity": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["messages"] == [{"level": "warning", "message": UNIQUE}]
    assert [line["quantity"] for line in response.json()["lines"]] == [1]
    response = api.post(LINES, {"variant": retail.pk, "quantity": 4}, format="json")
    assert response.json()["messages"][0]["level"] == "success"
    assert sorted(line["quantity"] for line in response.json()["lines"]) == [1, 4]


def test_set_quantity_three_gives_one(cart, lot, customer):
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    line = CartLine.objects.get(cart=cart)
    notice = cart_services.set_quantity(cart=cart, line_id=line.pk, quantity=3)
    assert (notice.level, notice.message) == ("warning", UNIQUE)
    assert _quantities(cart) == {lot.pk: 1}
    response = client_for(customer).patch(f"{LINES}{line.pk}/", {"quantity": 3}, format="json")
    assert response.status_code == 200 and response.json()["messages"][0]["message"] == UNIQUE
    assert _quantities(cart) == {lot.pk: 1}


def test_merge_at_login_keeps_one_lot(store, cart, lot, retail):
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    visitor = cart_services.get_cart(store=store, create=True)
    cart_services.add(cart=visitor, variant_id=lot.pk, quantity=1)
    cart_services.add(cart=visitor, variant_id=retail.pk, quantity=2)
    notices = cart_services.merge(source=visitor, into=cart)
    assert UNIQUE in [notice.message for notice in notices]
    assert _quantities(cart) == {lot.pk: 1, retail.pk: 2}


def test_a_line_above_one_is_brought_back_to_one_before_paying(store, customer, cart, lot, pickup):
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    CartLine.objects.filter(cart=cart).update(quantity=2)  # a line from before the rule
    with pytest.raises(CartChanged) as refused:
        checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                             details=factories.checkout_details(pickup, payment_method="sandbox"))
    assert [notice.message for notice in refused.value.notices] == [UNIQUE]
    assert _quantities(cart) == {lot.pk: 1} and not Order.objects.exists()


# --- no parcel delivery, no cash on delivery -------------------------------------------------------

def test_only_pickup_is_offered_for_a_lot(store, customer, cart, lot, retail, parcel, pickup):
    api = client_for(customer)
    cart_services.add(cart=cart, variant_id=retail.pk, quantity=1)
    assert [row["id"] for row in api.get(f"{CHECKOUT}shipping-methods/", {"country": "SN"}).json()] == [
        parcel.pk, pickup.pk]
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    options = checkout.shipping_options(cart=cart, policy=PricingPolicy(store, customer), country="SN")
    assert [option.id for option in options] == [pickup.pk]
    assert [row["id"] for row in api.get(f"{CHECKOUT}shipping-methods/", {"country": "SN"}).json()] == [pickup.pk]


def test_web_shipping_step_offers_pickup_only_and_says_how_to_reserve_without_it(client, customer, cart, lot,
                                                                                 parcel, pickup):
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    client.force_login(customer)
    client.cookies["django_language"] = "en"
    client.post(reverse("checkout:address"), {
        "ship-saved": "new", "ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot",
        "ship-city": "Dakar", "ship-country": "SN", "billing_same": "on"})
    page = client.get(reverse("checkout:shipping"))
    assert [option.id for option in page.context["options"]] == [pickup.pk]
    assert f'value="{parcel.pk}"' not in page.content.decode()
    pickup.delete()
    page = client.get(reverse("checkout:shipping"))
    assert page.status_code == 200 and page.context["options"] == []
    text = page.content.decode()
    assert "reserve it by contacting us (immo@dakar.test" in text


def test_cash_on_delivery_is_not_offered_for_a_lot(client, store, customer, cart, lot, retail, pickup):
    api = client_for(customer)
    cart_services.add(cart=cart, variant_id=retail.pk, quantity=1)
    assert "cash_on_delivery" in [row["code"] for row in api.get(f"{CHECKOUT}payment-methods/").json()]
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    assert [row["code"] for row in api.get(f"{CHECKOUT}payment-methods/").json()] == ["sandbox", "bank_transfer"]
    assert [provider.code for provider in checkout.payment_options(store=store, cart=cart)] == [
        "sandbox", "bank_transfer"]
    client.force_login(customer)
    session = client.session
    session[f"checkout:{store.pk}"] = {"email": customer.email, "shipping_address": factories.address(),
                                       "billing_address": factories.address(), "shipping_method": str(pickup.pk)}
    session.save()
    page = client.get(reverse("checkout:payment"))
    assert [provider.code for provider in page.context["offered"]] == ["sandbox", "bank_transfer"]
    refused = client.post(reverse("checkout:payment"), {"choice": "cash_on_delivery"})
    assert refused.status_code == 200 and refused.context["form"].errors
    session = client.session  # cash on delivery chosen before the lot came into the cart
    session[f"checkout:{store.pk}"] = {**session[f"checkout:{store.pk}"], "payment_method": "cash_on_delivery"}
    session.save()
    assert client.get(reverse("checkout:review")).url == reverse("checkout:payment")
    assert not Order.objects.exists()


def _forced(customer, method, key, **overrides):
    body = {"billing_address": factories.address(), "shipping_method": method.pk, "payment_method": "sandbox",
            **overrides}
    return client_for(customer).post(CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_place_order_refuses_cash_on_delivery_or_a_parcel_forced_through_the_api(customer, cart, lot, parcel,
                                                                                  pickup):
    cart_services.add(cart=cart, variant_id=lot.pk, quantity=1)
    cash = _forced(customer, pickup, str(uuid.uuid4()), payment_method="cash_on_delivery")
    assert cash.status_code == 400, cash.json()
    assert cash.json()["code"] == NotForUniqueItem.code and "payment_method" in cash.json()["fields"]
    assert "immo@dakar.test" in cash.json()["detail"]
    delivered = _forced(customer, parcel, str(uuid.uuid4()))
    assert delivered.status_code == 400 and delivered.json()["code"] == NotForUniqueItem.code
    assert "shipping_method" in delivered.json()["fields"]
    assert not Order.objects.exists() and Stock.objects.get(variant=lot).reserved == 0
    assert _quantities(cart) == {lot.pk: 1}
    placed = _forced(customer, pickup, str(uuid.uuid4()))  # pickup and an online payment: the lot is ordered
    assert placed.status_code == 201, placed.json()
    assert Stock.objects.get(variant=lot).reserved == 1


def test_a_retail_cart_keeps_parcels_and_cash_on_delivery(customer, cart, retail, parcel):
    cart_services.add(cart=cart, variant_id=retail.pk, quantity=2)
    response = _forced(customer, parcel, str(uuid.uuid4()), payment_method="cash_on_delivery")
    assert response.status_code == 201, response.json()


# --- the product page ----------------------------------------------------------------------------

def test_product_page_of_a_lot_says_how_to_reserve_it(client, lot, retail):
    client.cookies["django_language"] = "en"
    text = client.get(lot.product.get_absolute_url()).content.decode()
    block = re.search(r'<section class="alert alert-info lot-reserve".*?</section>', text, re.S)
    assert block is not None
    assert "Reserve this lot: contact us" in block.group(0)
    assert 'href="mailto:immo@dakar.test"' in block.group(0) and 'href="tel:+221338210000"' in block.group(0)
    assert ">+221\xa033\xa0821\xa000\xa000</a>" in block.group(0)  # as a person reads it, never broken
    footer = text[text.index("<footer"):]
    assert '<a class="text-nowrap" href="tel:+221338210000">+221\xa033\xa0821\xa000\xa000</a>' in footer
    assert 'name="quantity" value="1"' in text and 'id="add-quantity"' not in text
    client.cookies["django_language"] = "fr"
    assert "lot-reserve" in client.get(lot.product.get_absolute_url()).content.decode()
    ordinary = client.get(retail.product.get_absolute_url()).content.decode()
    assert "lot-reserve" not in ordinary and 'id="add-quantity"' in ordinary
