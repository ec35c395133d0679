"""Quotes (devis): a priced offer a store sends a customer or a prospect, which they may accept online.

A quote is a draft while staff write it: it has no number yet. Sending it freezes the seller's and
the buyer's details, takes the next number of the store's gap-free series for the year and stores
the PDF once; from then on its lines never change. The customer accepts it (`QuoteAcceptance`: the
name typed, the time, the address, the options ticked and the SHA-256 of the document as accepted),
which converts it into an order at the quoted prices; or refuses it; or it expires. Staff may
withdraw a draft or a sent quote. Every transition writes a `QuoteEvent`.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from ashopy.catalog.models import Variant
from ashopy.orders.models import Order
from ashopy.stores.models import Store, StoreOwnedQuerySet

from .storage import accepted_quote_pdf_path, quote_pdf_path

AMOUNT = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal(0)


def new_token() -> str:
    """The secret of the customer's link: 32 random bytes, nothing to do with the number."""
    return secrets.token_urlsafe(32)


class Quote(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("quote", "Draft")
        SENT = "sent", pgettext_lazy("quote", "Sent")
        ACCEPTED = "accepted", pgettext_lazy("quote", "Accepted")
        REFUSED = "refused", pgettext_lazy("quote", "Refused")
        EXPIRED = "expired", pgettext_lazy("quote", "Expired")
        CONVERTED = "converted", pgettext_lazy("quote", "Converted into an order")
        WITHDRAWN = "withdrawn", pgettext_lazy("quote", "Withdrawn")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="quotes")
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    # Taken when the quote is sent: a draft (and a draft withdrawn before it was ever sent) has none.
    number = models.CharField(_("number"), max_length=30, null=True, blank=True)
    token = models.CharField(_("link key"), max_length=64, unique=True, default=new_token, editable=False)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="quotes")
    prospect_name = models.CharField(_("prospect's name"), max_length=150, blank=True)
    prospect_company = models.CharField(_("prospect's company"), max_length=150, blank=True)
    prospect_email = models.EmailField(_("prospect's e-mail"), blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=8, default="fr")
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True)
    terms = models.TextField(_("terms"), blank=True)
    request_note = models.TextField(_("customer's request"), blank=True)
    deposit_percent = models.DecimalField(_("deposit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    deposit_amount = models.DecimalField(_("deposit (amount)"), **AMOUNT, null=True, blank=True)
    total_net = models.DecimalField(_("total excl. tax"), **AMOUNT, default=ZERO)
    total_tax = models.DecimalField(_("VAT"), **AMOUNT, default=ZERO)
    total = models.DecimalField(_("total incl. tax"), **AMOUNT, default=ZERO)
    seller = models.JSONField(_("seller"), default=dict, blank=True)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=quote_pdf_path, blank=True)
    pdf_sha256 = models.CharField(_("PDF fingerprint (SHA-256)"), max_length=64, blank=True)
    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="quote")
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = StoreOwnedQuerySet.as_manager()

    UNSENT = (State.DRAFT, State.WITHDRAWN)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="quote_number_per_store"),
            # Sent ⇔ numbered; only a draft, or a draft withdrawn before it was ever sent, has no number.
            models.CheckConstraint(
                condition=Q(number__isnull=False, sent_at__isnull=False)
                | Q(number__isnull=True, sent_at__isnull=True, state__in=["draft", "withdrawn"]),
                name="sent_quote_has_number"),
            models.CheckConstraint(condition=Q(customer__isnull=False) | ~Q(prospect_email=""),
                                   name="quote_has_a_recipient"),
            models.CheckConstraint(condition=Q(total=Round(models.F("total_net") + models.F("total_tax"), 2)),
                                   name="quote_total_is_net_plus_tax"),
            models.CheckConstraint(condition=Q(total_net__gte=0, total_tax__gte=0), name="quote_totals_not_negative"),
            models.CheckConstraint(
                condition=Q(deposit_percent__isnull=True) | Q(deposit_amount__isnull=True),
                name="quote_deposit_percent_or_amount"),
            models.CheckConstraint(
                condition=Q(deposit_percent__isnull=True) | Q(deposit_percent__gt=0, deposit_percent__lte=100),
                name="quote_deposit_percent_range"),
            models.CheckConstraint(condition=Q(deposit_amount__isnull=True) | Q(deposit_amount__gt=0),
                                   name="quote_deposit_amount_positive"),
            models.CheckConstraint(condition=Q(order__isnull=True) | Q(state="converted"),
                                   name="quote_order_once_converted"),
        ]
        indexes = [models.Index(fields=["store", "state", "-created_at"], name="quote_listing_idx"),
                   models.Index(fields=["state", "valid_until"], name="quote_expiry_idx")]

    def __str__(self):
        return self.number or str(_("Draft quote"))

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def recipient_email(self) -> str:
        return self.customer.email if self.customer_id else self.prospect_email

    @property
    def recipient_name(self) -> str:
        if self.customer_id:
            return self.customer.get_full_name() or self.customer.email
        return self.prospect_name or self.prospect_company or self.prospect_email

    def recomputed_totals(self) -> dict[str, Decimal]:
        """The totals of the lines that count (every line but an optional one not chosen)."""
        lines = [line for line in self.lines.all() if line.chosen]
        net = sum((line.net for line in lines), ZERO)
        tax = sum((line.tax for line in lines), ZERO)
        return {"total_net": net, "total_tax": tax, "total": net + tax}

    # Transitions: called by sales.quote_services and sales.quote_acceptance only, with the row locked.
    @transition(field=state, source=State.DRAFT, target=State.SENT)
    def send(self):
        """Numbered, frozen, its PDF stored and e-mailed."""

    @transition(field=state, source=State.SENT, target=State.ACCEPTED)
    def accept(self):
        """The customer signed it online."""

    @transition(field=state, source=State.ACCEPTED, target=State.CONVERTED)
    def convert(self):
        """Its order was placed at the quoted prices."""

    @transition(field=state, source=State.SENT, target=State.REFUSED)
    def refuse(self):
        """The customer declined it."""

    @transition(field=state, source=State.SENT, target=State.EXPIRED)
    def expire(self):
        """Its validity date passed before an answer."""

    @transition(field=state, source=[State.DRAFT, State.SENT], target=State.WITHDRAWN)
    def withdraw(self):
        """The store took it back."""


