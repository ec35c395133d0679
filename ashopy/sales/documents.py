"""The documents of an invoice or a credit note: its Factur-X XML (EN 16931) and its PDF/A-3b.

Both are made from what the invoice stored — the seller and buyer snapshots, its lines and totals —
never from the live store or order, so a document made again years later says the same thing.
The PDF of an issued French invoice carries its XML (Factur-X); a Senegalese one is a plain PDF/A-3b,
and so is a draft, which is no invoice yet and must not be read into anyone's accounts.
"""

import base64
import contextlib
import functools
import gc
import logging
import mimetypes
import threading
from copy import copy
from decimal import Decimal

import facturx
import pydyf
from babel import Locale
from babel.numbers import format_decimal, format_percent
from django.core.files.storage import default_storage
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries
from lxml import etree
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ashopy.core.money import babel_locale, format_money, quantum, round_money
from ashopy.orders.models import OrderDiscount

from .models import Invoice, InvoiceLine

logger = logging.getLogger(__name__)

LEVEL = "en16931"
TYPE_CODES = {Invoice.Kind.INVOICE: "380", Invoice.Kind.CREDIT_NOTE: "381"}
# The wording article 293 B of the French tax code prescribes: the same on every document, whatever
# its language, because that is the sentence the tax administration and the buyer's software look for.
VAT_EXEMPTION = "TVA non applicable, art. 293 B du CGI"
SIREN_SCHEME = "0002"  # ISO 6523 code of the French SIRENE register (SIREN)
SIRET_SCHEME = "0009"  # … and of its establishments (SIRET)
EMAIL_SCHEME = "EM"  # an electronic address that is an e-mail address
FACTURX_URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"  # the XMP namespace of Factur-X 1.0
UNIT = "C62"  # UN/ECE recommendation 20: "one", a unit
TEMPLATE = "sales/pdf/invoice.html"
STYLESHEET = "sales/pdf/invoice.css"


def facturx_xml(invoice: Invoice) -> bytes:
    """The CII XML (Factur-X profile EN 16931) of an issued invoice or credit note, checked against its XSD.

    Raises ValueError for a draft (no number, no issue date) or for totals that are not the sum of the lines.
    """
    if not invoice.number or not invoice.issue_date:
        raise ValueError("A draft has no number nor issue date: it has no Factur-X XML.")
    _read_lines(invoice)
    lines = list(invoice.lines.all())
    recomputed = invoice.recomputed_totals()
    if any(recomputed[field] != getattr(invoice, field) for field in recomputed):
        raise ValueError(f"The totals of {invoice.number} are not the sum of its lines: {recomputed}.")
    with translation.override(invoice.language):
        data = _cii_data(invoice, lines)
    # The schematron check needs a Saxon server: the XSD is checked here, the business rules by the tests.
    return facturx.generate_cii_xml(data, level=LEVEL, check_xsd=True, check_schematron=False)


def _read_lines(invoice: Invoice) -> None:
    """The invoice's lines, read once (nothing when they were), with the order lines they copy in the same
    query: their discounts' causes name the Factur-X allowances (`_discount_reason`)."""
    prefetch_related_objects([invoice], Prefetch("lines", queryset=InvoiceLine.objects.select_related(
        "order_line", "credited_line__order_line")))


def render_pdf(invoice: Invoice) -> bytes:
    """The document as a PDF/A-3b in the invoice's language; an issued French one embeds its Factur-X XML.

    Render an invoice being issued after its transition to `issued` (with its number): before, it is a draft.
    """
    # The lines are read once, for the page, its VAT summary and the XML (`invoice.lines.all()` from then on).
    _read_lines(invoice)
    with translation.override(invoice.language):
        context = _page(invoice)
        html = render_to_string(TEMPLATE, context)
        sheets, font_config = stylesheets()
        options = {}
        if context["factur_x"]:
            # The XML rides in the PDF WeasyPrint writes (no second pass over the file): attached as
            # `factur-x.xml`, text/xml, relationship Data, and described in the XMP as Factur-X wants it.
            xml = facturx_xml(invoice)
            options = {"attachments": [Attachment(
                url=f"data:text/xml;base64,{base64.b64encode(xml).decode()}", url_fetcher=_fetcher(),
                name=facturx.facturx.FACTURX_FILENAME, description="Factur-X XML file", relationship="Data")],
                "finisher": _facturx_xmp}
        with collector_paused():
            pdf = HTML(string=html, url_fetcher=_fetcher()).write_pdf(
                stylesheets=sheets, font_config=font_config, pdf_variant="pdf/a-3b", **options)
    return pdf


