"""A price as HTML, built in Python with `html.escape`: a listing shows two dozen of them."""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ashopy.core.money import format_money

from .resolver import UnitPrice


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
    if size == "lg" and unit.adjustments:
        items = "".join(
            f"<li>{escape(str(a.label))}{f' (−{a.percent.normalize():f} %)' if a.percent else ''}</li>"
            for a in unit.adjustments)
        adjustments = f'<ul class="price-adjustments list-unstyled small text-success mb-0">{items}</ul>'
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="price price-{escape(size)}">{prefix}<span class="price-now fw-semibold">'
        f"{escape(format_money(unit.gross, currency))}</span>{base}{adjustments}</div>")
