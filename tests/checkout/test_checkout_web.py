"""The shop's cart and checkout pages, driven through the test client."""

import re

import pytest
from django.urls import reverse

from ashopy.cart.models import CartLine
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from tests import factories


@pytest.fixture
def shop(store):
    product = factories.product(store, name="Lampe", stock=3, price="10000")
    method = factories.shipping_method(store, price="2000")
    return product.variants.get(), method


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _checkout_as_guest(client, method, *, payment="sandbox", **ship):
    response = client.post(reverse("checkout:address"), {
        "email": "guest@example.com", "ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot",
        "ship-city": "Dakar", "ship-country": "SN", "billing_same": "on",
        **{f"ship-{field}": value for field, value in ship.items()}})
    assert response.status_code == 302, response.context["ship_form"].errors if response.context else response
    assert client.post(reverse("checkout:shipping"), {"choice": str(method.pk)}).status_code == 302
    assert client.post(reverse("checkout:payment"), {"choice": payment}).status_code == 302
    review = client.get(reverse("checkout:review"))
    token = re.search(r'name="token" value="([0-9a-f]+)"', review.content.decode()).group(1)
    return review, token


def test_add_to_cart_caps_at_stock_and_says_so(client, shop):
    variant, _method = shop
    _english(client)
    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2}, follow=True)
    assert "“Lampe” has been added to your cart." in _messages(response)
    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 5}, follow=True)
    assert "Cannot add more of “Lampe” to the cart: not enough stock." in _messages(response)
    assert CartLine.objects.get().quantity == 3
    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1}, follow=True)
    assert "Cannot add more of “Lampe” to the cart: not enough stock." in _messages(response)
    assert CartLine.objects.get().quantity == 3


def test_bad_input_changes_nothing(client, shop, other_store):
    variant, _method = shop
    foreign = factories.product(other_store, name="Étranger", stock=5).variants.get()
    for data in ({"variant": variant.pk, "quantity": -1}, {"variant": variant.pk, "quantity": "abc"},
                 {"variant": variant.pk, "quantity": 10**12}, {"variant": foreign.pk, "quantity": 1},
                 {"variant": "x", "quantity": 1}):
        assert client.post(reverse("cart:add"), data).status_code == 302
    assert not CartLine.objects.exists()
    assert client.post(reverse("cart:update", args=[999999]), {"quantity": 1}).status_code == 302


def test_french_messages(client, shop):
    variant, _method = shop
    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 9}, follow=True)
    assert "Impossible d’ajouter plus de «\u00a0Lampe\u00a0» au panier. Stock insuffisant." in _messages(response)
    line = CartLine.objects.get()
    response = client.post(reverse("cart:update", args=[line.pk]), {"quantity": 1}, follow=True)
    assert "Quantité mise à jour pour «\u00a0Lampe\u00a0»." in _messages(response)
    Stock.objects.filter(variant=variant).update(on_hand=2)
    response = client.post(reverse("cart:update", args=[line.pk]), {"quantity": 3}, follow=True)
    assert "Quantité de «\u00a0Lampe\u00a0» ajustée à 2 (stock limité)." in _messages(response)
    Stock.objects.filter(variant=variant).update(on_hand=0)
    response = client.get(reverse("cart:detail"))
    assert "«\u00a0Lampe\u00a0» retiré du panier (rupture de stock)." in _messages(response)
    assert not CartLine.objects.exists()


def test_guest_checkout_with_the_sandbox(client, shop):
    variant, method = shop
    _english(client)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    review, token = _checkout_as_guest(client, method)
    assert "Proceed to payment" in review.content.decode()
    response = client.post(reverse("checkout:place"), {"token": token})
    order = Order.objects.get()
    assert response.url == reverse("checkout:pay", kwargs={"token": order.token})
    page = client.get(response.url)
    assert "Your items are reserved for 15 minutes." in page.content.decode()
    assert Stock.objects.get(variant=variant).reserved == 2
    # a second click on the same form finds the same order
    again = client.post(reverse("checkout:place"), {"token": token})
    assert Order.objects.count() == 1 and again.status_code == 302
    payment = order.payments.get()
    landed = client.post(reverse("payments:sandbox", args=[payment.reference]), {"outcome": "succeeded"})
    assert landed.url.endswith(reverse("checkout:done", kwargs={"token": order.token}))
    done = client.get(landed.url)
    assert "Thank you, your payment is received." in done.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.email == "guest@example.com"
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (1, 0)
    assert not CartLine.objects.exists()


def test_cancelled_payment_returns_to_an_intact_cart(client, shop):
    variant, method = shop
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    _review, token = _checkout_as_guest(client, method)
    client.post(reverse("checkout:place"), {"token": token})
    payment = Order.objects.get().payments.get()
    back = client.post(reverse("payments:sandbox", args=[payment.reference]), {"outcome": "cancelled"})
    response = client.get(back.url, follow=True)
    assert "Paiement annulé. Vos articles sont toujours dans le panier." in _messages(response)
    assert CartLine.objects.get().quantity == 2
    assert Stock.objects.get(variant=variant).reserved == 0
    assert Order.objects.get().state == Order.State.CANCELLED


def test_someone_elses_order_is_not_found(client, shop, customer):
    variant, method = shop
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    _review, token = _checkout_as_guest(client, method, payment="cash_on_delivery")
    client.post(reverse("checkout:place"), {"token": token})
    order = Order.objects.get()
    assert order.state == Order.State.AWAITING_PAYMENT
    other = factories.UserFactory(email="other@example.com")
    order.user = other
    order.save(update_fields=["user"])
    client.force_login(customer)
    assert client.get(reverse("orders:detail", args=[order.number])).status_code == 404
    assert client.get(reverse("checkout:done", kwargs={"token": order.token})).status_code == 404
    assert client.post(reverse("orders:cancel", args=[order.number])).status_code == 404