_collector = threading.Lock()
_collector_state = {"pauses": 0, "was_enabled": False}


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector stopped while WeasyPrint lays a document out, started again after.

    A render makes some 100,000 short-lived objects (boxes, styles, text runs): each young collection walked
    those still alive and the full ones the whole process (Django, the fonts, the parsed stylesheets), a
    tenth of the render's CPU (bench/profile_documents.py). Paused, the render's cycles are freed by the
    first collection after it. Counted across threads: the collector starts again when the last
    render of the process ends, and only if it was running before the first one (`gc.isenabled`).
    """
    with _collector:
        if _collector_state["pauses"] == 0:
            _collector_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _collector_state["pauses"] += 1
    try:
        yield
    finally:
        with _collector:
            _collector_state["pauses"] -= 1
            if _collector_state["pauses"] == 0 and _collector_state["was_enabled"]:
                gc.enable()


def _facturx_xmp(document, pdf) -> None:
    """Adds to the PDF's XMP metadata what Factur-X asks for (its PDF/A extension schema and the `fx`
    properties: document type, file name, version, conformance level), as Akretion's library writes them."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    metadata.stream = [b"".join(metadata.stream).replace(b"</rdf:RDF>", _facturx_descriptions() + b"</rdf:RDF>", 1)]
    # WeasyPrint lists an attachment in the catalog's /AF twice (from /EmbeddedFiles and as a /Filespec): once.
    pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


