"""Every response carries a strict Content-Security-Policy, and the pages need nothing it forbids: no inline
script, event handler or style (tests/browser/test_browser_csp.py shows Chromium reporting no violation)."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import loader
from django.test import Client
from django.urls import reverse

from ashopy.accounts.models import User
from ashopy.catalog.services import add_image
from ashopy.demo.images import render
from ashopy.orders.models import Order
from tests import factories
from tests.api import client_for

pytestmark = pytest.mark.django_db

MODEL_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/)"')
CHANGE_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/\d+/change/)[^"]*"')
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem",
                 "style-src-attr"):
        assert name not in directives, f"{name} widens default-src 'self'"
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' blocks: inline <script>, <style>, on* handlers, style="",
    javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not values.get("src") and (values.get("type") or "") in EXECUTABLE_SCRIPT_TYPES:
            self.found.append(f"inline <script> {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style> element {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}> {self.getpos()}")
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}> {self.getpos()}')
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"javascript: URL on <{tag}> {self.getpos()}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_page_complies(response, path: str = "") -> str:
    assert response.status_code in (200, 404), (path, response.status_code)
    assert_strict(response)
    html = response.content.decode()
    assert inline_code(html) == [], path or response.request["PATH_INFO"]
    return html


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop(store):
    parent = factories.category(store, "Informatique")
    factories.category(store, "Portables", parent=parent)
    product = factories.product(store, "Lampe Solaire", category_=parent, price="15000", stock=5,
                                brand_=factories.brand(store, "Sunny"))
    method = factories.shipping_method(store, name="Livraison Dakar", price="2000", countries=["SN"])
    return product, method


def test_the_inline_code_check_sees_what_the_policy_blocks():
    page = ('<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
            '<a href="javascript:void(0)">b</a><script src="/static/a.js"></script>'
            '<script type="application/json" id="data">{}</script>')
    assert len(inline_code(page)) == 5


def test_storefront_pages_send_the_policy_and_need_no_inline_code(client, shop):
    product, _method = shop
    for path in ("/", "/c/informatique/", f"/p/{product.slug}/", "/search/?q=lampe", "/cart/", "/account/login/",
                 "/account/register/", "/account/password/reset/", "/no-such-page/"):
        assert_page_complies(client.get(path), path)
    client.post(reverse("cart:add"), {"variant": product.variants.get().pk, "quantity": 2})
    html = assert_page_complies(client.get("/cart/"))
    assert "qty-input-sm" in html
    assert "ashopy/shop.js" in html


def test_checkout_payment_and_account_pages_comply(client, shop, customer):
    product, method = shop
    client.force_login(customer)
    client.post(reverse("cart:add"), {"variant": product.variants.get().pk, "quantity": 1})
    steps = [
        ("checkout:address", {"ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot",
                              "ship-city": "Dakar", "ship-country": "SN", "billing_same": "on"}),
        ("checkout:shipping", {"choice": str(method.pk)}),
        ("checkout:payment", {"choice": "bank_transfer"}),
    ]
    for name, data in steps:
        assert_page_complies(client.get(reverse(name)), name)
        assert client.post(reverse(name), data).status_code == 302, name
    review = assert_page_complies(client.get(reverse("checkout:review")))
    assert "data-submit-once" in review
    token = re.search(r'name="token" value="([0-9a-f]+)"', review).group(1)
    done = client.post(reverse("checkout:place"), {"token": token}, follow=True)
    assert "text-pre-line" in assert_page_complies(done)  # the bank transfer instructions
    order = Order.objects.get()
    assert_page_complies(client.get(f"/account/orders/{order.number}/"))
    for path in ("/account/", "/account/orders/", "/account/addresses/", "/account/password/"):
        assert_page_complies(client.get(path), path)

    # A second order paid in the sandbox: the page with the countdown, the provider's page, the return.
    client.post(reverse("cart:add"), {"variant": product.variants.get().pk, "quantity": 1})
    client.post(reverse("checkout:payment"), {"choice": "sandbox"})
    token = re.search(r'name="token" value="([0-9a-f]+)"',
                      client.get(reverse("checkout:review")).content.decode()).group(1)
    pay = client.post(reverse("checkout:place"), {"token": token}, follow=True)
    assert "data-countdown" in assert_page_complies(pay)
    sandbox_url = re.search(r'href="(http://testserver/payments/sandbox/[^"]+)"', pay.content.decode()).group(1)
    sandbox_url = sandbox_url.removeprefix("http://testserver")
    assert_page_complies(client.get(sandbox_url))
    back = client.post(sandbox_url, {"outcome": "succeeded"})
    assert back.status_code == 302 and back.url.startswith("http://testserver/checkout/done/")
    assert_strict(back)
    assert_page_complies(client.get(back.url.removeprefix("http://testserver")))


def test_back_office_and_admin_pages_comply(client, shop, store, manager):
    product, method = shop
    call_command("setup_roles", stdout=io.StringIO())
    assert_page_complies(client.get("/admin/login/"))
    client.force_login(manager)
    client.post(reverse("cart:add"), {"variant": product.variants.get().pk, "quantity": 1})
    client.post(reverse("checkout:address"), {
        "email": "invite@example.com", "ship-first_name": "Awa", "ship-last_name": "Diop",
        "ship-line1": "12 rue Carnot", "ship-city": "Dakar", "ship-country": "SN", "billing_same": "on"})
    client.post(reverse("checkout:shipping"), {"choice": str(method.pk)})
    client.post(reverse("checkout:payment"), {"choice": "cash_on_delivery"})
    token = re.search(r'name="token" value="([0-9a-f]+)"',
                      client.get(reverse("checkout:review")).content.decode()).group(1)
    client.post(reverse("checkout:place"), {"token": token})
    order = Order.objects.get()
    for path in ("/staff/", "/staff/orders/", f"/staff/orders/{order.number}/", "/staff/inventory/",
                 "/staff/inventory/movements/", "/staff/inventory/low-stock/", "/staff/inventory/value/",
                 "/staff/inventory/adjust/", "/staff/inventory/transfer/", "/staff/inventory/count/",
                 "/staff/inventory/suppliers/", "/staff/inventory/suppliers/new/",
                 "/staff/inventory/purchase-orders/", "/staff/inventory/purchase-orders/new/",
                 "/staff/inventory/reorder/"):
        assert_page_complies(client.get(path), path)

    add_image(product=product, image=SimpleUploadedFile("lampe.jpg", render("Lampe"), content_type="image/jpeg"))
    root = User.objects.create_superuser("root@example.com", factories.PASSWORD)
    client.force_login(root)
    index = client.get("/admin/")
    assert_page_complies(index)
    for page in sorted(set(MODEL_LINK.findall(index.content.decode()))):
        html = assert_page_complies(client.get(page), page)
        if f'href="{page}add/"' in html:
            assert_page_complies(client.get(f"{page}add/"), f"{page}add/")
        for link in sorted(set(CHANGE_LINK.findall(html)))[:2]:
            assert_page_complies(client.get(link), link)


def test_swagger_ui_loads_its_init_script_from_a_file(client, store):
    docs = client.get("/api/docs/")
    html = assert_page_complies(docs)
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode() and '"/api/schema/"' in script.content.decode()


def test_api_responses_send_the_policy(store, customer):
    for response in (client_for().get("/api/v1/products/"), client_for(customer).get("/api/v1/me/"),
                     client_for().get("/api/v1/nothing-here/"), client_for().get("/api/schema/"),
                     client_for().post("/api/v1/auth/token/", {"email": "x@example.com", "password": "no"})):
        assert response.status_code in (200, 400, 401, 404), response.status_code
        assert_strict(response)


def test_other_hosts_and_the_error_page_comply(store):
    unknown = Client(HTTP_HOST="elsewhere.localhost").get("/")
    assert_strict(unknown)
    assert inline_code(unknown.content.decode()) == []
    assert inline_code(loader.get_template("500.html").render()) == []
