from django.contrib import admin

from ashopy.stores.admin import StoreScopedAdmin

from .models import ShippingMethod, WeightBand


class WeightBandInline(admin.TabularInline):
    model = WeightBand
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "store", "kind", "price", "free_above", "min_days", "max_days", "is_active", "position"]
    list_filter = ["kind", "is_active"]
    inlines = [WeightBandInline]
