"""The staff pages' shared conventions: numbers, currency symbols, phone numbers and the store's clock
written for the page's language; ISO dates in ``<input type="date">``; French empty choices instead of
Django's "---------"; French punctuation in the messages built from pieces; a supplier's currency chosen
among ISO 4217 codes."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from ashopy.backoffice.purchasing.forms import SupplierForm, currency_choices
from ashopy.backoffice.templatetags import backoffice as tags
from ashopy.backoffice.text import form_problems, join_list
from ashopy.backoffice.widgets import DateInput, StaffFormMixin, label_empty_choices
from ashopy.purchasing.models import Supplier

NBSP, NNBSP = "\u00a0", "\u202f"


def test_number_and_currency_symbol_follow_the_language():
    with translation.override("fr"):
        assert tags.number(1234567) == f"1{NNBSP}234{NNBSP}567"
        assert tags.number(Decimal("6.74")) == "6,74"
        assert tags.currency_symbol("XOF") == f"F{NNBSP}CFA"
        assert tags.currency_symbol("EUR") == "€"
    with translation.override("en"):
        assert tags.number(1234567) == "1,234,567"
        assert tags.number(Decimal("6.74")) == "6.74"
    assert tags.number(None) == "" and tags.number("n/a") == "n/a"


def test_phone_numbers_are_written_in_international_format_and_never_break():
    assert tags.phone("+221781234567") == NBSP.join(["+221", "78", "123", "45", "67"])
    assert tags.phone("78 123 45 67", "SN") == NBSP.join(["+221", "78", "123", "45", "67"])
    assert tags.phone("0612345678", "FR") == NBSP.join(["+33", "6", "12", "34", "56", "78"])
    assert tags.phone_uri("78 123 45 67", "SN") == "+221781234567"
    assert tags.phone("appeler Awa") == "appeler Awa"  # not a number: shown as typed
    assert tags.phone("") == "" and tags.phone_uri("nope") == ""


@pytest.mark.django_db
def test_the_store_clock_reads_as_a_city_not_a_zone_name(store, other_store):
    template = Template("{% load backoffice %}{% store_time_zone %}")
    with translation.override("fr"):
        assert template.render(Context({"store": store})) == "heure de Dakar"
        assert template.render(Context({"store": other_store})) == "heure de Paris"
    with translation.override("en"):
        assert template.render(Context({"store": other_store})) == "Paris time"


class _Period(forms.Form):
    day = forms.DateField(widget=DateInput())


def test_date_input_always_carries_iso_dates_and_reads_french_ones():
    with translation.override("fr"):
        unbound = _Period(initial={"day": datetime.date(2026, 12, 4)})
        assert 'type="date"' in str(unbound["day"]) and 'value="2026-12-04"' in str(unbound["day"])
        typed = _Period({"day": "04/12/2026"})  # typed by hand where the browser has no date picker
        assert typed.is_valid() and typed.cleaned_data["day"] == datetime.date(2026, 12, 4)
        assert 'value="2026-12-04"' in str(typed["day"])
        assert _Period({"day": "2026-12-04"}).is_valid()
        wrong = _Period({"day": "32/13/2026"})
        assert not wrong.is_valid() and 'value="32/13/2026"' in str(wrong["day"])


class _Choices(StaffFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
    warehouse = forms.ModelChoiceField(Supplier.objects.none(), required=False)
    labelled = forms.ModelChoiceField(Supplier.objects.none(), required=False, empty_label="Tous les entrepôts")


def test_no_dashes_for_an_empty_choice():
    with translation.override("fr"):
        form = _Choices()
        assert form.fields["kind"].choices[0] == ("", "— Choisir —")
        assert str(form.fields["warehouse"].empty_label) == "— Choisir —"
        assert form.fields["labelled"].empty_label == "Tous les entrepôts"  # the form's own label is kept
        label_empty_choices(filtered := _Choices(), filter=True)
        assert "---------" not in str(filtered)
        label_empty_choices(bare := forms.Form(), filter=True)  # nothing to relabel: no error
        assert not bare.fields


def test_messages_built_from_pieces_use_french_punctuation():
    with translation.override("fr"):
        assert join_list(["a", "b"]) == f"a{NBSP}; b"
        form = _Period({"day": "nope"})
        assert not form.is_valid() and form_problems(form).startswith(f"Day{NBSP}: ")
    with translation.override("en"):
        assert join_list(["a", "b"]) == "a; b"


def test_currency_choices_are_iso_4217_codes_with_their_french_names():
    with translation.override("fr"):
        choices = dict(currency_choices("XOF"))
    assert choices["XOF"] == "XOF — franc CFA (BCEAO)" and "EUR" in choices and "USD" in choices
    assert all(len(code) == 3 and code.isupper() for code in choices)
    assert "XXX" not in choices and "CFA" not in choices


@pytest.mark.django_db
def test_a_supplier_currency_is_one_of_the_choices(store, manager, client):
    form = SupplierForm(store=store)
    assert form.fields["currency"].initial == "XOF" and "---------" not in str(form["currency"])
    client.force_login(manager)
    refused = client.post(reverse("purchasing:supplier_create"),
                          {"action": "save", "name": "Thiès Import", "lead_time_days": "5", "currency": "CFA"})
    assert refused.status_code == 400 and not Supplier.objects.exists()
    accepted = client.post(reverse("purchasing:supplier_create"),
                           {"action": "save", "name": "Thiès Import", "lead_time_days": "5", "currency": "EUR"})
    assert accepted.status_code == 302 and Supplier.objects.get().currency == "EUR"
