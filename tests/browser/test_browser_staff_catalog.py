"""The catalogue back office on a phone: at 390 px no page is wider than the window (wide tables scroll
inside their wrapper), and the search-engine counter follows what is typed."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:  # noqa: F811
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
                               "url": live_server.url}])


def test_catalogue_pages_fit_a_phone_and_the_counter_follows_typing(page, live_server, store, manager):  # noqa: F811
    product = factories.product(store, "Latitude 5440 — édition professionnelle 14 pouces", stock=5, variants=[
        {"sku": f"LAT-{n}", "price": Decimal(17500000), "options": {"RAM": f"{8 * n} Go", "Couleur": "Gris"}}
        for n in range(1, 4)])
    _sign_in(page, live_server, manager)
    page.set_viewport_size({"width": 390, "height": 900})
    for path in ("/staff/catalog/products/", f"/staff/catalog/products/{product.pk}/", "/staff/catalog/categories/",
                 "/staff/catalog/types/new/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide in a 390-px window"
    page.goto(live_server.url + f"/staff/catalog/products/{product.pk}/")
    counter = page.locator('[data-testid="counter-meta_title"]')
    assert counter.inner_text().startswith("0 / ")
    page.fill("#id_meta_title", "Latitude")
    assert counter.inner_text().startswith("8 / ")
