"""No lost sale: the network to the API is cut in the middle of the day (route abort), three cash sales are
made and kept in the browser, the network comes back, and the server holds exactly three tickets, the
stock is deducted and the till's chain is valid. Then the page is closed in the middle of the sync (the
server recorded a sale whose answer never arrived) and opened again: still exactly three. Each synced ticket
keeps the server's time of arrival and the moment it was made at the till (the browser in Kolkata, UTC+05:30,
so that the offset it sends counts).

Service workers are blocked in these tests so that Playwright's routes see every request of the page."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from ashopy.inventory.models import Stock
from ashopy.pos import verification
from ashopy.pos.models import Ticket, Till
from tests.browser import ARGS, CHROMIUM
from tests.browser.test_browser_csp import Watch
from tests.browser.test_browser_till import BARCODE, _signing_key, counter, log_in, scan  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SALES = "**/api/v1/pos/sales/"


@pytest.fixture
def context(live_server, settings, monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800},
                                      service_workers="block", timezone_id="Asia/Kolkata")
        context.set_default_timeout(15_000)
        yield context
        context.close()
        browser.close()
        connections.close_all()


def cash_sale(page):
    scan(page, BARCODE)
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    page.keyboard.press("F1")
    page.locator("[data-testid=tender-cash] input").fill("10000")
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=till-done]")).to_be_visible()
    expect(page.locator("[data-testid=done-pending]")).to_be_visible()
    page.locator("[data-testid=new-sale]").click()


def sell_three_offline(page, live_server, till):
    """The three sales; when they were made (from, to)."""
    page.goto(f"{live_server.url}/staff/till/{till.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    page.route("**/api/**", lambda route: route.abort())
    started = timezone.now().replace(microsecond=0)
    for _ in range(3):
        cash_sale(page)
    ended = timezone.now()
    expect(page.locator("[data-testid=till-net]")).to_have_text("Hors ligne")
    expect(page.locator("[data-testid=pending-sale]")).to_have_count(3)
    assert Ticket.objects.count() == 0
    return started, ended


def assert_three_sales(till):
    assert Ticket.objects.filter(till=till).count() == 3
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert Stock.objects.get(warehouse=till.warehouse).on_hand == 17
    reports = verification.verify(Till.objects.filter(pk=till.pk))
    assert all(report.ok for report in reports), reports


def test_three_cash_sales_offline_are_sent_once_when_the_network_returns(context, live_server, counter, seller):  # noqa: F811
    page = context.new_page()
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    started, ended = sell_three_offline(page, live_server, counter)
    time.sleep(2)  # the sync comes seconds later than the sales
    synced = timezone.now().replace(microsecond=0)
    page.unroute("**/api/**")
    expect(page.locator("[data-testid=pending-sale]")).to_have_count(0, timeout=20_000)
    expect(page.locator("[data-testid=till-net]")).to_have_text("En ligne")
    assert_three_sales(counter)
    for ticket in Ticket.objects.order_by("number"):
        assert started <= ticket.made_offline_at <= ended, "the till's time of the sale, its offset applied"
        assert ticket.created_at >= synced >= ticket.made_offline_at + timedelta(seconds=2), "the server's time"
    made = list(Ticket.objects.order_by("number").values_list("made_offline_at", flat=True))
    assert made == sorted(made)
    page.locator("#till-sync").evaluate("button => button.click()")  # sent again: nothing more
    page.wait_for_timeout(500)
    assert_three_sales(counter)
    watch.assert_clean()


def test_closing_the_page_during_the_sync_loses_and_doubles_nothing(context, live_server, counter, seller):  # noqa: F811
    page = context.new_page()
    log_in(page, live_server, seller.email)
    sell_three_offline(page, live_server, counter)
    recorded = []

    def answer_lost(route):
        """The first sale reaches the server, which records it; its answer never comes back."""
        response = route.fetch()
        recorded.append(response.status)
        route.abort()

    page.unroute("**/api/**")
    page.route(SALES, answer_lost)
    page.locator("#till-sync").evaluate("button => button.click()")
    for _ in range(100):
        if recorded:
            break
        page.wait_for_timeout(100)
    page.close()
    assert recorded == [201]
    assert Ticket.objects.count() == 1

    again = context.new_page()
    again.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    for _ in range(100):  # the page sends what it kept as soon as it has loaded
        if Ticket.objects.count() >= 3:
            break
        again.wait_for_timeout(200)
    expect(again.locator("#till-pending-panel")).to_be_hidden(timeout=20_000)
    again.wait_for_timeout(500)
    assert_three_sales(counter)
