"""{% load places %}: how a stored country code and a phone number read to a person, in the page's language."""

import phonenumbers
from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code) -> str:
    """"SN" → "Sénégal" (fr) / "Senegal" (en); an unknown code is shown as it is."""
    return countries.name(str(code or "")) or str(code or "")


@register.filter
def phone(value, country="") -> str:
    """``+221781234567`` → ``+221 78 123 45 67``: international format with no-break spaces (never broken
    across lines); a national number is read in `country` (the store's, e.g. ``SN``). A number that does
    not parse is shown as typed."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, str(country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted.replace(" ", "\u00a0")


@register.filter
def phone_uri(value, country="") -> str:
    """The ``tel:`` address of a phone number (E.164), or "" when it does not parse."""
    text = str(value or "").strip()
    try:
        parsed = phonenumbers.parse(text, str(country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
