"""Money: Decimal amounts rounded with their currency's own exponent.

This module is the one place that rounds or formats an amount. XOF has no
minor unit, EUR has two; rounding is half-up, applied per line.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol
from django.utils.translation import get_language, to_locale

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@lru_cache(maxsize=64)
def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: 1 for XOF, 0.01 for EUR."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's exponent. Idempotent."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, unrounded."""
    return Decimal(amount) * Decimal(percent) / HUNDRED


@lru_cache(maxsize=16)
def _locale_for(language: str) -> str:
    locale = to_locale(language or "fr")
    return {"fr": "fr_FR", "en": "en_US"}.get(locale, locale)


def babel_locale(language: str | None = None) -> str:
    """Babel's locale for `language` (the active one by default): French as in France, English as in the US."""
    return _locale_for(language or get_language() or "fr")


def format_number(value, language: str | None = None) -> str:
    """A count for humans in the active language: ``1 234`` (narrow no-break spaces), ``1,234``."""
    return format_decimal(value, locale=babel_locale(language))


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """Format for humans in the active language: ``12 500 F CFA``, ``1 234,50 €``."""
    return _format(round_money(amount, currency), currency, babel_locale(language))


@lru_cache(maxsize=8192)
def _format(amount: Decimal, currency: str, locale: str) -> str:
    # Babel parses its number pattern on every call; a shop shows the same prices over and over.
    return format_currency(amount, currency, locale=locale)


def format_amount(amount: Decimal, currency: str, language: str | None = None) -> str:
    """An amount without its symbol, with the currency's decimals, for tables that name the currency once:
    ``2 473 729`` (XOF), ``1 234,50`` (EUR) in French, ``1,234.50`` in English."""
    return format_currency(round_money(amount, currency), currency, format="#,##0.00",
                           locale=babel_locale(language), currency_digits=True)


def currency_symbol(currency: str, language: str | None = None) -> str:
    """``F CFA``, ``€``."""
    return get_currency_symbol(currency, locale=babel_locale(language))
