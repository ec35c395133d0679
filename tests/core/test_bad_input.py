"""Hostile input gets a 4xx and changes nothing, never a 500: JSON nested too deep or too large for the API
and the payment webhooks, NUL characters in forms, query strings, headers and cookies, ids that are not
numbers, and unknown API addresses whatever the method."""

import io
import json
import re
import time

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from ashopy.accounts.models import Address, User
from ashopy.api import parsers
from ashopy.api import urls as api_urls
from ashopy.api.payments.views import RawBody
from ashopy.cart.models import CartLine
from ashopy.catalog.services import set_specifications
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.payments.models import PaymentEvent
from ashopy.payments.providers import sandbox
from tests import factories
from tests.api import client_for
from tests.fakes import fake_orange_money, fake_stripe, fake_wave, stripe_signature, wave_signature

pytestmark = pytest.mark.django_db

TOKEN, REGISTER, LINES, CHECKOUT = ("/api/v1/auth/token/", "/api/v1/auth/register/", "/api/v1/cart/lines/",
                                    "/api/v1/checkout/")
DEEP = "[" * 1500 + "]" * 1500  # the standard library's parser recurses per level: RecursionError
NESTED = "[" * 40 + "]" * 40  # parses, but deeper than any ashopy payload


def _anonymous():
    client = client_for()
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an exception in the test
    return client


# --- 6. JSON: depth, size, NUL ---------------------------------------------------------------------------

@pytest.mark.parametrize("body", [DEEP, '{"email": ' + DEEP + ', "password": "x"}', NESTED, "[1e999]", "NaN",
                                  '{"email": "a@b.sn", "password": "x", "email": ' + NESTED + "}"])
@pytest.mark.parametrize("url", [TOKEN, REGISTER, LINES])
def test_json_too_deep_or_not_finite_is_a_400_for_anyone(store, url, body):
    response = _anonymous().post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "parse_error" and response.json()["detail"]
    assert not User.objects.exists() and not CartLine.objects.exists()


def test_json_too_deep_for_a_signed_in_customer_and_in_a_staff_payload(store, customer, manager):
    response = client_for(customer).patch("/api/v1/me/", '{"first_name": ' + DEEP + "}",
                                          content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    product = factories.product(store, "Lampe")
    deep_specifications = '{"specifications": {"a": ' + NESTED + "}}"
    response = client_for(manager).patch(f"/api/v1/products/{product.slug}/", deep_specifications,
                                         content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_json_beyond_the_upload_limit_is_a_413(settings, store):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"email": "a@b.sn", "password": "x" * 2000})
    response = _anonymous().post(TOKEN, body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    webhook = _anonymous().post("/api/v1/payments/webhooks/sandbox/", body, content_type="application/json")
    assert webhook.status_code == 413 and webhook.json()["code"] == "request_too_large"
    form = _anonymous().post(REGISTER, {"email": "a@b.sn", "password": "x" * 2000}, format="multipart")
    assert form.status_code == 413 and form.json()["code"] == "request_too_large"
    small = _anonymous().post(TOKEN, {"email": "a@b.sn", "password": "x"}, format="json")
    assert small.status_code == 401  # under the limit, read as usual


def test_nul_in_any_json_string_is_refused_naming_its_top_level_field(store):
    response = _anonymous().post(TOKEN, {"email": "a@b.sn", "password": "x", "extra": {"deep": ["a\x00"]}},
                                 format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"extra": ["Null characters are not allowed."]}
    with pytest.raises(ValidationError) as refused:
        parsers.JSONParser().parse(io.BytesIO(b'[{"k\\u0000": 1}]'), parser_context={})
    assert refused.value.detail == {"non_field_errors": ["Null characters are not allowed."]}


def _walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def test_every_api_view_reads_bodies_with_the_limited_parsers():
    allowed = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser, RawBody)
    views = {view for callback in _walk(api_urls.urlpatterns)
             if isinstance(view := getattr(callback, "cls", None) or getattr(callback, "view_class", None), type)
             and issubclass(view, APIView)}
    assert len(views) > 20
    for view in views:
        for parser in view.parser_classes:
            assert parser in allowed, (view, parser)


def _webhook(provider, body, headers=None):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in (headers or {}).items()
             if name.lower() != "content-type"}
    return _anonymous().post(f"/api/v1/payments/webhooks/{provider}/", data=body,
                             content_type="application/json", **extra)


