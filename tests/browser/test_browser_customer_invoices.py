"""“Mes factures” in real Chromium: at 390 px (a phone) and 1280 px the list is never wider than the window,
and no document number nor amount is broken over two lines — a credit note's negative amount included."""

from decimal import Decimal

import pytest

from ashopy.sales import services
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
# How many line boxes the text of each number and amount takes (1: it did not wrap).
LINES_OF = """selector => [...document.querySelectorAll(selector)].map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""


@pytest.fixture
def documents(store, customer, manager, settings, tmp_path):
    """An invoice of a large amount (long in francs CFA) and a partial credit note on it."""
    settings.MEDIA_ROOT = str(tmp_path)
    complete_profile(store)
    variant = factories.product(store, "Ordinateur portable professionnel ThinkPad X1 Carbon, 14 pouces",
                                price="12500000", stock=5).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store), user=customer, paid=True,
                                   quantity=3)
    invoice = services.invoice_order(order=order)
    note = services.credit(invoice=invoice, user=manager, reason="Geste commercial", amount=Decimal(1250000))
    return invoice, note


def _sign_in(page, live_server, email):  # noqa: F811
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_my_invoices_fit_a_phone_and_nothing_wraps(page, live_server, customer, documents):  # noqa: F811
    invoice, note = documents
    _sign_in(page, live_server, customer.email)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/account/invoices/")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"“Mes factures” is {scroll_width} px wide in a {width}-px window"
        rows = page.get_by_test_id("invoice-row")
        assert page.get_by_test_id("invoice-number").all_inner_texts() == [note.number, invoice.number]
        amounts = page.get_by_test_id("invoice-amount").all_inner_texts()
        assert amounts[0].startswith("−") and amounts[0].replace("\u202f", " ").startswith("−1 250 000"), amounts
        assert rows.first.get_by_text("À rembourser").is_visible()
        for selector in ('[data-testid="invoice-number"]', '[data-testid="invoice-amount"]'):
            assert page.evaluate(LINES_OF, selector) == [1, 1], (width, selector)
