"""Back-office pages of what products are filed under: the category tree, brands, product types and their
attributes (/staff/catalog/categories/, brands/, types/).

Same rules as the product pages: catalogue roles only, another store's id is a 404, and the catalogue
services make (and may refuse) every change.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ashopy.accounts.forms import add_service_errors
from ashopy.catalog import selectors, services
from ashopy.catalog.models import Brand, Category, ProductType
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import CATALOGUE_ROLES

from .forms import AttributeFormSet, BrandForm, CategoryForm, ProductTypeForm
from .views import error_messages


def _form_page(request, template: str, context: dict, form) -> object:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


# --- categories ----------------------------------------------------------------------------

@require_safe
@store_staff_required(CATALOGUE_ROLES)
def category_list(request):
    """The store's category tree, parents before their children, siblings by position then name."""
    categories = list(selectors.store_categories(request.store).annotate(product_count=Count("products")))
    for category in categories:
        category.depth = min(category.level, 5)  # the template indents by depth (staff.css: .staff-tree-level-N)
    return render(request, "backoffice/catalog/category_list.html", {"categories": categories})


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def category_create(request):
    form = CategoryForm(request.store, request.POST or None, initial={"parent": request.GET.get("parent")}
                        if str(request.GET.get("parent", "")).isdecimal() else None)
    if form.is_bound and form.is_valid():
        try:
            category = services.create_category(store=request.store, user=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
            return redirect("staff_catalog:category_list")
    return _form_page(request, "backoffice/catalog/category_form.html", {"category": None}, form)


def _parent_id(category: Category) -> int | None:
    parent = Category.objects.get_parent(category)
    return None if parent is None or parent.depth < Category.TOP_DEPTH else parent.pk


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    """Rename, move under another parent, reorder (position) or describe a category."""
    category = get_object_or_404(Category.objects.for_store(request.store), pk=pk)
    parent_id = _parent_id(category)
    initial = {"name": category.name, "slug": category.slug, "parent": parent_id, "position": category.position,
               "is_active": category.is_active, "description": category.description}
    form = CategoryForm(request.store, request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        changes = form.changes()
        parent = changes.pop("parent")
        if (parent.pk if parent else None) != parent_id:
            changes["parent"] = parent
        try:
            services.update_category(category=category, user=request.user, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Category “%(name)s” saved.") % {"name": category.name})
            return redirect("staff_catalog:category_list")
    return _form_page(request, "backoffice/catalog/category_form.html", {"category": category}, form)


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def category_delete(request, pk):
    """Delete a category and its sub-categories; refused while they hold products (said as a message)."""
    category = get_object_or_404(Category.objects.for_store(request.store), pk=pk)
    try:
        services.delete_category(category=category, user=request.user)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("staff_catalog:category_edit", pk=pk)
    messages.success(request, _("Category “%(name)s” deleted.") % {"name": category.name})
    return redirect("staff_catalog:category_list")


# --- brands --------------------------------------------------------------------------------

@require_safe
@store_staff_required(CATALOGUE_ROLES)
def brand_list(request):
    brands = selectors.store_brands(request.store).annotate(product_count=Count("products"))
    return render(request, "backoffice/catalog/brand_list.html", {"brands": brands})


def _brand_form(request, brand: Brand | None):
    initial = {"name": brand.name, "slug": brand.slug, "description": brand.description} if brand else None
    form = BrandForm(request.POST or None, request.FILES or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            brand = services.save_brand(store=request.store, brand=brand, user=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Brand “%(name)s” saved.") % {"name": brand.name})
            return redirect("staff_catalog:brand_list")
    return _form_page(request, "backoffice/catalog/brand_form.html", {"brand": brand}, form)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def brand_create(request):
    return _brand_form(request, None)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def brand_edit(request, pk):
    return _brand_form(request, get_object_or_404(Brand.objects.for_store(request.store), pk=pk))


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def brand_delete(request, pk):
    """Delete a brand; its products stay, without a brand."""
    brand = get_object_or_404(Brand.objects.for_store(request.store), pk=pk)
    services.delete_brand(brand=brand, user=request.user)
    messages.success(request, _("Brand “%(name)s” deleted.") % {"name": brand.name})
    return redirect("staff_catalog:brand_list")


# --- product types -------------------------------------------------------------------------

@require_safe
@store_staff_required(CATALOGUE_ROLES)
def product_type_list(request):
    return render(request, "backoffice/catalog/product_type_list.html",
                  {"product_types": selectors.store_product_types(request.store)})


def _attribute_initial(product_type: ProductType) -> list[dict]:
    return [{"slug": attribute.slug, "name": attribute.name, "kind": attribute.kind, "unit": attribute.unit,
             "choices": "\n".join(choice.value for choice in attribute.ordered_choices)}
            for attribute in selectors.type_attributes(product_type)]


def _product_type_form(request, product_type: ProductType | None):
    initial = {"name": product_type.name, "slug": product_type.slug} if product_type else None
    form = ProductTypeForm(request.POST or None, initial=initial)
    attributes = AttributeFormSet(request.POST or None, prefix="attributes",
                                  initial=_attribute_initial(product_type) if product_type else None)
    if form.is_bound and form.is_valid() and attributes.is_valid():
        specs = [row.spec() for row in attributes.forms if row.cleaned_data]
        try:
            product_type = services.save_product_type(
                store=request.store, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"],
                attributes=specs, product_type=product_type or ProductType(store=request.store), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product type “%(name)s” saved.") % {"name": product_type.name})
            return redirect("staff_catalog:product_type_edit", pk=product_type.pk)
    errors = form.errors or (attributes.is_bound and not attributes.is_valid())
    return render(request, "backoffice/catalog/product_type_form.html",
                  {"form": form, "attributes": attributes, "product_type": product_type},
                  status=400 if errors else 200)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def product_type_create(request):
    return _product_type_form(request, None)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def product_type_edit(request, pk):
    """The type's name and its attributes (name, type, unit, choices); attributes are added, never removed here."""
    return _product_type_form(request, get_object_or_404(ProductType.objects.for_store(request.store), pk=pk))
