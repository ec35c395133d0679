"""Storefront tags for the parts a page repeats dozens of times: product cards, facet options,
availability badges. They build HTML in Python with the standard library's `html.escape`
on every value: Django's template engine and its lazy-aware `format_html` cost tens of
microseconds per value, and a listing has hundreds of them.

A card's price comes from ``price_block_of(product)`` in the template context, which the pricing
app provides (``ashopy.pricing.context_processors.prices``): the catalogue does not import pricing.
The block says whether a catalogue promotion gives the price, and the card then shows the "promo" badge.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ashopy.catalog.availability import availability_of
from ashopy.catalog.models import Availability

register = template.Library()

BADGE_CLASSES = {
    Availability.IN_STOCK: "text-bg-success",
    Availability.LOW_STOCK: "text-bg-warning",
    Availability.OUT_OF_STOCK: "text-bg-secondary",
    Availability.PREORDER: "text-bg-info",
}


def _e(value) -> str:
    return escape(str(value), quote=True)


@register.simple_tag
def availability_badge(variants):
    """A badge for the best availability among `variants` (a list, or one variant)."""
    if not isinstance(variants, list | tuple):
        variants = [variants]
    return mark_safe(availability_html(Availability(availability_of(variants))))  # noqa: S308 (escaped)


def _cover(product, no_image: str) -> str:
    images = getattr(product, "ordered_images", None) or []
    if not images:
        return f'<div class="card-img-top product-card-placeholder" role="img" aria-label="{no_image}"></div>'
    image = images[0]
    size = f' width="{image.width}" height="{image.height}"' if image.width else ""
    return (f'<img class="card-img-top" src="{_e(image.image.url)}"{size} alt="{_e(image.alt or product.name)}" '
            'loading="lazy" decoding="async">')


class _CardText:
    """What every card of a grid shares, worked out once per grid: translations and the URL pattern."""

    def __init__(self):
        self.no_image = _e(_("No image"))
        self.badges = {state: availability_html(state) for state in Availability}
        self.url = reverse("catalog:product", kwargs={"slug": "0"})[:-2] + "{}/"


def availability_html(state: Availability) -> str:
    classes = f"badge availability {BADGE_CLASSES[state]} availability-{state.value}"
    return f'<span class="{classes}">{_e(state.label)}</span>'


def product_card(product, price_html: str, text: _CardText, promoted: bool = False) -> str:
    brand = (f'<p class="product-card-brand small text-body-secondary mb-0">{_e(product.brand.name)}</p>'
             if product.brand_id else "")
    badges = ""
    if product.badges or promoted:
        badges = '<p class="mb-1">{}</p>'.format(" ".join(
            f'<span class="badge product-badge product-badge-{_e(code)}">{_e(label)}</span>'
            for code, label in product.badge_labels(promoted=promoted)))
    return (f'<li class="col"><article class="card h-100 product-card">{_cover(product, text.no_image)}'
            f'<div class="card-body d-flex flex-column gap-1">{brand}<h3 class="card-title mb-1">'
            f'<a class="stretched-link text-reset text-decoration-none" href="{_e(text.url.format(product.slug))}">'
            f'{_e(product.name)}</a></h3>{badges}<div class="mt-auto">{price_html}'
            f'{text.badges[availability_of(product.active_variants)]}</div></div></article></li>')


@register.simple_tag(takes_context=True)
def product_grid(context, products):
    """The cards of `products` (from catalog.selectors.product_cards: images and variants prefetched)."""
    price_block_of = context["price_block_of"]
    text = _CardText()
    cards = []
    for product in products:
        block = price_block_of(product)
        cards.append(product_card(product, block.html, text, promoted=block.promoted))
    cards = "".join(cards)
    return mark_safe(  # noqa: S308 (built from escaped values and the pricing app's safe HTML)
        f'<ul class="row row-cols-2 row-cols-md-3 row-cols-xl-4 g-3 list-unstyled mb-0">{cards}</ul>')


def _checkbox(name: str, value, box_id: str, checked: bool, label: str, count: int) -> str:
    return (f'<div class="form-check"><input class="form-check-input" type="checkbox" name="{_e(name)}" '
            f'value="{_e(value)}" id="{_e(box_id)}"{" checked" if checked else ""}>'
            f'<label class="form-check-label" for="{_e(box_id)}">{_e(label)} '
            f'<span class="text-body-secondary">({count})</span></label></div>')


@register.simple_tag
def facet_options(facet):
    """The checkboxes of one facet (`views._with_choices` marks the ticked ones)."""
    unit = f" {facet['unit']}" if facet.get("unit") else ""
    labels = {"true": _("Yes"), "false": _("No")}
    slug = facet["slug"]
    return mark_safe("".join(  # noqa: S308 (every value escaped)
        _checkbox(f"attr_{slug}", option["value"], f"attr-{slug}-{number}", option["selected"],
                  labels.get(option["label"], f"{option['label']}{unit}"), option["count"])
        for number, option in enumerate(facet["options"], start=1)))


@register.simple_tag
def brand_options(brands):
    return mark_safe("".join(  # noqa: S308 (every value escaped)
        _checkbox("brand", brand["slug"], f"brand-{brand['slug']}", brand["selected"], brand["name"], brand["count"])
        for brand in brands))
