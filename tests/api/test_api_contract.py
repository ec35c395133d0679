"""The API answers as its OpenAPI schema says, for requests generated from that schema (schemathesis).

The live schema (/api/schema/) is loaded from the WSGI application and every operation gets a bounded,
seeded set of generated requests, on store A's host, three times: as a visitor, as a customer and as
a stock manager (gestionnaire). Each answer must not be a 5xx, and its status code, content type and
body must be ones the schema documents. An operation with path parameters is called once more with
the ids of real rows, so that the bodies of found objects are checked too, not only 404s.

No operation is left out: the payment webhooks refuse every generated body (it is not signed by the
provider) with a documented 400, which the checks still hold to the schema.
"""

from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ashopy.accounts import services as accounts
from ashopy.cart import services as cart_services
from ashopy.inventory.models import Stock
from ashopy.purchasing import services as purchasing
from ashopy.sales import services as sales
from tests import factories
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation, generation mode and caller: each caller takes about a minute of CPU
SETTINGS = hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                               phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                               suppress_health_check=list(hypothesis.HealthCheck))


@pytest.fixture
def shop(store, customer):
    """Rows for the generated requests to find: the ids of real objects, by path template."""
    category = factories.category(store, name="Ordinateurs")
    brand = factories.brand(store, "Lenovo")
    laptop = factories.product(store, "ThinkPad X1", category_=category, brand_=brand, price="500000", stock=20)
    variant = laptop.variants.get()
    factories.product(store, "Brouillon", status="draft")
    method = factories.shipping_method(store, price="2000")
    address = accounts.save_address(user=customer, label="Maison", **{
        key: value for key, value in factories.address().items() if key != "phone"})
    cash = place(store, customer, variant, method, "cash_on_delivery")  # its payment has no page: redirect_url ""
    order = place(store, customer, variant, method, "sandbox")  # pending payment, with the provider's page
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    stock = Stock.objects.filter(variant=variant).first()
    supplier = purchasing.save_supplier(store=store, name="Dakar Distribution")
    item = purchasing.save_supplier_item(store=store, supplier=supplier, variant=variant, unit_cost=Decimal(1000))
    purchase = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=stock.warehouse,
                                                lines=[(variant, 5, Decimal(1000))])
    line = cart.lines.get()
    complete_profile(store)
    invoice = sales.invoice_order(order=factories.placed_order(store, variant, method, user=customer, paid=True))
    return {
        "/api/v1/brands/{slug}/": {"slug": brand.slug},
        "/api/v1/categories/{id}/": {"id": category.pk},
        "/api/v1/products/{slug}/": {"slug": laptop.slug},
        "/api/v1/products/{product_slug}/variants/": {"product_slug": laptop.slug},
        "/api/v1/products/{product_slug}/variants/{id}/": {"product_slug": laptop.slug, "id": variant.pk},
        "/api/v1/products/{product_slug}/images/": {"product_slug": laptop.slug},
        "/api/v1/products/{product_slug}/images/{id}/": {"product_slug": laptop.slug},
        "/api/v1/me/addresses/{id}/": {"id": address.pk},
        "/api/v1/cart/lines/{line_id}/": {"line_id": line.pk},
        "/api/v1/checkout/{token}/pay/": {"token": str(order.token)},
        "/api/v1/checkout/{token}/cancel/": {"token": str(order.token)},
        "/api/v1/orders/{number}/": {"number": cash.number},
        "/api/v1/orders/{number}/cancel/": {"number": order.number},
        "/api/v1/staff/orders/{number}/": {"number": cash.number},
        "/api/v1/staff/orders/{number}/transition/": {"number": cash.number},
        "/api/v1/inventory/stock/{id}/": {"id": stock.pk},
        "/api/v1/purchasing/suppliers/{id}/": {"id": supplier.pk},
        "/api/v1/purchasing/suppliers/{supplier_pk}/items/": {"supplier_pk": supplier.pk},
        "/api/v1/purchasing/suppliers/{supplier_pk}/items/{id}/": {"supplier_pk": supplier.pk, "id": item.pk},
        "/api/v1/purchasing/orders/{id}/": {"id": purchase.pk},
        "/api/v1/purchasing/orders/{id}/send/": {"id": purchase.pk},
        "/api/v1/purchasing/orders/{id}/receive/": {"id": purchase.pk},
        "/api/v1/purchasing/orders/{id}/cancel/": {"id": purchase.pk},
        "/api/v1/payments/webhooks/{provider}/": {"provider": "sandbox"},
        "/api/v1/staff/customers/{id}/": {"id": customer.pk},
        "/api/v1/invoices/{number}/": {"number": invoice.number},
        "/api/v1/invoices/{number}/pdf/": {"number": invoice.number},
        **{f"/api/v1/staff/invoices/{{id}}/{action}": {"id": invoice.pk}
           for action in ("", "pdf/", "issue/", "payments/", "send/", "remind/", "credit-notes/")},
    }


