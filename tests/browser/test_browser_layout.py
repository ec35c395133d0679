"""The storefront fits the screen: at 390 px (a phone) and 1280 px no page is wider than the window,
and the header's search box keeps a usable width however many categories the store has."""

import pytest

from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)


@pytest.fixture
def shop(store):
    for name in ("Ordinateurs portables", "Ordinateurs de bureau", "Smartphones", "Tablettes", "Accessoires",
                 "Impression", "Réseau", "Stockage", "Logiciels", "Immobilier"):
        factories.category(store, name)
    laptops = factories.category(store, "Portables professionnels")
    factories.product(store, "Latitude 5440 — édition professionnelle 14 pouces", category_=laptops,
                      price="18000000", sale_price="17500000", stock=5)
    return laptops


def _fits(page, width: int, url: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{url} is {scroll_width} px wide in a {width}-px window"


def test_storefront_pages_fit_a_phone_and_a_desktop(page, live_server, shop):  # noqa: F811
    for width in WIDTHS:
        _fits(page, width, live_server.url + "/")
        _fits(page, width, live_server.url + shop.get_absolute_url())
        _fits(page, width, live_server.url + "/p/latitude-5440-edition-professionnelle-14-pouces/")
    page.get_by_role("button", name="Ajouter au panier").first.click()
    for width in WIDTHS:
        _fits(page, width, live_server.url + "/cart/")


def test_the_search_box_keeps_its_width_beside_many_categories(page, live_server, shop):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    box = page.locator("#site-search").bounding_box()
    assert box["width"] >= 300, box
