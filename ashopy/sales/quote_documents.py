"""The PDF of a quote, as sent and as accepted, made from what the quote froze when it was sent.

The seller and the buyer come from the quote's snapshots, never from the live store, so the document
a customer signs says what the one they received said. The page shares its wording helpers (legal
status, registration numbers, rates, the logo) with the invoices' (`documents`), and is a PDF/A-3b
like them; a quote is no invoice, so it carries no Factur-X XML.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from weasyprint import HTML

from ashopy.core.money import ZERO, babel_locale, format_money

from .documents import (
    VAT_EXEMPTION,
    _country,
    _fetcher,
    _identifiers,
    _legal_status,
    _logo,
    _percent,
    _person,
    _seller_ids,
    stylesheets,
)
from .quote_models import Quote
from .quote_selectors import totals_with  # the same sums as the customer's page

TEMPLATE = "sales/pdf/quote.html"
STYLESHEET = "sales/pdf/quote.css"  # over the invoices' page


def render_pdf(quote: Quote, *, chosen: set[int] | None = None, accepted_by: str = "",
               accepted_at: datetime | None = None) -> bytes:
    """The quote as a PDF/A-3b in its language. `chosen`: the optional lines the customer ticked (the
    quote's own choice by default); with `accepted_by`, the page says who accepted it online and when."""
    with translation.override(quote.language):
        context = page(quote, chosen=chosen, accepted_by=accepted_by, accepted_at=accepted_at)
        html = render_to_string(TEMPLATE, context)
        sheets, font_config = stylesheets(STYLESHEET)
        return HTML(string=html, url_fetcher=_fetcher()).write_pdf(stylesheets=sheets, font_config=font_config,
                                                                   pdf_variant="pdf/a-3b")


def _vat_rows(lines, language: str, money) -> list[dict]:
    rates: dict = {}
    for line in lines:
        row = rates.setdefault(line.tax_rate, {"rate": line.tax_rate, "net": ZERO, "tax": ZERO})
        row["net"] += line.net
        row["tax"] += line.tax
    return [{"rate": _percent(row["rate"], language), "net": money(row["net"]), "tax": money(row["tax"]),
             "gross": money(row["net"] + row["tax"])}
            for row in sorted(rates.values(), key=lambda row: row["rate"], reverse=True)]


def page(quote: Quote, *, chosen: set[int] | None = None, accepted_by: str = "",
         accepted_at: datetime | None = None) -> dict:
    """The template's context, every amount, quantity and rate written in the quote's language."""
    currency, language, seller, buyer = quote.currency, quote.language, quote.seller, quote.buyer

    def money(amount):
        return format_money(amount, currency, language)

    all_lines = list(quote.lines.all())
    if chosen is None:
        chosen = {line.pk for line in all_lines if line.optional and line.chosen}
    counted = [line for line in all_lines if not line.optional or line.pk in chosen]
    totals = totals_with(quote, chosen, lines=all_lines)

    def row(line):
        return {"description": line.description, "sku": line.sku, "rate": _percent(line.tax_rate, language),
                "quantity": format_decimal(line.quantity, locale=babel_locale(language)),
                "unit_price": money(line.unit_price), "net": money(line.net), "optional": line.optional,
                "chosen": line.pk in chosen}

    title = _("Quote") if quote.number else _("Quote (draft)")
    zone = ZoneInfo(quote.store.timezone)
    sent_on = timezone.localdate(quote.sent_at, timezone=zone) if quote.sent_at else None
    accepted_at = timezone.localtime(accepted_at, zone) if accepted_at else None
    rows = [(_("Total excl. tax"), money(totals["total_net"]), False), (_("VAT"), money(totals["total_tax"]), False),
            (_("Total incl. tax"), money(totals["total"]), True)]
    if totals["deposit"]:
        rows.append((_("Deposit to pay on acceptance"), money(totals["deposit"]), True))
    mentions = [_("This quote is valid until %(date)s.") % {"date": _date(quote.valid_until)}]
    if seller.get("vat_exempt"):
        mentions.append(VAT_EXEMPTION)
    return {
        "quote": quote, "title": title, "is_draft": not quote.number, "sent_on": sent_on,
        "document_title": f"{seller.get('trade_name') or seller.get('name', '')} – {title} {quote.number or ''}",
        "seller": seller, "seller_status": _legal_status(seller), "seller_ids": _seller_ids(seller),
        "buyer": buyer, "buyer_person": _person(buyer), "buyer_country": _country(buyer, seller),
        "buyer_ids": _identifiers(buyer, [("siren", _("SIREN: %(number)s")),
                                          ("vat_number", _("VAT number: %(number)s"))]),
        "lines": [row(line) for line in all_lines if not line.optional],
        "options": [row(line) for line in all_lines if line.optional],
        "has_sku": any(line.sku for line in all_lines),
        "vat_rows": _vat_rows(counted, language, money), "totals": rows, "deposit": totals["deposit"],
        "deposit_label": deposit_label(quote), "mentions": mentions, "logo": _logo(seller.get("logo", "")),
        "accepted_by": accepted_by, "accepted_at": accepted_at,
    }


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def deposit_label(quote: Quote) -> str:
    """``30 % on acceptance`` or ``1 500,00 € on acceptance``; empty without a deposit."""
    if quote.deposit_percent:
        return _("%(share)s of the total, on acceptance") % {
            "share": _percent(quote.deposit_percent, quote.language)}
    if quote.deposit_amount:
        return _("%(amount)s on acceptance") % {
            "amount": format_money(quote.deposit_amount, quote.currency, quote.language)}
    return ""
