"""Sales documents: invoices and credit notes (one table, `kind`), their lines, payments and events,
and the store's legal profile they are issued under.

An invoice is a draft until it is issued: issuing freezes the seller's and the buyer's details,
takes a gap-free number, and stores the PDF once. From then on its content never changes (the
model, the services and a PostgreSQL trigger refuse it); only what is paid on it moves, and a
correction is a credit note (`kind=credit_note`) that refers to the invoice it corrects.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ashopy.orders.models import Order
from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal(0)


def validate_number_format(value: str) -> None:
    """A numbering format uses {year} and {number}, e.g. ``FAC-{year}-{number:06d}``."""
    try:
        sample = value.format(year=2026, number=1)
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(_("Use {year} and {number}, e.g. FAC-{year}-{number:06d}.")) from error
    if "{number" not in value or sample == value.format(year=2026, number=2) or len(sample) > 30:
        raise ValidationError(_("Use {year} and {number}, e.g. FAC-{year}-{number:06d}."))


def _store_folder(kind: str, store_id: int, filename: str) -> str:
    """``<kind>/<store id>/<year>/<file>``: two stores' documents (both may print FAC-2026-000026) never
    share a file name."""
    return f"{kind}/{store_id}/{timezone.now():%Y}/{filename}"


def invoice_pdf_path(invoice, filename: str) -> str:
    return _store_folder("invoices", invoice.store_id, filename)


def quote_pdf_path(quote, filename: str) -> str:
    return _store_folder("quotes", quote.store_id, filename)


def accepted_quote_pdf_path(acceptance, filename: str) -> str:
    return _store_folder("quotes/accepted", acceptance.quote.store_id, filename)


class SellerProfile(models.Model):
    """What a store's documents must say about the seller, and how it numbers and dates them."""

    class Operation(models.TextChoices):
        GOODS = "goods", _("Sale of goods")
        SERVICES = "services", _("Services")
        BOTH = "both", _("Goods and services")

    store = models.OneToOneField(Store, verbose_name=_("store"), on_delete=models.CASCADE,
                                 related_name="seller_profile")
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True, help_text=_("e.g. SAS, SARL, SUARL"))
    share_capital = models.CharField(_("share capital"), max_length=40, blank=True, help_text=_("e.g. 10 000 €"))
    siren = models.CharField(_("SIREN"), max_length=11, blank=True)
    siret = models.CharField(_("SIRET"), max_length=17, blank=True)
    rcs = models.CharField(_("RCS"), max_length=80, blank=True, help_text=_("e.g. RCS Paris 732 829 320"))
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    ninea = models.CharField(_("NINEA"), max_length=20, blank=True)
    rccm = models.CharField(_("RCCM"), max_length=40, blank=True, help_text=_("e.g. SN-DKR-2020-B-12345"))
    vat_exempt = models.BooleanField(
        _("VAT exempt (franchise)"), default=False,
        help_text=_("French micro-enterprises: invoices say “TVA non applicable, art. 293 B du CGI”."))
    operation = models.CharField(_("category of operation"), max_length=10, choices=Operation.choices,
                                 default=Operation.GOODS)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    late_penalty_rate = models.DecimalField(
        _("late-payment penalty rate (%)"), max_digits=5, decimal_places=2, default=Decimal("10.00"),
        help_text=_("At least three times the legal interest rate in France."))
    invoice_format = models.CharField(_("invoice numbers"), max_length=40, default="FAC-{year}-{number:06d}",
                                      validators=[validate_number_format])
    credit_note_format = models.CharField(_("credit note numbers"), max_length=40, default="AV-{year}-{number:06d}",
                                          validators=[validate_number_format])
    quote_format = models.CharField(_("quote numbers"), max_length=40, default="DEV-{year}-{number:06d}",
                                    validators=[validate_number_format])
    quote_validity_days = models.PositiveSmallIntegerField(
        _("quotes valid for (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)])
    quote_payment_days = models.PositiveSmallIntegerField(
        _("accepted quotes to be paid within (days)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("An accepted quote whose order has received no payment by then is cancelled: "
                    "its units go back on sale."))

    class Meta:
        verbose_name = _("legal profile")
        verbose_name_plural = _("legal profiles")

    def __str__(self):
        return str(self.store)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    class Payment(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PARTIAL = "partial", _("Partly paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    number = models.CharField(_("number"), max_length=30, blank=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="invoices")
    credited_invoice = models.ForeignKey("self", verbose_name=_("corrected invoice"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="credit_notes")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="invoices")
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=8, default="fr")
    seller = models.JSONField(_("seller"), default=dict, blank=True)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True)
    delivery = models.JSONField(_("delivery address"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    sale_date = models.DateField(_("sale date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    total_net = models.DecimalField(_("total excl. tax"), **AMOUNT, default=ZERO)
    total_tax = models.DecimalField(_("VAT"), **AMOUNT, default=ZERO)
    total = models.DecimalField(_("total incl. tax"), **AMOUNT, default=ZERO)
    amount_paid = models.DecimalField(_("amount paid"), **AMOUNT, default=ZERO)
    payment_state = models.CharField(_("payment"), max_length=10, choices=Payment.choices, default=Payment.UNPAID)
    pdf = models.FileField(_("PDF"), upload_to=invoice_pdf_path, blank=True)
    pdf_sha256 = models.CharField(_("PDF fingerprint (SHA-256)"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], condition=~Q(number=""),
                                    name="invoice_number_per_store"),
            # One invoice per order, whatever delivers `order_paid` and however often.
            models.UniqueConstraint(fields=["order"], condition=Q(kind="invoice"), name="one_invoice_per_order"),
            models.CheckConstraint(condition=Q(total=Round(models.F("total_net") + models.F("total_tax"), 2)),
                                   name="invoice_total_is_net_plus_tax"),
            models.CheckConstraint(condition=Q(total__gte=0, amount_paid__gte=0), name="invoice_amounts_not_negative"),
            models.CheckConstraint(condition=Q(state="draft") | ~Q(number=""), name="issued_invoice_has_number"),
            models.CheckConstraint(condition=Q(kind="invoice") | Q(credited_invoice__isnull=False),
                                   name="credit_note_corrects_an_invoice"),
        ]
        indexes = [models.Index(fields=["store", "kind", "-issue_date"], name="invoice_listing_idx"),
                   models.Index(fields=["payment_state", "due_date"], name="invoice_due_idx")]

    def __str__(self):
        return self.number or str(_("Draft invoice"))

    def save(self, *args, **kwargs):
        if self.pk and Invoice.objects.filter(pk=self.pk, state=self.State.ISSUED).exists():
            raise IssuedInvoiceError(self)  # what is paid moves through sales.services, never through save()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state == self.State.ISSUED:
            raise IssuedInvoiceError(self)
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def amount_due(self) -> Decimal:
        return max(self.total - self.amount_paid, ZERO)

    def recomputed_totals(self) -> dict[str, Decimal]:
        """The totals from the stored lines: equal to the stored ones, always."""
        lines = list(self.lines.all())
        net = sum((line.net for line in lines), ZERO)
        tax = sum((line.tax for line in lines), ZERO)
        return {"total_net": net, "total_tax": tax, "total": net + tax}

    def vat_summary(self) -> list[dict]:
        """Per VAT rate, highest first: the taxable base, the VAT and the total, from the lines."""
        rates: dict[Decimal, dict] = {}
        for line in self.lines.all():
            row = rates.setdefault(line.tax_rate, {"rate": line.tax_rate, "net": ZERO, "tax": ZERO, "gross": ZERO})
            row["net"] += line.net
            row["tax"] += line.tax
            row["gross"] += line.net + line.tax
        return sorted(rates.values(), key=lambda row: row["rate"], reverse=True)

    # Called by sales.services only, with the row locked.
    @transition(field=state, source=State.DRAFT, target=State.ISSUED)
    def issue(self):
        """Numbered, frozen and stored as a PDF."""


class IssuedInvoiceError(Exception):
    """An issued invoice is never edited or deleted: correct it with a credit note."""

    def __init__(self, invoice):
        super().__init__(f"{invoice.number or invoice.pk} is issued: it can no longer change")


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    credited_line = models.ForeignKey("self", verbose_name=_("credited line"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="credits")
    description = models.CharField(_("description"), max_length=255)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price excl. tax"), max_digits=18, decimal_places=4)
    discount = models.DecimalField(_("discount excl. tax"), **AMOUNT, default=ZERO)
    tax_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("excl. tax"), **AMOUNT)
    tax = models.DecimalField(_("VAT"), **AMOUNT)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"),
            models.CheckConstraint(condition=Q(net__gte=0, tax__gte=0, discount__gte=0, tax_rate__gte=0),
                                   name="invoice_line_amounts_not_negative"),
        ]

    def __str__(self):
        return self.description

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


class InvoicePayment(models.Model):
    """Money received against an invoice (partial payments add up); append-only."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=80)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice payment")
        verbose_name_plural = _("invoice payments")
        ordering = ["received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_payment_positive")]

    def __str__(self):
        return f"{self.invoice} {self.amount}"


class InvoiceEvent(models.Model):
    """What happened to an invoice: created, issued, paid, sent, reminded, credited."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="events")
    code = models.CharField(_("event"), max_length=30)
    data = models.JSONField(_("details"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.invoice} {self.code}"


# The quotes live in their own module; imported here so that Django finds their models.
from .credit_models import StoreCredit, StoreCreditUse  # noqa: E402  (store credit: its own module)
from .quote_models import Quote, QuoteAcceptance, QuoteEvent, QuoteLine  # noqa: E402

__all__ = ["Invoice", "InvoiceEvent", "InvoiceLine", "InvoicePayment", "Quote", "QuoteAcceptance", "QuoteEvent",
           "QuoteLine", "SellerProfile", "StoreCredit", "StoreCreditUse"]
