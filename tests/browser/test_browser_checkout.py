"""Real Chromium through a purchase: product → cart → sign up → checkout → sandbox payment → account;
and a payment cancelled on the provider's page, which leaves the cart as it was."""

import pytest

from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from tests import factories
from tests.browser import check_out_with_the_sandbox, page  # noqa: F401  (page: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lamp(store):
    factories.shipping_method(store, name="Livraison Dakar", price="2000", countries=["SN"])
    return factories.product(store, "Lampe Solaire", price="15000", stock=4)


def _add_to_cart(page, live_server, quantity: int):  # noqa: F811
    page.goto(live_server.url + "/p/lampe-solaire/")
    page.fill("#add-quantity", str(quantity))
    page.locator(".add-to-cart button[type=submit]").click()
    page.wait_for_selector("[data-testid=cart-count]")
    assert page.locator("[data-testid=cart-count]").inner_text() == str(quantity)


def _checkout_to_provider(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/cart/")
    assert page.locator("[data-testid=cart-line]").count() == 1
    check_out_with_the_sandbox(page)
    notice = page.locator("[data-testid=reservation-notice]").inner_text()
    assert "Vos articles sont réservés pendant 15 minutes." in notice
    page.locator("[data-testid=go-pay]").click()
    page.wait_for_url("**/payments/sandbox/**")


def test_buy_with_a_new_account(page, live_server, lamp):  # noqa: F811
    _add_to_cart(page, live_server, 2)
    page.goto(live_server.url + "/account/register/")
    page.fill("#id_email", "awa@example.com")
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Ndiaye")
    page.fill("#id_phone", "+221775551122")
    page.fill("#id_password", "un-mot-de-passe-solide-2026")
    page.fill("#id_password_confirm", "un-mot-de-passe-solide-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/account/")
    page.goto(live_server.url + "/checkout/address/")  # the account's name and phone, the store's country
    assert (page.input_value("#id_ship-first_name"), page.input_value("#id_ship-last_name")) == ("Awa", "Ndiaye")
    assert page.input_value("#id_ship-phone") == "77 555 11 22" and page.input_value("#id_ship-country") == "SN"
    assert page.locator("#billing-fields").is_hidden()  # while "same as the shipping address" is ticked
    page.locator("#billing-same").uncheck()
    assert page.locator("#billing-fields").is_visible() and page.input_value("#id_bill-first_name") == "Awa"
    page.locator("#billing-same").check()
    assert page.locator("#billing-fields").is_hidden()
    _checkout_to_provider(page, live_server)
    page.get_by_role("button", name="Payer").click()
    page.wait_for_url("**/checkout/done/**")
    assert page.locator("[data-testid=confirmation]").is_visible()
    order = Order.objects.get()
    assert order.state == Order.State.PAID and order.user.email == "awa@example.com"
    assert order.total == 2 * 15000 + 2000
    page.get_by_role("link", name="Voir la commande dans votre compte").click()
    page.wait_for_url(f"**/account/orders/{order.number}/")
    assert page.locator("[data-testid=order-state]").inner_text() == "Payée"
    page.goto(live_server.url + "/account/orders/")
    assert page.locator("[data-testid=order-row]").count() == 1
    stock = Stock.objects.get(variant__product=lamp)
    assert (stock.on_hand, stock.reserved) == (2, 0)


def test_cancelled_payment_keeps_the_cart(page, live_server, lamp):  # noqa: F811
    _add_to_cart(page, live_server, 3)
    _checkout_to_provider(page, live_server)
    assert Stock.objects.get(variant__product=lamp).reserved == 3
    page.get_by_role("button", name="Annuler").click()
    page.wait_for_url("**/cart/")
    assert "Paiement annulé. Vos articles sont toujours dans le panier." in page.locator("main").inner_text()
    assert page.locator("[data-testid=cart-line]").count() == 1
    assert page.locator("[data-testid=cart-line] input[name=quantity]").input_value() == "3"
    assert Stock.objects.get(variant__product=lamp).reserved == 0
    assert Order.objects.get().state == Order.State.CANCELLED
