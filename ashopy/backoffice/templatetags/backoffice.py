"""Template tags of the staff pages: the role-aware menu, the staff home's address for those who may open it,
amounts without their symbol for tables that name the currency once, and numbers, currency symbols and
phone numbers written for the page's language and the store's country."""

from babel.dates import get_timezone_location
from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ashopy.backoffice import navigation
from ashopy.core.money import babel_locale, format_amount, format_number
from ashopy.core.money import currency_symbol as symbol_of
from ashopy.core.templatetags.places import phone, phone_uri

register = template.Library()


@register.inclusion_tag("backoffice/_navigation.html", takes_context=True)
def staff_navigation(context):
    request = context["request"]
    return {"sections": navigation.sections(request), "admin": navigation.may_use_admin(request)}


@register.simple_tag(takes_context=True)
def staff_home_url(context) -> str:
    """The staff home's address when the signed-in user may open it, else ""."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not navigation.may_open(request, navigation.HOME):
        return ""
    return reverse(navigation.HOME)


@register.filter
def amount(value, currency):
    """``2 473 729`` in XOF, ``1 234,50`` in EUR (French): the money filter without the symbol."""
    return "" if value is None or value == "" else format_amount(value, currency)


@register.filter
def currency_symbol(currency) -> str:
    """``XOF`` → ``F CFA``, ``EUR`` → ``€`` (the symbol the page's language uses)."""
    return symbol_of(str(currency)) if currency else ""


@register.filter
def number(value) -> str:
    """``1234567`` → ``1 234 567`` in French (narrow no-break spaces), ``1,234,567`` in English; a
    decimal keeps its digits with the language's decimal mark (``6,74``)."""
    if value is None or value == "":
        return ""
    try:
        return format_number(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


register.filter("phone", phone)  # the storefront's filters, for the staff pages too
register.filter("phone_uri", phone_uri)


@register.simple_tag(takes_context=True)
def store_time_zone(context) -> str:
    """The store's clock for a person: ``heure de Dakar``, ``heure de Paris`` (never ``Africa/Dakar``)."""
    store = context.get("store")
    zone = str(getattr(store, "timezone", "") or "")
    if not zone:
        return ""
    try:
        city = get_timezone_location(zone, locale=babel_locale(), return_city=True)
    except (LookupError, ValueError):
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(city)s time") % {"city": city}
