"""The till page with a promo code and a new customer, in Chromium: a scanned product, a code applied (the
total shown is the server's, the code's discount a line of the totals; a bad code's refusal next to the
field), paid in cash, the ticket recorded with the code and its use counted; then a customer made in the
"New customer" dialog is chosen for the next sale. No CSP violation."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ashopy.accounts.models import User
from ashopy.pos.models import Ticket
from ashopy.promotions.models import Redemption
from tests.browser import page  # noqa: F401  (a fixture)
from tests.browser.test_browser_csp import Watch
from tests.browser.test_browser_till import BARCODE, _signing_key, counter, log_in, scan  # noqa: F401
from tests.promotions.codes_helpers import promo_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def digits(locator) -> str:
    return re.sub(r"\D", "", locator.inner_text())


def test_a_code_then_cash_and_a_new_customer(page, live_server, store, counter, seller):  # noqa: F811
    code = promo_code(store, "CAISSE10", value="10", max_uses=5)
    watch = Watch(page)
    log_in(page, live_server, seller.email)
    page.goto(f"{live_server.url}/staff/till/{counter.pk}/")
    expect(page.locator("#till-catalogue-note")).to_contain_text("2")
    scan(page, BARCODE)
    scan(page, BARCODE)
    total = page.locator("[data-testid=till-total]")
    expect(total).to_contain_text("11")
    assert digits(total) == "11800"

    page.locator("[data-testid=till-code]").fill("nope")
    page.locator("[data-testid=till-code-apply]").click()
    expect(page.locator("[data-testid=till-code-error]")).to_contain_text("NOPE")
    assert digits(total) == "11800"
    page.locator("[data-testid=till-code]").fill("caisse10")
    page.locator("[data-testid=till-code-apply]").click()
    expect(page.locator("[data-testid=till-code-discount]")).to_be_visible()
    expect(total).not_to_contain_text("800")
    assert digits(total) == "10620" and digits(page.locator("[data-testid=till-code-discount]")) == "1180"
    expect(page.locator("[data-testid=till-code-error]")).to_have_text("")

    page.locator("[data-testid=pay-cash]").click()
    cash = page.locator("[data-testid=tender-cash] input")
    cash.fill("11000")
    expect(page.locator("[data-testid=till-change]")).to_be_visible()
    assert digits(page.locator("[data-testid=till-change]")) == "380"
    page.locator("[data-testid=till-validate]").click()
    expect(page.locator("[data-testid=till-done]")).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.promo_code, ticket.total) == ("CAISSE10", Decimal(10620))
    assert ticket.payments.get().change_given == Decimal(380)
    assert Redemption.objects.get(code=code).ticket_id == ticket.pk

    page.locator("[data-testid=new-sale]").click()
    expect(page.locator("[data-testid=till-code]")).to_have_value("")
    page.locator("[data-testid=customer-new]").click()
    page.locator("[data-testid=customer-email]").fill("awa.diop@example.com")
    page.locator("[data-testid=customer-first-name]").fill("Awa")
    page.locator("[data-testid=customer-last-name]").fill("Diop")
    page.locator("[data-testid=customer-phone]").fill("+221771234567")
    page.locator("[data-testid=customer-create]").click()
    expect(page.locator("#till-customer-dialog")).not_to_be_visible()
    expect(page.locator("[data-testid=till-customer]")).to_contain_text("Awa Diop")
    made = User.objects.get(email="awa.diop@example.com")
    assert made.registered_store == store and not made.has_usable_password()
    watch.assert_clean()
