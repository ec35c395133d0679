"""The point of sale: tills, their sessions and cash movements, tickets (sales and refunds) with
their lines and payments, duplicates, closures, and the signed chain that makes them tamper-evident.

Tickets, their lines and payments, duplicates, closures, cash movements and chain records are
append-only: the models refuse to save an existing row or delete one, and on PostgreSQL and
SQLite a trigger refuses UPDATE and DELETE (migration 0002). A correction is a refund ticket
(negative amounts) that refers to the ticket it corrects.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ashopy.catalog.models import Variant
from ashopy.inventory.models import Warehouse
from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal(0)


class AppendOnlyError(Exception):
    """A POS record is never changed or deleted once written."""


class AppendOnly(models.Model):
    """Rows written once: `save()` on an existing row and `delete()` are refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    WAVE = "wave", _("Wave")
    ORANGE_MONEY = "orange_money", _("Orange Money")
    STORE_CREDIT = "store_credit", _("Store credit")


def ticket_reference(till_code: str, number: int) -> str:
    """The number printed on a receipt: the till's code and the ticket's number, « C1-000042 »."""
    return f"{till_code.upper()}-{number:06d}"


class Till(models.Model):
    """A cash register (caisse) of a store; its sales leave stock from its shop warehouse."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="tills")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="tills")
    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=20)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The chain's head (its length and last hash), read with the till's lock: a value read by the
    # locking statement itself is the row's latest, where a subquery would see the statement's snapshot.
    chain_length = models.PositiveIntegerField(_("chain records"), default=0, editable=False)
    chain_head = models.CharField(_("last record's hash"), max_length=64, blank=True, editable=False)
    # The last ticket number, kept on the row that every sale locks and updates anyway: gap-free by
    # construction (it rolls back with the sale) and one statement fewer than a separate counter.
    last_ticket_number = models.PositiveIntegerField(_("last ticket number"), default=0, editable=False)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("till")
        verbose_name_plural = _("tills")
        ordering = ["store", "code"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="till_code_unique_per_store")]

    def __str__(self):
        return self.name


class TillSession(models.Model):
    """A cashier's shift at a till, from the opening float to the blind count at closing."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    till = models.ForeignKey(Till, verbose_name=_("till"), on_delete=models.PROTECT, related_name="sessions")
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cashier"), on_delete=models.PROTECT,
                                related_name="till_sessions")
    opened_at = models.DateTimeField(_("opened at"))
    opening_float = models.JSONField(_("opening float (count per denomination)"), default=dict)
    opening_total = models.DecimalField(_("opening float"), **AMOUNT)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    counted = models.JSONField(_("counted at closing (per payment method)"), default=dict, blank=True)
    expected = models.JSONField(_("expected at closing (per payment method)"), default=dict, blank=True)
    differences = models.JSONField(_("differences (per payment method)"), default=dict, blank=True)
    note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("till session")
        verbose_name_plural = _("till sessions")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["till"], condition=Q(state="open"), name="one_open_session_per_till"),
            models.CheckConstraint(condition=Q(state="open") | Q(closed_at__isnull=False),
                                   name="closed_session_has_closing_time"),
        ]

    def __str__(self):
        return f"{self.till} — {self.opened_at:%Y-%m-%d %H:%M}"


class CashMovement(AppendOnly):
    """Cash put into or taken out of the drawer during a session, with the reason."""

    class Direction(models.TextChoices):
        IN = "in", _("Cash in")
        OUT = "out", _("Cash out")

    session = models.ForeignKey(TillSession, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="cash_movements")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    reason = models.CharField(_("reason"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cash movement")
        verbose_name_plural = _("cash movements")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="cash_movement_amount_positive")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount}"