@functools.cache
def _facturx_descriptions() -> bytes:
    xmp = facturx.generate_xmp_object({
        "urn": FACTURX_URN, "documenttype": "INVOICE", "xml_filename": facturx.facturx.FACTURX_FILENAME,
        "version": "1.0", "xmp_level": facturx.facturx.FACTURX_LEVEL2xmp[LEVEL],
        # The rest of what the library's XMP says, WeasyPrint's own XMP already says: not taken.
        "pdfa3_flavor": "B", "title": "", "author": "", "subject": "", "producer": "", "creator_tool": "",
        "timestamp": ""})
    descriptions = xmp.xpath("//rdf:Description[pdfaExtension:schemas or fx:*]", namespaces={
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "fx": FACTURX_URN,
        "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/"})
    for description in descriptions:
        description.set("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "")
    return b"".join(etree.tostring(description) for description in descriptions)


_thread = threading.local()


def _fetcher() -> URLFetcher:
    """Nothing is fetched from the network: the logo comes inline, the fonts from the machine."""
    return URLFetcher(allowed_protocols=("data", "file"))


def stylesheets(*names: str) -> tuple[list[CSS], FontConfiguration]:
    """The documents' page (invoice.css), then the stylesheets `names` add (templates under sales/pdf/),
    with the fonts they declare: parsed and loaded once per thread (WeasyPrint's objects are not shared
    between threads); every document of the thread reuses them."""
    if not hasattr(_thread, "font_config"):
        _thread.font_config, _thread.stylesheets = FontConfiguration(), {}
    parsed = _thread.stylesheets
    for name in (STYLESHEET, *names):
        if name not in parsed:
            parsed[name] = CSS(string=render_to_string(name), url_fetcher=_fetcher(), font_config=_thread.font_config)
    return [parsed[name] for name in (STYLESHEET, *names)], _thread.font_config


# The XML: the data dict of `facturx.generate_cii_xml`, keyed by EN 16931 business terms (BT/BG).

def _cii_data(invoice: Invoice, lines: list) -> dict:
    currency, seller = invoice.currency, invoice.seller
    data = {
        "BT-1": invoice.number,
        "BT-2": invoice.issue_date,
        "BT-3": TYPE_CODES[invoice.kind],
        "BT-5": currency,
        "BG-1": _notes(invoice),
        "BG-4": _seller_party(seller),
        "BG-7": _buyer_party(invoice.buyer, seller),
        "BG-23": [{"BT-116": _amount(row["net"], currency), "BT-117": _amount(row["tax"], currency),
                   **_vat_category(row["rate"], seller)} for row in invoice.vat_summary()],
        "BG-25": [_cii_line(position, line, invoice) for position, line in enumerate(lines, start=1)],
        "BT-106": _amount(sum((line.net for line in lines), Decimal(0)), currency),
        "BT-109": _amount(invoice.total_net, currency),
        "BT-110": _amount(invoice.total_tax, currency),
        "BT-112": _amount(invoice.total, currency),
        "BT-113": _amount(invoice.amount_paid, currency),
        # Not `amount_due`, which stops at zero: EN 16931 wants total − paid, an overpayment included.
        "BT-115": _amount(invoice.total - invoice.amount_paid, currency),
    }
    optional = {
        "BT-9": invoice.due_date,
        "BT-14": invoice.order.number if invoice.order_id else None,
        "BT-20": _payment_terms(invoice),
        "BT-72": invoice.sale_date,
        "BG-13": _delivery_party(invoice.delivery, seller),
        "BT-81": "ZZZ" if invoice.payment_method else None,  # UNTDID 4461 "mutually defined": a label, no code
        "BT-82": invoice.payment_method,
    }
    if invoice.is_credit_note:
        credited = invoice.credited_invoice
        optional["BG-3"] = [{"BT-25": credited.number, "BT-26": credited.issue_date}]
    return data | {key: value for key, value in optional.items() if value}


def _cii_line(position: int, line, invoice: Invoice) -> dict:
    currency = invoice.currency
    item = {
        "BT-126": str(position),
        "BT-129": f"{line.quantity.normalize():f}",
        "BT-130": UNIT,
        "BT-131": _amount(line.net, currency),
        "BT-146": _price(line.unit_price, currency),
        "BT-153": line.description,
    }
    category = _vat_category(line.tax_rate, invoice.seller)
    item |= {"BT-151": category["BT-118"], "BT-152": category["BT-119"]}
    if line.sku:
        item["BT-155"] = line.sku
    if line.discount:
        item["BG-27"] = [{"amount": _amount(line.discount, currency), "reason": _discount_reason(line, invoice)}]
    return item


def _discount_reason(line, invoice: Invoice) -> str:
    """What caused the line's allowance: the order line's promotions and code ("Remise étudiant, Code
    BIENVENUE10"), when the order line was read with it (render_pdf); for the delivery (a line of no
    order line), the order's shipping discount ("Livraison offerte (code LIVRAISON)"), read then — one
    query, only for an invoice whose delivery a code made free; else "Discount"."""
    source = line
    if InvoiceLine.credited_line.field.is_cached(line) and line.credited_line is not None:
        source = line.credited_line
    if InvoiceLine.order_line.field.is_cached(source) and source.order_line is not None:
        return source.order_line.discount_labels or _("Discount")
    if source.order_line_id is None and invoice.order_id is not None:
        labels = OrderDiscount.objects.filter(order_id=invoice.order_id, kind=OrderDiscount.Kind.SHIPPING)
        return ", ".join(labels.values_list("label", flat=True)) or _("Discount")
    return _("Discount")


def _vat_category(rate: Decimal, seller: dict) -> dict:
    """S (standard) for a positive rate; at 0 %, E with its reason for an exempt seller, else Z (zero rated)."""
    if rate > 0:
        return {"BT-118": "S", "BT-119": f"{rate:.2f}"}
    if seller.get("vat_exempt"):
        return {"BT-118": "E", "BT-119": "0.00", "BT-120": VAT_EXEMPTION}
    return {"BT-118": "Z", "BT-119": "0.00"}


def _seller_party(seller: dict) -> dict:
    party = {"name": seller["name"], **_address(seller, seller.get("address", "").splitlines())}
    if seller.get("trade_name") and seller["trade_name"] != seller["name"]:
        party["biz_name"] = seller["trade_name"]
    if seller.get("siren"):
        party |= {"legal_identifier": seller["siren"], "legal_identifier_schemeid": SIREN_SCHEME}
    elif seller.get("ninea"):
        party["legal_identifier"] = seller["ninea"]
    if seller.get("siret"):
        party["identifiers"] = {SIRET_SCHEME: seller["siret"]}
    if seller.get("vat_number"):
        party["vat_identifier"] = seller["vat_number"]
    elif seller.get("siren"):
        # EN 16931 (BR-S-02, BR-E-02) wants a VAT number or a tax registration: without a VAT number
        # (a seller under the franchise), the SIREN is the one the French tax administration knows it by.
        party["tax_identifier"] = seller["siren"]
    if legal := " – ".join(part for part in (_legal_status(seller), seller.get("rcs", "")) if part):
        party["legal_info"] = legal
    if seller.get("email"):
        party |= {"einvoicing_addr": seller["email"], "einvoicing_addr_schemeid": EMAIL_SCHEME}
    return party


def _buyer_party(buyer: dict, seller: dict) -> dict:
    party = {"name": buyer.get("company") or buyer.get("name") or _person(buyer) or buyer.get("email", ""),
             **_address(buyer, [buyer.get("line1", ""), buyer.get("line2", "")], default_country=seller["country"])}
    if buyer.get("siren"):
        party |= {"legal_identifier": buyer["siren"], "legal_identifier_schemeid": SIREN_SCHEME}
    if buyer.get("vat_number"):
        party["vat_identifier"] = buyer["vat_number"]
    if buyer.get("email"):
        party |= {"einvoicing_addr": buyer["email"], "einvoicing_addr_schemeid": EMAIL_SCHEME}
    return party


def _delivery_party(delivery: dict | None, seller: dict) -> dict | None:
    if not delivery:
        return None
    return {"name": delivery.get("company") or _person(delivery),
            **_address(delivery, [delivery.get("line1", ""), delivery.get("line2", "")],
                       default_country=seller["country"])}


def _address(snapshot: dict, lines: list[str], default_country: str = "") -> dict:
    """A postal address; its country is required, the seller's when the snapshot has none (a till sale)."""
    lines = [line.strip() for line in lines if line.strip()]
    address = {"addr_l1": lines[0] if lines else "", "addr_l2": lines[1] if len(lines) > 1 else "",
               "addr_l3": ", ".join(lines[2:]), "postcode": snapshot.get("postal_code", ""),
               "city": snapshot.get("city", ""), "country_code": snapshot.get("country") or default_country}
    return {key: value for key, value in address.items() if value}


def _notes(invoice: Invoice) -> list[dict]:
    """Free notes; in France the penalty (PMD) and recovery indemnity (PMT) terms, as on the page."""
    notes = [{"BT-22": text} for text in (invoice.reason, invoice.notes) if text]
    terms = _french_payment_terms(invoice)
    notes += [{"BT-21": code, "BT-22": text} for code, text in terms.items()]
    return notes


def _amount(value: Decimal, currency: str) -> str:
    """An amount with the currency's decimals: ``1234.50`` (EUR), ``12500`` (XOF)."""
    return f"{round_money(value, currency):f}"


def _price(value: Decimal, currency: str) -> str:
    """A unit price with its own precision (up to 4 decimals), never fewer than the currency's."""
    exact = Decimal(value).normalize()
    if exact.as_tuple().exponent > quantum(currency).as_tuple().exponent:
        exact = exact.quantize(quantum(currency))
    return f"{exact:f}"


# Sentences shared by the page and the XML, in the active language.

def _payment_terms(invoice: Invoice) -> str:
    if invoice.is_credit_note:
        return ""
    days = int(invoice.seller.get("payment_terms_days") or 0)
    if not days:
        return _("Payment on receipt")
    return ngettext("Payment within %(days)s day", "Payment within %(days)s days", days) % {"days": days}


def _french_payment_terms(invoice: Invoice) -> dict[str, str]:
    """What French law wants an invoice to say about late payment, by UNTDID 4451 subject code."""
    seller = invoice.seller
    if seller.get("country") != "FR" or invoice.is_credit_note:
        return {}
    terms = {}
    if seller.get("late_penalty_rate"):
        rate = _percent(Decimal(seller["late_penalty_rate"]), invoice.language, decimals=(2, 2))
        terms["PMD"] = _("Late-payment penalties: %(rate)s a year, from the day after the due date") % {"rate": rate}
    if seller.get("recovery_indemnity"):
        amount = format_money(Decimal(seller["recovery_indemnity"]), invoice.currency, invoice.language)
        terms["PMT"] = _("Flat-rate indemnity for recovery costs: %(amount)s") % {"amount": amount}
    return terms


def _legal_status(seller: dict) -> str:
    """``SAS with a share capital of 10 000 €``: the legal form and the share capital."""
    status, capital = seller.get("legal_form", ""), seller.get("share_capital", "")
    if status and capital:
        return _("%(legal_form)s with a share capital of %(capital)s") % {"legal_form": status, "capital": capital}
    return _("Share capital: %(capital)s") % {"capital": capital} if capital else status


def _person(snapshot: dict) -> str:
    return " ".join(part for part in (snapshot.get("first_name", ""), snapshot.get("last_name", "")) if part)


def _percent(value: Decimal, language: str, decimals: tuple[int, int] = (0, 2)) -> str:
    """A rate the locale's way: ``5,5 %`` (French, no-break space), ``5.5%`` (English)."""
    locale = babel_locale(language)
    pattern = copy(Locale.parse(locale).percent_formats[None])
    pattern.frac_prec = decimals
    return format_percent(Decimal(value) / 100, format=pattern, locale=locale)


# The page.

OPERATIONS = {
    "goods": gettext_lazy("Delivery of goods"),
    "services": gettext_lazy("Provision of services"),
    "both": gettext_lazy("Delivery of goods and provision of services"),
}


def _page(invoice: Invoice) -> dict:
    """The template's context: every amount, quantity and rate already written in the document's language."""
    currency, language, seller, buyer = invoice.currency, invoice.language, invoice.seller, invoice.buyer

    def money(amount):
        return format_money(amount, currency, language)

    kind = _("Credit note") if invoice.is_credit_note else _("Invoice")
    if invoice.is_issued:
        title = f"{kind} {invoice.number}"
    else:
        title = _("Credit note (draft)") if invoice.is_credit_note else _("Invoice (draft)")
    lines = [{"description": line.description, "sku": line.sku, "rate": _percent(line.tax_rate, language),
              "quantity": format_decimal(line.quantity.normalize(), locale=babel_locale(language)),
              "unit_price": money(line.unit_price), "discount": money(line.discount) if line.discount else "",
              "net": money(line.net)} for line in invoice.lines.all()]
    vat_rows = [{"rate": _percent(row["rate"], language), "net": money(row["net"]), "tax": money(row["tax"]),
                 "gross": money(row["gross"])} for row in invoice.vat_summary()]
    totals = [(_("Total excl. tax"), money(invoice.total_net), False), (_("VAT"), money(invoice.total_tax), False),
              (_("Total incl. tax"), money(invoice.total), True)]
    if not invoice.is_credit_note:
        if invoice.amount_paid:
            totals.append((_("Amount paid"), money(invoice.amount_paid), False))
        totals.append((_("Amount due"), money(invoice.amount_due), True))
    return {
        "invoice": invoice, "kind": kind, "title": title, "is_draft": not invoice.is_issued,
        "document_title": f"{seller.get('trade_name') or seller.get('name', '')} – {title}",
        "factur_x": invoice.is_issued and seller.get("country") == "FR",
        "seller": seller, "seller_status": _legal_status(seller), "seller_ids": _seller_ids(seller),
        "seller_country": str(countries.name(seller.get("country", ""))),
        "buyer": buyer, "buyer_person": _person(buyer), "buyer_country": _country(buyer, seller),
        "buyer_ids": _identifiers(buyer, [("siren", _("SIREN: %(number)s")),
                                          ("vat_number", _("VAT number: %(number)s"))]),
        "delivery": invoice.delivery, "delivery_person": _person(invoice.delivery or {}),
        "delivery_country": _country(invoice.delivery or {}, seller),
        "order_number": invoice.order.number if invoice.order_id else "",
        "credited": invoice.credited_invoice if invoice.is_credit_note else None,
        "lines": lines, "has_sku": any(line["sku"] for line in lines), "vat_rows": vat_rows, "totals": totals,
        "mentions": _mentions(invoice), "logo": _logo(seller.get("logo", "")),
    }


def _seller_ids(seller: dict) -> list[str]:
    return _identifiers(seller, [
        ("siren", _("SIREN: %(number)s")), ("siret", _("SIRET: %(number)s")), ("rcs", "%(number)s"),
        ("vat_number", _("VAT number: %(number)s")), ("ninea", _("NINEA: %(number)s")), ("rccm", _("RCCM: %(number)s")),
    ])


def _identifiers(snapshot: dict, labels: list[tuple[str, str]]) -> list[str]:
    return [label % {"number": snapshot[key]} for key, label in labels if snapshot.get(key)]


def _country(address: dict, seller: dict) -> str:
    """The country's name, written only for an address abroad."""
    code = address.get("country", "")
    return str(countries.name(code)) if code and code != seller.get("country") else ""


def _mentions(invoice: Invoice) -> list[str]:
    seller = invoice.seller
    mentions = [text for text in [_payment_terms(invoice), *_french_payment_terms(invoice).values()] if text]
    if seller.get("vat_exempt"):
        mentions.append(VAT_EXEMPTION)
    if operation := OPERATIONS.get(seller.get("operation", "")):
        mentions.append(_("Category of operation: %(operation)s") % {"operation": operation})
    return mentions


def _logo(name: str) -> str:
    """The store's logo as a data URI, read from the storage; a missing file leaves the page without it."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as file:
            content = file.read()
    except OSError:
        logger.warning("The logo %s is missing from the storage: the document is made without it.", name)
        return ""
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{mimetype};base64,{base64.b64encode(content).decode()}"

