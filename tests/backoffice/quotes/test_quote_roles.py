"""Who opens the quote pages: the roles that view sales documents (as the invoice pages), nobody else;
another store's quote is a 404 whatever is asked of it, and the menu shows « Devis » next to the invoices."""

import pytest
from django.urls import reverse

from ashopy.sales import quote_services
from ashopy.sales.quote_models import Quote
from tests.backoffice.test_home import menu

from .conftest import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

ROLES = ("client", "vendeur", "gestionnaire", "admin", "other_store")
OPENS = {"client": False, "other_store": False, "vendeur": True, "gestionnaire": True, "admin": True}


@pytest.fixture
def people(customer, seller, manager, store_admin, other_manager):
    return {"client": customer, "vendeur": seller, "gestionnaire": manager, "admin": store_admin,
            "other_store": other_manager}


def pages(quote) -> list[str]:
    return [reverse("staff_quotes:quote_list"), reverse("staff_quotes:quote_create"),
            reverse("staff_quotes:quote_detail", args=[quote.pk]), reverse("staff_quotes:quote_pdf", args=[quote.pk])]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_the_pages_its_rules_allow(role, people, sent):
    client = browser(people[role])
    for url in pages(sent):
        status = client.get(url).status_code
        assert status == (200 if OPENS[role] else 403), (role, url, status)


@pytest.mark.parametrize("role", ["client", "other_store"])
def test_outsiders_change_nothing(role, people, draft):
    client = browser(people[role])
    line = draft.lines.get()
    for name, args in (("send", [draft.pk]), ("withdraw", [draft.pk]), ("duplicate", [draft.pk]),
                       ("remove_line", [draft.pk, line.pk]), ("update_details", [draft.pk])):
        assert client.post(reverse(f"staff_quotes:{name}", args=args)).status_code == 403, name
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.is_draft and draft.lines.count() == 1 and Quote.objects.count() == 1


def test_anonymous_visitors_go_to_the_login(client, sent):
    for url in pages(sent):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_another_stores_quote_is_a_404_for_every_page_and_action(other_store, other_manager, seller, complete):
    quote = quote_services.create_quote(store=other_store, user=other_manager, prospect_email="p@paris.fr")
    line = quote_services.add_free_line(quote=quote, user=other_manager, description="Conseil", quantity=1,
                                        unit_price=100)
    client = browser(seller)
    for url in pages(quote)[2:]:
        assert client.get(url).status_code == 404, url
    for name, args in (("send", [quote.pk]), ("withdraw", [quote.pk]), ("duplicate", [quote.pk]),
                       ("update_details", [quote.pk]), ("add_free_line", [quote.pk]),
                       ("add_catalogue_line", [quote.pk]), ("update_line", [quote.pk, line.pk]),
                       ("remove_line", [quote.pk, line.pk]), ("record_deposit", [quote.pk])):
        assert client.post(reverse(f"staff_quotes:{name}", args=args)).status_code == 404, name
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.is_draft and quote.lines.count() == 1 and Quote.objects.count() == 1


@pytest.mark.parametrize("role", ["vendeur", "gestionnaire", "admin"])
def test_the_menu_shows_quotes_right_after_invoices(role, people, store):
    links = menu(browser(people[role]).get(reverse("staff_home:home")).content.decode())
    assert links.index(reverse("staff_quotes:quote_list")) == links.index(reverse("staff_sales:invoice_list")) + 1


def test_the_quote_settings_are_on_the_legal_details_page(manager, complete):
    from ashopy.sales.models import SellerProfile

    client = browser(manager)
    url = reverse("staff_sales:legal_profile")
    page = client.get(url)
    assert "id_quote_format" in page.content.decode() and "id_quote_validity_days" in page.content.decode()
    data = {name: value for name, value in page.context["form"].initial.items() if value not in (None, False)}
    data.update(quote_format="D-{year}-{number:05d}", quote_validity_days="45")
    assert client.post(url, {**data, "quote_validity_days": "0"}).status_code == 400
    assert client.post(url, data).status_code == 302
    profile = SellerProfile.objects.get(store=complete)
    assert (profile.quote_format, profile.quote_validity_days) == ("D-{year}-{number:05d}", 45)
