"""The till's Wave and store-credit payments in Chromium against the real API (/api/v1/pos/) and the fake Wave
server with its signed webhooks: F3 shows the request's QR code (SVG drawn by the server), the provider's
webhook confirms it and the sale is recorded with it; a pending request cancelled from the till (the Cancel
button or Escape) is cancelled on the server and leaves no ticket; F5 takes part of the total from a credit
note issued as store credit, cash pays the rest."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ashopy.pos.models import Ticket, TicketPayment
from ashopy.pos.tender_models import MobilePaymentRequest
from ashopy.sales import services as sales
from ashopy.sales.credit_models import StoreCredit
from tests import factories
from tests.browser import page  # noqa: F401  (a fixture)
from tests.browser.test_browser_csp import Watch
from tests.browser.test_browser_till import BARCODE, _signing_key, counter, log_in, scan  # noqa: F401  (fixtures)
from tests.fakes.wave_api import fake_wave
from tests.pos.test_mobile_payments import post
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wave(settings):
    # The live server's pages are on http://localhost: the fake lets their return addresses through.
    with fake_wave(require_https=False) as server:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": server.config()}}
        yield server


def open_till(page, live_server, counter, seller):  # noqa: F811
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")


def test_wave_qr_then_the_providers_webhook_completes_the_sale(page, live_server, counter, seller, wave,  # noqa: F811
                                                               client):
    watch = Watch(page)
    open_till(page, live_server, counter, seller)
    expect(page.locator("[data-testid=pay-orange-money]")).to_be_hidden()  # not configured for this store
    scan(page, BARCODE)
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)

    page.keyboard.press("F3")  # Wave, for the total
    qr = page.locator("#till-mobile-qr")
    expect(qr).to_be_visible()
    request = MobilePaymentRequest.objects.get()
    assert (request.provider, request.amount, request.state) == ("wave", Decimal(5900), "pending")
    src = qr.get_attribute("src")
    assert src == f"/api/v1/pos/mobile-payments/{request.pk}/qr.svg"
    answer = page.request.get(live_server.url + src)
    assert answer.status == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert answer.text().lstrip().startswith("<svg")
    decoded = page.evaluate("""() => document.getElementById('till-mobile-qr').decode().then(
        () => 'decoded', (error) => String(error))""")
    assert decoded == "decoded"  # the browser drew it
    box = qr.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    expect(page.locator("#till-mobile-state")).to_contain_text(":")  # the time left

    body, headers = wave.signed_event("checkout.session.completed", wave.complete(request.provider_reference))
    assert post(client, "wave", body, headers).status_code == 200

    expect(page.locator("#till-mobile-dialog")).not_to_be_visible()  # the till's polling saw it succeed
    tender = page.locator("[data-testid=tender-wave] input")
    expect(tender).to_have_value("5900")
    expect(tender).not_to_be_editable()
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000001")

    ticket = Ticket.objects.get()
    assert list(TicketPayment.objects.filter(ticket=ticket).values_list("method", "amount")) == [("wave", 5900)]
    request.refresh_from_db()
    assert request.ticket == ticket and request.state == "succeeded"
    watch.assert_clean()


def test_cancelling_a_pending_wave_payment_records_nothing(page, live_server, counter, seller, wave):  # noqa: F811
    watch = Watch(page)
    open_till(page, live_server, counter, seller)
    scan(page, BARCODE)
    page.keyboard.press("F3")
    expect(page.locator("#till-mobile-qr")).to_be_visible()

    page.locator("#till-mobile-cancel").click()

    expect(page.locator("#till-mobile-dialog")).not_to_be_visible()
    expect(page.locator("[data-testid=tender-wave]")).to_have_count(0)
    expect(page.locator("[data-testid=till-validate]")).to_be_disabled()
    assert MobilePaymentRequest.objects.get().state == "cancelled"
    assert not Ticket.objects.exists()
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)  # the sale goes on, paid otherwise
    watch.assert_clean()


def test_escape_cancels_the_pending_wave_payment_like_the_cancel_button(page, live_server, counter, seller,  # noqa: F811
                                                                        wave):
    """Escape closes the dialog through its cancel event: the request is cancelled on the server too, not
    left pending with nobody polling it."""
    watch = Watch(page)
    open_till(page, live_server, counter, seller)
    scan(page, BARCODE)
    page.keyboard.press("F3")
    expect(page.locator("#till-mobile-qr")).to_be_visible()
    request = MobilePaymentRequest.objects.get()
    assert request.state == "pending"

    with page.expect_response(lambda answer: answer.url.endswith(f"/mobile-payments/{request.pk}/cancel/")) as sent:
        page.keyboard.press("Escape")
    assert sent.value.status == 200

    expect(page.locator("#till-mobile-dialog")).not_to_be_visible()
    request.refresh_from_db()
    assert request.state == "cancelled"
    expect(page.locator("[data-testid=tender-wave]")).to_have_count(0)
    assert not Ticket.objects.exists()
    expect(page.locator("[data-testid=till-line]")).to_have_count(1)
    watch.assert_clean()


@pytest.fixture
def credit_note(store, manager, customer):
    """A credit note of 12 000 F CFA issued as store credit (as tests/pos/test_store_credit.py makes it)."""
    complete_profile(store)
    variant = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=1, paid=True)
    invoice = sales.invoice_order(order=order)
    return sales.credit(invoice=invoice, user=manager, reason="Retour", amount=Decimal(12000), as_store_credit=True)


def test_part_in_store_credit_the_rest_in_cash(page, live_server, counter, seller, credit_note):  # noqa: F811
    watch = Watch(page)
    open_till(page, live_server, counter, seller)
    scan(page, BARCODE)

    page.keyboard.press("F5")
    number = page.locator("#till-credit-number")
    expect(number).to_be_focused()
    number.fill("AV-1999-000001")
    page.locator("#till-credit-form [type=submit]").click()
    expect(page.locator("#till-credit-error")).not_to_be_empty()  # no such credit note
    number.fill(credit_note.number)
    page.locator("#till-credit-form [type=submit]").click()
    expect(page.locator("#till-credit-dialog")).not_to_be_visible()
    credit = page.locator("[data-testid=tender-store_credit] input")
    expect(credit).to_have_value("5900")  # what is due, the credit holding more
    credit.fill("4000")
    page.keyboard.press("F1")
    cash = page.locator("[data-testid=tender-cash] input")
    expect(cash).to_have_value("1900")
    cash.fill("2000")
    expect(page.locator("[data-testid=till-change]")).to_be_visible()
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000001")

    ticket = Ticket.objects.get()
    payments = {payment.method: payment for payment in ticket.payments.all()}
    assert payments["store_credit"].amount == Decimal(4000)
    assert (payments["cash"].amount, payments["cash"].change_given) == (Decimal(1900), Decimal(100))
    assert StoreCredit.objects.get(credit_note=credit_note).remaining == Decimal(8000)
    watch.assert_clean()


def test_a_payment_made_just_before_the_cancel_stays_with_the_sale(page, live_server, counter, seller, wave,  # noqa: F811
                                                                  client):
    """The customer pays as the cashier presses « Cancel », before the till's next poll: the API refuses the
    cancel (409, already paid) and the till takes the payment instead of dropping it."""
    page.clock.install()
    open_till(page, live_server, counter, seller)
    scan(page, BARCODE)
    page.keyboard.press("F3")
    expect(page.locator("#till-mobile-qr")).to_be_visible()
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))  # no poll from now on
    request = MobilePaymentRequest.objects.get()
    body, headers = wave.signed_event("checkout.session.completed", wave.complete(request.provider_reference))
    assert post(client, "wave", body, headers).status_code == 200

    page.locator("#till-mobile-cancel").click()

    expect(page.locator("#till-mobile-dialog")).not_to_be_visible()
    expect(page.locator("#till-message")).to_be_visible()
    expect(page.locator("[data-testid=tender-wave] input")).to_have_value("5900")
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=done-reference]")).to_have_text("C1-000001")
    request.refresh_from_db()
    assert request.state == "succeeded" and request.ticket == Ticket.objects.get()
