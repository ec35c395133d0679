# ruff: noqa: F811 (the till's fixtures of tests/pos/conftest.py are imported, then asked for by name)
"""A till receipt in real Chromium at 390 px (a phone, or the till's narrow window): the 80-mm
receipt fits the window, no amount wraps, the page breaks no Content-Security-Policy rule, and its
screenshot goes to docs/screenshots/receipt.png with UPDATE_SCREENSHOTS=1."""


import pytest

from ashopy.sales.models import SellerProfile
from tests import factories
from tests.browser import page, screenshot_path  # noqa: F401  (page: a fixture)
from tests.pos.conftest import _signing_key, sell, session, shop, till, variant  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES_OF = """selector => [...document.querySelectorAll(selector)].map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""
WATCH = """window.violations = [];
document.addEventListener("securitypolicyviolation", event => window.violations.push(event.violatedDirective));"""


def test_a_receipt_at_390_px(page, live_server, store, session, seller, variant):
    store.legal_name, store.address, store.city = "Boutique Test SARL", "12 avenue Cheikh Anta Diop", "Dakar"
    store.save()
    SellerProfile.objects.create(store=store, ninea="0012345 2G3", rccm="SN-DKR-2020-B-12345")
    ticket = sell(session, seller, variant, 3, cash="20000")
    page.add_init_script(WATCH)
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", seller.email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/staff/pos/tickets/{ticket.pk}/receipt/")
    receipt = page.get_by_test_id("receipt")
    assert "C1-000001" in receipt.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert set(page.evaluate(LINES_OF, ".receipt .amount")) == {1}
    assert page.evaluate("window.violations") == []
    receipt.screenshot(path=screenshot_path("receipt.png"))
