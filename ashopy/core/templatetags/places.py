"""{% load places %}: how a stored country code reads to a person, in the page's language."""

from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code) -> str:
    """"SN" → "Sénégal" (fr) / "Senegal" (en); an unknown code is shown as it is."""
    return countries.name(str(code or "")) or str(code or "")
