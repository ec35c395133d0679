"""Back-office product page forms: the product's fields, its specifications, its variants and its images.

Choices (category, brand, product type, tax class, variant and image ids) are limited to the request's
store and product, so another store's id is a form error. The forms only check input; the catalogue
services apply it (and check it again).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import StaffFormMixin
from ashopy.catalog import selectors
from ashopy.catalog.models import Attribute, Product, ProductImage, Variant
from ashopy.catalog.services import MAX_PRICE
from ashopy.core.money import quantum
from ashopy.core.validators import validate_ean13, validate_image_size

from .forms import CategoryChoiceField

PRODUCT_FIELDS = ("name", "slug", "status", "category", "brand", "product_type", "short_description",
                  "description", "meta_title", "meta_description")
OPTION_NAME_LENGTH = 40
OPTION_VALUE_LENGTH = 60
MAX_OPTIONS = 5
MAX_POSITION = 32767


class ProductForm(StaffFormMixin, BootstrapMixin, forms.ModelForm):
    category = CategoryChoiceField(None, label=_("Category"))

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5}),
                   "short_description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.store_categories(store)
        self.fields["brand"].queryset = selectors.store_brands(store)
        self.fields["product_type"].queryset = selectors.store_product_types(store)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Made from the name when left empty.")
        for name in ("meta_title", "meta_description"):
            self.fields[name].widget.attrs["data-counter"] = "1"

    def counters(self) -> dict[str, tuple[int, int]]:
        """The length and the limit of the search-engine texts, shown under them."""
        return {name: (len(self[name].value() or ""), self.fields[name].max_length)
                for name in ("meta_title", "meta_description")}

    def changes(self) -> dict:
        """The fields to give the service; an empty slug keeps the current one (or is made from the name)."""
        data = {name: self.cleaned_data[name] for name in PRODUCT_FIELDS}
        if not data["slug"]:
            del data["slug"]
        return data


class NewProductForm(ProductForm):
    """A new product, with the price (and SKU) of its first variant."""

    price = forms.DecimalField(label=_("Price"), max_digits=14, decimal_places=2, min_value=0,
                               max_value=MAX_PRICE, localize=True,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False,
                          help_text=_("Made from the slug when left empty."))

    def __init__(self, store, *args, **kwargs):
        super().__init__(store, *args, **kwargs)
        self.fields["price"].validators.append(_minor_unit(store.currency))

    def changes(self) -> dict:
        data = super().changes()
        data["variants"] = [{"price": self.cleaned_data["price"], "sku": self.cleaned_data["sku"]}]
        return data


class SpecificationForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """One typed field per attribute of the product's type; an empty field removes the value."""

    def __init__(self, attributes: list[Attribute], values, *args, **kwargs):
        self.attributes = attributes
        initial = {value.attribute_id: _initial(value) for value in values}
        super().__init__(*args, prefix="spec", **kwargs)
        for attribute in attributes:
            field = _typed_field(attribute)
            field.required = False
            field.initial = initial.get(attribute.pk)
            field.label = f"{attribute.name} ({attribute.unit})" if attribute.unit else attribute.name
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            self.fields[attribute.slug] = field

    def values(self) -> dict:
        """{attribute slug: value or None}, as `catalog.services.set_specifications` takes them."""
        return {slug: (None if value in (None, "") else value) for slug, value in self.cleaned_data.items()}


def _typed_field(attribute: Attribute) -> forms.Field:
    Kind = Attribute.Kind
    if attribute.kind == Kind.INTEGER:
        return forms.IntegerField(min_value=-(2 ** 63), max_value=2 ** 63 - 1)
    if attribute.kind == Kind.DECIMAL:
        return forms.DecimalField(max_digits=14, decimal_places=4, localize=True)
    if attribute.kind == Kind.BOOLEAN:
        return forms.ChoiceField(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))])
    if attribute.kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c.slug, c.value) for c in attribute.ordered_choices])
    return forms.CharField(max_length=255)


def _initial(value):
    """A stored specification as its field shows it."""
    if value.value_choice_id:
        return value.value_choice.slug
    if value.value_boolean is not None:
        return "true" if value.value_boolean else "false"
    if value.value_integer is not None:
        return value.value_integer
    if value.value_decimal is not None:
        number = value.value_decimal  # without trailing zeros, and localised by the field ("6,7" in French)
        return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return value.value_text


# --- variants ------------------------------------------------------------------------------

def option_names(variants: list[Variant]) -> list[str]:
    """The option names used by a product's variants, in the order they first appear."""
    names: list[str] = []
    for variant in variants:
        for name in (variant.options or {}):
            if name not in names:
                names.append(name)
    return names


def option_columns(names: list[str]) -> list[str]:
    """The option columns of the variants table: the names in use, and an empty one to add an option."""
    return [*names, ""] if len(names) < MAX_OPTIONS else names


def _price_field(label, *, required=True, currency="XOF"):
    # Localised: "107500" for XOF, "12,50" in French; typed the same way.
    return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2, min_value=0,
                              max_value=MAX_PRICE, validators=[_minor_unit(currency)], localize=True,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def _minor_unit(currency: str):
    step = quantum(currency)

    def validate(value):
        if value is not None and value != value.quantize(step):
            raise ValidationError(_("Amounts in %(currency)s have at most %(places)s decimal(s).") % {
                "currency": currency, "places": -step.as_tuple().exponent}, code="minor_unit")

    return validate


class VariantForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """One row of the variants table; `id` is empty for a new variant."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    barcode = forms.CharField(label=_("Barcode (EAN-13)"), max_length=13, required=False,
                              validators=[validate_ean13])
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), max_digits=8, decimal_places=3, required=False,
                                   validators=[MinValueValidator(0)], localize=True,
                                   widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    tax_class = forms.TypedChoiceField(label=_("Tax class"), required=False, coerce=int, empty_value=None)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, currency, options: list[str], tax_classes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["price"] = _price_field(_("Price"), currency=currency)
        self.fields["sale_price"] = _price_field(_("Sale price"), required=False, currency=currency)
        for name in ("price", "sale_price"):  # shown in the currency's minor unit: "107500", not "107500.00"
            if isinstance(self.initial.get(name), Decimal):
                self.initial[name] = self.initial[name].quantize(quantum(currency))
        self.fields["tax_class"].choices = [("", _("Store default"))] + [(t.pk, t.name) for t in tax_classes]
        for index, name in enumerate(options):
            self.fields[f"option_{index}"] = forms.CharField(label=name or _("New option"), required=False,
                                                             max_length=OPTION_VALUE_LENGTH)
        for field in self.fields.values():  # the table's inputs are small; the mixin did not see the fields above
            if isinstance(field.widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{css} {css}-sm"

    def option_fields(self):
        return [self[f"option_{index}"] for index in range(len(self.options))]

    def clean(self):
        data = super().clean()
        price, sale = data.get("price"), data.get("sale_price")
        if price is not None and sale is not None and sale > price:
            self.add_error("sale_price", _("The sale price cannot be above the price."))
        return data

    def variant_fields(self, names: list[str], tax_classes: dict) -> dict:
        """The service's keywords: options as {column name: value} for the named columns filled in
        (a column whose name is cleared is dropped from every variant)."""
        data = self.cleaned_data
        values = [(data.get(f"option_{index}") or "").strip() for index in range(len(self.options))]
        options = {name: value for name, value in zip(names, values, strict=False) if name and value}
        return {"sku": data["sku"], "name": data["name"], "barcode": data["barcode"],
                "weight_kg": data["weight_kg"], "price": data["price"], "sale_price": data["sale_price"],
                "tax_class": tax_classes.get(data["tax_class"]), "active": data["active"], "options": options}


class BaseVariantFormSet(forms.BaseFormSet):
    """The variants of one product: ids must be its own, SKUs distinct."""

    def __init__(self, *args, variants: list[Variant], **kwargs):
        self.variants = {variant.pk: variant for variant in variants}
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            if data.get("id") is not None and data["id"] not in self.variants:
                # a formset error, not the row's: a row ticked for deletion is not validated on its own
                raise ValidationError(_("A variant is not one of this product's: reload the page."))
            sku = data.get("sku")
            if sku and not self._should_delete_form(form):
                if sku in seen:
                    form.add_error("sku", _("This SKU is already used in this store."))
                seen[sku] = 1


VariantFormSet = forms.formset_factory(VariantForm, formset=BaseVariantFormSet, extra=1, can_delete=True,
                                       max_num=200, absolute_max=200, validate_max=True)


class OptionNamesForm(StaffFormMixin, forms.Form):
    """The option columns' names (Colour, Size …); the last, empty one adds a column."""

    def __init__(self, names: list[str], *args, **kwargs):
        super().__init__(*args, prefix="options", **kwargs)
        for index, name in enumerate(option_columns(names)):
            self.fields[f"name_{index}"] = forms.CharField(
                label=name or _("New option"), required=False, max_length=OPTION_NAME_LENGTH, initial=name,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def clean(self):
        data = super().clean()
        names = [(data.get(name) or "").strip() for name in self.fields]
        filled = [name for name in names if name]
        if len(filled) != len(set(filled)):
            raise ValidationError(_("Two option columns have the same name."))
        return data

    def names(self) -> list[str]:
        return [(self.cleaned_data.get(name) or "").strip() for name in self.fields]


# --- images --------------------------------------------------------------------------------

class ImageForm(StaffFormMixin, BootstrapMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    alt = forms.CharField(label=_("Alternative text"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=MAX_POSITION)


class BaseImageFormSet(forms.BaseFormSet):
    def __init__(self, *args, images: list[ProductImage], **kwargs):
        self.images = {image.pk: image for image in images}
        super().__init__(*args, **kwargs)

    def clean(self):
        for form in self.forms:
            if form.cleaned_data and form.cleaned_data.get("id") not in self.images:
                raise ValidationError(_("An image is not one of this product's: reload the page."))


ImageFormSet = forms.formset_factory(ImageForm, formset=BaseImageFormSet, extra=0, can_delete=True,
                                     max_num=100, absolute_max=100, validate_max=True)


class UploadForm(StaffFormMixin, BootstrapMixin, forms.Form):
    image = forms.ImageField(label=_("Image"), validators=[validate_image_size])
    alt = forms.CharField(label=_("Alternative text"), max_length=200, required=False)
