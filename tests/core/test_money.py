from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ashopy.core.money import currency_symbol, format_amount, format_money, round_money

amounts = st.decimals(min_value=0, max_value=Decimal("1e10"), allow_nan=False, allow_infinity=False, places=6)


@given(amounts, st.sampled_from(["XOF", "EUR", "USD"]))
def test_rounding_is_idempotent(amount, currency):
    once = round_money(amount, currency)
    assert round_money(once, currency) == once


def test_rounding_uses_the_currency_exponent_half_up():
    assert round_money(Decimal("12499.5"), "XOF") == Decimal("12500")
    assert round_money(Decimal("12499.49"), "XOF") == Decimal("12499")
    assert round_money(Decimal("1.005"), "EUR") == Decimal("1.01")
    assert round_money(Decimal("1.004"), "EUR") == Decimal("1.00")


def test_formatting_follows_the_active_language():
    nbsp = {"\u202f": " ", "\xa0": " "}
    with translation.override("fr"):
        assert format_money(Decimal(12500), "XOF").translate(str.maketrans(nbsp)) == "12 500 F CFA"
        assert format_money(Decimal("1234.5"), "EUR").translate(str.maketrans(nbsp)) == "1 234,50 €"
    with translation.override("en"):
        assert format_money(Decimal("1234.5"), "EUR") == "€1,234.50"


def test_amounts_without_their_symbol_keep_the_currency_s_decimals():
    nbsp = {"\u202f": " ", "\xa0": " "}
    with translation.override("fr"):
        assert format_amount(Decimal("2473729.4"), "XOF").translate(str.maketrans(nbsp)) == "2 473 729"
        assert format_amount(Decimal("-4236.5"), "XOF").translate(str.maketrans(nbsp)) == "-4 237"
        assert format_amount(Decimal("1234.5"), "EUR").translate(str.maketrans(nbsp)) == "1 234,50"
        assert currency_symbol("XOF").translate(str.maketrans(nbsp)) == "F CFA"
    with translation.override("en"):
        assert format_amount(Decimal("1234.5"), "EUR") == "1,234.50" and currency_symbol("EUR") == "€"
