"""Admin of tax rates and segment discounts (saving one drops the store's memoised rates, see signals)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ashopy.stores.admin import ScopedRelatedFilter, StoreScopedAdmin

from .models import SegmentDiscount, TaxRate


class TaxRateForm(forms.ModelForm):
    """A rate belongs to the store of its tax class."""

    class Meta:
        model = TaxRate
        fields = ("tax_class", "rate")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tax_class") is not None:
            self.instance.store_id = cleaned["tax_class"].store_id
        return cleaned


@admin.register(TaxRate)
class TaxRateAdmin(StoreScopedAdmin, admin.ModelAdmin):
    form = TaxRateForm
    list_display = ("tax_class", "rate", "is_default", "store")
    list_select_related = ("tax_class", "store")
    list_filter = (("store", ScopedRelatedFilter),)
    search_fields = ("tax_class__name", "tax_class__code")

    @admin.display(description=_("default"), boolean=True)
    def is_default(self, rate):
        return rate.tax_class.is_default


@admin.register(SegmentDiscount)
class SegmentDiscountAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("segment", "percent", "store")
    list_select_related = ("store",)
    list_filter = ("segment", ("store", ScopedRelatedFilter))
