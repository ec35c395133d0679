"""Prices in templates: ``{% load pricing %}{% product_price product %}``, ``{% variant_price v %}``, ``{{ x|money }}``.

Templates of lower apps (the catalogue) show prices through these tags, so the
catalogue never imports pricing: the tags ask the request's PricingPolicy.
"""

from django import template

from ashopy.core.money import format_money
from ashopy.pricing.resolver import policy_for_request

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)


def _render_context(context, variant, unit, *, from_price=False, size="md"):
    return {"variant": variant, "unit": unit, "from_price": from_price, "size": size,
            "currency": context["request"].store.currency}


@register.inclusion_tag("pricing/price.html", takes_context=True)
def product_price(context, product, size="md"):
    """The lowest price this customer pays among the product's active variants (prefetched)."""
    variants = getattr(product, "active_variants", None)
    if variants is None:
        variants = list(product.variants.filter(active=True))
    policy = policy_for_request(context["request"])
    variant, unit = policy.cheapest(variants)
    return _render_context(context, variant, unit, from_price=len(variants) > 1, size=size)


@register.inclusion_tag("pricing/price.html", takes_context=True)
def variant_price(context, variant, size="md"):
    unit = policy_for_request(context["request"]).price(variant)
    return _render_context(context, variant, unit, size=size)


@register.simple_tag(takes_context=True)
def unit_price(context, variant):
    """The UnitPrice object, for templates that lay the price out themselves."""
    return policy_for_request(context["request"]).price(variant)
