"""Customer orders: a priced snapshot of what was bought, and the states it goes through.

Lines copy the product name, SKU, prices and tax of the moment: a later catalogue change never
alters an order. Addresses are copied too. Totals are stored and always equal their
recomputation from the lines (`Order.recomputed_totals`, tested).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ashopy.catalog.models import Variant
from ashopy.core.money import ZERO
from ashopy.inventory.models import Reservation
from ashopy.promotions.models import PromoCode, Promotion
from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class OrderQuerySet(StoreOwnedQuerySet):
    def of_customer(self, store, user):
        return self.filter(store=store, user=user) if user.is_authenticated else self.none()


class Order(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", pgettext_lazy("order", "Paid")
        REFUND_NEEDED = "refund_needed", _("Paid – refund needed")
        PROCESSING = "processing", _("Being prepared")
        SHIPPED = "shipped", pgettext_lazy("order", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("order", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("order", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("order", "Expired")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("number"), max_length=30)
    token = models.UUIDField(_("access key"), default=uuid.uuid4, unique=True, editable=False)  # guest links
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="orders")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = FSMField(_("state"), default=State.PENDING_PAYMENT, choices=State.choices, protected=True)
    currency = models.CharField(_("currency"), max_length=3)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    billing_address = models.JSONField(_("billing address"))
    shipping_address = models.JSONField(_("shipping address"), null=True, blank=True)
    shipping_method = models.CharField(_("shipping method"), max_length=120, blank=True)
    shipping_method_id = models.PositiveIntegerField(_("shipping method ID"), null=True, blank=True)
    shipping_net = models.DecimalField(_("shipping excl. tax"), **AMOUNT, default=ZERO)
    shipping_tax = models.DecimalField(_("tax on shipping"), **AMOUNT, default=ZERO)
    shipping_gross = models.DecimalField(_("shipping"), **AMOUNT, default=ZERO)
    shipping_tax_rate = models.DecimalField(_("shipping tax rate (%)"), max_digits=5, decimal_places=2, default=ZERO)
    goods_net = models.DecimalField(_("goods excl. tax"), **AMOUNT, default=ZERO)
    goods_tax = models.DecimalField(_("tax on goods"), **AMOUNT, default=ZERO)
    goods_gross = models.DecimalField(_("goods incl. tax"), **AMOUNT, default=ZERO)
    discount = models.DecimalField(_("discount"), **AMOUNT, default=ZERO)
    total_net = models.DecimalField(_("total excl. tax"), **AMOUNT, default=ZERO)
    total_tax = models.DecimalField(_("tax"), **AMOUNT, default=ZERO)
    total = models.DecimalField(_("total"), **AMOUNT, default=ZERO)
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True)
    pays_on_delivery = models.BooleanField(
        _("paid on delivery"), default=False,
        help_text=_("The courier collects the money: the order is prepared and shipped before it is paid."))
    reservation = models.ForeignKey(Reservation, verbose_name=_("stock reservation"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("reserved until"), null=True, blank=True)
    stock_consumed = models.BooleanField(_("taken out of stock"), default=False,
                                         help_text=_("The units left the stock (sale movements)."))
    has_preorder = models.BooleanField(_("pre-order"), default=False,
                                       help_text=_("Some units were ordered beyond the stock."))
    idempotency_key = models.CharField(_("duplicate-order key"), max_length=80, blank=True)
    # The cart it came from, emptied when confirmed.
    cart_id = models.PositiveIntegerField(_("cart ID"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    tracking_url = models.URLField(_("tracking link"), blank=True)
    customer_note = models.TextField(_("note from the customer"), blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_number_per_store"),
            models.UniqueConstraint(fields=["store", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="order_idempotency_key_per_store"),
            # Rounded to the amounts' places: SQLite adds decimals as floats (0.05 + 0.01 ≠ 0.06).
            models.CheckConstraint(condition=Q(total=Round(models.F("total_net") + models.F("total_tax"), 2)),
                                   name="order_total_is_net_plus_tax"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [models.Index(fields=["store", "state", "-created_at"], name="order_listing_idx"),
                   models.Index(fields=["state", "expires_at"], name="order_expiry_idx")]

    def __str__(self):
        return self.number

    CANCELLABLE = (State.PENDING_PAYMENT, State.AWAITING_PAYMENT, State.PAID, State.PROCESSING)
    CUSTOMER_CANCELLABLE = (State.PENDING_PAYMENT, State.AWAITING_PAYMENT, State.PAID)
    WAS_PAID = (State.PAID, State.REFUND_NEEDED, State.PROCESSING, State.SHIPPED, State.DELIVERED)
    # Prepared or handed over: a cash-on-delivery order may be there before it is paid.
    ON_THE_WAY = (State.PROCESSING, State.SHIPPED, State.DELIVERED)
    # Orders whose pre-ordered units still wait for stock (and count against a variant's limit).
    PREORDER_LIVE = (State.PENDING_PAYMENT, State.AWAITING_PAYMENT, State.PAID, State.PROCESSING)
    # Not stored: True on the order that checkout.place_order answers again for a repeated key.
    replayed = False

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    def may_leave_before_payment(self) -> bool:
        """Prepared and shipped only once paid, unless the courier collects the money."""
        return self.paid_at is not None or self.pays_on_delivery

    def may_cancel_now(self) -> bool:
        """A shipped order is cancelled only when it was refused at the door (cash on delivery, unpaid)."""
        return self.state != self.State.SHIPPED or (self.pays_on_delivery and self.paid_at is None)

    @property
    def awaits_money(self) -> bool:
        """Staff may record its payment: an offline payment not yet received (on delivery, after the
        parcel left too)."""
        if self.state == self.State.AWAITING_PAYMENT:
            return True
        return self.pays_on_delivery and self.paid_at is None and self.state in self.ON_THE_WAY

    @property
    def to_collect(self) -> bool:
        """Delivered and paid on delivery, and the courier's cash not yet recorded."""
        return self.state == self.State.DELIVERED and self.pays_on_delivery and self.paid_at is None

    def recomputed_totals(self) -> dict[str, Decimal]:
        """The totals from the stored lines and shipping: equal to the stored ones, always."""
        lines = list(self.lines.all())
        goods_net = sum((line.net for line in lines), ZERO)
        goods_tax = sum((line.tax for line in lines), ZERO)
        return {
            "goods_net": goods_net, "goods_tax": goods_tax,
            "goods_gross": sum((line.gross for line in lines), ZERO),
            "discount": sum((line.discount for line in lines), ZERO),
            "total_net": goods_net + self.shipping_net, "total_tax": goods_tax + self.shipping_tax,
            "total": goods_net + goods_tax + self.shipping_net + self.shipping_tax,
        }

    # Transitions: called by orders.services only, with the row locked; each writes an OrderEvent.
    @transition(field=state, source=[State.PENDING_PAYMENT, State.AWAITING_PAYMENT, State.EXPIRED],
                target=State.PAID)
    def pay(self):
        """The money arrived (and the stock is ours: consumed, or re-reserved after a late success)."""

    @transition(field=state, source=[State.PENDING_PAYMENT, State.EXPIRED, State.CANCELLED],
                target=State.REFUND_NEEDED)
    def flag_refund(self):
        """Paid after its hold lapsed and the units are gone (or after it was cancelled): the money goes back."""

    @transition(field=state, source=State.PENDING_PAYMENT, target=State.AWAITING_PAYMENT)
    def await_payment(self):
        """An offline method (cash on delivery, bank transfer): staff will mark it paid."""

    @transition(field=state, source=[State.PAID, State.AWAITING_PAYMENT], target=State.PROCESSING,
                conditions=[may_leave_before_payment])
    def process(self):
        """The warehouse prepares the parcel."""

    @transition(field=state, source=[State.PAID, State.PROCESSING, State.AWAITING_PAYMENT], target=State.SHIPPED,
                conditions=[may_leave_before_payment])
    def ship(self):
        """Handed to the carrier."""

    @transition(field=state, source=State.SHIPPED, target=State.DELIVERED)
    def deliver(self):
        """The customer has it."""

    @transition(field=state, source=[*CANCELLABLE, State.REFUND_NEEDED, State.SHIPPED], target=State.CANCELLED,
                conditions=[may_cancel_now])
    def cancel(self):
        """Held units go back (released or restocked); a paid order is refunded by payments. A parcel
        refused at the door (cash on delivery) is cancelled once it is back: its units are restocked."""

    @transition(field=state, source=State.PENDING_PAYMENT, target=State.EXPIRED)
    def expire(self):
        """The reservation lapsed before any payment arrived."""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    product_id = models.PositiveIntegerField(_("product ID"), null=True, blank=True)
    product_name = models.CharField(_("product"), max_length=255)
    variant_name = models.CharField(_("variant"), max_length=120, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_base = models.DecimalField(_("catalogue unit price"), **AMOUNT)
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    discount = models.DecimalField(_("discount"), **AMOUNT, default=ZERO)
    discount_labels = models.CharField(_("discounts applied"), max_length=255, blank=True)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("excl. tax"), **AMOUNT)
    tax = models.DecimalField(_("tax"), **AMOUNT)
    gross = models.DecimalField(_("incl. tax"), **AMOUNT)
    # Pre-order: the units of the line beyond the free stock when it was placed (held nothing), how
    # many of them stock has since been allocated to (orders.preorders), and the date announced.
    preorder_quantity = models.PositiveIntegerField(_("units on pre-order"), default=0)
    preorder_allocated = models.PositiveIntegerField(_("pre-ordered units allocated"), default=0)
    expected_on = models.DateField(_("expected shipping date"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        indexes = [models.Index(fields=["variant"], condition=Q(preorder_quantity__gt=models.F("preorder_allocated")),
                                name="order_line_preorder_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(preorder_allocated__lte=models.F("preorder_quantity"),
                                               preorder_quantity__lte=models.F("quantity")),
                                   name="order_line_preorder_within_quantity"),
            models.CheckConstraint(condition=Q(gross=Round(models.F("net") + models.F("tax"), 2)),
                                   name="order_line_gross_is_net_plus_tax"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"

    @property
    def label(self) -> str:
        return f"{self.product_name} — {self.variant_name}" if self.variant_name else self.product_name

    @property
    def preorder_waiting(self) -> int:
        """Pre-ordered units still waiting for stock."""
        return self.preorder_quantity - self.preorder_allocated

    @property
    def amount(self) -> Decimal:
        """The line as the store shows prices (gross when prices include tax)."""
        return self.gross if self.order.prices_include_tax else self.net


class OrderDiscount(models.Model):
    """One discount of an order as the customer read it, with what caused it: a catalogue promotion, a
    partner or segment discount, a promo code (on the goods, spread over the lines' amounts), or a
    code's free shipping (the order's shipping is then 0). Shown on the order and its invoice."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        CUSTOMER = "customer", _("Customer discount")
        CODE = "code", _("Promo code")
        SHIPPING = "shipping", _("Shipping discount")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="discounts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    promotion = models.ForeignKey(Promotion, verbose_name=_("promotion"), on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    code = models.ForeignKey(PromoCode, verbose_name=_("promo code"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    label = models.CharField(_("label"), max_length=255)
    amount = models.DecimalField(_("amount"), **AMOUNT, help_text=_("On the store's tax basis."))

    class Meta:
        verbose_name = _("order discount")
        verbose_name_plural = _("order discounts")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="order_discount_not_negative")]

    def __str__(self):
        return f"{self.label}: {self.amount}"


class OrderEvent(models.Model):
    """One thing that happened to an order: a transition, a staff note, a payment, an e-mail."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        NOTE = "note", _("Note")
        PAYMENT = "payment", _("Payment")
        EMAIL = "email", _("E-mail")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRANSITION)
    from_state = models.CharField(_("previous state"), max_length=20, blank=True)
    to_state = models.CharField(_("new state"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    # What the system recorded (orders/timeline.py), put into words when shown; empty for a typed note.
    code = models.CharField(_("code"), max_length=40, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.from_state} → {self.to_state}"

    @property
    def text(self) -> str:
        """What happened, in the reader's language: the recorded fact put into words, or the typed note."""
        if not self.code:
            return self.note
        from .timeline import render

        return render(self.code, self.data)

    @property
    def from_label(self) -> str:
        return Order.State(self.from_state).label if self.from_state in Order.State.values else self.from_state

    @property
    def to_label(self) -> str:
        return Order.State(self.to_state).label if self.to_state in Order.State.values else self.to_state
