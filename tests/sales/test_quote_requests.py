"""Quote requests from the shop: who is offered « Demander un devis », the cart turned into a draft quote for the
staff (at the customer's prices, the cart left as it is), « Réserver ce lot », the staff e-mail (once), and the
customer's list of their requests."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.cart.selectors import lines_of
from ashopy.core import events
from ashopy.core.models import OutboxMessage
from ashopy.pricing.purchase import PurchasePolicy
from ashopy.sales import quote_request_emails, quote_requests
from ashopy.sales.quote_models import Quote
from tests import factories
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def retail(store):
    complete_profile(store)
    return factories.product(store, "Lampe", stock=5, price="10000").variants.get()


@pytest.fixture
def lot(store):
    made = factories.product(store, "Villa Almadies", kind="real_estate_lot", stock=1, price="90000000",
                             surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies Résidence")
    return made.variants.get()


@pytest.fixture
def professional(store):
    return factories.UserFactory(email="achat@sonatel.sn", registered_store=store, segment="entreprise")


def cart_of(store, user, *variants) -> Cart:
    cart = Cart.objects.create(store=store, user=user)
    for variant in variants:
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=1, policy=PurchasePolicy(store, user))
    return cart


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_who_is_offered_a_quote(store, retail, lot, customer, professional):
    student = factories.UserFactory(email="etudiant@example.com", registered_store=store, declared_segment="etudiant")
    partner = factories.UserFactory(email="ucad@example.com", registered_store=store,
                                    partner=factories.PartnerFactory(store=store))
    retail_lines = lines_of(cart_of(store, customer, retail))
    assert not quote_requests.may_request(store=store, user=customer, lines=retail_lines)
    assert not quote_requests.may_request(store=store, user=student, lines=retail_lines)
    assert quote_requests.may_request(store=store, user=professional, lines=retail_lines)
    assert not quote_requests.may_request(store=store, user=professional, lines=[])
    lot_lines = lines_of(cart_of(store, student, lot))
    assert quote_requests.may_request(store=store, user=student, lines=lot_lines)
    assert quote_requests.may_request(store=store, user=None, lines=lot_lines)
    assert quote_requests.may_request(store=store, user=partner, lines=retail_lines)


def test_the_cart_page_offers_the_button_to_a_professional_only(store, retail, customer, professional):
    cart_of(store, professional, retail)
    cart_of(store, customer, retail)
    assert 'data-testid="request-quote"' in browser(professional).get(reverse("cart:detail")).content.decode()
    assert 'data-testid="request-quote"' not in browser(customer).get(reverse("cart:detail")).content.decode()


def test_a_professionals_cart_becomes_a_draft_for_the_staff_who_are_told_once(
        store, retail, professional, seller, manager, django_capture_on_commit_callbacks):
    cart = cart_of(store, professional, retail)
    client = browser(professional)
    assert client.get(reverse("quote_requests:from_cart")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quote_requests:from_cart"), {"note": "Pour 3 agences"})
    assert response.status_code == 302 and response["Location"] == reverse("quote_requests:list")
    quote = Quote.objects.get()
    assert quote.is_draft and quote.customer == professional and quote.request_note == "Pour 3 agences"
    [line] = quote.lines.all()
    assert (line.variant_id, line.quantity, line.unit_price) == (retail.pk, 1, line.policy_price)
    assert cart.lines.count() == 1  # the cart is left as it is
    [message] = mail.outbox
    assert sorted(message.to) == sorted([seller.email, manager.email])
    assert "Pour 3 agences" in message.body and f"/staff/quotes/{quote.pk}/" in message.body
    outbox = OutboxMessage.objects.get(event="quote_requested")
    assert outbox.delivered_at is not None
    assert not quote_request_emails.notify_staff(quote_id=quote.pk)  # a second delivery sends nothing
    assert len(mail.outbox) == 1
    listing = client.get(reverse("quote_requests:list")).content.decode()
    assert 'data-testid="quote-request-row"' in listing and "Received by the shop" in listing


def test_a_customer_not_offered_or_with_an_empty_cart_is_refused_and_nothing_is_made(store, retail, customer,
                                                                                      professional):
    cart_of(store, customer, retail)
    response = browser(customer).post(reverse("quote_requests:from_cart"), {"note": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("cart:detail")
    response = browser(professional).post(reverse("quote_requests:from_cart"), {})
    assert response["Location"] == reverse("cart:detail")  # no cart
    assert browser(professional).post(reverse("quote_requests:from_cart"),
                                      {"note": "x" * 5000}).status_code in (302, 400)
    assert not Quote.objects.exists() and not OutboxMessage.objects.filter(event="quote_requested").exists()


def test_anonymous_visitors_sign_in_first(client, store):
    for url in (reverse("quote_requests:from_cart"), reverse("quote_requests:list")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_reserve_this_lot_makes_a_request_of_one_lot(store, lot, retail, customer):
    page = browser(customer).get(lot.product.get_absolute_url()).content.decode()
    assert 'data-testid="reserve-lot"' in page
    response = browser(customer).post(reverse("quote_requests:reserve_lot"), {"variant": lot.pk})
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert [(line.variant_id, line.quantity) for line in quote.lines.all()] == [(lot.pk, 1)]
    assert quote.events.filter(code="requested", data__source="lot").exists()
    for bad in (retail.pk, "abc", -1, 10**12, ""):
        browser(customer).post(reverse("quote_requests:reserve_lot"), {"variant": bad})
    assert Quote.objects.count() == 1


def test_another_stores_lot_is_not_reserved(store, other_store, customer, both_store_hosts):
    made = factories.product(other_store, "Appartement Paris", kind="real_estate_lot", stock=1, price="500000",
                             surface_m2=Decimal("60"), rooms=3, floor=2, programme="Paris 11")
    response = browser(customer).post(reverse("quote_requests:reserve_lot"), {"variant": made.variants.get().pk})
    assert response.status_code == 302 and not Quote.objects.exists()


def test_the_event_is_known(store):
    assert "quote_requested" in events.EVENTS
    assert any(entry.name == "sales.quote_request.notify_staff" for entry in events.consumers_of("quote_requested"))
