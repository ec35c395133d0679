"""Real Chromium through the storefront: home → category → filter → product page → language switch."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(store):
    computers = factories.category(store, "Informatique")
    laptops = factories.category(store, "Portables", parent=computers)
    dell, lenovo = factories.brand(store, "Dell"), factories.brand(store, "Lenovo")
    factories.product(store, "Latitude 5440", category_=laptops, brand_=dell, price="650000", featured=True)
    factories.product(store, "ThinkPad T14", category_=laptops, brand_=lenovo, price="720000",
                      sale_price="690000", short_description="Portable robuste pour les pros.")
    return computers


def test_browse_filter_product_and_switch_language(page, live_server, catalogue):  # noqa: F811
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Informatique").click()
    page.wait_for_url("**/c/informatique/")
    assert page.get_by_role("heading", level=1).inner_text() == "Informatique"
    assert page.locator(".product-card").count() == 2

    page.get_by_label("Lenovo").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**brand=lenovo**")
    cards = page.locator(".product-card")
    assert cards.count() == 1
    cards.get_by_role("link", name="ThinkPad T14").first.click()

    page.wait_for_url("**/p/thinkpad-t14/")
    assert page.get_by_role("heading", level=1).inner_text() == "ThinkPad T14"
    price = page.locator(".price-lg")
    assert "690" in price.locator(".price-now").inner_text()
    assert "720" in price.locator("del").inner_text()

    page.select_option("#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # no wait_for_function: it evals, the CSP forbids
    assert page.url.endswith("/p/thinkpad-t14/")
    assert page.get_by_role("button", name="Search").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "ThinkPad T14"
