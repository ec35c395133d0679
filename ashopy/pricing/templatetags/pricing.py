"""Prices in templates: ``{% load pricing %}{% product_price product %}``, ``{% variant_price v "lg" %}``,
``{{ amount|money:currency }}``.

Templates of lower apps (the catalogue) show prices through these tags, so the
catalogue never imports pricing: the tags ask the request's PurchasePolicy
(``{% purchase_verdict variant as verdict %}``: may one unit be bought, and is it a pre-order).
"""

from django import template

from ashopy.core.money import format_money
from ashopy.pricing.display import price_html
from ashopy.pricing.purchase import policy_for_request

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def product_price(context, product, size="md"):
    """The lowest price this customer pays among the product's active variants (prefetched)."""
    return context["price_of"](product, size)


@register.simple_tag(takes_context=True)
def product_badges(context, product):
    """The product's badges for this visitor: staff's choice, with "promo" while a promotion gives its price."""
    return product.badge_labels(promoted=context["price_block_of"](product).promoted)


@register.simple_tag(takes_context=True)
def variant_price(context, variant, size="md"):
    request = context["request"]
    unit = policy_for_request(request).price(variant)
    return price_html(unit, currency=request.store.currency, size=size)


@register.simple_tag(takes_context=True)
def unit_price(context, variant):
    """The UnitPrice object, for templates that lay the price out themselves."""
    return policy_for_request(context["request"]).price(variant)


@register.simple_tag(takes_context=True)
def purchase_verdict(context, variant, quantity=1):
    """The policy's `Verdict` for `quantity` units of `variant` (buy button, variant choice, pre-order note)."""
    return policy_for_request(context["request"]).is_purchase_permitted(variant, quantity)
