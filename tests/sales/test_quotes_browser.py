"""The customer's quote page in a real browser: it fits a 390-px phone without scrolling sideways, the
ticked option changes the total, and accepting shows the order and the deposit to pay."""

import pytest

from ashopy.sales import quote_services
from ashopy.sales.models import Quote
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, width: int) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the quote page is {scroll_width} px wide in a {width}-px window"


def test_a_customer_ticks_an_option_and_accepts_on_a_phone(page, live_server, store, seller, customer):  # noqa: F811
    variant = factories.product(store, "Ordinateur portable Latitude 5440 — édition professionnelle 14 pouces",
                                price="1180000", stock=3).variants.get()
    quote = quote_services.create_quote(store=store, user=seller, customer=customer, deposit_percent="30",
                                        terms="Livraison sous quinze jours ouvrés après réception de l’acompte.")
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=2)
    option = quote_services.add_free_line(quote=quote, user=seller, description="Extension de garantie 3 ans",
                                          quantity=2, unit_price="125000", optional=True)
    quote = quote_services.send_quote(quote=quote, user=seller)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/quote/{quote.token}/")
    _fits(page, 390)
    total = page.get_by_test_id("quote-total")
    before = total.inner_text()
    page.locator(f"#option-{option.pk}").check()
    page.get_by_role("button", name="Mettre à jour le total").click()
    page.wait_for_load_state()
    assert total.inner_text() != before
    _fits(page, 390)
    page.fill("#quote-name", "Awa Diop")
    page.locator("#quote-terms-ok").check()
    page.get_by_role("button", name="Accepter le devis").last.click()
    page.get_by_test_id("quote-accepted").wait_for()
    assert "Acompte à payer" in page.get_by_test_id("quote-order").inner_text()
    _fits(page, 390)
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.state == Quote.State.CONVERTED and quote.acceptance.options == [option.pk]
