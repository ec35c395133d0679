# ruff: noqa: F811 (the till's fixtures of test_browser_till.py are imported, then asked for by name)
"""Returns at the till in Chromium: a past sale found by its number (typed as a scanner would), one of its
two units refunded in cash and put back on the shelf — the refund ticket recorded, the stock one unit up,
the chain valid, the receipt linked; an exchange — the refund stays in the drawer as the new sale's first
cash, and the session's cash adds up at the blind count; offline, the button says it needs the network.
No CSP violation; the screen fits 390, 1024 and 1280 pixels (screenshot at 1280)."""

import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ashopy.inventory.models import Stock
from ashopy.pos import invoicing, selling, services, verification
from ashopy.pos.models import Ticket, TillSession
from ashopy.pos.selling import SaleLine, Tender
from ashopy.sales.models import Invoice
from tests import factories
from tests.browser import (
    page,  # noqa: F401  (a fixture)
    screenshot_path,
)
from tests.browser.test_browser_csp import Watch
from tests.browser.test_browser_till import _signing_key, counter, log_in  # noqa: F401
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUYER = {"name": "Moussa Fall", "line1": "Rue 10, Point E", "city": "Dakar", "country": "SN"}


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def past_sale(till, seller, quantity=2) -> Ticket:
    """A cash sale of `quantity` USB keys (5,900 F CFA each) made earlier at the till."""
    session = TillSession.objects.get(till=till, state="open")
    variant = Stock.objects.filter(warehouse=till.warehouse, variant__barcode__isnull=False).exclude(
        variant__barcode="").get().variant
    return selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, quantity)],
                               payments=[Tender("cash", variant.price * quantity)])


def on_hand(till, barcode="4006381333931") -> int:
    return Stock.objects.get(warehouse=till.warehouse, variant__barcode=barcode).on_hand


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def open_refunds(page, live_server, till):
    page.goto(f"{live_server.url}/staff/till/{till.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    page.keyboard.press("F8")
    expect(page.locator("[data-testid=till-refund]")).to_be_visible()
    expect(page.locator("[data-testid=refund-q]")).to_be_focused()


def test_refund_one_of_two_units_in_cash_with_restock(page, live_server, counter, seller):
    sale = past_sale(counter, seller)
    past_sale(counter, seller, quantity=1)  # another sale of the day, listed too
    assert on_hand(counter) == 17
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    open_refunds(page, live_server, counter)
    expect(page.locator("[data-testid=refund-result]")).to_have_count(2)  # the latest sales, newest first
    page.locator("[data-testid=refund-q]").fill(sale.reference)  # as the scanner types the receipt's number
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=refund-reference]")).to_contain_text(sale.reference)
    line = page.locator("[data-testid=refund-line]")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("2")
    expect(page.locator("[data-testid=refund-confirm]")).to_be_disabled()
    line.locator("[data-testid=refund-more]").click()
    expect(line.locator("[data-testid=refund-quantity]")).to_have_value("1")
    expect(page.locator("[data-testid=refund-confirm]")).to_be_enabled()  # the server's preview arrived
    assert digits(page.locator("[data-testid=refund-amount]").inner_text()) == "5900"
    expect(page.locator("[data-testid=refund-restock]")).to_be_checked()
    expect(page.locator("#refund-method-cash")).to_be_checked()
    page.fill("[data-testid=refund-reason]", "Ne fonctionne pas")
    for width, height in ((390, 844), (1024, 768), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("[data-testid=refund-confirm]")).to_be_visible()
        assert fits(page), width
        if width == 390:
            page.screenshot(path=screenshot_path("till-refund-390.png"), full_page=True)
    page.screenshot(path=screenshot_path("till-refund.png"))

    page.locator("[data-testid=refund-confirm]").dblclick()  # a double click is one refund
    expect(page.locator("[data-testid=refund-done]")).to_be_visible()
    refund = Ticket.objects.get(kind="refund")
    assert refund.refunds_id == sale.pk and refund.total == Decimal(-5900) and refund.reference == "C1-000003"
    assert [(line.quantity, line.refunded_line_id) for line in refund.lines.all()] == [(-1, sale.lines.get().pk)]
    assert [(p.method, p.amount) for p in refund.payments.all()] == [("cash", Decimal(-5900))]
    assert refund.discount_reason == "Ne fonctionne pas"
    assert on_hand(counter) == 18  # put back on the shelf
    assert verification.verify_till(counter).ok
    expect(page.locator("[data-testid=refund-done-text]")).to_contain_text("C1-000003")
    expect(page.locator("[data-testid=refund-receipt]")).to_have_attribute(
        "href", f"/staff/pos/tickets/{refund.pk}/receipt/")
    expect(page.locator("[data-testid=refund-credit-note]")).to_be_hidden()  # the sale had no invoice
    receipt = page.context.new_page()
    receipt.goto(f"{live_server.url}/staff/pos/tickets/{refund.pk}/receipt/")
    expect(receipt.locator("[data-testid=reference]")).to_have_text("C1-000003")
    receipt.close()

    # The one unit left: the ticket now offers one, and the other ticket is untouched.
    page.locator("#till-refund-again").click()
    page.locator("[data-testid=refund-q]").fill(sale.reference)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=refund-quantity]")).to_have_attribute("max", "1")
    page.locator("[data-testid=refund-back]").click()
    expect(page.locator("[data-testid=till-scan]")).to_be_focused()

    page.context.set_offline(True)
    button = page.locator("[data-testid=refund-button]")
    expect(button).to_be_disabled()
    expect(button).not_to_contain_text(page.locator("#till-refund-title").inner_text())  # it says why instead
    page.context.set_offline(False)
    expect(button).to_be_enabled()
    assert Ticket.objects.filter(kind="refund").count() == 1
    watch.assert_clean()


