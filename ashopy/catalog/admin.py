"""Catalogue admin: category tree, brands, tax classes, product types, polymorphic products.

Every change that listings depend on (price_from, on_sale, search_text) is
followed by `services.refresh_product`; rows are scoped to the user's stores.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from polymorphic.admin import PolymorphicChildModelAdmin, PolymorphicChildModelFilter, PolymorphicParentModelAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import TreeNodeChoiceField

from ashopy.core.money import format_money
from ashopy.stores.admin import ScopedRelatedFilter, StoreScopedAdmin, StoreScopedMixin, member_store_ids

from . import services
from .models import (
    Attribute,
    AttributeChoice,
    AttributeValue,
    Badge,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    RealEstateLot,
    RetailProduct,
    TaxClass,
    Variant,
)

THUMBNAIL = '<img src="{}" alt="" width="{}" height="{}" class="admin-thumbnail">'  # ashopy/admin.css


def thumbnail(image, size: int = 48):
    return format_html(THUMBNAIL, image.url, size, size) if image else "—"


class ParentChoiceField(TreeNodeChoiceField):
    """Categories indented by their level in the store's tree (treebeard would count the hidden root)."""

    def _get_indent(self, category):
        return self.DEPTH_SEPARATOR * (category.level - 1)


CATEGORY_FIELDS = ("name", "slug", "position", "is_active", "description", "image", "meta_title", "meta_description")


