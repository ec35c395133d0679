"""A store offers bank transfer only with the account the customer pays to: holder, bank, and an IBAN or a RIB."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from rest_framework.test import APIClient

from ashopy.payments import providers
from ashopy.payments.checks import payment_providers_are_complete
from tests.conftest import BANK_ACCOUNT

COMPLETE_IBAN = {"holder": "ashopy France SAS", "bank": "Banque Populaire", "iban": "FR76 3000 6000 0112 3456 7890 189"}


@pytest.mark.parametrize(("config", "missing"), [
    ({}, ["holder", "bank", "iban (or rib)"]),
    ({**COMPLETE_IBAN, "holder": " "}, ["holder"]),
    ({k: v for k, v in COMPLETE_IBAN.items() if k != "bank"}, ["bank"]),
    ({**COMPLETE_IBAN, "iban": "FR76 3000 6000 0112 3456 7890 180"}, ["not a valid IBAN"]),  # wrong check digits
    ({**BANK_ACCOUNT, "rib": "SN08 0001"}, ["not a UEMOA RIB"]),
])
def test_an_incomplete_account_is_refused_with_what_is_missing(config, missing):
    errors = providers.build("bank_transfer", config).config_errors()
    assert errors and all(any(word in error for error in errors) for word in missing), errors


@pytest.mark.parametrize("config", [COMPLETE_IBAN, BANK_ACCOUNT])
def test_a_complete_account_is_accepted(config):
    assert providers.build("bank_transfer", config).config_errors() == []


@pytest.mark.django_db
def test_a_store_without_the_account_does_not_offer_transfers(settings, store):
    settings.PAYMENT_PROVIDERS = {"*": {"cash_on_delivery": {}, "bank_transfer": {"iban": "SN08 0001"}}}
    assert [provider.code for provider in providers.offered(store)] == ["cash_on_delivery"]
    assert providers.get(store, "bank_transfer") is None
    codes = [row["code"] for row in APIClient().get("/api/v1/checkout/payment-methods/").json()]
    assert codes == ["cash_on_delivery"]
    [warning] = payment_providers_are_complete()
    assert warning.id == "payments.W002" and "holder is missing" in warning.msg
    settings.PAYMENT_PROVIDERS = {"*": {"bank_transfer": COMPLETE_IBAN}}
    assert [provider.code for provider in providers.offered(store)] == ["bank_transfer"]
    assert payment_providers_are_complete() == []


def test_manage_py_check_names_the_gap_without_failing(settings, capsys):
    settings.PAYMENT_PROVIDERS = {"paris": {"bank_transfer": {"holder": "ashopy France SAS"}, "paypal": {}}}
    try:
        call_command("check")
    except SystemCheckError as error:  # a warning must not stop the shop
        pytest.fail(str(error))
    output = capsys.readouterr().err
    assert "payments.W002" in output and "bank is missing" in output and "payments.W001" in output


def test_the_demo_accounts_are_complete():
    from ashopy import settings as project

    for store, methods in project._DEMO_PAYMENTS.items():
        for code, config in methods.items():
            assert providers.build(code, config).config_errors() == [], (store, code)
