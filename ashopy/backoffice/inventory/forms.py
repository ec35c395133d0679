"""Back-office stock forms: filters for the lists, and the adjust / transfer / count operations.

Every choice (variant, warehouse, product) is limited to the request's store, so an id of
another store is a form error and nothing changes. The operation forms call the services.
"""

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import DateInput, StaffFormMixin
from ashopy.catalog.models import Variant
from ashopy.inventory import services
from ashopy.inventory.adjustments import ADJUSTMENT_CAUSES, NOTE_LENGTH, adjustment_note
from ashopy.inventory.models import Warehouse
from ashopy.inventory.selectors import parse_product
from ashopy.inventory.services import MAX_QUANTITY


def variant_label(variant) -> str:
    """The product's name, followed by the variant's name when it has one."""
    return f"{variant.product.name} — {variant.name}" if variant.name else variant.product.name


class VariantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, variant):
        return f"{variant.sku} · {variant_label(variant)}"


def _variants(store):
    return Variant.objects.filter(store=store).select_related("product").order_by("sku")


def _warehouses(store, *, active_only=True):
    rows = Warehouse.objects.filter(store=store)
    return rows.filter(is_active=True) if active_only else rows


class StoreForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """A form whose choices belong to one store."""

    def __init__(self, store, *args, **kwargs):
        self.store = store
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = _variants(store) if isinstance(field, VariantChoiceField) else _warehouses(store)


class StockFilterForm(StoreForm):
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label=_("Warehouse"), required=False,
                                       empty_label=_("All warehouses"))
    q = forms.CharField(label=_("SKU, name or barcode"), max_length=100, required=False)
    low = forms.BooleanField(label=_("Low stock only"), required=False)

    def __init__(self, store, *args, **kwargs):
        super().__init__(store, *args, **kwargs)
        self.fields["warehouse"].queryset = _warehouses(store, active_only=False)


class MovementFilterForm(StoreForm):
    product = forms.CharField(label=_("Product"), max_length=100, required=False,
                              help_text=_("Product ID, slug or a SKU."))
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label=_("Warehouse"), required=False,
                                       empty_label=_("All warehouses"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, store, *args, with_product=True, **kwargs):
        super().__init__(store, *args, **kwargs)
        self.fields["warehouse"].queryset = _warehouses(store, active_only=False)
        if not with_product:
            del self.fields["product"]

    def clean_product(self):
        value = self.cleaned_data["product"]
        if not value:
            return None
        product = parse_product(self.store, value)
        if product is None:
            raise forms.ValidationError(_("No product of this store matches “%(value)s”."), params={"value": value})
        return product

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_to", None)
        return data

    def filters(self) -> dict:
        """The valid filters as `selectors.movements` keywords; invalid ones are left out (and shown as errors)."""
        data = self.cleaned_data if self.is_bound else {}
        return {"product": data.get("product"), "warehouse": data.get("warehouse"),
                "since": data.get("date_from"), "until": data.get("date_to")}


def _quantity(label, *, minimum=1):
    return forms.IntegerField(label=label, min_value=minimum, max_value=MAX_QUANTITY)


class AdjustForm(StoreForm):
    variant = VariantChoiceField(Variant.objects.none(), label=_("Variant"))
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label=_("Warehouse"))
    quantity_change = forms.IntegerField(
        label=pgettext_lazy("stock quantity", "Change"), min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
        help_text=_("Signed: −3 takes three units out, 2 puts two in."))
    cause = forms.ChoiceField(label=_("Cause"), choices=ADJUSTMENT_CAUSES)
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, help_text=_("Say what happened."))

    def clean_quantity_change(self):
        change = self.cleaned_data["quantity_change"]
        if change == 0:
            raise forms.ValidationError(_("Enter a non-zero change."))
        return change

    def apply(self, *, user) -> str:
        data = self.cleaned_data
        movement = services.adjust(store=self.store, variant=data["variant"], warehouse=data["warehouse"],
                                   quantity_change=data["quantity_change"], user=user,
                                   note=adjustment_note(data["cause"], data["note"]))
        return gettext("Stock of %(sku)s in %(warehouse)s adjusted by %(change)+d: %(balance)d on hand.") % {
            "sku": data["variant"].sku, "warehouse": data["warehouse"], "change": movement.quantity,
            "balance": movement.balance_after}


class TransferForm(StoreForm):
    variant = VariantChoiceField(Variant.objects.none(), label=_("Variant"))
    source = forms.ModelChoiceField(Warehouse.objects.none(), label=_("From"))
    destination = forms.ModelChoiceField(Warehouse.objects.none(), label=_("To"))
    quantity = _quantity(_("Quantity"))
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)

    def apply(self, *, user) -> str:
        data = self.cleaned_data
        services.transfer(store=self.store, variant=data["variant"], source=data["source"],
                          destination=data["destination"], quantity=data["quantity"], user=user, note=data["note"])
        return gettext("%(quantity)d × %(sku)s moved from %(source)s to %(destination)s.") % {
            "quantity": data["quantity"], "sku": data["variant"].sku, "source": data["source"],
            "destination": data["destination"]}


class CountForm(StoreForm):
    variant = VariantChoiceField(Variant.objects.none(), label=_("Variant"))
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label=_("Warehouse"))
    counted = _quantity(_("Counted quantity"), minimum=0)
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)

    def apply(self, *, user) -> str:
        data = self.cleaned_data
        movement = services.count(store=self.store, variant=data["variant"], warehouse=data["warehouse"],
                                  counted=data["counted"], user=user, note=data["note"])
        if movement is None:
            return gettext("The count of %(sku)s matches the stock: nothing changed.") % {"sku": data["variant"].sku}
        return gettext("Count of %(sku)s recorded: %(change)+d, %(balance)d on hand.") % {
            "sku": data["variant"].sku, "change": movement.quantity, "balance": movement.balance_after}
