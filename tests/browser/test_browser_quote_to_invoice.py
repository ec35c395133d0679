"""The whole sales chain in Chromium, in a French store: a seller writes a quote with an optional line and
sends it; the customer opens the link, ticks the option, accepts and pays the deposit in the sandbox; the
order is created, then paid in full; the invoice PDF downloads from the customer's account and carries
its Factur-X XML, which the factur-x library reads back and checks against the EN 16931 schema."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from facturx import get_facturx_xml_from_pdf, xml_check_xsd

from ashopy.accounts.models import Address
from ashopy.orders.models import Order
from ashopy.sales import quote_selectors
from ashopy.sales.models import Invoice, Quote
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:  # noqa: F811
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
                               "url": live_server.url}])


@pytest.fixture
def paris(db):
    """The only store, so that the live server's `localhost` is the French one."""
    store = factories.StoreFactory(slug="paris", currency="EUR", country="FR", timezone="Europe/Paris",
                                   prices_include_tax=False, domain="paris.test")
    return complete_profile(store)


def _pay_in_the_sandbox(page) -> None:  # noqa: F811
    page.locator("[data-testid=quote-pay] button[type=submit]").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.get_by_role("button", name="Payer").click()
    page.wait_for_url("**/quote/**")


def test_quote_accepted_paid_and_invoiced_with_factur_x(page, live_server, paris):  # noqa: F811
    seller = factories.staff(paris, "vendeur", email="vendeur@paris.example.com")
    customer = factories.UserFactory(email="lea.girard@example.fr", first_name="Léa", last_name="Girard",
                                     registered_store=paris)
    Address.objects.create(user=customer, first_name="Léa", last_name="Girard", line1="8 rue Oberkampf",
                           postal_code="75011", city="Paris", country="FR", is_default_billing=True)
    factories.product(paris, "Bureau assis-debout", price="450.00", stock=5)

    # The seller: a quote for Léa, a catalogue line, an optional free line, a 30 % deposit, sent.
    _sign_in(page, live_server, seller)
    page.goto(f"{live_server.url}/staff/quotes/new/?q=girard")
    page.locator("[data-testid=customers] button[type=submit]").first.click()
    page.wait_for_url("**/staff/quotes/*/")
    editor = page.url
    page.goto(editor + "?find=bureau")
    result = page.locator("[data-testid=catalogue-result]").first
    result.locator("input[name$='-quantity']").fill("2")
    result.get_by_role("button").click()
    page.wait_for_load_state()
    page.fill("#id_free-description", "Montage sur site")
    page.fill("#id_free-quantity", "1")
    page.fill("#id_free-unit_price", "80")
    page.locator("#id_free-optional").check()
    page.locator("[data-testid=free-line] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=quote-line]").count() == 2
    page.fill("#id_details-deposit_percent", "30")
    page.locator("[data-testid=details] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("[data-testid=send] button[type=submit]").click()
    page.wait_for_load_state()
    link = page.locator("[data-testid=customer-link] a").first.get_attribute("href")
    quote = Quote.objects.get()
    assert quote.state == Quote.State.SENT and quote.number.startswith("DEV-") and quote.token in link

    # The customer, from the link: ticks the option, accepts, pays the deposit.
    _sign_in(page, live_server, customer)
    page.goto(link if link.startswith("http") else live_server.url + link)
    total = page.get_by_test_id("quote-total")
    before = total.inner_text()
    option = quote.lines.get(optional=True)
    page.locator(f"#option-{option.pk}").check()
    page.get_by_role("button", name="Mettre à jour le total").click()
    page.wait_for_load_state()
    assert total.inner_text() != before
    page.fill("#quote-name", "Léa Girard")
    page.locator("#quote-terms-ok").check()
    page.get_by_role("button", name="Accepter le devis").last.click()
    page.get_by_test_id("quote-accepted").wait_for()
    quote = Quote.objects.get(pk=quote.pk)
    order = quote.order
    # 2 × 450 + 80 excl. tax, 20 % VAT: 1 176,00 €; the deposit is 30 % of it.
    assert quote.state == Quote.State.CONVERTED and quote.acceptance.options == [option.pk]
    assert order.total == Decimal("1176.00") and order.state == Order.State.AWAITING_PAYMENT
    _pay_in_the_sandbox(page)
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT and quote_selectors.amount_paid(order) == Decimal("352.80")
    assert not Invoice.objects.exists(), "no invoice before the order is paid"

    # The balance, then the invoice from the account.
    _pay_in_the_sandbox(page)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    invoice = Invoice.objects.get(order=order)
    assert invoice.is_issued and invoice.total == Decimal("1176.00") and invoice.amount_due == 0
    page.goto(f"{live_server.url}/account/invoices/")
    assert page.locator("[data-testid=invoice-row]").count() == 1
    with page.expect_download() as download:
        page.locator("[data-testid=invoice-pdf]").first.click()
    pdf = Path(download.value.path()).read_bytes()
    with invoice.pdf.open("rb") as stored:
        assert pdf.startswith(b"%PDF") and pdf == stored.read(), "the PDF as stored at issue"
    filename, xml = get_facturx_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml" and invoice.number.encode() in xml
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