class CategoryForm(forms.ModelForm):
    """A category and its parent among the same store's categories (empty: top level).

    The tree itself is changed by `catalog.services` (CategoryAdmin.save_model); the form checks
    the parent with the services' own rule, so that a refusal shows as a form error.
    """

    parent = ParentChoiceField(queryset=Category.objects.none(), required=False, label=_("parent"),
                               empty_label=_("(top level)"))

    class Meta:
        model = Category
        fields = ("store", "parent", *CATEGORY_FIELDS)

    store_ids: list[int] | None = None  # set per request by CategoryAdmin.get_form; None: every store

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = Category.objects.filter(store__isnull=False)
        if self.instance.pk:
            choices = choices.filter(store_id=self.instance.store_id).exclude(path__startswith=self.instance.path)
            if self.instance.level > 1:
                self.initial.setdefault("parent", Category.objects.get_parent(self.instance).pk)
        elif self.store_ids is not None:
            choices = choices.filter(store_id__in=self.store_ids)
        self.fields["parent"].queryset = choices

    def clean(self):
        cleaned = super().clean()
        store = cleaned.get("store")
        if store is not None:
            try:
                services.check_category_parent(store_id=store.pk, category=self.instance,
                                               parent=cleaned.get("parent"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Category)
class CategoryAdmin(StoreScopedAdmin, TreeAdmin):
    """The store's tree, one level at a time; every change goes through `catalog.services`."""

    form = CategoryForm
    ordering = ("path",)  # tree order: (position, name) among siblings
    list_display = ("name", "slug", "store", "position", "is_active")
    list_select_related = ("store",)
    list_filter = ("is_active", ("store", ScopedRelatedFilter))
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        """Hidden store roots never show; the first level shown is the stores' top-level categories."""
        lists_top_level = (getattr(request, "_treebeard_parent_id", 0) is None
                           and not getattr(request, "_ignore_treebeard_filters", False)
                           and not self.is_filtered(request))
        if lists_top_level:
            request._treebeard_parent = None
            return self.scope(request, Category.objects.filter(depth=Category.TOP_DEPTH))
        return super().get_queryset(request).filter(store__isnull=False)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.store_ids = None if request.user.is_superuser else member_store_ids(request)
        return form

    def changeform_view(self, request, *args, **kwargs):
        """A refusal the form could not foresee (another user changed the tree meanwhile) is a message."""
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in CATEGORY_FIELDS if name in form.changed_data or not change}
        if change:
            moved = {"parent": form.cleaned_data["parent"]} if "parent" in form.changed_data else {}
            services.update_category(user=request.user, category=obj, **moved, **fields)
            return
        created = services.create_category(user=request.user, store=obj.store, parent=form.cleaned_data["parent"],
                                           **fields)
        obj.pk, obj._state.adding = created.pk, False  # the admin logs and redirects to the row just made
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.delete_category(user=request.user, category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset.order_by("-depth"):
            services.delete_category(user=request.user, category=category)

    def move_node(self, request):
        """Drag and drop: both nodes the user's and of one store; `catalog.services` moves, in sorted order."""
        ids = [request.POST.get("node", ""), request.POST.get("target", "")]
        relation = request.POST.get("relation")
        if not all(value.isdecimal() for value in ids) or relation not in ("child", "sibling"):
            return HttpResponseBadRequest("Invalid form data provided")
        nodes = {node.pk: node for node in self.get_queryset(request).filter(pk__in=ids)}
        if len(nodes) != len(set(ids)) or len({node.store_id for node in nodes.values()}) != 1:
            return HttpResponseBadRequest("Invalid form data provided")
        node, target = nodes[int(ids[0])], nodes[int(ids[1])]
        if not self.has_change_permission(request, node):
            raise PermissionDenied
        if relation == "sibling":
            target = Category.objects.get_parent(target) if target.level > 1 else None
        try:
            services.move_category(user=request.user, category=node, parent=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseBadRequest("Invalid move")
        return HttpResponse("OK")

    def children_view(self, request, parent_id):
        if not parent_id.isdecimal() or not self.get_queryset(request).filter(pk=parent_id).exists():
            raise Http404
        response = super().children_view(request, parent_id)
        payload = json.loads(response.content)
        for row in payload["tree_context"]:
            row["level"] -= 1  # treebeard counts the store's hidden root as a level
        return JsonResponse(payload)


@admin.register(Brand)
class BrandAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("logo_preview", "name", "slug", "product_count", "store")
    list_display_links = ("logo_preview", "name")
    list_select_related = ("store",)
    list_filter = (("store", ScopedRelatedFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("logo"))
    def logo_preview(self, brand):
        return thumbnail(brand.logo, 32)

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, brand):
        return brand.product_count

    def save_model(self, request, obj, form, change):
        renamed = {"name": obj.name} if change and "name" in form.changed_data else {}
        # a new name refreshes the products' search text
        services.save_brand(user=request.user, store=obj.store, brand=obj, **renamed)


@admin.register(TaxClass)
class TaxClassAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "is_default", "store")
    list_select_related = ("store",)
    list_filter = ("is_default", ("store", ScopedRelatedFilter))
    search_fields = ("name", "code")


class AttributeInline(StoreScopedMixin, admin.TabularInline):
    model = Attribute
    fields = ("name", "slug", "kind", "unit", "position", "filterable")
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True
    extra = 0


@admin.register(ProductType)
class ProductTypeAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "slug", "attribute_count", "store")
    list_select_related = ("store",)
    list_filter = (("store", ScopedRelatedFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [AttributeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attribute_count=Count("attributes"))

    @admin.display(description=_("attributes"), ordering="attribute_count")
    def attribute_count(self, product_type):
        return product_type.attribute_count


class AttributeChoiceInline(admin.TabularInline):
    model = AttributeChoice
    fields = ("value", "slug", "position")
    prepopulated_fields = {"slug": ("value",)}
    extra = 0


@admin.register(Attribute)
class AttributeAdmin(StoreScopedAdmin, admin.ModelAdmin):
    store_field = "product_type__store"
    list_display = ("name", "slug", "kind", "unit", "filterable", "product_type")
    list_select_related = ("product_type",)
    list_filter = ("kind", "filterable", ("product_type", ScopedRelatedFilter))
    search_fields = ("name", "slug", "product_type__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [AttributeChoiceInline]


class VariantFormSet(BaseInlineFormSet):
    """Variants take the product's store; SKUs are unique in the store."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.store_id = self.instance.store_id
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        skus = [form.cleaned_data["sku"] for form in kept]
        own = [form.instance.pk for form in self.forms if form.instance.pk]
        taken = set(Variant.objects.filter(store_id=self.instance.store_id, sku__in=skus).exclude(pk__in=own)
                    .values_list("sku", flat=True))
        for form in kept:
            sku = form.cleaned_data["sku"]
            if sku in taken or skus.count(sku) > 1:
                form.add_error("sku", ValidationError(_("This SKU is already used in this store.")))


class VariantInline(StoreScopedMixin, admin.TabularInline):
    model = Variant
    formset = VariantFormSet
    fields = ("sku", "name", "options", "price", "sale_price", "barcode", "tax_class", "weight_kg",
              "preorder", "preorder_limit", "preorder_expected_on", "position", "active")
    min_num = 1
    extra = 0


class ImageInline(admin.TabularInline):
    model = ProductImage
    fields = ("preview", "image", "alt", "position")
    readonly_fields = ("preview",)
    extra = 0

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return thumbnail(picture.image, 80)


VALUE_COLUMNS = {"value_text": "", "value_integer": None, "value_decimal": None, "value_boolean": None,
                 "value_choice": None}


class SpecificationForm(forms.ModelForm):
    """The value goes in the column of the attribute's kind; the other columns are cleared."""

    def clean(self):
        cleaned = super().clean()
        attribute = cleaned.get("attribute")
        if attribute is None:
            return cleaned
        column = f"value_{attribute.kind}"
        for name, empty in VALUE_COLUMNS.items():
            if name != column:
                cleaned[name] = empty
        if cleaned.get(column) in (None, ""):
            self.add_error(column, _("Enter a value for “%(attribute)s”.") % {"attribute": attribute.name})
        return cleaned


class SpecificationInline(StoreScopedMixin, admin.TabularInline):
    model = AttributeValue
    form = SpecificationForm
    store_field = "product__store"
    fields = ("attribute", *VALUE_COLUMNS)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        if obj is not None and obj.product_type_id:
            fields["attribute"].queryset = fields["attribute"].queryset.filter(product_type_id=obj.product_type_id)
        attributes = fields["attribute"].queryset
        fields["value_choice"].queryset = AttributeChoice.objects.filter(attribute__in=attributes.values("pk"))
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute", "value_choice")


PRODUCT_FIELDS = ("store", "name", "slug", "status", "featured", "category", "brand", "product_type", "badges",
                  "short_description", "description", "meta_title", "meta_description", "meta_keywords")


class ProductForm(forms.ModelForm):
    badges = forms.MultipleChoiceField(label=capfirst(Product._meta.get_field("badges").verbose_name),
                                       choices=Badge.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS


class ProductChildAdmin(StoreScopedAdmin, PolymorphicChildModelAdmin):
    """The change pages of every product kind: the kind's own fields come in their own fieldset."""

    base_model = Product
    base_form = ProductForm
    base_fieldsets = (
        (None, {"fields": ("store", "name", "slug", "status", "featured", "category", "brand", "product_type",
                           "badges")}),
        (_("Description"), {"fields": ("short_description", "description")}),
        (_("Listing (computed)"), {"fields": ("price_from", "on_sale", "popularity", "created_at", "updated_at")}),
        (_("Search engines"), {"classes": ("collapse",),
                               "fields": ("meta_title", "meta_description", "meta_keywords")}),
    )
    readonly_fields = ("price_from", "on_sale", "popularity", "created_at", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [VariantInline, ImageInline, SpecificationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_product(form.instance)

    def delete_model(self, request, obj):
        services.delete_product(user=request.user, product=obj)


@admin.register(RetailProduct)
class RetailProductAdmin(ProductChildAdmin):
    pass


@admin.register(RealEstateLot)
class RealEstateLotAdmin(ProductChildAdmin):
    pass


@admin.register(Product)
class ProductAdmin(StoreScopedAdmin, PolymorphicParentModelAdmin):
    base_model = Product
    child_models = (RetailProduct, RealEstateLot)
    list_display = ("cover", "name", "kind", "category", "brand", "price", "on_sale", "status", "featured", "store")
    list_display_links = ("cover", "name")
    list_filter = (PolymorphicChildModelFilter, "status", "featured", "on_sale", ("category", ScopedRelatedFilter),
                   ("brand", ScopedRelatedFilter), ("store", ScopedRelatedFilter))
    list_select_related = ("category", "brand", "store")
    search_fields = ("name", "slug", "variants__sku")
    list_per_page = 50

    def get_queryset(self, request):
        images = ProductImage.objects.order_by("position", "id")
        return (super().get_queryset(request).defer("description", "search_vector", "search_text")
                .prefetch_related(Prefetch("images", queryset=images, to_attr="admin_images")))

    @admin.display(description=_("image"))
    def cover(self, product):
        images = getattr(product, "admin_images", None) or []
        return thumbnail(images[0].image) if images else "—"

    @admin.display(description=_("kind"))
    def kind(self, product):
        return ContentType.objects.get_for_id(product.polymorphic_ctype_id).model_class()._meta.verbose_name

    @admin.display(description=_("price from"), ordering="price_from")
    def price(self, product):
        return format_money(product.price_from, product.store.currency)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.delete_product(user=request.user, product=product)