def test_an_exchange_keeps_the_refund_in_the_drawer_for_the_new_sale(page, live_server, counter, seller):
    lamp = factories.product(counter.store, "Lampe de bureau", price="15000").variants.get()
    factories.receive(lamp, 3, warehouse_=counter.warehouse)
    sale = past_sale(counter, seller)
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    open_refunds(page, live_server, counter)
    day = sale.created_at.astimezone(ZoneInfo(counter.store.timezone)).date()
    page.locator("[data-testid=refund-date]").fill(day.isoformat())  # found by its day
    page.locator("[data-testid=refund-search]").click()
    page.locator("[data-testid=refund-result]").first.click()
    page.locator("[data-testid=refund-more]").click()
    expect(page.locator("[data-testid=refund-exchange]")).to_be_enabled()
    page.locator("[data-testid=refund-exchange]").click()

    # The sale screen, the refund's 5,900 already in as cash, locked.
    expect(page.locator("[data-testid=till-scan]")).to_be_visible()
    credit = page.locator("[data-testid=tender-cash] input").first
    expect(credit).to_have_value("5900")
    expect(credit).to_have_attribute("readonly", "")
    expect(page.locator("[data-testid=tender-cash]").first).to_contain_text("C1-000002")
    refund = Ticket.objects.get(kind="refund")
    assert refund.total == Decimal(-5900) and [p.method for p in refund.payments.all()] == ["cash"]
    page.locator("[data-testid=till-scan]").fill("lampe de bureau")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    assert digits(page.locator("[data-testid=till-due]").inner_text()) == "9100"
    page.keyboard.press("F1")  # the customer adds 10,000 in cash: 900 back
    page.locator("[data-testid=tender-cash] input").last.fill("10000")
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000003")
    assert digits(page.locator("[data-testid=done-change]").inner_text()) == "900"

    new_sale = Ticket.objects.get(number=3, till=counter)
    (cash,) = new_sale.payments.all()
    assert (cash.method, cash.amount, cash.tendered, cash.change_given) == ("cash", 15000, 15900, 900)
    assert on_hand(counter) == 19  # 20 − 2 sold + 1 back
    # The drawer: float 10,000 + 11,800 sold − 5,900 refunded + 15,000 sold = 30,900, and it adds up.
    session = TillSession.objects.get(till=counter, state="open")
    services.close_session(user=seller, session=session, counted={"cash": "30900"})
    closed = TillSession.objects.get(pk=session.pk)
    assert Decimal(closed.expected["cash"]) == 30900 and Decimal(closed.differences["cash"]) == 0
    assert verification.verify_till(counter).ok
    watch.assert_clean()


def test_a_refund_of_an_invoiced_sale_shows_its_credit_note(page, live_server, counter, seller, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    complete_profile(counter.store)
    sale = past_sale(counter, seller)
    invoice = invoicing.invoice_ticket(user=seller, ticket=sale, buyer=BUYER)
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    open_refunds(page, live_server, counter)
    page.locator("[data-testid=refund-q]").fill(str(sale.number))  # « 1 »: the number alone finds it too
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=refund-reference]")).to_contain_text(sale.reference)
    page.locator("[data-testid=refund-more]").click()
    page.locator("[data-testid=refund-confirm]").click()
    expect(page.locator("[data-testid=refund-done]")).to_be_visible()
    note = Invoice.objects.get(credited_invoice=invoice)
    link = page.locator("[data-testid=refund-credit-note]")
    expect(link).to_be_visible()
    expect(link).to_contain_text(note.number)
    expect(link).to_have_attribute("href", reverse("staff_sales:invoice_detail", args=[note.pk]))
    watch.assert_clean()