class QuoteLine(models.Model):
    """A catalogue variant or a free line, excl. tax; an optional line counts only when chosen."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    product_id = models.PositiveIntegerField(_("product ID"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=255)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price excl. tax"), **AMOUNT)
    # What the purchase policy asked of this customer when the line was written (catalogue lines).
    policy_price = models.DecimalField(_("catalogue price excl. tax"), **AMOUNT, null=True, blank=True)
    price_reason = models.CharField(_("reason for the price"), max_length=255, blank=True)
    tax_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("excl. tax"), **AMOUNT)
    tax = models.DecimalField(_("VAT"), **AMOUNT)
    optional = models.BooleanField(_("optional"), default=False)
    chosen = models.BooleanField(_("chosen"), default=True)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0, net__gte=0, tax__gte=0, tax_rate__gte=0,
                                               tax_rate__lte=100),
                                   name="quote_line_amounts_not_negative"),
            models.CheckConstraint(condition=Q(optional=True) | Q(chosen=True), name="quote_line_required_is_chosen"),
            # A price other than the policy's says why.
            models.CheckConstraint(condition=Q(policy_price__isnull=True) | Q(unit_price=models.F("policy_price"))
                                   | ~Q(price_reason=""), name="quote_line_price_change_has_reason"),
        ]

    def __str__(self):
        return self.description

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


class QuoteAcceptance(models.Model):
    """The customer's online signature: who typed which name, when, from where, on which document."""

    quote = models.OneToOneField(Quote, verbose_name=_("quote"), on_delete=models.PROTECT, related_name="acceptance")
    name = models.CharField(_("name typed"), max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed in as"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    options = models.JSONField(_("options chosen"), default=list, blank=True)
    pdf = models.FileField(_("PDF as accepted"), upload_to=accepted_quote_pdf_path)
    pdf_sha256 = models.CharField(_("PDF fingerprint (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("quote acceptance")
        verbose_name_plural = _("quote acceptances")

    def __str__(self):
        return f"{self.quote} — {self.name}"


class QuoteEvent(models.Model):
    """What happened to a quote: created, edited, sent, accepted, refused, expired, converted, withdrawn."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="events")
    code = models.CharField(_("event"), max_length=30)
    from_state = models.CharField(_("previous state"), max_length=20, blank=True)
    to_state = models.CharField(_("new state"), max_length=20, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quote event")
        verbose_name_plural = _("quote events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.quote} {self.code}"
