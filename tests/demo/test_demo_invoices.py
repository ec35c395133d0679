"""The demo's sales documents: issued invoices and a partial credit note in both stores, through the sales
services; totals that reconcile with their lines, the orders and the payments; the PDFs as stored (Factur-X
in Paris); quotes in every state the demo shows (a draft, a sent one with an option, one accepted and
converted with its deposit paid); and a `load_demo --reset` that keeps them (an issued invoice is never
deleted) without issuing anything twice."""

import hashlib
import io

import facturx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from stdnum.fr import siren, siret, tva
from stdnum.sn import ninea

from ashopy.inventory.models import StockMovement
from ashopy.orders.models import Order
from ashopy.sales import quote_selectors
from ashopy.sales.legal import missing_mentions
from ashopy.sales.models import Invoice, InvoiceLine, InvoicePayment, SellerProfile
from ashopy.sales.quote_models import Quote
from ashopy.sales.services import remaining_to_credit
from ashopy.stores.models import Store

# What `make demo` offers (settings._DEMO_PAYMENTS with the sandbox), the wallets left out.
DEMO_PAYMENTS = {
    "dakar": {"sandbox": {}, "cash_on_delivery": {}, "bank_transfer": {
        "holder": "ashopy Sénégal SARL", "bank": "Banque de démonstration", "rib": "SN012 01001 012345678901 23",
        "bic": "DEMOSNDA"}},
    "paris": {"sandbox": {}, "cash_on_delivery": {}, "bank_transfer": {
        "holder": "ashopy France SAS", "bank": "Banque de démonstration", "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "DEMOFRPP"}},
}


@pytest.fixture
def demo(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    settings.PAYMENT_PROVIDERS = DEMO_PAYMENTS
    _load()
    return {store.slug: store for store in Store.objects.filter(slug__in=["dakar", "paris"])}


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", products=14, stdout=out, **options)
    return out.getvalue()


def _documents() -> dict:
    """Everything load_demo must never duplicate nor lose, as comparable values."""
    return {
        "invoices": sorted(Invoice.objects.values_list("store__slug", "kind", "number", "total", "amount_paid",
                                                       "pdf_sha256")),
        "lines": InvoiceLine.objects.count(),
        "payments": sorted(InvoicePayment.objects.values_list("invoice__number", "amount")),
        "orders": sorted(Order.objects.values_list("store__slug", "number", "state", "total")),
        "quotes": sorted(Quote.objects.values_list("store__slug", "state", "number", "total", "pdf_sha256")),
    }


def test_both_stores_have_their_invoices_and_a_credit_note(demo):
    """One demo load (PDFs included, it takes a while) checked from every side."""
    _issued_with_a_partial_credit_note(demo)
    _totals_reconcile_with_lines_orders_and_payments(demo)
    _pdfs_stored_and_a_french_one_carries_factur_x(demo)
    _legal_profiles_valid_and_aligned_with_the_stores(demo)
    _quotes_in_every_state(demo)


def _issued_with_a_partial_credit_note(demo):
    for slug, store in demo.items():
        documents = Invoice.objects.filter(store=store)
        assert not documents.exclude(state=Invoice.State.ISSUED).exists(), "no draft is left behind"
        invoices = documents.filter(kind=Invoice.Kind.INVOICE)
        assert invoices.count() >= 3, slug
        # Every paid or delivered demo order has its invoice, and only those.
        billable = Order.objects.filter(store=store, paid_at__isnull=False) | Order.objects.filter(
            store=store, state=Order.State.DELIVERED)
        assert set(invoices.values_list("order_id", flat=True)) == set(billable.values_list("id", flat=True))
        note = documents.get(kind=Invoice.Kind.CREDIT_NOTE)
        assert note.reason and note.number.startswith("AV-") and note.credited_invoice.store == store
        assert 0 < note.total < note.credited_invoice.total, "a partial credit note"
        assert remaining_to_credit(note.credited_invoice) == note.credited_invoice.total - note.total
        for document in documents:
            assert missing_mentions(seller=document.seller, buyer=document.buyer, lines=document.lines.count()) == []
    dakar_note = Invoice.objects.get(store=demo["dakar"], kind=Invoice.Kind.CREDIT_NOTE)
    restocked = StockMovement.objects.get(store=demo["dakar"], reference=f"credit_note:{dakar_note.pk}")
    assert (restocked.reason, restocked.quantity, restocked.warehouse.code) == ("return", 1, "entrepot")
    assert dakar_note.payment_state == Invoice.Payment.PAID, "refunded through the sandbox"
    paris_note = Invoice.objects.get(store=demo["paris"], kind=Invoice.Kind.CREDIT_NOTE)
    assert paris_note.payment_state == Invoice.Payment.UNPAID and paris_note.amount_due == paris_note.total
    cash = Invoice.objects.get(store=demo["dakar"], order__payment_method="cash_on_delivery")
    assert cash.order.state == Order.State.DELIVERED
    assert cash.payment_state == Invoice.Payment.PARTIAL and 0 < cash.amount_paid < cash.total


def _totals_reconcile_with_lines_orders_and_payments(demo):
    for document in Invoice.objects.prefetch_related("lines", "payments"):
        recomputed = document.recomputed_totals()
        assert (document.total_net, document.total_tax, document.total) == (
            recomputed["total_net"], recomputed["total_tax"], recomputed["total"]), document.number
        assert sum(row["gross"] for row in document.vat_summary()) == document.total
        if document.kind == Invoice.Kind.INVOICE:
            assert document.total == document.order.total, document.number
        paid_before = document.order.total if document.order.paid_at and not document.is_credit_note else 0
        assert document.amount_paid == paid_before + sum(payment.amount for payment in document.payments.all())
    for document in Invoice.objects.filter(store=demo["dakar"]).prefetch_related("lines"):
        amounts = [document.total, *(line.net + line.tax for line in document.lines.all())]
        assert all(amount == amount.to_integral_value() for amount in amounts), "francs CFA have no decimals"


def _pdfs_stored_and_a_french_one_carries_factur_x(demo):
    for document in Invoice.objects.all():
        assert document.pdf and default_storage.exists(document.pdf.name), document.number
        with default_storage.open(document.pdf.name, "rb") as stored:
            content = stored.read()
        assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == document.pdf_sha256
    paris = Invoice.objects.filter(store=demo["paris"]).order_by("id")
    for document in (paris.filter(kind=Invoice.Kind.INVOICE).first(), paris.get(kind=Invoice.Kind.CREDIT_NOTE)):
        with default_storage.open(document.pdf.name, "rb") as stored:
            filename, xml = facturx.get_xml_from_pdf(stored.read(), check_xsd=True)
        assert filename == "factur-x.xml" and document.number.encode() in xml and b"852369743" in xml
        assert (b"<ram:TypeCode>381</ram:TypeCode>" in xml) == document.is_credit_note
    dakar_invoice = Invoice.objects.filter(store=demo["dakar"]).first()
    with default_storage.open(dakar_invoice.pdf.name, "rb") as stored:
        assert facturx.get_xml_from_pdf(stored.read(), check_xsd=False) == (False, False)


def _legal_profiles_valid_and_aligned_with_the_stores(demo):
    paris = SellerProfile.objects.get(store=demo["paris"])
    assert (paris.legal_form, paris.share_capital) == ("SAS", "50\u00a0000\u00a0€")
    assert siren.is_valid(paris.siren) and siret.is_valid(paris.siret) and tva.is_valid(paris.vat_number)
    assert paris.siret.startswith(paris.siren) and paris.vat_number.endswith(paris.siren)
    assert demo["paris"].tax_id.replace(" ", "") == f"SIRET{paris.siret}"
    dakar = SellerProfile.objects.get(store=demo["dakar"])
    assert (dakar.legal_form, dakar.payment_terms_days, dakar.rccm) == ("SARL", 15, "SN-DKR-2019-B-12345")
    assert ninea.is_valid(dakar.ninea) and demo["dakar"].tax_id == f"NINEA {dakar.ninea}"
    unpaid = Invoice.objects.get(store=demo["dakar"], order__payment_method="cash_on_delivery")
    assert (unpaid.due_date - unpaid.issue_date).days == 15


def _quotes_in_every_state(demo):
    for slug, store in demo.items():
        quotes = {quote.state: quote for quote in Quote.objects.filter(store=store).prefetch_related("lines")}
        assert set(quotes) == {"draft", "sent", "converted"}, slug
        assert not quotes["draft"].number, "a draft is numbered when it is sent"
        sent = quotes["sent"]
        assert sent.number.startswith("DEV-") and sent.pdf and default_storage.exists(sent.pdf.name)
        assert [(line.optional, line.chosen) for line in sent.lines.all()] == [(False, True), (True, False)]
        converted = quotes["converted"]
        assert converted.acceptance.name and converted.acceptance.pdf_sha256
        assert all(line.chosen for line in converted.lines.all()), "the customer ticked the option"
        order = converted.order
        assert order.total == converted.total and order.state == Order.State.AWAITING_PAYMENT
        deposit = quote_selectors.deposit_on(converted, order.total)
        assert 0 < deposit < order.total and quote_selectors.amount_paid(order) == deposit, "deposit paid"
        assert order.payments.get().provider == "sandbox"


def test_reset_keeps_the_documents_and_issues_nothing_twice(demo):
    before = _documents()
    assert "kept as it is" in _load(), "a second load_demo keeps the database"
    assert _documents() == before
    _load(reset=True)  # on PostgreSQL a trigger would refuse deleting an issued invoice: none is attempted
    assert _documents() == before
    out = io.StringIO()
    call_command("check_stock", stdout=out)
    assert "agree" in out.getvalue()
