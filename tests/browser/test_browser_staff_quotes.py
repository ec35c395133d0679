"""The staff quote pages on a phone and on a desktop: the list and a draft's editor (lines, catalogue search
results, forms) are never wider than the window at 390 and 1280 px; a line is added from the catalogue."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from ashopy.sales import quote_services
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:  # noqa: F811
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
                               "url": live_server.url}])


def test_quote_list_and_editor_fit_a_phone_and_a_desktop(page, live_server, store, seller, customer):  # noqa: F811
    complete_profile(store)
    variant = factories.product(store, "Latitude 5440 — édition professionnelle 14 pouces", price="17500000",
                                stock=5).variants.get()
    quote = quote_services.create_quote(store=store, user=seller, prospect_email="direction.achats@sonatel.sn",
                                        prospect_company="Société Nationale des Télécommunications du Sénégal")
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant.pk, quantity=12)
    quote_services.add_free_line(quote=quote, user=seller, description="Installation et configuration sur site",
                                 quantity=1, unit_price=250000, optional=True)
    for index in range(3):
        quote_services.create_quote(store=store, user=seller, customer=customer, notes=f"Devis {index}")
    _sign_in(page, live_server, seller)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/staff/quotes/", f"/staff/quotes/{quote.pk}/?find=latitude", "/staff/quotes/new/?q=awa"):
            page.goto(live_server.url + path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} is {scroll} px wide in a {width}-px window"
    page.goto(live_server.url + f"/staff/quotes/{quote.pk}/?find=latitude")
    result = page.locator('[data-testid="catalogue-result"]').first
    result.locator('input[name$="-quantity"]').fill("2")
    result.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator('[data-testid="quote-line"]').count() == 3