class Ticket(AppendOnly):
    """A sale or a refund at a till: numbered without gaps per till; a refund carries negative amounts."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="tickets")
    till = models.ForeignKey(Till, verbose_name=_("till"), on_delete=models.PROTECT, related_name="tickets")
    session = models.ForeignKey(TillSession, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="tickets")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SALE)
    refunds = models.ForeignKey("self", verbose_name=_("refunded ticket"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="refund_tickets")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="pos_tickets")
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cashier"), on_delete=models.PROTECT,
                                related_name="+")
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    discount_reason = models.CharField(_("ticket discount reason"), max_length=200, blank=True)
    promo_code = models.CharField(_("promo code"), max_length=40, blank=True, default="", db_default="",
                                  help_text=_("The code the sale used; its use is counted in promotions."))
    total_discount = models.DecimalField(_("discounts"), **AMOUNT, default=ZERO)
    total_net = models.DecimalField(_("total excl. tax"), **AMOUNT)
    total_tax = models.DecimalField(_("VAT"), **AMOUNT)
    total = models.DecimalField(_("total incl. tax"), **AMOUNT)
    vat = models.JSONField(_("VAT per rate"), default=dict)
    created_at = models.DateTimeField(_("date and time"))
    # A sale made while the till was offline keeps the server's time and number (`created_at`, the chain's
    # order) and, here, the moment the cashier made it at the till, to the second.
    made_offline_at = models.DateTimeField(_("made offline at"), null=True, blank=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["till", "number"], name="ticket_number_per_till"),
            models.UniqueConstraint(fields=["store", "idempotency_key"], name="ticket_idempotency_key_per_store"),
            models.CheckConstraint(condition=Q(total=models.F("total_net") + models.F("total_tax")),
                                   name="ticket_total_is_net_plus_tax"),
            models.CheckConstraint(condition=(Q(kind="sale", total__gte=0, refunds__isnull=True)
                                              | Q(kind="refund", total__lte=0, refunds__isnull=False)),
                                   name="ticket_sign_follows_kind"),
        ]
        indexes = [models.Index(fields=["till", "created_at"], name="ticket_till_time_idx")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return ticket_reference(self.till.code, self.number)


class TicketLine(AppendOnly):
    """A priced snapshot of what was sold (or refunded: negative quantity and amounts)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+")
    refunded_line = models.ForeignKey("self", verbose_name=_("refunded line"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="refunds")
    label = models.CharField(_("label"), max_length=255)
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    discount = models.DecimalField(_("line discount"), **AMOUNT, default=ZERO)
    discount_reason = models.CharField(_("discount reason"), max_length=200, blank=True)
    ticket_discount = models.DecimalField(_("share of the ticket discount"), **AMOUNT, default=ZERO)
    code_discount = models.DecimalField(_("share of the promo code's discount"), **AMOUNT, default=ZERO,
                                        db_default=ZERO)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("excl. tax"), **AMOUNT)
    tax = models.DecimalField(_("VAT"), **AMOUNT)
    gross = models.DecimalField(_("incl. tax"), **AMOUNT)

    class Meta:
        verbose_name = _("ticket line")
        verbose_name_plural = _("ticket lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="ticket_line_quantity_not_zero"),
            models.CheckConstraint(condition=Q(gross=models.F("net") + models.F("tax")),
                                   name="ticket_line_gross_is_net_plus_tax"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.label}"


class TicketPayment(AppendOnly):
    """What paid a ticket (or what was paid back: negative). Cash keeps what was tendered and the change."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    tendered = models.DecimalField(_("tendered"), **AMOUNT, default=ZERO)
    change_given = models.DecimalField(_("change given"), **AMOUNT, default=ZERO)

    class Meta:
        verbose_name = _("ticket payment")
        verbose_name_plural = _("ticket payments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(change_given__gte=0), name="ticket_payment_change_not_negative"),
            models.CheckConstraint(condition=Q(change_given=0) | Q(method="cash"), name="change_is_given_in_cash"),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount}"


class Duplicate(AppendOnly):
    """A reprint of a ticket: "DUPLICATA n°…", numbered per ticket."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="duplicates")
    number = models.PositiveIntegerField(_("duplicate number"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(_("printed at"))

    class Meta:
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")
        constraints = [models.UniqueConstraint(fields=["ticket", "number"], name="duplicate_number_per_ticket")]

    def __str__(self):
        return f"DUPLICATA n°{self.number}"


class Closure(AppendOnly):
    """A till's daily, monthly or yearly closure: totals per VAT rate over a calendar period in the
    store's time zone, the year's cumulative and the perpetual grand totals."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily")
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    till = models.ForeignKey(Till, verbose_name=_("till"), on_delete=models.PROTECT, related_name="closures")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    tickets = models.PositiveIntegerField(_("tickets"))
    vat = models.JSONField(_("totals per VAT rate"), default=dict)
    total = models.DecimalField(_("period total incl. tax"), **AMOUNT)
    year_total = models.DecimalField(_("year's cumulative total"), **AMOUNT)
    perpetual_total = models.DecimalField(_("perpetual grand total"), **AMOUNT)
    perpetual_absolute_total = models.DecimalField(_("perpetual total of absolute amounts"), **AMOUNT)
    created_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["till", "kind", "period_start"]
        constraints = [models.UniqueConstraint(fields=["till", "kind", "period_start"], name="one_closure_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}"


class ChainRecord(AppendOnly):
    """One link of a till's chain: the canonical text of a ticket, closing, duplicate, closure or
    export, the hash of the record before, its own hash and the store's Ed25519 signature of it."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")
        SESSION_CLOSING = "closing", _("Session closing")
        DUPLICATE = "duplicate", _("Duplicate")
        CLOSURE = "closure", _("Closure")
        EXPORT = "export", _("Archive export")

    till = models.ForeignKey(Till, verbose_name=_("till"), on_delete=models.PROTECT, related_name="chain")
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    canonical = models.TextField(_("canonical data"))
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash (SHA-256)"), max_length=64)
    signature = models.CharField(_("signature (Ed25519)"), max_length=128)
    key_id = models.CharField(_("signing key"), max_length=16)
    software_version = models.CharField(_("software version"), max_length=40)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("chain record")
        verbose_name_plural = _("chain records")
        ordering = ["till", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["till", "sequence"], name="chain_sequence_per_till"),
            models.UniqueConstraint(fields=["till", "kind", "object_id"], name="chain_one_record_per_object"),
        ]

    def __str__(self):
        return f"{self.till.code} #{self.sequence} ({self.kind})"


class TicketInvoice(models.Model):
    """The invoice a customer asked for on a sale (one per ticket), or the credit note a refund of an
    invoiced sale made (on the refund ticket)."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT,
                                  related_name="invoice_link")
    invoice = models.OneToOneField("sales.Invoice", verbose_name=_("invoice"), on_delete=models.PROTECT,
                                   related_name="pos_ticket_link")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket invoice")
        verbose_name_plural = _("ticket invoices")

    def __str__(self):
        return f"{self.ticket} → {self.invoice}"


from .tender_models import MobilePaymentRequest  # noqa: E402, F401  (mobile money at the till: its own module)
