"""A promo code in real Chromium, in a French store (Paris, €, a complete legal profile): a code below its
minimum is refused with the amount missing; BIENVENUE10, made as the demo makes it, shows its discount line
and the new total in the cart, goes through the sandbox checkout, and is found on the customer's order and
on the invoice — the PDF from “Mes factures”, whose Factur-X XML gives the line's allowance with the code
as its reason and totals equal to the order's."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree

from ashopy.demo.codes import promo_codes
from ashopy.orders.models import Order
from ashopy.sales.models import Invoice
from tests import factories
from tests.browser import page, screenshot_path  # noqa: F401  (page: a fixture)
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAM = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
# How many line boxes the text of each element takes (1: it did not wrap).
LINES_OF = """selector => [...document.querySelectorAll(selector)].map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""


def plain(text: str) -> str:
    """French amounts use no-break spaces (before €, between thousands): compared as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def paris(db, settings, tmp_path):
    """The only store, so that the live server's `localhost` is the French one; prices incl. VAT (20 %)."""
    settings.MEDIA_ROOT = str(tmp_path)
    store = factories.StoreFactory(slug="paris", currency="EUR", country="FR", timezone="Europe/Paris",
                                   prices_include_tax=True, domain="paris.test")
    complete_profile(store)
    promo_codes(store)  # BIENVENUE10, VIP20, PROMO5, FLASH50, as in the demo
    factories.shipping_method(store, name="Colissimo", price="6.00", countries=["FR"])
    factories.product(store, "Lampe de bureau", price="30.00", stock=5)
    return store


@pytest.fixture
def lea(paris):
    return factories.UserFactory(email="lea.girard@example.fr", first_name="Léa", last_name="Girard",
                                 registered_store=paris)


def _sign_in(page, live_server, user) -> None:  # noqa: F811
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
                               "url": live_server.url}])


def _cart_with_a_code(page, live_server, code: str) -> None:  # noqa: F811
    page.goto(live_server.url + "/p/lampe-de-bureau/")
    page.locator(".add-to-cart button[type=submit]").click()
    page.wait_for_selector("[data-testid=cart-count]")
    page.goto(live_server.url + "/cart/")
    page.fill("#promo-code-input", code)
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**/cart/")


def _check_out(page) -> None:  # noqa: F811
    """From the cart to the sandbox's page: a Paris address, Colissimo, the sandbox."""
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/checkout/address/")
    page.fill("#id_ship-first_name", "Léa")
    page.fill("#id_ship-last_name", "Girard")
    page.fill("#id_ship-line1", "8 rue Oberkampf")
    page.fill("#id_ship-postal_code", "75011")
    page.fill("#id_ship-city", "Paris")
    page.select_option("#id_ship-country", "FR")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/shipping/")
    page.get_by_label("Colissimo").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/payment/")
    page.locator("#pay-sandbox").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/review/")
    assert "Code BIENVENUE10" in page.locator("main").inner_text(), "the discount, again before paying"
    page.get_by_role("button", name="Procéder au paiement").click()
    page.wait_for_url("**/checkout/pay/**")
    page.locator("[data-testid=go-pay]").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.get_by_role("button", name="Payer").click()
    page.wait_for_url("**/checkout/done/**")


def test_a_code_below_its_minimum_is_refused_with_the_amount_missing(page, live_server, lea):  # noqa: F811
    _sign_in(page, live_server, lea)
    _cart_with_a_code(page, live_server, "flash50")
    text = plain(page.locator("main").inner_text())
    assert "Le code « FLASH50 » demande une commande d’au moins 100,00 € : ajoutez encore 70,00 €." in text
    assert page.locator("[data-testid=code-discount]").count() == 0
    assert plain(page.get_by_test_id("grand-total").inner_text()) == "36,00 €"  # 30 € and Colissimo's 6 €


def test_bienvenue10_from_the_cart_to_the_invoice(page, live_server, lea):  # noqa: F811
    _sign_in(page, live_server, lea)
    _cart_with_a_code(page, live_server, "bienvenue10")
    discount = page.get_by_test_id("code-discount")
    assert plain(discount.inner_text()).split("\n") == ["Code BIENVENUE10", "−3,00 €"]
    assert plain(page.get_by_test_id("grand-total").inner_text()) == "33,00 €"  # 30 − 3, and 6 € of delivery

    # At 390 px (a phone), the discount line and the amounts stay on one line each; the picture for docs/.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The cart's lines fit the phone: the line total is on screen, not behind a sideways scroll.
    line_total = page.locator("[data-testid=cart-line] .cart-total").bounding_box()
    assert line_total["x"] + line_total["width"] <= 390
    assert page.evaluate("document.querySelector('.cart-lines').scrollWidth <= "
                         "document.querySelector('.cart-lines').parentElement.clientWidth")
    for selector in ("[data-testid=code-discount] dt", "[data-testid=code-discount] dd", ".cart-total",
                     ".cart-totals dd", "[data-testid=promo-code] strong"):
        assert set(page.evaluate(LINES_OF, selector)) == {1}, selector
    page.locator("main").screenshot(path=screenshot_path("cart-promo-code.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    _check_out(page)
    order = Order.objects.get()
    assert order.state == Order.State.PAID and order.total == Decimal("33.00")
    assert [(row.label, row.amount) for row in order.discounts.all()] == [("Code BIENVENUE10", Decimal("3.00"))]

    # The order, in the customer's account.
    page.goto(f"{live_server.url}/account/orders/{order.number}/")
    assert plain(page.get_by_test_id("order-discount").inner_text()).split("\t") == ["Code BIENVENUE10", "−3,00 €"]

    # The invoice, from “Mes factures”: the PDF as stored, its Factur-X XML read back.
    invoice = Invoice.objects.get(order=order)
    assert invoice.is_issued and invoice.total == order.total
    page.goto(f"{live_server.url}/account/invoices/")
    with page.expect_download() as download:
        page.locator("[data-testid=invoice-pdf]").first.click()
    pdf = Path(download.value.path()).read_bytes()
    filename, xml = get_facturx_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml" and xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)

    def amounts(path):
        return [Decimal(value) for value in tree.xpath(path + "/text()", namespaces=RAM)]

    # The lamp: 30 € incl. VAT is 25 € excl., less 10 % (2,50 €) = 22,50 €; its allowance names the code.
    line = tree.xpath("//ram:IncludedSupplyChainTradeLineItem[1]", namespaces=RAM)[0]
    allowance = line.xpath(".//ram:SpecifiedTradeAllowanceCharge", namespaces=RAM)[0]
    assert allowance.xpath("ram:Reason/text()", namespaces=RAM) == ["Code BIENVENUE10"]
    assert Decimal(allowance.xpath("ram:ActualAmount/text()", namespaces=RAM)[0]) == Decimal("2.50")
    assert Decimal(line.xpath(".//ram:LineTotalAmount/text()", namespaces=RAM)[0]) == Decimal("22.50")
    assert amounts("//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount") == [order.total]
    assert amounts("//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount") == [
        order.total_net]
