"""Purchasing: suppliers, what they sell us, purchase orders, their lines and events.

Rows here are changed only by `services.py`. The tables keep the names they had when purchasing
was part of the inventory app (`inventory_supplier` …): the move changed no data.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from phonenumber_field.modelfields import PhoneNumberField

from ashopy.catalog.models import Variant
from ashopy.core.validators import validate_currency_code
from ashopy.inventory.models import Warehouse
from ashopy.stores.models import Store, StoreOwnedQuerySet


class Supplier(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="suppliers")
    name = models.CharField(_("name"), max_length=150)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    is_active = models.BooleanField(_("active"), default=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        db_table = "inventory_supplier"
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupplierItem(models.Model):
    """A variant a supplier sells us, at what cost; the preferred supplier gets the reorder suggestions."""

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE,
                                 related_name="items")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.CASCADE,
                                related_name="supplier_items")
    supplier_sku = models.CharField(_("supplier reference"), max_length=64, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4,
                                    validators=[MinValueValidator(0)])
    is_preferred = models.BooleanField(_("preferred supplier"), default=True)

    class Meta:
        db_table = "inventory_supplieritem"
        verbose_name = _("supplier item")
        verbose_name_plural = _("supplier items")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "variant"], name="one_item_per_supplier_and_variant"),
            models.UniqueConstraint(fields=["variant"], condition=Q(is_preferred=True),
                                    name="one_preferred_supplier_per_variant"),
        ]

    def __str__(self):
        return f"{self.supplier_id}: {self.variant_id} @ {self.unit_cost}"


class PurchaseOrder(ConcurrentTransitionMixin, models.Model):
    """An order to a supplier; its state changes only through the transitions below.

    `purchasing.services` calls them (with the row locked) and writes a PurchaseOrderEvent for each;
    the mixin refuses to save a state that changed in the database since the row was read.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="purchase_orders")
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="purchase_orders")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("deliver to"), on_delete=models.PROTECT,
                                  related_name="purchase_orders")
    number = models.CharField(_("number"), max_length=30)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    expected_at = models.DateField(_("expected on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        db_table = "inventory_purchaseorder"
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="purchase_order_number_per_store")]

    def __str__(self):
        return self.number

    OPEN_STATES = (State.DRAFT, State.SENT, State.PARTIALLY_RECEIVED)

    def has_lines(self) -> bool:
        return self.lines.exists()

    @transition(field=state, source=State.DRAFT, target=State.SENT, conditions=[has_lines])
    def send(self):
        """The order goes to the supplier: its lines are final."""

    @transition(field=state, source=[State.SENT, State.PARTIALLY_RECEIVED],
                target=RETURN_VALUE(State.PARTIALLY_RECEIVED, State.RECEIVED))
    def record_receipt(self, *, complete: bool):
        """Goods arrived: received when every line is complete, else partially received."""
        return self.State.RECEIVED if complete else self.State.PARTIALLY_RECEIVED

    @transition(field=state, source=[State.DRAFT, State.SENT, State.PARTIALLY_RECEIVED], target=State.CANCELLED)
    def cancel(self):
        """Nothing more is expected; units already received stay in stock."""


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, verbose_name=_("purchase order"), on_delete=models.CASCADE,
                                       related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4,
                                    validators=[MinValueValidator(0)])
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        db_table = "inventory_purchaseorderline"
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(received_quantity__lte=F("quantity")),
                                   name="po_line_received_at_most_ordered"),
            models.UniqueConstraint(fields=["purchase_order", "variant"], name="one_po_line_per_variant"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received_quantity


class PurchaseOrderEvent(models.Model):
    """Every state change of a purchase order: who, when, from, to, note."""

    purchase_order = models.ForeignKey(PurchaseOrder, verbose_name=_("purchase order"), on_delete=models.CASCADE,
                                       related_name="events")
    from_state = models.CharField(_("previous state"), max_length=20)
    to_state = models.CharField(_("new state"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        db_table = "inventory_purchaseorderevent"
        verbose_name = _("purchase order event")
        verbose_name_plural = _("purchase order events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"
