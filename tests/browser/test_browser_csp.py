"""Real Chromium under the Content-Security-Policy: every kind of page (storefront, checkout up to the sandbox
payment page and back, account, back office, Django admin, Swagger UI) loads with the header and without a
single violation, and the behaviours moved out of inline script still work."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from playwright.sync_api import expect

from ashopy.catalog.services import add_image
from ashopy.demo.images import render
from ashopy.orders.models import Order
from tests import factories
from tests.browser import check_out_with_the_sandbox, page  # noqa: F401  (page: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports each violation to Python (the exposed function outlives navigations; window state does not).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation([event.documentURI, event.effectiveDirective, event.blockedURI || "inline",
                             event.sourceFile + ":" + event.lineNumber, event.sample].join(" | "));
}, true);
"""


class Watch:
    """The page, and what it went through: violations (the DOM event and Chromium's console), script errors,
    and every HTML document answered (each must carry the policy)."""

    def __init__(self, page):  # noqa: F811
        self.page = page
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.documents: list[tuple[str, str | None]] = []
        page.expose_function("reportCspViolation", lambda text: self.violations.append(text))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"console {message.type}: {message.text}")

    def _response(self, response):
        if response.request.resource_type == "document" and response.request.frame == self.page.main_frame:
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def visit(self, url: str):
        response = self.page.goto(url)
        assert response is not None and response.status in (200, 404), (url, response and response.status)
        return response

    def assert_clean(self):
        self.page.wait_for_load_state("load")
        self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 150))")  # late reports
        assert self.violations == []
        assert self.errors == []
        assert self.documents, "no page was loaded"
        for url, policy in self.documents:
            assert policy and "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
            assert "unsafe-inline" not in policy, url


@pytest.fixture
def watch(page):  # noqa: F811
    return Watch(page)


@pytest.fixture
def shop(store):
    factories.shipping_method(store, name="Livraison Dakar", price="2000", countries=["SN"])
    solar = factories.category(store, "Solaire")
    factories.category(store, "Lampes", parent=solar)
    factories.product(store, "Torche LED", category_=solar, price="3500", stock=10, sale_price="3000")
    return factories.product(store, "Lampe Solaire", category_=solar, price="15000", stock=4,
                             brand_=factories.brand(store, "Sunny"), featured=True)


def _log_in(page, live_server, email):  # noqa: F811
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/account/")


