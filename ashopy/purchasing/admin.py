"""Admin of purchasing, read only: suppliers and purchase orders change through the back office."""

from django.contrib import admin

from ashopy.inventory.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, Supplier, SupplierItem


class SupplierItemInline(ReadOnlyInline):
    model = SupplierItem
    store_field = "supplier__store"
    fields = ("variant", "supplier_sku", "unit_cost", "is_preferred")


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    """Suppliers are edited in the back office (/staff/inventory/suppliers/)."""

    list_display = ("name", "contact_name", "email", "phone", "lead_time_days", "currency", "is_active")
    search_fields = ("name", "contact_name", "email")
    inlines = [SupplierItemInline]


class PurchaseOrderLineInline(ReadOnlyInline):
    model = PurchaseOrderLine
    store_field = "purchase_order__store"
    fields = ("variant", "quantity", "unit_cost", "received_quantity")


class PurchaseOrderEventInline(ReadOnlyInline):
    model = PurchaseOrderEvent
    store_field = "purchase_order__store"
    fields = ("created_at", "from_state", "to_state", "user", "note")
    readonly_fields = fields


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    """Purchase orders move through the back office (/staff/inventory/purchase-orders/)."""

    list_display = ("number", "supplier", "warehouse", "state", "expected_at", "created_at")
    list_filter = ("state", "store")
    list_select_related = ("supplier", "warehouse")
    search_fields = ("number", "supplier__name")
    inlines = [PurchaseOrderLineInline, PurchaseOrderEventInline]
