"""Template tags of the staff pages: the role-aware menu, the staff home's address for those who may open it,
and amounts without their symbol for tables that name the currency once."""

from django import template
from django.urls import reverse

from ashopy.backoffice import navigation
from ashopy.core.money import format_amount

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
