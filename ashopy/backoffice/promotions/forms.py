"""Back-office promotion and code forms: the lists' filters, a promotion, a code, a batch of codes.

Every picker is limited to the request's store (another store's id is a form error and changes nothing);
dates are typed in the store's clock (the views run in its time zone). The forms check types only:
`promotions.staff` decides and its refusals come back on the fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.accounts.models import Partner, Segment
from ashopy.backoffice.catalog.forms import CategoryChoiceField
from ashopy.backoffice.widgets import StaffFormMixin
from ashopy.catalog.models import Brand, Product, Variant
from ashopy.promotions import selectors, staff
from ashopy.promotions.models import PromoCode, Promotion

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
STATUS_CHOICES = [("", _("All statuses")), *selectors.STATUSES.items()]


class DateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">` with the ISO value it reads; shown in the store's clock."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class CategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return CategoryChoiceField.label_from_instance(self, category)


class VariantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, variant):
        return f"{variant.product.name} — {variant.name or variant.sku} ({variant.sku})"


def _datetime(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=DateTimeInput(),
                               input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d"])


def _value(label, help_text) -> forms.DecimalField:
    return forms.DecimalField(label=label, help_text=help_text, max_digits=14, decimal_places=2, localize=True,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


def _many(field_class, label, **kwargs):
    return field_class(queryset=Product.objects.none(), label=label, required=False,
                       widget=forms.SelectMultiple(attrs={"size": 6}), **kwargs)


class FilterForm(StaffFormMixin, BootstrapMixin, forms.Form):
    staff_filter = True
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class ScopeMixin:
    """Scope pickers limited to `store`'s products, variants, categories and brands."""

    def limit_scope(self, store):
        fields = self.fields
        fields["segments"].widget.attrs["class"] = "form-check-input"
        if "products" in fields:
            fields["products"].queryset = (Product.objects.non_polymorphic().filter(store=store)
                                           .order_by("name", "id"))
        if "variants" in fields:
            fields["variants"].queryset = (Variant.objects.filter(store=store).select_related("product")
                                           .order_by("product__name", "position", "id"))
        if "categories" in fields:
            fields["categories"].queryset = selectors.categories_for(store)
        if "brands" in fields:
            fields["brands"].queryset = Brand.objects.filter(store=store).order_by("name")
        if "partners" in fields:
            fields["partners"].queryset = Partner.objects.filter(store=store).order_by("name")


class PromotionForm(ScopeMixin, StaffFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("Shown to customers beside the price."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Promotion.Kind.choices)
    value = _value(_("Value"), _("The percentage, the amount off per unit, or the unit price."))
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))
    priority = forms.IntegerField(label=_("Priority"), initial=0, min_value=-1000, max_value=1000,
                                  help_text=_("The highest applies first."))
    exclusive = forms.BooleanField(label=_("Exclusive"), required=False, help_text=_(
        "Does not combine with partner or segment discounts: the customer gets the better price."))
    products = _many(forms.ModelMultipleChoiceField, _("Products"))
    variants = _many(VariantsField, _("Variants"))
    categories = _many(CategoriesField, _("Categories"), help_text=_("Their sub-categories are included."))
    brands = _many(forms.ModelMultipleChoiceField, _("Brands"))
    audience = forms.ChoiceField(label=_("Audience"), choices=Promotion.Audience.choices)
    segments = forms.MultipleChoiceField(label=_("Segments"), choices=Segment.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    partners = _many(forms.ModelMultipleChoiceField, _("Partners"))

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_scope(store)
        self.fields["value"].help_text = _("The percentage, or an amount in %(currency)s.") % {
            "currency": store.currency}

    @staticmethod
    def initial_of(promotion: Promotion) -> dict:
        return {name: getattr(promotion, name) for name in ("name", "kind", "value", "starts_at", "ends_at",
                                                           "priority", "exclusive", "audience", "segments")} | {
            name: list(getattr(promotion, name).all()) for name in staff.PROMOTION_SCOPE}


CODE_FIELDS = ("code", "description", "kind", "value", "products", "categories", "minimum_amount", "starts_at",
               "ends_at", "max_uses", "max_uses_per_customer", "first_order_only", "segments", "staff_only")


class CodeSettingsForm(ScopeMixin, StaffFormMixin, BootstrapMixin, forms.Form):
    """What a code gives and when: shared by one code's form and the batch form."""

    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PromoCode.Kind.choices)
    value = _value(_("Value"), "")
    products = _many(forms.ModelMultipleChoiceField, _("Products"),
                     help_text=_("For a code on chosen products."))
    categories = _many(CategoriesField, _("Categories"), help_text=_("Their sub-categories are included."))
    minimum_amount = _value(_("Minimum order"), _("Goods after discounts; 0: none."))
    starts_at = _datetime(_("Valid from"))
    ends_at = _datetime(_("Valid until"))
    max_uses_per_customer = forms.IntegerField(label=_("Maximum uses per customer"), required=False, min_value=1,
                                               max_value=2**31 - 1, help_text=_("Empty: unlimited; 1: once per "
                                                                                 "customer."))
    first_order_only = forms.BooleanField(label=_("First order only"), required=False)
    segments = forms.MultipleChoiceField(label=_("Segments"), choices=Segment.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple, help_text=_("Empty: every customer."))
    staff_only = forms.BooleanField(label=_("Staff only"), required=False)

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_scope(store)
        self.fields["minimum_amount"].initial = 0
        self.fields["value"].help_text = _("The percentage, or an amount in %(currency)s.") % {
            "currency": store.currency}
        self.fields["minimum_amount"].help_text = _("In %(currency)s, goods after discounts; 0: none.") % {
            "currency": store.currency}


class CodeForm(CodeSettingsForm):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Upper case; customers may type it in "
                                                                        "any case."))
    max_uses = forms.IntegerField(label=_("Maximum uses"), required=False, min_value=1, max_value=2**31 - 1,
                                  help_text=_("Empty: unlimited."))
    field_order = CODE_FIELDS

    @staticmethod
    def initial_of(code: PromoCode) -> dict:
        return {name: getattr(code, name) for name in CODE_FIELDS if name not in staff.CODE_SCOPE} | {
            name: list(getattr(code, name).all()) for name in staff.CODE_SCOPE}


class BatchForm(CodeSettingsForm):
    prefix = forms.CharField(label=_("Prefix"), max_length=staff.MAX_PREFIX,
                             help_text=_("Each code is the prefix, a hyphen and 10 random characters "
                                         "(e.g. NOEL-7KQ2MZ9WHT)."))
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=staff.MAX_BATCH, initial=50)
    field_order = ("prefix", "count", *CODE_FIELDS)
