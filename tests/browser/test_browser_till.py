"""The till page in Chromium: a scanner types an EAN-13 then Enter and the line is there, the focus still on
the scan field; a sale paid by card and cash (F2, F1) gives the change the server computed; no CSP
violation; screenshots at 1280 (10-inch tablet) and 390 pixels."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ashopy.pos import services, signing
from ashopy.pos.models import Ticket
from tests import factories
from tests.browser import page  # noqa: F401  (a fixture)
from tests.browser.test_browser_csp import Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BARCODE = "4006381333931"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _signing_key(settings):
    settings.POS_SIGNING_KEYS = {"*": signing.new_seed()}


@pytest.fixture
def counter(store, manager, seller):
    """A till with an open session, a product with a barcode and 20 units on its shelf."""
    shop = factories.warehouse(store, "shop", kind="shop", priority=2)
    till = services.save_till(user=manager, store=store, code="c1", name="Caisse 1", warehouse=shop)
    services.open_session(user=seller, till=till, opening_float={"1000": 10})
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    variant.barcode = BARCODE
    variant.save(update_fields=["barcode"])
    factories.receive(variant, 20, warehouse_=shop)
    factories.product(store, "Lampe solaire", price="15000", stock=3)
    return till


def log_in(page, live_server, email):  # noqa: F811
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def scan(page, code):  # noqa: F811
    page.locator("[data-testid=till-scan]").fill(code)
    page.keyboard.press("Enter")


def test_scan_then_split_card_and_cash_with_change(page, live_server, counter, seller):  # noqa: F811
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    scan_field = page.locator("[data-testid=till-scan]")
    expect(scan_field).to_be_focused()
    scan(page, BARCODE)
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    expect(scan_field).to_be_focused()
    expect(scan_field).to_have_value("")
    scan(page, BARCODE)  # the same item again: one line, two units
    expect(page.locator("[data-testid=line-quantity]")).to_have_value("2")
    expect(page.locator("[data-testid=pay-wave]")).to_be_hidden()  # no mobile-money API in this build
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / "till.png"))

    page.keyboard.press("F2")  # card
    card = page.locator("[data-testid=tender-card] input")
    expect(card).to_be_focused()
    card.fill("5000")
    page.keyboard.press("F1")  # cash
    cash = page.locator("[data-testid=tender-cash] input")
    expect(cash).to_be_focused()
    cash.fill("10000")
    expect(page.locator("[data-testid=till-change]")).to_be_visible()
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=till-done]")).to_be_visible()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000001")

    ticket = Ticket.objects.get()
    payments = {payment.method: payment for payment in ticket.payments.all()}
    assert payments["card"].amount == Decimal(5000)
    assert payments["cash"].tendered == Decimal(10000)
    change = Decimal(15000) - ticket.total
    assert payments["cash"].change_given == change > 0
    digits = re.sub(r"\D", "", page.locator("[data-testid=done-change]").inner_text())
    assert digits == str(int(change))
    expect(page.locator("[data-testid=till-receipt]")).to_have_attribute(
        "href", f"/staff/pos/tickets/{ticket.pk}/receipt/")

    page.locator("[data-testid=new-sale]").click()
    expect(scan_field).to_be_focused()
    page.set_viewport_size({"width": 390, "height": 844})
    scan(page, "lampe")
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "till-390.png"), full_page=True)
    watch.assert_clean()
