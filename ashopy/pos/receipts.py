"""The till's printed documents: a ticket's receipt and a session's closing report, laid out for an
80-mm receipt printer, as a print view (HTML) and as a PDF (WeasyPrint) from the same template and
stylesheet (pos/static/pos/receipt.css, which the print view links and the PDF reads).

What is printed comes from the stored ticket and the store's legal profile (sales' SellerProfile):
legal name and address, SIRET/VAT number in France, NINEA/RCCM in Senegal; the date and time to the
second in the store's time zone; the first 4 characters of the ticket's signature and the software
version from its chain record; "DUPLICATA n°…" when it is a reprint (services.print_duplicate).
"""

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from ashopy.core.money import ZERO
from ashopy.sales.models import SellerProfile
from ashopy.stores.models import Store

from . import selectors
from .models import Duplicate, Ticket, TillSession

STYLESHEET = "pos/receipt.css"
ROLL_LIMIT_MM = 5000  # a longer document goes on to a second page of this length
MARGIN_MM = 4  # the bottom margin of receipt.css's @page


@dataclass(frozen=True)
class Seller:
    """The store's legal lines at the top of a receipt."""

    name: str
    address: list[str]
    identifiers: list[tuple[str, str]]


def seller_of(store: Store) -> Seller:
    """The store's name, address and registration numbers (one query: its legal profile, if any)."""
    profile = SellerProfile.objects.filter(store=store).first()
    address = [line for line in (store.address or "").splitlines() if line.strip()]
    town = " ".join(part for part in (store.postal_code, store.city) if part)
    if town:
        address.append(town)
    pairs = []
    if profile is not None:
        pairs = [("SIRET", profile.siret), ("TVA", profile.vat_number), ("NINEA", profile.ninea),
                 ("RCCM", profile.rccm)]
        if profile.legal_form or profile.share_capital:
            legal = " ".join(part for part in (profile.legal_form, profile.share_capital) if part)
            pairs.insert(0, ("", legal))
    elif store.tax_id:
        pairs = [("", store.tax_id)]
    return Seller(name=store.legal_name or store.name, address=address,
                  identifiers=[(label, value) for label, value in pairs if value])


def vat_rows(vat: dict) -> list[tuple[str, dict[str, Decimal]]]:
    """A stored VAT breakdown ({"18": {"net": "…", "tax": "…"}}) as rows by rate, amounts as Decimals."""
    return [(rate, {part: Decimal(str(value)) for part, value in amounts.items()})
            for rate, amounts in sorted(vat.items(), key=lambda item: Decimal(item[0]))]


def receipt_context(ticket_id: int, *, store: Store, duplicate: int | None = None) -> dict:
    """What the receipt template needs; `duplicate` is the number of a reprint already logged."""
    data = selectors.receipt(ticket_id, store=store, duplicate=duplicate)
    ticket = data.ticket
    payments, lines = list(ticket.payments.all()), list(ticket.lines.all())
    return {"receipt": data, "ticket": ticket, "lines": lines, "payments": payments,
            "code_discount": sum((line.code_discount for line in lines), ZERO),
            "change": sum((payment.change_given for payment in payments), ZERO),
            "vat": vat_rows(ticket.vat),
            "seller": seller_of(store), "store": store, "currency": ticket.currency}


def existing_duplicate(ticket: Ticket, number) -> int | None:
    """The reprint number `number` when that reprint of `ticket` was logged, else None (a number typed
    into the address bar prints no "DUPLICATA" that the chain does not know)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    return number if Duplicate.objects.filter(ticket=ticket, number=number).exists() else None


def session_context(session: TillSession) -> dict:
    report = selectors.session_report(session)
    return {"report": report, "session": session, "store": session.till.store,
            "seller": seller_of(session.till.store), "currency": session.till.store.currency,
            "vat": sorted(report.vat.items(), key=lambda item: float(item[0])),
            "payments": sorted(report.payments.items()),
            "closing": [(method, Decimal(session.counted.get(method, "0")), Decimal(session.expected.get(method, "0")),
                         Decimal(session.differences[method])) for method in sorted(session.differences)]}


def render_html(template: str, context: dict, *, store: Store, request=None) -> str:
    """The document's HTML, dates in the store's clock."""
    with timezone.override(ZoneInfo(store.timezone)):
        return render_to_string(template, context, request=request)


def _stylesheet() -> CSS:
    with open(finders.find(STYLESHEET), encoding="utf-8") as handle:
        return CSS(string=handle.read(), url_fetcher=URLFetcher(allowed_protocols=("data", "file")))


def render_pdf(template: str, context: dict, *, store: Store) -> bytes:
    """The same document as a PDF, 80 mm wide and as long as its content (a roll has no page length):
    laid out once on a very long page to measure it, then on a page of that length. Nothing is
    fetched from the network."""
    html = HTML(string=render_html(template, {**context, "pdf": True}, store=store),
                url_fetcher=URLFetcher(allowed_protocols=("data", "file")))
    sheet = _stylesheet()
    measured = html.render(stylesheets=[sheet, CSS(string=f"@page {{ size: 80mm {ROLL_LIMIT_MM}mm }}")])
    root = measured.pages[0]._page_box.children[0]
    height_mm = (root.position_y + root.margin_height()) * 25.4 / 96 + MARGIN_MM
    page = CSS(string=f"@page {{ size: 80mm {min(max(height_mm, 80), ROLL_LIMIT_MM):.1f}mm }}")
    return html.write_pdf(stylesheets=[sheet, page])