BAD_BODIES = [DEEP.encode(), b'{"id": "x", "outcome": "succeeded", "reference": ' + NESTED.encode() + b"}",
              b'{"status": "SUCCESS", "notif_token": "tok\\u0000"}', b'{"status": "SUCCESS", "notif_token": "\\ud800"}',
              b"{not json", b"\xff\xfe\x00"]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_webhooks_refuse_deep_malformed_or_nul_json_even_when_signed(settings, store, body):
    with fake_stripe() as stripe, fake_wave(require_https=False) as wave, fake_orange_money() as orange:
        settings.PAYMENT_PROVIDERS = {"*": {"sandbox": {}, "stripe": stripe.config(), "wave": wave.config(),
                                            "orange_money": orange.config()}}
        signed = {
            "sandbox": {sandbox.SIGNATURE_HEADER: sandbox.sign(body)},
            "stripe": {"Stripe-Signature": stripe_signature(body, stripe.webhook_secret, int(time.time()))},
            "wave": {"Wave-Signature": wave_signature(body, wave.webhook_secret, int(time.time()))},
            "orange_money": {},  # signs nothing: its body is read before anything is trusted
        }
        for provider, headers in signed.items():
            response = _webhook(provider, body, headers)
            assert response.status_code == 400, (provider, response.content[:200])
            assert response.json()["code"] == "invalid_notification"
    assert not PaymentEvent.objects.exists()


# --- 7. NUL characters and ids that are not numbers ------------------------------------------------------

@pytest.fixture
def shop(store):
    variant = factories.product(store, name="Lampe", stock=3, price="10000").variants.get()
    return variant, factories.shipping_method(store, price="2000")


ADDRESS = {"ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot", "ship-city": "Dakar",
           "ship-country": "SN", "billing_same": "on"}


def _web(**options) -> Client:
    client = Client(raise_request_exception=False, **options)
    client.cookies["django_language"] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _to_review(client, method) -> str:
    assert client.post(reverse("checkout:address"), {"email": "guest@example.com", **ADDRESS}).status_code == 302
    assert client.post(reverse("checkout:shipping"), {"choice": str(method.pk)}).status_code == 302
    assert client.post(reverse("checkout:payment"), {"choice": "sandbox"}).status_code == 302
    return re.search(r'name="token" value="([0-9a-f]+)"', client.get(reverse("checkout:review")).content.decode())[1]


def test_a_saved_address_id_that_is_not_one_of_the_customers_is_a_form_error(shop, customer):
    variant, _method = shop
    own = Address.objects.create(user=customer, first_name="Awa", last_name="Diop", line1="1 rue A", city="Dakar",
                                 country="SN")
    other = Address.objects.create(user=factories.UserFactory(), first_name="X", last_name="Y", line1="2 rue B",
                                   city="Thiès", country="SN")
    client = _web()
    client.force_login(customer)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    for chosen in ("abc", "²", "1.5", "", str(10**30), str(other.pk), f"{own.pk} "):
        response = client.post(reverse("checkout:address"), {"ship-saved": chosen, "billing_same": "on"})
        assert response.status_code == 200, (chosen, response.status_code)
        assert "Choose one of your addresses." in _messages(response), chosen
    assert "shipping_address" not in client.session.get(f"checkout:{variant.store_id}", {})
    response = client.post(reverse("checkout:address"), {"ship-saved": str(own.pk), "billing_same": "on"})
    assert response.status_code == 302 and response.url == reverse("checkout:shipping")


def test_a_guest_naming_a_saved_address_gets_a_form_error(shop):
    variant, _method = shop
    client = _web()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    response = client.post(reverse("checkout:address"), {"email": "guest@example.com", "ship-saved": "abc",
                                                         "billing_same": "on"})
    assert response.status_code == 200 and "Choose one of your addresses." in _messages(response)


def test_a_nul_in_the_order_note_is_a_400_and_places_nothing(shop):
    variant, method = shop
    client = _web()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    token = _to_review(client, method)
    response = client.post(reverse("checkout:place"), {"token": token, "note": "Sonnez\x00 deux fois"})
    assert response.status_code == 400
    assert not Order.objects.exists() and Stock.objects.get(variant=variant).reserved == 0
    placed = client.post(reverse("checkout:place"), {"token": token, "note": "Sonnez deux fois"})
    assert placed.status_code == 302 and Order.objects.get().customer_note == "Sonnez deux fois"


