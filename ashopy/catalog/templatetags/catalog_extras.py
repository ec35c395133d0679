"""Storefront helpers: availability badges, spelled as cheaply as a product card needs."""

from django import template
from django.utils.html import format_html

from ashopy.catalog.models import Availability
from ashopy.catalog.selectors import availability_of

register = template.Library()

BADGE_CLASSES = {
    Availability.IN_STOCK: "text-bg-success",
    Availability.LOW_STOCK: "text-bg-warning",
    Availability.OUT_OF_STOCK: "text-bg-secondary",
    Availability.PREORDER: "text-bg-info",
}


@register.simple_tag
def availability_badge(variants):
    """A badge for the best availability among `variants` (a list, or one variant)."""
    if not isinstance(variants, list | tuple):
        variants = [variants]
    state = Availability(availability_of(variants))
    return format_html('<span class="badge availability {} {}">{}</span>',
                       BADGE_CLASSES[state], f"availability-{state.value}", state.label)
