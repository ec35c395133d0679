"""Stock: warehouses, one Stock row per (variant, warehouse), the append-only movement ledger,
reservations, costs and low-stock alerts.

Rows here are changed only by `services.py` and `reservations.py`; the database guards the
invariants (CHECK constraints; on PostgreSQL a trigger refuses to update or delete a movement).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from ashopy.catalog.models import Variant
from ashopy.stores.models import Store, StoreOwnedQuerySet


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main warehouse")
        SHOP = "shop", _("Shop / counter")
        TRANSIT = "transit", _("Transit")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="warehouses")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("allocation priority"), default=10, help_text=_("Lower numbers are served first when stock is reserved."))

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["priority", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="warehouse_code_unique_per_store")]

    def __str__(self):
        return self.name


class Stock(models.Model):
    """What one warehouse holds of one variant: `on_hand` units, of which `reserved` are held."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="stocks")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE,
                                  related_name="stocks")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=0)
    reorder_point = models.PositiveIntegerField(_("reorder point (min)"), default=0)
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    # Set when available stock crossed down to the threshold and the alert went out; cleared
    # when it rises above again, so that each crossing alerts once.
    low_stock_alerted = models.BooleanField(_("low-stock alert sent"), default=False, editable=False)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["variant_id", "warehouse__priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="one_stock_per_variant_and_warehouse"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                                   name="stock_reserved_between_zero_and_on_hand"),
        ]

    def __str__(self):
        return f"{self.variant_id} @ {self.warehouse_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reason(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    SALE = "sale", pgettext_lazy("stock movement", "Sale")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Adjustment")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    COUNT = "count", _("Count")
    IMPORT = "import", _("Import")


class MovementQuerySet(StoreOwnedQuerySet):
    def update(self, **kwargs):
        raise TypeError("Stock movements are append-only.")

    def delete(self):
        raise TypeError("Stock movements are append-only.")


class StockMovement(models.Model):
    """One line of the append-only stock ledger. The sum of a stock's movements is its on_hand."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="stock_movements")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT,
                                related_name="stock_movements")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="movements")
    quantity = models.IntegerField(_("quantity"), help_text=_("Signed: positive in, negative out."))
    reason = models.CharField(_("reason"), max_length=14, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=80, blank=True,
                                 help_text=_("The business document: order, purchase order, return …"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    balance_after = models.IntegerField(_("balance after"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["variant", "warehouse", "id"], name="movement_ledger_idx"),
                   models.Index(fields=["store", "created_at"], name="movement_store_time_idx")]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="movement_quantity_not_zero"),
                       models.CheckConstraint(condition=Q(balance_after__gte=0), name="movement_balance_not_negative")]

    def __str__(self):
        return f"{self.get_reason_display()} {self.quantity:+d} → {self.balance_after}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Stock movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Stock movements are append-only.")


class Reservation(models.Model):
    """Stock held for an owner (a cart, a checkout, an order, a quote) until it is consumed or lapses."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="reservations")
    owner = models.CharField(_("owner"), max_length=80, help_text=_('e.g. "order:123" or "cart:9f1c…"'))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(pgettext_lazy("feminine", "created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["expires_at"], condition=Q(state="active"), name="active_reservation_expiry"),
                   models.Index(fields=["store", "owner"], name="reservation_owner_idx")]

    def __str__(self):
        return f"{self.owner} ({self.get_state_display()})"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, verbose_name=_("reservation"), on_delete=models.CASCADE,
                                    related_name="lines")
    stock = models.ForeignKey(Stock, verbose_name=_("stock"), on_delete=models.PROTECT,
                              related_name="reservation_lines")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("reservation line")
        verbose_name_plural = _("reservation lines")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_line_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × stock {self.stock_id}"


class VariantCost(models.Model):
    """Weighted average cost of a variant across the store's warehouses, updated on every receipt."""

    variant = models.OneToOneField(Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="cost")
    average_cost = models.DecimalField(_("average cost"), max_digits=14, decimal_places=4, default=Decimal(0))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("average cost")
        verbose_name_plural = _("average costs")

    def __str__(self):
        return f"{self.variant_id}: {self.average_cost}"


class LowStockAlert(models.Model):
    """A stock row whose available quantity fell to its threshold: one row per crossing."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="low_stock_alerts")
    stock = models.ForeignKey(Stock, verbose_name=_("stock"), on_delete=models.CASCADE, related_name="alerts")
    available = models.IntegerField(_("available"))
    threshold = models.PositiveIntegerField(_("threshold"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.stock_id}: {self.available} ≤ {self.threshold}"