def test_add_to_cart_is_disabled_when_nothing_can_be_sold(client, store):
    sold_out = factories.product(store, name="Épuisé", price="1000")
    in_stock = factories.product(store, name="Disponible", price="1000", stock=1)
    button = re.compile(r'<button class="btn btn-primary btn-lg" type="submit"( disabled)?>')
    assert button.search(client.get(sold_out.get_absolute_url()).content.decode()).group(1) == " disabled"
    assert button.search(client.get(in_stock.get_absolute_url()).content.decode()).group(1) is None


def test_the_french_review_says_modifier_and_the_stock_form_variation(client, shop, store):
    """"Change" is two words in French: the checkout's link (Modifier) and a stock quantity (Variation)."""
    variant, method = shop
    client.cookies["django_language"] = "fr"
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    review, _token = _checkout_as_guest(client, method, phone="77 555 11 22")
    assert f'<a href="{reverse("checkout:address")}">Modifier</a>' in review.content.decode()
    assert "+221\xa077\xa0555\xa011\xa022" in review.content.decode()  # the phone as a person reads it
    assert "Variation" not in review.content.decode()
    staff = factories.staff(store, "gestionnaire")
    client.force_login(staff)
    page = client.get(reverse("inventory:adjust")).content.decode()
    assert "Variation" in page and "Modifier" not in page


def _address_post(**extra):
    return {"ship-saved": "new", "ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot",
            "ship-city": "Dakar", "ship-country": "SN", "billing_same": "on", **extra}


def test_a_new_address_starts_from_the_account_and_the_store(client, shop, store, customer):
    variant, _method = shop
    customer.first_name, customer.last_name, customer.phone = "Awa", "Ndiaye", "+221775551122"
    customer.save()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    form = client.get(reverse("checkout:address")).context["ship_form"]
    assert form.initial == {"country": store.country.code}  # a guest: the store's country only
    client.force_login(customer)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    page = client.get(reverse("checkout:address"))
    assert page.context["ship_form"].initial == {"country": store.country.code, "first_name": "Awa",
                                                 "last_name": "Ndiaye", "phone": "+221775551122"}
    assert 'name="save_address"' in page.content.decode() and 'data-hides="billing-fields"' in page.content.decode()


def test_an_address_typed_at_checkout_is_saved_only_when_asked_and_once(client, shop, customer):
    variant, _method = shop
    client.force_login(customer)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    assert client.post(reverse("checkout:address"), _address_post()).status_code == 302
    assert not customer.addresses.exists()
    for _twice in range(2):
        assert client.post(reverse("checkout:address"), _address_post(save_address="on")).status_code == 302
    [saved] = customer.addresses.all()
    assert (saved.first_name, saved.line1, saved.city, str(saved.country)) == ("Awa", "12 rue Carnot", "Dakar", "SN")
    assert saved.is_default_shipping
    response = client.post(reverse("checkout:address"), _address_post(**{"save_address": "on", "ship-city": ""}))
    assert response.status_code == 200 and customer.addresses.count() == 1  # an invalid address is not kept


def test_a_cancelled_payment_reads_as_such_in_the_customers_history(client, shop, store, customer):
    """Decision: the order stays in the history, shown as "Paiement annulé" with a way back to the cart
    (hiding it would make a customer who asks the shop about it doubt their own account)."""
    variant, method = shop
    client.force_login(customer)
    client.cookies["django_language"] = "fr"
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    _review, token = _checkout_as_guest(client, method)
    client.post(reverse("checkout:place"), {"token": token})
    abandoned = Order.objects.get()
    payment = abandoned.payments.get()
    client.get(client.post(reverse("payments:sandbox", args=[payment.reference]), {"outcome": "cancelled"}).url)
    cod = factories.placed_order(store, variant, method, user=customer, payment_method="cash_on_delivery")
    client.post(reverse("orders:cancel", args=[cod.number]))  # the customer cancels an offline order: "Annulée"
    history = client.get(reverse("orders:list")).content.decode()
    rows = re.findall(r'<tr data-testid="order-row">(.*?)</tr>', history, re.S)
    by_number = {re.search(r">(CMD-[\d-]+)<", row)[1]: row for row in rows}
    assert "Paiement annulé" in by_number[abandoned.number] and reverse("cart:detail") in by_number[abandoned.number]
    assert "Annulée" in by_number[cod.number] and "Paiement annulé" not in by_number[cod.number]
    detail = client.get(reverse("orders:detail", args=[abandoned.number])).content.decode()
    assert "Paiement annulé" in detail and "rien n’a été débité" in detail.replace("'", "’")


def test_the_review_shows_the_carts_code_and_the_total_the_order_will_have(client, shop, store):
    """The review prices the cart again with the chosen delivery: with the cart's code (its discount line,
    the discounted total), as "Proceed to payment" then charges."""
    from ashopy.promotions.models import PromoCode

    variant, method = shop
    PromoCode.objects.create(store=store, code="BIENVENUE10", kind=PromoCode.Kind.ORDER_PERCENT, value=10)
    _english(client)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    client.post(reverse("cart:apply_code"), {"code": "bienvenue10"})
    review, token = _checkout_as_guest(client, method)
    totals = review.context["totals"]
    assert (totals.code_discount, totals.total) == (2000, 2 * 10000 - 2000 + 2000)
    assert [line.label for line in totals.code_lines] == ["Code BIENVENUE10"]
    assert 'data-testid="code-discount"' in review.content.decode()
    client.post(reverse("checkout:place"), {"token": token})
    assert Order.objects.get().total == totals.total
