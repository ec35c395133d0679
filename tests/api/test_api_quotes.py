"""Quotes through the API: staff of the request's store list, write, send, withdraw, duplicate and download;
customers read, accept or refuse by the link's secret. The services decide; bad input is a clean 4xx in the
API's error shape and changes nothing; another store's quote or line is a 404."""

from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.sales import quote_services
from ashopy.sales.quote_models import Quote, QuoteLine
from tests import factories
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.django_db
QUOTES = "/api/v1/staff/quotes/"


def client_for(user=None, host="testserver") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def is_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"} and body["detail"]
    if code:
        assert body["code"] == code, body


@pytest.fixture(autouse=True)
def _media_and_hosts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]


@pytest.fixture
def variant(store):
    complete_profile(store)
    return factories.product(store, "ThinkPad X1", price="50000", stock=100).variants.get()


@pytest.fixture
def draft(store, seller, customer, variant):
    quote = quote_services.create_quote(store=store, user=seller, customer=customer)
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant.pk, quantity=2)
    return quote


def test_staff_write_a_quote_through_the_api_and_send_it(store, seller, customer, variant):
    api = client_for(seller)
    created = api.post(QUOTES, {"customer": customer.pk, "notes": "Livraison offerte"}, format="json")
    assert created.status_code == 201, created.content
    quote_id = created.json()["id"]
    lines = f"{QUOTES}{quote_id}/lines/"
    catalogue = api.post(lines, {"variant": variant.pk, "quantity": 2}, format="json")
    price, _rate = quote_services.policy_price(Quote.objects.get(pk=quote_id), variant)  # excl. tax
    assert catalogue.status_code == 201 and Decimal(catalogue.json()["unit_price"]) == price
    is_error(api.post(lines, {"variant": variant.pk, "quantity": 1, "unit_price": "40000"}, format="json"), 400,
             "price_reason_required")
    option = api.post(lines, {"description": "Installation", "quantity": 1, "unit_price": "15000", "optional": True},
                      format="json")
    assert option.status_code == 201 and option.json()["optional"] is True
    changed = api.patch(f"{lines}{catalogue.json()['id']}/", {"quantity": 3}, format="json")
    assert changed.status_code == 200 and Decimal(changed.json()["net"]) == 3 * price
    patched = api.patch(f"{QUOTES}{quote_id}/", {"deposit_percent": "30"}, format="json")
    assert patched.status_code == 200 and patched.json()["deposit_percent"] == "30.00"
    sent = api.post(f"{QUOTES}{quote_id}/send/")
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["state"] == "sent" and body["number"].startswith("DEV-") and body["customer_url"]
    assert [event["code"] for event in body["events"]][:2] == ["created", "line_added"]
    assert all(event["description"] for event in body["events"])
    assert mail.outbox[-1].to == [customer.email]
    pdf = api.get(f"{QUOTES}{quote_id}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    is_error(api.post(f"{QUOTES}{quote_id}/send/"), 409)
    is_error(api.post(lines, {"description": "Encore", "quantity": 1, "unit_price": "1"}, format="json"), 409)
    copy = api.post(f"{QUOTES}{quote_id}/duplicate/")
    assert copy.status_code == 201 and copy.json()["state"] == "draft" and len(copy.json()["lines"]) == 2
    withdrawn = api.post(f"{QUOTES}{quote_id}/withdraw/", {"reason": "Prix revus"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_the_list_filters_and_refuses_bad_filters(store, seller, customer, draft):
    prospect = quote_services.create_quote(store=store, user=seller, prospect_email="awa@sonatel.sn",
                                           prospect_name="Fatou Ndiaye")
    api = client_for(seller)
    ids = lambda **params: [row["id"] for row in api.get(QUOTES, params).json()["results"]]  # noqa: E731
    assert ids() == [prospect.pk, draft.pk]
    assert ids(customer=customer.pk) == [draft.pk]
    assert ids(q="ndiaye fatou") == [prospect.pk]
    assert ids(state="sent") == []
    for bad in ({"state": "paid"}, {"created_after": "2026-13-01"}, {"customer": "x"},
                {"created_after": "2026-12-05", "created_before": "2026-01-01"}, {"q": "x" * 101}):
        is_error(api.get(QUOTES, bad), 400, "invalid")


def test_bad_input_is_a_clean_400_and_changes_nothing(store, seller, draft, other_store):
    stranger = factories.UserFactory(email="paris@example.com", registered_store=other_store)
    api = client_for(seller)
    for payload in ({}, {"prospect_email": "nope"}, {"customer": stranger.pk}, {"customer": 10**12},
                    {"prospect_email": "a@b.sn", "deposit_percent": "150"},
                    {"prospect_email": "a@b.sn", "deposit_percent": "10", "deposit_amount": "100"},
                    {"prospect_email": "a@b.sn", "valid_until": "2001-01-01"},
                    {"prospect_email": "a@b.sn", "notes": "nul\x00"}):
        response = api.post(QUOTES, payload, format="json")
        assert 400 <= response.status_code < 500 and set(response.json()) == {"code", "detail", "fields"}, payload
    lines = f"{QUOTES}{draft.pk}/lines/"
    for payload in ({"quantity": 1}, {"variant": 10**9, "quantity": 1}, {"variant": "x", "quantity": 1},
                    {"description": "A", "quantity": 0, "unit_price": "1"},
                    {"description": "A", "quantity": -1, "unit_price": "1"},
                    {"description": "A", "quantity": 10**12, "unit_price": "1"},
                    {"description": "A", "quantity": 1, "unit_price": "-1"},
                    {"description": "A", "quantity": 1, "unit_price": "0.5"},  # XOF has no decimals
                    {"description": "A", "quantity": 1, "unit_price": "1", "tax_rate": "101"}):
        response = api.post(lines, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
    response = api.post(QUOTES, "{not json", content_type="application/json")
    is_error(response, 400)
    assert Quote.objects.count() == 1 and draft.lines.count() == 1


def test_another_stores_quote_and_line_are_404_and_customers_are_refused(store, other_store, other_manager, seller,
                                                                         customer, draft):
    elsewhere = quote_services.create_quote(store=other_store, user=other_manager, prospect_email="p@paris.fr")
    line = quote_services.add_free_line(quote=elsewhere, user=other_manager, description="Conseil", quantity=1,
                                        unit_price=Decimal(100))
    api = client_for(seller)
    for method, url in (("get", f"{QUOTES}{elsewhere.pk}/"), ("patch", f"{QUOTES}{elsewhere.pk}/"),
                        ("post", f"{QUOTES}{elsewhere.pk}/send/"), ("post", f"{QUOTES}{elsewhere.pk}/withdraw/"),
                        ("post", f"{QUOTES}{elsewhere.pk}/duplicate/"), ("get", f"{QUOTES}{elsewhere.pk}/pdf/"),
                        ("post", f"{QUOTES}{elsewhere.pk}/lines/"),
                        ("patch", f"{QUOTES}{draft.pk}/lines/{line.pk}/"),
                        ("delete", f"{QUOTES}{draft.pk}/lines/{line.pk}/")):
        is_error(getattr(api, method)(url, {}, format="json"), 404)
    assert QuoteLine.objects.filter(pk=line.pk).exists() and Quote.objects.get(pk=elsewhere.pk).is_draft
    is_error(client_for(customer).get(QUOTES), 403)
    is_error(client_for(other_manager).get(QUOTES), 403)
    is_error(client_for().get(QUOTES), 401)


def test_the_customer_reads_by_the_link_never_a_draft(store, other_store, seller, draft):
    public = client_for()
    is_error(public.get(f"/api/v1/quotes/{draft.token}/"), 404)  # a draft has no page
    sent = quote_services.send_quote(quote=draft, user=seller)
    read = public.get(f"/api/v1/quotes/{sent.token}/")
    assert read.status_code == 200 and read.json()["number"] == sent.number and len(read.json()["lines"]) == 1
    assert "token" not in read.json() and "events" not in read.json()
    is_error(public.get("/api/v1/quotes/not-a-real-token-at-all-123/"), 404)
    is_error(client_for(host="b.test").get(f"/api/v1/quotes/{sent.token}/"), 404)  # another store's host
    is_error(public.post(f"/api/v1/quotes/{sent.token}/accept/", {"name": "", "accept_terms": True},
                         format="json"), 400)
    refused = public.post(f"/api/v1/quotes/{sent.token}/refuse/", {"reason": "Trop cher"}, format="json")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    is_error(public.post(f"/api/v1/quotes/{sent.token}/refuse/", {}, format="json"), 409)
    is_error(public.post(f"/api/v1/quotes/{sent.token}/accept/", {"name": "Awa", "accept_terms": True},
                         format="json"), 409)


def test_the_customer_accepts_with_an_option_and_gets_an_order(store, seller, draft):
    option = quote_services.add_free_line(quote=draft, user=seller, description="Installation", quantity=1,
                                          unit_price=Decimal(15000), optional=True)
    sent = quote_services.send_quote(quote=draft, user=seller)
    public, accept = client_for(), f"/api/v1/quotes/{sent.token}/accept/"
    for bad in ({"name": "Awa Ndiaye", "accept_terms": False}, {"name": "Awa Ndiaye"},
                {"name": "Awa Ndiaye", "accept_terms": True, "options": [10**9]},
                {"name": "Awa Ndiaye", "accept_terms": True, "options": ["x"]},
                {"name": "x" * 151, "accept_terms": True}, {"name": "Awa\x00", "accept_terms": True}):
        response = public.post(accept, bad, format="json")
        assert response.status_code == 400 and set(response.json()) == {"code", "detail", "fields"}, bad
    assert Quote.objects.get(pk=sent.pk).state == "sent"
    accepted = public.post(accept, {"name": "Awa Ndiaye", "accept_terms": True, "options": [option.pk]},
                           format="json", REMOTE_ADDR="196.1.95.10")
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["state"] == "converted" and body["order"]
    quote = Quote.objects.get(pk=sent.pk)
    assert quote.acceptance.name == "Awa Ndiaye" and quote.acceptance.ip == "196.1.95.10"
    assert quote.order.number == body["order"]
    staff = client_for(seller).get(f"{QUOTES}{quote.pk}/").json()
    assert staff["acceptance"]["name"] == "Awa Ndiaye" and staff["order"] == body["order"]
    assert "Accepté en ligne par le client." in [event["description"] for event in staff["events"]]  # in French
    is_error(public.post(accept, {"name": "Awa Ndiaye", "accept_terms": True}, format="json"), 409)
