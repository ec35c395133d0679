"""The OpenAPI schema documents every endpoint without warnings; Swagger UI is served locally, no CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

ENDPOINTS = ["/api/v1/products/", "/api/v1/products/{slug}/", "/api/v1/products/{product_slug}/variants/",
             "/api/v1/products/{product_slug}/images/", "/api/v1/categories/", "/api/v1/categories/{id}/",
             "/api/v1/brands/", "/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/token/refresh/",
             "/api/v1/auth/logout/", "/api/v1/me/", "/api/v1/me/addresses/", "/api/v1/me/addresses/{id}/",
             "/api/v1/staff/quotes/", "/api/v1/staff/quotes/{quote_id}/", "/api/v1/staff/quotes/{quote_id}/lines/",
             "/api/v1/staff/quotes/{quote_id}/lines/{line_id}/", "/api/v1/staff/quotes/{quote_id}/send/",
             "/api/v1/staff/quotes/{quote_id}/withdraw/", "/api/v1/staff/quotes/{quote_id}/duplicate/",
             "/api/v1/staff/quotes/{quote_id}/pdf/", "/api/v1/quotes/{token}/",
             "/api/v1/quotes/{token}/accept/", "/api/v1/quotes/{token}/refuse/",
             "/api/v1/invoices/", "/api/v1/invoices/{number}/", "/api/v1/invoices/{number}/pdf/",
             "/api/v1/staff/invoices/", "/api/v1/staff/invoices/{id}/", "/api/v1/staff/invoices/{id}/pdf/",
             "/api/v1/staff/invoices/{id}/issue/", "/api/v1/staff/invoices/{id}/payments/",
             "/api/v1/staff/invoices/{id}/send/", "/api/v1/staff/invoices/{id}/remind/",
             "/api/v1/staff/invoices/{id}/credit-notes/", "/api/v1/staff/accounting/journal/",
             "/api/v1/staff/accounting/vat-summary/", "/api/v1/cart/code/"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run without collectstatic: serve static URLs without the manifest."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.mark.django_db
def test_schema_endpoint_lists_every_endpoint(store):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(ENDPOINTS) <= set(schema["paths"])
    listing = schema["paths"]["/api/v1/products/"]["get"]
    assert {"q", "category", "brand", "price_min", "price_max", "in_stock", "ordering", "page", "page_size"} <= {
        parameter["name"] for parameter in listing["parameters"]}
    assert "400" in listing["responses"]
    assert "jwtAuth" in schema["components"]["securitySchemes"]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").stat().st_size > 10_000


@pytest.mark.django_db
def test_swagger_ui_is_served_from_local_static_files(store):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(urls) >= 3
    init_script = [url for url in urls if url.startswith("/api/docs/?")]  # no inline script (CSP)
    assert len(init_script) == 1
    for url in set(urls) - set(init_script):
        assert url.startswith(("/static/drf_spectacular_sidecar/", "/static/ashopy/")), url
        assert finders.find(url.removeprefix("/static/")), url
    assert not re.search(r"https?://", html), "the page must not load anything from another host"
    script = APIClient().get(init_script[0].replace("&amp;", "&")).content.decode()
    assert '"/api/schema/"' in script and not re.search(r"https?://", script)


@pytest.mark.django_db
def test_unknown_api_address_is_a_json_404(client, store):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such endpoint.", "fields": {}}


@pytest.mark.django_db
def test_sales_documents_are_documented_with_their_files_and_errors(store):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    assert set(paths["/api/v1/invoices/{number}/pdf/"]["get"]["responses"]["200"]["content"]) == {"application/pdf"}
    assert set(paths["/api/v1/staff/accounting/journal/"]["get"]["responses"]["200"]["content"]) == {
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    send = paths["/api/v1/staff/invoices/{id}/send/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "502"} <= set(send)
    number = next(parameter for parameter in paths["/api/v1/invoices/{number}/"]["get"]["parameters"]
                  if parameter["name"] == "number")
    assert re.fullmatch(number["schema"]["pattern"], "FAC/2026/0001 A")
    filters = {parameter["name"] for parameter in paths["/api/v1/staff/invoices/"]["get"]["parameters"]}
    assert {"state", "kind", "payment_state", "unpaid", "overdue", "issued_after", "issued_before", "customer",
            "q", "page"} <= filters