def place(store, customer, variant, method, payment_method):
    """An order of one unit placed by `customer` through the checkout services, its payment started."""
    return factories.placed_order(store, variant, method, user=customer, payment_method=payment_method)


@pytest.fixture(params=["visitor", "customer", "gestionnaire"])
def caller(request, customer, manager) -> dict:
    """The headers of one kind of caller: none, a customer's JWT, a stock manager's JWT."""
    user = {"visitor": None, "customer": customer, "gestionnaire": manager}[request.param]
    headers = {"Accept-Language": "en"}
    if user is not None:
        headers["Authorization"] = f"Bearer {RefreshToken.for_user(user).access_token}"
    return headers


@pytest.fixture
def wsgi_app():
    """Django's WSGI application as its test client runs it: the end of a request does not close the
    database connection, which holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, shop):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers={"Host": "testserver"},
                                          config=schemathesis.Config.from_dict({"base-url": "http://testserver"}))


def exercise(operation, mode, *, headers, real) -> None:
    """Generated requests of one operation in one mode; found rows are asked for too when the path names any."""
    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)
        if real:
            case.path_parameters = {**case.path_parameters, **real}
            case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.postgres
def test_answers_match_the_schema(api_schema, caller, shop):
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                exercise(operation, mode, headers=caller, real=shop.get(operation.path))
            except (Failure, FailureGroup) as failure:  # every operation is tried; all failures are reported
                failures.append(f"{operation.label} ({mode.value}):\n{failure}")
            except hypothesis.errors.Unsatisfiable:
                if mode is GenerationMode.POSITIVE:
                    raise
                # Nothing of this operation can be made invalid (no parameters, no body): no negative case.
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def document(store):
    return APIClient().get("/api/schema/?format=json").json()


@pytest.fixture
def documented(document):
    """Every operation of the schema, by (method, path)."""
    return {(method.upper(), path): operation
            for path, operations in document["paths"].items() for method, operation in operations.items()}


def test_catalogue_reads_are_documented_as_open_to_anyone(documented):
    for path in ("/api/v1/products/", "/api/v1/products/{slug}/", "/api/v1/categories/", "/api/v1/brands/",
                 "/api/v1/products/{product_slug}/variants/", "/api/v1/products/{product_slug}/images/{id}/"):
        assert {} in documented["GET", path]["security"], path
    for operation in (("POST", "/api/v1/products/"), ("DELETE", "/api/v1/brands/{slug}/"), ("GET", "/api/v1/me/"),
                      ("GET", "/api/v1/inventory/stock/")):
        assert {} not in documented[operation]["security"], operation
        assert {"jwtAuth": []} in documented[operation]["security"], operation


def test_the_errors_any_call_can_get_are_documented(documented):
    for (method, path), operation in documented.items():
        responses, located = operation["responses"], {parameter["in"] for parameter in operation.get("parameters", [])}
        if operation.get("security"):
            assert "401" in responses, (method, path)
        if "path" in located:
            assert {"404", "414"} <= set(responses), (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)
    assert "403" in documented["GET", "/api/v1/inventory/stock/"]["responses"]
    assert "403" not in documented["GET", "/api/v1/me/"]["responses"]  # signed in is all it needs
    assert "403" in documented["PATCH", "/api/v1/me/"]["responses"]  # a browser session without its CSRF token
    assert "404" in documented["GET", "/api/v1/products/"]["responses"]  # a page past the last one
    assert "429" in documented["POST", "/api/v1/auth/token/"]["responses"]
    error = documented["GET", "/api/v1/categories/{id}/"]["responses"]["404"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/Error"}


def test_path_parameters_carry_the_routes_pattern(documented):
    slug = next(parameter for parameter in documented["GET", "/api/v1/brands/{slug}/"]["parameters"]
                if parameter["name"] == "slug")
    assert slug["schema"]["pattern"] == "^[^/.]+$"  # a dot never reaches the view
    number = next(parameter for parameter in documented["GET", "/api/v1/orders/{number}/"]["parameters"]
                  if parameter["name"] == "number")
    assert number["schema"]["pattern"] == "^[^/]+$"


def test_blank_and_missing_values_are_documented(document):
    components = document["components"]["schemas"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in components["User"]["properties"]["segment"]["oneOf"]
    assert components["User"]["properties"]["partner"]["nullable"] is True
    for component in ("Payment", "OrderDetail"):
        link = components[component]["properties"]["redirect_url" if component == "Payment" else "tracking_url"]
        assert link["oneOf"] == [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]
