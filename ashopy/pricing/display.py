"""A price as HTML, built in Python with `html.escape`: a listing shows two dozen of them."""

from html import escape
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ashopy.core.money import format_money

from .hooks import Adjustment
from .resolver import UnitPrice


class PriceBlock(NamedTuple):
    """A product card's price block and whether a catalogue promotion gives it (the card's "promo" badge)."""

    html: SafeString
    promoted: bool


def promotion_of(unit: UnitPrice | None) -> Adjustment | None:
    """The catalogue promotion in the price, if any (at most one applies per variant)."""
    if unit is None:
        return None
    return next((adjustment for adjustment in unit.adjustments if adjustment.promotion_id is not None), None)


def price_html(unit: UnitPrice | None, *, currency: str, from_price: bool = False, size: str = "md") -> SafeString:
    """The price block: what the customer pays, the struck base price, and (large size) the discounts named."""
    # Translations are looked up outside the f-strings, where makemessages can find them.
    if unit is None:
        on_request = escape(_("Price on request"))
        return mark_safe(f'<div class="price text-body-secondary small">{on_request}</div>')  # noqa: S308
    prefix = ""
    if from_price:
        word = escape(_("from"))
        prefix = f'<span class="price-from small text-body-secondary">{word}</span> '
    base = ""
    if unit.discounted:
        before = escape(_("Price before discount"))
        base = (f' <del class="price-base text-body-secondary small" aria-label="{before}">'
                f"{escape(format_money(unit.base_gross, currency))}</del>")
    adjustments = ""
    promotion = promotion_of(unit)
    if size != "lg" and promotion is not None:  # a card names the promotion in one short line
        adjustments = (f'<div class="price-promotion small text-success text-truncate">'
                       f"{escape(str(promotion.label))}</div>")
    if size == "lg" and unit.adjustments:
        items = "".join(
            f"<li>{escape(str(a.label))}{f' (−{a.percent.normalize():f} %)' if a.percent else ''}</li>"
            for a in unit.adjustments)
        adjustments = f'<ul class="price-adjustments list-unstyled small text-success mb-0">{items}</ul>'
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="price price-{escape(size)}">{prefix}<span class="price-now fw-semibold">'
        f"{escape(format_money(unit.gross, currency))}</span>{base}{adjustments}</div>")