def test_a_nul_in_a_form_field_is_a_400_and_changes_nothing(shop):
    variant, _method = shop
    client = _web()
    for data in ({"variant": f"{variant.pk}\x00", "quantity": "1"}, {"variant": variant.pk, "quantity": "1\x00"},
                 {"variant": variant.pk, "quantity": "1", "next\x00": "/"}):
        assert client.post(reverse("cart:add"), data).status_code == 400, data  # multipart/form-data
    urlencoded = f"variant={variant.pk}&quantity=1%00"
    response = client.post(reverse("cart:add"), urlencoded, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not CartLine.objects.exists()
    assert client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": "1"}).status_code == 302
    assert CartLine.objects.get().quantity == 1


def test_a_nul_in_an_api_form_or_header_is_a_400_naming_the_field(shop, customer):
    variant, method = shop
    response = _anonymous().post(REGISTER, {"email": "awa@example.com", "password": "un-mot-de-passe-solide",
                                            "first_name": "A\x00wa"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"] == {"first_name": ["Null characters are not allowed."]}
    urlencoded = _anonymous().post(REGISTER, "email=awa%40example.com&password=un-mot-de-passe-solide&x%00=1",
                                   content_type="application/x-www-form-urlencoded")
    assert urlencoded.status_code == 400 and urlencoded.json()["fields"] == {"x": ["Null characters are not allowed."]}
    assert not User.objects.filter(email="awa@example.com").exists()
    cart = client_for(customer)
    assert cart.post(LINES, {"variant": variant.pk, "quantity": 1}, format="json").status_code == 200
    assert _anonymous().get("/api/v1/cart/", HTTP_CART_TOKEN="\x00").status_code == 400
    cart.raise_request_exception = False
    body = {"billing_address": factories.address(), "shipping_method": method.pk, "payment_method": "sandbox"}
    response = cart.post(CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY="clé\x00")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Order.objects.exists()
    assert cart.post(CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY="clé").status_code == 201


def test_nul_in_a_query_string_is_dropped_and_in_a_path_is_a_404(client, store, manager, shop):
    client.raise_request_exception = False
    assert client.get("/search/", {"q": "Lam\x00pe"}).status_code == 200
    assert [p["slug"] for p in _anonymous().get("/api/v1/products/", {"q": "Lam\x00pe"}).json()["results"]] == [
        "lampe"]
    assert client.get("/payments/sandbox/PAY%00/").status_code == 404
    api = _anonymous()
    response = api.get("/api/v1/orders/CMD%00/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    staff = _web()
    staff.force_login(manager)
    assert staff.get(reverse("staff_orders:order_list"), {"q": "CMD\x00", "state\x00": "paid"}).status_code == 200


def test_ids_that_are_not_numbers_in_staff_filters(store, manager):
    factories.product(store, "Lampe", stock=1)
    staff = _web()
    staff.force_login(manager)
    for url in ("/staff/inventory/movements/?product=²", "/staff/inventory/?product=²",
                "/staff/inventory/adjust/?variant=²&warehouse=٣", "/staff/inventory/purchase-orders/?supplier=²"):
        assert staff.get(url).status_code == 200, url
    api = client_for(manager)
    api.raise_request_exception = False
    for url, field in (("/api/v1/purchasing/orders/?supplier=²", "supplier"),
                       ("/api/v1/inventory/movements/?product=²", "product")):
        response = api.get(url)
        assert response.status_code == 400 and field in response.json()["fields"], (url, response.content[:200])


def test_attribute_filters_with_odd_numbers(store):
    kind = factories.laptop_type(store)
    set_specifications(product=factories.product(store, "Noir 16", product_type=kind), values={"ram": 16})
    api = _anonymous()
    for value in ("²", "--5", "-", "١٦"):
        response = api.get("/api/v1/products/", {"attr_ram": value})
        assert response.status_code == 200, (value, response.content[:200])
    assert [p["slug"] for p in api.get("/api/v1/products/", {"attr_ram": "١٦"}).json()["results"]] == ["noir-16"]


def test_a_nul_in_a_cookie_is_ignored_and_in_a_header_is_a_400(store, shop):
    client = _web()
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    client.cookies["csrftoken"] = "\x00"
    assert client.get("/").status_code == 200
    assert client.get(reverse("cart:detail")).status_code == 200
    assert _web().get("/", HTTP_X_NOTE="a\x00b").status_code == 400


# --- 16. Unknown API addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["/api/nowhere/", "/api/v1/nowhere/", "/api/v2/orders/"])
def test_an_unknown_api_address_is_a_json_404_whatever_the_method(store, customer, method, path):
    browser = Client(enforce_csrf_checks=True)  # as a signed-in browser would call it, with no CSRF token
    browser.force_login(customer)
    for client in (browser, Client(enforce_csrf_checks=True)):
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(client, method)(path, **body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response["Content-Type"] == "application/json" and response.json()["code"] == "not_found"
