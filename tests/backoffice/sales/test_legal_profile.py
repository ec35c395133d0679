"""The legal profile page: the store's legal details and its seller profile, checked by the store's country
(SIREN, SIRET, VAT number in France; NINEA in Senegal) and the numbering formats, saved together or not at all."""

import pytest
from django.urls import reverse

from ashopy.core.errors import PermissionDenied
from ashopy.sales import legal, profile, services
from ashopy.sales.errors import InvalidLegalProfile
from ashopy.sales.models import SellerProfile
from ashopy.stores.models import Store

from .conftest import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

URL = reverse("staff_sales:legal_profile")

SENEGAL = {"legal_name": "Dakar Tech SARL", "address": "12 rue Carnot", "postal_code": "10000", "city": "Dakar",
           "legal_form": "SARL", "ninea": "12345672G3", "rccm": "SN-DKR-2020-B-12345", "operation": "goods",
           "payment_terms_days": "30", "late_penalty_rate": "10", "invoice_format": "FAC-{year}-{number:06d}",
           "credit_note_format": "AV-{year}-{number:06d}"}
FRANCE = {"legal_name": "Paris Tech SAS", "address": "1 rue de Rivoli", "postal_code": "75001", "city": "Paris",
          "legal_form": "SAS", "share_capital": "10 000 €", "siren": "732 829 320", "siret": "73282932000074",
          "rcs": "RCS Paris 732 829 320", "vat_number": "FR 44 732829320", "operation": "both",
          "payment_terms_days": "45", "late_penalty_rate": "12,5", "invoice_format": "F{year}-{number:05d}",
          "credit_note_format": "A{year}-{number:05d}"}


def test_a_senegalese_store_fills_in_its_ninea_and_can_then_issue(manager, store):
    client = browser(manager)
    page = client.get(URL).content.decode()
    assert 'name="ninea"' in page and 'name="siren"' not in page and "a valid NINEA for the seller" in page
    response = client.post(URL, SENEGAL)
    assert response.status_code == 302, response.context["form"].errors
    store.refresh_from_db()
    seller = SellerProfile.objects.get(store=store)
    assert (store.legal_name, store.city, seller.ninea, seller.rccm) == ("Dakar Tech SARL", "Dakar", "1234567 2G3",
                                                                       "SN-DKR-2020-B-12345")
    assert 'data-testid="complete"' in client.get(URL).content.decode()


def test_a_french_store_gets_its_numbers_checked_and_kept_in_canonical_form(other_store, other_manager):
    client = browser(other_manager, host="b.test", language="fr")
    page = client.get(URL).content.decode()
    assert 'name="siren"' in page and 'name="vat_number"' in page and 'name="ninea"' not in page
    response = client.post(URL, FRANCE)
    assert response.status_code == 302, response.context["form"].errors
    seller = SellerProfile.objects.get(store=other_store)
    assert (seller.siren, seller.siret, seller.vat_number) == ("732829320", "73282932000074", "FR44732829320")
    assert str(seller.late_penalty_rate) == "12.50" and seller.invoice_format == "F{year}-{number:05d}"
    store = Store.objects.get(pk=other_store.pk)
    seller_details = services.seller_snapshot(store, services.profile_of(store))
    assert legal.missing_mentions(seller=seller_details, buyer={"name": "Jean Martin", "line1": "3 rue X",
                                                                "city": "Lyon"}, lines=1) == []


@pytest.mark.parametrize(("field", "value"), [
    ("siren", "732829321"), ("siret", "73282932000075"), ("vat_number", "FR00732829320"),
    ("siret", "40303265045017"),  # valid, but another company's
    ("vat_number", "FR40303265045"),  # valid, but not this SIREN's
    ("invoice_format", "FAC-{year}"), ("invoice_format", "FAC-{nombre}"), ("credit_note_format", "{number:06d}" * 5),
    ("payment_terms_days", "-3"), ("late_penalty_rate", "abc"), ("legal_form", "x" * 61),
])
def test_bad_french_details_are_field_errors_and_nothing_is_saved(other_store, other_manager, field, value):
    client = browser(other_manager, host="b.test", language="fr")
    response = client.post(URL, {**FRANCE, field: value})
    assert response.status_code == 400 and field in response.context["form"].errors, response.context["form"].errors
    assert not Store.objects.filter(pk=other_store.pk, legal_name="Paris Tech SAS").exists()
    assert not SellerProfile.objects.filter(store=other_store, legal_form="SAS").exists()


def test_a_bad_ninea_is_refused(manager, store):
    response = browser(manager).post(URL, {**SENEGAL, "ninea": "1234568 2G3"})  # the check digit is wrong
    assert response.status_code == 400 and "ninea" in response.context["form"].errors
    assert not SellerProfile.objects.filter(store=store, legal_form="SARL").exists()


def test_the_service_authorizes_and_refuses_unknown_fields(store, seller, store_admin):
    with pytest.raises(PermissionDenied):
        profile.update_legal_profile(store=store, user=seller, legal_name="X")
    with pytest.raises(TypeError):
        profile.update_legal_profile(store=store, user=store_admin, currency="EUR")
    with pytest.raises(InvalidLegalProfile) as refused:
        profile.update_legal_profile(store=store, user=store_admin, ninea="000")
    assert "ninea" in refused.value.fields
    saved = profile.update_legal_profile(store=store, user=store_admin, legal_name="Boutique SA", ninea="12345672G3")
    assert saved.ninea == "1234567 2G3" and Store.objects.get(pk=store.pk).legal_name == "Boutique SA"


def test_a_store_of_another_country_sees_every_registration_field(manager, store):
    store.country = "CI"
    store.save()
    assert set(profile.fields_for("CI")) == set(profile.PROFILE_FIELDS)
    page = browser(manager).get(URL).content.decode()
    assert 'name="ninea"' in page and 'name="siren"' in page
