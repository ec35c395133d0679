"""Purchasing forms: they check the shape of the input; `services.py` decides and writes."""

import datetime
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import DateInput, StaffFormMixin
from ashopy.catalog.models import Variant
from ashopy.core.money import babel_locale
from ashopy.inventory.models import Warehouse
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.purchasing.models import PurchaseOrder, Supplier

COST = {"max_digits": 14, "decimal_places": 4, "min_value": 0}


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the matching fields (the rest above the form)."""
    for name, messages in error.update_error_dict({}).items():
        form.add_error(name if name in form.fields else NON_FIELD_ERRORS, messages)


@lru_cache(maxsize=1)
def _legal_tender_codes() -> frozenset[str]:
    """The ISO 4217 codes some country uses today (Babel's CLDR data): no fund codes, no dead currencies."""
    today = datetime.date.today()
    codes = set()
    for territory in Locale("en").territories:
        if len(territory) == 2 and territory.isalpha():
            codes.update(get_territory_currencies(territory, today, tender=True))
    return frozenset(codes)


def currency_choices(*keep: str) -> list[tuple[str, str]]:
    """ISO 4217 currencies as « XOF — franc CFA (BCEAO) », by code, in the page's language; the codes in
    `keep` (the store's, a supplier's current one) are listed even when no country uses them any more."""
    locale = babel_locale()
    codes = _legal_tender_codes() | {code for code in keep if code}
    return [(code, f"{code} — {get_currency_name(code, locale=locale)}") for code in sorted(codes)]


class SupplierForm(StaffFormMixin, BootstrapMixin, forms.ModelForm):
    # A list of ISO 4217 codes rather than free text: a typo ("CFA", "eur") cannot be saved. The model's
    # validator still checks the code on every save (services, API, admin).
    currency = forms.ChoiceField(label=_("Currency"), required=False)  # empty: the store's (services)

    class Meta:
        model = Supplier
        fields = ["name", "contact_name", "email", "phone", "lead_time_days", "currency", "is_active"]
        help_texts = {"currency": _("What the supplier invoices in. Costs are entered in the store's currency.")}

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.currency if self.instance.pk else ""
        field = self.fields["currency"]
        field.choices = currency_choices(store.currency, current)
        field.initial = current or store.currency
        field.help_text = self._meta.help_texts["currency"]
        field.widget.attrs["class"] = "form-select"


class VariantBySkuField(forms.CharField):
    """A variant of the store, typed (or scanned) by its SKU."""

    def __init__(self, *, store, **kwargs):
        self.store = store
        super().__init__(label=_("SKU"), max_length=64, **kwargs)

    def clean(self, value):
        sku = super().clean(value)
        if not sku:
            return None
        variant = Variant.objects.for_store(self.store).select_related("product").filter(sku__iexact=sku).first()
        if variant is None:
            raise ValidationError(_("No variant with the SKU “%(sku)s” in this store."), params={"sku": sku})
        return variant


class SupplierItemForm(StaffFormMixin, BootstrapMixin, forms.Form):
    variant = forms.CharField()  # replaced per store in __init__
    supplier_sku = forms.CharField(label=_("Supplier reference"), max_length=64, required=False)
    unit_cost = forms.DecimalField(label=_("Unit cost"), **COST)
    is_preferred = forms.BooleanField(label=_("Preferred supplier for this variant"), required=False, initial=True)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"] = VariantBySkuField(store=store, widget=forms.TextInput(attrs={"class": "form-control"}))


class PurchaseOrderForm(StaffFormMixin, BootstrapMixin, forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Deliver to"), queryset=Warehouse.objects.none())
    expected_at = forms.DateField(label=_("Expected on"), required=False,
                                  widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_store(store).filter(is_active=True).order_by("name")
        self.fields["warehouse"].queryset = Warehouse.objects.for_store(store).filter(is_active=True)


class LineForm(StaffFormMixin, BootstrapMixin, forms.Form):
    variant = forms.CharField()  # replaced per store in __init__
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit_cost = forms.DecimalField(label=_("Unit cost"), required=False,
                                   help_text=_("Empty: the supplier's price."), **COST)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"] = VariantBySkuField(store=store, widget=forms.TextInput(attrs={"class": "form-control"}))


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            variant = form.cleaned_data.get("variant") if hasattr(form, "cleaned_data") else None
            if variant is None:
                continue
            if variant.pk in seen:
                form.add_error("variant", _("This variant is already on another line."))
            seen.add(variant.pk)

    def lines(self) -> list[tuple]:
        return [(form.cleaned_data["variant"], form.cleaned_data["quantity"], form.cleaned_data.get("unit_cost"))
                for form in self.forms if form.cleaned_data and form.cleaned_data.get("variant")]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=4, min_num=1, validate_min=True,
                                    max_num=200, validate_max=True)


class ReceiveForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """One quantity per outstanding line (`line_<id>`); empty or 0 means nothing of it arrived now."""

    note = forms.CharField(label=_("Delivery note"), max_length=255, required=False)

    def __init__(self, *args, order: PurchaseOrder, **kwargs):
        self.open_lines = [line for line in order.lines.all() if line.outstanding > 0]
        super().__init__(*args, **kwargs)
        for line in self.open_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.variant.sku, min_value=0, required=False, initial=line.outstanding,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}))

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.open_lines
                if self.cleaned_data.get(f"line_{line.pk}")}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.quantities():
            raise ValidationError(_("Enter the quantity received for at least one line."))
        return cleaned

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.open_lines]