def test_storefront_checkout_and_account_pages_have_no_violation(watch, live_server, shop, customer):
    page = watch.page  # noqa: F811
    for path in ("/", "/c/solaire/", "/search/?q=lampe", "/no-such-page/", "/account/register/"):
        watch.visit(live_server.url + path)
    _log_in(page, live_server, customer.email)
    watch.visit(live_server.url + f"/p/{shop.slug}/")
    # Sizes that were style="" attributes are classes of shop.css now: the same 6rem and 5rem.
    assert page.locator("#add-quantity").evaluate("e => e.offsetWidth") == 96
    page.fill("#add-quantity", "2")
    page.locator(".add-to-cart button[type=submit]").click()
    page.wait_for_selector("[data-testid=cart-count]")
    page.goto(live_server.url + "/cart/")
    assert page.locator("[data-testid=cart-line] input[name=quantity]").evaluate("e => e.offsetWidth") == 80

    check_out_with_the_sandbox(page)
    # The countdown (a static script now) ticks.
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^14:5\d$"))
    page.locator("[data-testid=go-pay]").click()
    page.wait_for_url("**/payments/sandbox/**")
    # The sandbox's form posts to us and is redirected to the confirmation: form-action 'self' lets it through.
    page.get_by_role("button", name="Payer").click()
    page.wait_for_url("**/checkout/done/**")
    assert page.locator("[data-testid=confirmation]").is_visible()
    order = Order.objects.get()
    assert order.state == Order.State.PAID

    for path in ("/account/", "/account/orders/", "/account/addresses/", "/account/password/"):
        watch.visit(live_server.url + path)
    watch.visit(live_server.url + f"/account/orders/{order.number}/")
    # Cancelling asks first (a static script now): refused, nothing happens; accepted, the order is cancelled.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Annuler la commande").click()
    page.wait_for_timeout(300)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler la commande").click()
    expect(page.locator("form[data-confirm]")).to_have_count(0)
    order.refresh_from_db()
    assert order.state != Order.State.PAID

    # The language switch (a static script now) still sends its form on change.
    page.select_option("#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    watch.assert_clean()
    assert len(watch.documents) >= 20


@pytest.fixture
def back_office(store, shop, settings, tmp_path):
    """A manager, and a product photo for the admin's thumbnails (an <img> with a class, no style="")."""
    settings.MEDIA_ROOT = tmp_path
    add_image(product=shop, image=SimpleUploadedFile("lampe.jpg", render("Lampe"), content_type="image/jpeg"))
    call_command("setup_roles", stdout=io.StringIO())
    return factories.staff(store, "gestionnaire", email="gestionnaire@example.com")


def test_back_office_and_admin_pages_have_no_violation(watch, live_server, shop, back_office):
    page = watch.page  # noqa: F811
    watch.visit(live_server.url + "/admin/login/")
    page.fill("#id_username", back_office.email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    watch.visit(live_server.url + "/admin/catalog/product/")
    assert page.locator("#result_list tbody tr").count() == 2
    assert page.locator("#result_list img.admin-thumbnail").count() == 1
    page.get_by_role("link", name="Lampe Solaire").click()
    page.wait_for_url("**/change/")
    rows = page.locator("#variants-group tbody tr.form-row").count()
    page.locator("#variants-group .add-row a").click()  # the admin's inline script
    assert page.locator("#variants-group tbody tr.form-row").count() == rows + 1
    for path in ("/admin/catalog/category/", "/admin/catalog/brand/add/", "/admin/accounts/user/",
                 "/staff/orders/", "/staff/inventory/", "/staff/inventory/movements/", "/staff/inventory/adjust/",
                 "/staff/inventory/purchase-orders/new/"):
        watch.visit(live_server.url + path)
    # An order for the back office to open.
    watch.visit(live_server.url + f"/p/{shop.slug}/")
    page.locator(".add-to-cart button[type=submit]").click()
    page.wait_for_selector("[data-testid=cart-count]")
    order = _placed_order(shop)
    watch.visit(live_server.url + "/staff/")  # the home's inline SVG charts
    assert page.locator("svg.pygal-chart[role=img]").count() == 4
    watch.visit(live_server.url + "/staff/orders/")
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(f"**/staff/orders/{order.number}/")
    watch.assert_clean()


def _placed_order(product) -> Order:
    store = product.store
    return factories.placed_order(store, product.variants.get(), store.shipping_methods.get(),
                                  payment_method="cash_on_delivery", language="fr")


def test_swagger_ui_renders_and_calls_the_api_without_violation(watch, live_server, shop):
    page = watch.page  # noqa: F811
    watch.visit(live_server.url + "/api/docs/")
    page.wait_for_selector(".opblock")
    # Swagger UI draws only the operations near the viewport once a schema is this
    # large: count the operations it loaded, then scroll to the one to try.
    operations = page.evaluate("() => ui.specSelectors.operations().size")
    assert operations > 80
    # drf-spectacular's inline page style, from swagger-ui.css now.
    body = page.evaluate("() => [getComputedStyle(document.body).backgroundColor, "
                         "getComputedStyle(document.body).margin]")
    assert body == ["rgb(250, 250, 250)", "0px"]
    path = page.locator('.opblock-summary-path[data-path="/api/v1/products/"]')
    products = page.locator(".opblock.opblock-get").filter(has=path)
    for _ in range(40):
        if products.count():
            break
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(100)
    products.locator(".opblock-summary").click()
    products.get_by_role("button", name="Try it out").click()
    products.get_by_role("button", name="Execute").click()
    status = products.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert "Lampe Solaire" in products.locator(".live-responses-table .microlight").first.inner_text()
    watch.assert_clean()
