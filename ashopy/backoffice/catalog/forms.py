"""Back-office product list forms: its filters and its bulk actions.

Every choice (product, category, brand) is limited to the request's store, so another store's id is a form
error and nothing changes. The writes are `catalog.services`' own.
"""

from decimal import Decimal

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import StaffFormMixin
from ashopy.catalog import selectors
from ashopy.catalog.models import Attribute, Brand, Category, Product
from ashopy.catalog.services import MAX_PRICE

STOCK_CHOICES = [("", _("Any stock")), ("in_stock", _("In stock")), ("low", _("Low stock")),
                 ("out", _("Out of stock"))]
STATUS_CHOICES = [("", _("Any status")), *Product.Status.choices]
MAX_PERCENT = Decimal(1000)


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories in tree order, indented by their depth."""

    def label_from_instance(self, category):
        return f"{'— ' * (category.level - 1)}{category.name}"


class ProductFilterForm(StaffFormMixin, BootstrapMixin, forms.Form):
    staff_filter = True

    q = forms.CharField(label=_("Name, SKU or barcode"), max_length=100, required=False)
    category = CategoryChoiceField(Category.objects.none(), label=_("Category"), required=False,
                                   empty_label=_("All categories"))
    brand = forms.ModelChoiceField(Brand.objects.none(), label=_("Brand"), required=False,
                                   empty_label=_("All brands"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    stock = forms.ChoiceField(label=pgettext_lazy("stock level", "Stock"), choices=STOCK_CHOICES, required=False)

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.store_categories(store)
        self.fields["brand"].queryset = selectors.store_brands(store)

    def filters(self) -> selectors.StaffProductFilters:
        """The valid filters; invalid ones are left out (and shown as errors)."""
        data = self.cleaned_data if self.is_bound else {}
        return selectors.StaffProductFilters(q=data.get("q") or "", category=data.get("category"),
                                             brand=data.get("brand"), status=data.get("status") or "",
                                             stock=data.get("stock") or "")


class BulkActionForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """An action on the products ticked in the list."""

    ACTIONS = [("publish", _("Publish")), ("unpublish", _("Unpublish (draft)")),
               ("category", _("Move to a category")), ("price", _("Change prices"))]
    MODES = [("percent", _("by a percentage (%)")), ("amount", _("by an amount"))]

    products = forms.ModelMultipleChoiceField(Product.objects.none(), label=_("Products"),
                                              error_messages={"required": _("Tick at least one product.")})
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    category = CategoryChoiceField(Category.objects.none(), label=_("Category"), required=False)
    mode = forms.ChoiceField(label=_("Change prices"), choices=MODES, required=False)
    value = forms.DecimalField(label=_("Change (+/−)"), max_digits=14, decimal_places=2, required=False,
                               min_value=-MAX_PRICE, max_value=MAX_PRICE,
                               help_text=_("Signed: −10 lowers, 5 raises."))

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["products"].queryset = Product.objects.for_store(store).non_polymorphic()
        self.fields["category"].queryset = selectors.store_categories(store)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "category" and data.get("category") is None:
            self.add_error("category", _("Choose the category."))
        if action == "price":
            value, mode = data.get("value"), data.get("mode")
            if not mode:
                self.add_error("mode", _("Choose how prices change."))
            if value is None or value == 0:
                if "value" not in self.errors:
                    self.add_error("value", _("Enter a non-zero change."))
            elif mode == "percent" and not -100 < value <= MAX_PERCENT:
                self.add_error("value", _("A percentage is above −100 and at most %(most)s.") % {
                    "most": MAX_PERCENT})
        return data


# --- categories, brands, product types -------------------------------------------------------

class CategoryForm(StaffFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Slug"), max_length=140, required=False,
                           help_text=_("Made from the name when left empty."))
    parent = CategoryChoiceField(Category.objects.none(), label=_("Parent category"), required=False,
                                 empty_label=_("None (top level)"))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0,
                                  help_text=_("Smaller first; equal positions go by name."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.store_categories(store)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if not data["slug"]:
            del data["slug"]
        return data


class BrandForm(StaffFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Slug"), max_length=140, required=False,
                           help_text=_("Made from the name when left empty."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    logo = forms.ImageField(label=_("Logo"), required=False)

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("name", "slug", "description")}
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        return data


class ProductTypeForm(StaffFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Slug"), max_length=140, required=False,
                           help_text=_("Made from the name when left empty."))


class AttributeForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """One attribute of a product type; its slug is set once, from its name."""

    slug = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=80)
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Type"), choices=Attribute.Kind.choices, initial=Attribute.Kind.TEXT)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    choices = forms.CharField(label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("For a choice: one value per line."))

    def clean(self):
        data = super().clean()
        data["slug"] = data.get("slug") or slugify(data.get("name") or "")[:80]
        if data.get("name") and not data["slug"]:
            self.add_error("name", _("Use letters or digits in the name."))
        values = [line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()]
        if data.get("kind") == Attribute.Kind.CHOICE and not values:
            self.add_error("choices", _("A choice attribute needs at least one value."))
        if any(len(value) > 80 for value in values):
            self.add_error("choices", _("A value has at most 80 characters."))
        data["values"] = values
        return data

    def spec(self) -> dict:
        data = self.cleaned_data
        return {"slug": data["slug"], "name": data["name"], "kind": data["kind"], "unit": data["unit"],
                "choices": data["values"] if data["kind"] == Attribute.Kind.CHOICE else []}


class BaseAttributeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        slugs = [form.cleaned_data["slug"] for form in self.forms if form.cleaned_data]
        if len(slugs) != len(set(slugs)):
            raise forms.ValidationError(_("Two attributes have the same name."))


AttributeFormSet = forms.formset_factory(AttributeForm, formset=BaseAttributeFormSet, extra=2, max_num=50,
                                         absolute_max=50, validate_max=True)
