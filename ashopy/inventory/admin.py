"""Admin of the stock: warehouses and thresholds are edited here; quantities only move through
the services (the back-office pages at /staff/inventory/), so the ledger stays whole."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ashopy.stores.admin import StoreScopedAdmin, StoreScopedMixin

from . import services
from .models import (
    LowStockAlert,
    Reservation,
    ReservationLine,
    Stock,
    StockMovement,
    Warehouse,
)


class ReadOnlyAdmin(StoreScopedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(StoreScopedMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Warehouse)
class WarehouseAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "priority", "is_active", "store")
    list_filter = ("kind", "is_active", "store")
    search_fields = ("name", "code", "city")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "store"}
        services.save_warehouse(store=obj.store, warehouse=obj if change else None, user=request.user, **fields)


@admin.register(Stock)
class StockAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("variant", "warehouse", "on_hand", "reserved", "available", "low_stock_threshold",
                    "reorder_point", "reorder_quantity")
    list_filter = ("warehouse", "store")
    list_select_related = ("variant__product", "warehouse")
    search_fields = ("variant__sku", "variant__product__name", "variant__barcode")
    fields = ("variant", "warehouse", "on_hand", "reserved", "low_stock_threshold", "reorder_point",
              "reorder_quantity")
    readonly_fields = ("variant", "warehouse", "on_hand", "reserved")

    @admin.display(description=_("available"))
    def available(self, stock):
        return stock.available

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.set_levels(stock=obj, low_stock_threshold=form.cleaned_data["low_stock_threshold"],
                            reorder_point=form.cleaned_data["reorder_point"],
                            reorder_quantity=form.cleaned_data["reorder_quantity"], user=request.user)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "variant", "warehouse", "reason", "quantity", "balance_after", "reference", "user")
    list_filter = ("reason", "warehouse", "store")
    list_select_related = ("variant__product", "warehouse", "user")
    search_fields = ("variant__sku", "reference", "note")
    date_hierarchy = "created_at"


class ReservationLineInline(ReadOnlyInline):
    model = ReservationLine
    store_field = "reservation__store"
    fields = ("stock", "quantity")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("owner", "state", "expires_at", "created_at", "closed_at")
    list_filter = ("state", "store")
    search_fields = ("owner",)
    inlines = [ReservationLineInline]


@admin.register(LowStockAlert)
class LowStockAlertAdmin(ReadOnlyAdmin):
    list_display = ("stock", "available", "threshold", "created_at", "notified_at")
    list_select_related = ("stock__variant__product", "stock__warehouse")
