"""The till page in Chromium: a scanner types an EAN-13 then Enter and the line is there, the focus still on
the scan field; a sale paid by card and cash (F2, F1) gives the change the server computed; no CSP
violation; screenshots at 1280 (10-inch tablet) and 390 pixels."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ashopy.pos import services, signing
from ashopy.pos.models import CashMovement, Ticket, TillSession
from tests import factories
from tests.browser import page, screenshot_path  # noqa: F401  (page: a fixture)
from tests.browser.test_browser_csp import Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BARCODE = "4006381333931"


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
    expect(page.locator("[data-testid=pay-wave]")).to_be_hidden()  # Wave is not configured for this store
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=screenshot_path("till.png"))

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
    page.screenshot(path=screenshot_path("till-390.png"), full_page=True)
    watch.assert_clean()


def test_open_with_the_float_cash_out_and_blind_close(page, live_server, counter, seller):  # noqa: F811
    """The day's edges: the float counted per denomination, cash taken out with a reason, the blind count
    (what was expected appears only once the count is recorded)."""
    services.close_session(user=seller, session=TillSession.objects.get(till=counter), counted={"cash": "10000"})
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    page.locator("[data-denomination='5000']").fill("2")
    page.locator("[data-denomination='500']").fill("4")
    expect(page.locator("[data-testid=float-total]")).to_contain_text("12")
    page.locator("[data-testid=open-session]").click()
    expect(page.locator("[data-testid=till-scan]")).to_be_visible()
    opened = TillSession.objects.get(till=counter, state="open")
    assert opened.opening_total == 12000 and opened.opening_float == {"5000": 2, "500": 4}

    page.locator("#till-cash-button").click()
    page.locator("label[for=cash-out]").click()
    page.fill("#till-cash-amount", "3000")
    page.fill("#till-cash-reason", "Monnaie à la banque")
    page.locator("#till-cash-form [type=submit]").click()
    expect(page.locator("#till-cash-dialog")).not_to_be_visible()
    movement = CashMovement.objects.get(session=opened)
    assert (movement.direction, movement.amount, movement.reason) == ("out", 3000, "Monnaie à la banque")

    page.locator("#till-close-button").click()
    expect(page.locator("#till-close-rows")).to_be_hidden()
    page.fill("#count-cash", "8500")
    page.fill("#till-close-note", "500 F manquants")
    page.locator("#till-close-submit").click()
    rows = page.locator("[data-testid=close-row]")
    expect(rows.first).to_be_visible()
    closed = TillSession.objects.get(pk=opened.pk)
    assert closed.state == "closed" and Decimal(closed.expected["cash"]) == 9000
    assert Decimal(closed.differences["cash"]) == -500
    shown = [re.sub(r"\D", "", text) for text in rows.all_inner_texts()]
    assert "8500" + "9000" + "500" in shown  # cash: counted, expected, the difference (−500)
    watch.assert_clean()


def test_a_reload_offline_shows_the_till_from_the_service_worker(page, live_server, counter, seller):  # noqa: F811
    log_in(page, live_server, seller.email)
    url = f"{live_server.url}/staff/till/{counter.pk}/"
    page.goto(url)
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()  # through the worker now: the page and its static files are kept
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-testid=till-net]")).to_have_text("Hors ligne")
    scan(page, BARCODE)  # the catalogue from IndexedDB
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    page.context.set_offline(False)


def test_line_and_ticket_discounts_within_the_roles_limit(page, live_server, counter, seller):  # noqa: F811
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    scan(page, BARCODE)
    page.locator("[data-testid=line-discount]").click()
    page.fill("#till-discount-percent", "15")  # a salesperson gives 10 % at most
    page.fill("#till-discount-reason", "Fin de série")
    page.locator("#till-discount-form [type=submit]").click()
    expect(page.locator("#till-discount-error")).not_to_be_empty()
    page.fill("#till-discount-percent", "10")
    page.locator("#till-discount-form [type=submit]").click()
    expect(page.locator("#till-discount-dialog")).not_to_be_visible()
    page.locator("#till-ticket-discount-button").click()
    page.fill("#till-discount-percent", "5")
    page.fill("#till-discount-reason", "Client fidèle")
    page.locator("#till-discount-form [type=submit]").click()
    page.locator("#till-exact").click()
    shown = re.sub(r"\D", "", page.locator("[data-testid=till-total]").inner_text())
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000001")
    ticket = Ticket.objects.get()
    line = ticket.lines.get()
    assert (line.discount, line.discount_reason) == (Decimal(590), "Fin de série")
    assert ticket.discount_reason == "Client fidèle"
    assert str(int(ticket.total)) == shown  # the page computed what the server recorded


def test_search_ignores_case_and_accents(page, live_server, counter, seller):  # noqa: F811
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    page.locator("[data-testid=till-scan]").fill("CLE usb")
    expect(page.locator("#till-results")).to_contain_text("Clé USB 32 Go")
    expect(page.locator("#till-results")).not_to_contain_text("Lampe solaire")
