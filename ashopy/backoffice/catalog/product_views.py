"""The back-office product page, /staff/catalog/products/<id>/: the product's fields and specifications,
its variants as a table (one column per option) with their stock, and its images.

Each part is its own form posting to its own address; a refused form comes back on the whole page with
its errors (status 400) and nothing changed. The catalogue services make every change.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ashopy.accounts.forms import add_service_errors
from ashopy.catalog import selectors, services
from ashopy.catalog.models import Product, RetailProduct
from ashopy.inventory import selectors as stock_selectors
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import CATALOGUE_ROLES

from .product_forms import (
    ImageFormSet,
    NewProductForm,
    OptionNamesForm,
    ProductForm,
    SpecificationForm,
    UploadForm,
    VariantFormSet,
    option_columns,
    option_names,
)


class _Refused(Exception):
    """A row was refused by a service: roll back the rows saved before it."""


def _product(request, pk) -> Product:
    product = selectors.staff_product(store=request.store, pk=pk)
    if product is None:
        raise Http404
    return product


def _variant_initial(variant, names: list[str]) -> dict:
    initial = {"id": variant.pk, "sku": variant.sku, "name": variant.name, "barcode": variant.barcode,
               "weight_kg": variant.weight_kg, "tax_class": variant.tax_class_id, "active": variant.active,
               "price": variant.price, "sale_price": variant.sale_price}
    for index, name in enumerate(names):
        initial[f"option_{index}"] = (variant.options or {}).get(name, "")
    return initial


def _variant_formset(request, product, names: list[str], tax_classes, data=None):
    return VariantFormSet(data, prefix="variants", variants=product.staff_variants,
                          initial=[_variant_initial(variant, names) for variant in product.staff_variants],
                          form_kwargs={"currency": request.store.currency, "tax_classes": tax_classes,
                                       "options": option_columns(names)})


def _image_formset(product, data=None):
    return ImageFormSet(data, prefix="images", images=product.ordered_images,
                        initial=[{"id": image.pk, "alt": image.alt, "position": image.position}
                                 for image in product.ordered_images])


def _page(request, product, *, form=None, specifications=None, names=None, variants=None, images=None,
          upload=None, status=200):
    store = request.store
    attributes = selectors.type_attributes(product.product_type)
    tax_classes = list(selectors.store_tax_classes(store))
    option_list = option_names(product.staff_variants)
    names = names or OptionNamesForm(option_list)
    variants = variants or _variant_formset(request, product, option_list, tax_classes)
    stock = stock_selectors.product_stock(store=store, product=product)
    own = {variant.pk: variant for variant in product.staff_variants}
    for row in variants.forms:
        variant_id = row["id"].value()
        variant_id = int(variant_id) if str(variant_id or "").isdecimal() else None
        row.variant, row.stock_rows = own.get(variant_id), stock.get(variant_id, [])
    return render(request, "backoffice/catalog/product_detail.html", {
        "product": product, "form": form or ProductForm(store, instance=product),
        "specifications": specifications or SpecificationForm(attributes, product.specifications),
        "names": names, "variants": variants, "images": images or _image_formset(product),
        "upload": upload or UploadForm(), "tax_classes": tax_classes,
    }, status=status)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def product_create(request):
    """A new product (a draft by default) with the price of its first variant; the rest on its page."""
    store = request.store
    form = NewProductForm(store, request.POST or None, instance=RetailProduct(store=store))
    if form.is_bound and form.is_valid():
        try:
            product = services.create_product(store=store, kind="retail", user=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product created. Add its variants, images and specifications."))
            return redirect("staff_catalog:product_detail", pk=product.pk)
    return render(request, "backoffice/catalog/product_create.html", {"form": form},
                  status=400 if form.errors else 200)


@store_staff_required(CATALOGUE_ROLES)
@require_http_methods(["GET", "POST"])
def product_detail(request, pk):
    """The product's fields and specifications (POST saves them); variants and images post elsewhere."""
    product = _product(request, pk)
    if request.method == "GET":
        return _page(request, product)
    attributes = selectors.type_attributes(product.product_type)
    type_before = product.product_type_id
    form = ProductForm(request.store, request.POST, instance=product)
    specifications = SpecificationForm(attributes, product.specifications, request.POST)
    if form.is_valid() and specifications.is_valid():
        new_type = form.cleaned_data["product_type"]
        same_type = new_type is not None and new_type.pk == type_before
        try:
            services.update_product(product=product, user=request.user, **form.changes(),
                                    specifications=specifications.values() if same_type and attributes else None)
        except ValidationError as error:
            add_service_errors(specifications if _about_specifications(error, attributes) else form, error)
        else:
            messages.success(request, _("Product saved."))
            if new_type is not None and not same_type:
                messages.info(request, _("The product type changed: fill in its specifications now."))
            return redirect("staff_catalog:product_detail", pk=product.pk)
    product = _product(request, pk)
    return _page(request, product, form=form, specifications=specifications, status=400)


def _about_specifications(error: ValidationError, attributes) -> bool:
    slugs = {attribute.slug for attribute in attributes} | {"specifications"}
    return hasattr(error, "error_dict") and bool(error.error_dict.keys() & slugs)


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def save_variants(request, pk):
    """Save the variants table: changed rows, new rows, deleted rows, renamed option columns; all or nothing."""
    product = _product(request, pk)
    tax_classes = list(selectors.store_tax_classes(request.store))
    current = option_names(product.staff_variants)
    names = OptionNamesForm(current, request.POST)
    variants = _variant_formset(request, product, current, tax_classes, data=request.POST)
    if names.is_valid() and variants.is_valid():
        try:
            _apply_variants(request, product, variants, names.names(), {t.pk: t for t in tax_classes})
        except _Refused:
            pass
        else:
            messages.success(request, _("Variants saved."))
            return redirect("staff_catalog:product_detail", pk=product.pk)
    return _page(request, product, names=names, variants=variants, status=400)


@transaction.atomic
def _apply_variants(request, product, variants, names: list[str], tax_classes: dict) -> None:
    store, user = request.store, request.user
    for position, form in enumerate(variants.forms):
        data = form.cleaned_data
        if not data or (data.get("id") is None and not form.has_changed()):
            continue
        variant = variants.variants.get(data.get("id"))
        try:
            if variants._should_delete_form(form):
                if variant is not None:
                    services.delete_variant(variant=variant, user=user)
                continue
            services.save_variant(store=store, product=product, variant=variant, refresh=False, user=user,
                                  position=position, **form.variant_fields(names, tax_classes))
        except ValidationError as error:
            add_service_errors(form, error)
            transaction.set_rollback(True)
            raise _Refused from error
    services.refresh_product(product)


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def save_images(request, pk):
    """Alternative texts, order (by position) and deletions of the product's images."""
    product = _product(request, pk)
    images = _image_formset(product, data=request.POST)
    if not images.is_valid():
        return _page(request, product, images=images, status=400)
    with transaction.atomic():
        for form in images.forms:
            image = images.images[form.cleaned_data["id"]]
            if images._should_delete_form(form):
                services.delete_image(image=image, user=request.user)
            else:
                services.update_image(image=image, alt=form.cleaned_data["alt"],
                                      position=form.cleaned_data["position"], user=request.user)
    messages.success(request, _("Images saved."))
    return redirect("staff_catalog:product_detail", pk=product.pk)


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def upload_image(request, pk):
    """Add an image after the product's others."""
    product = _product(request, pk)
    upload = UploadForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            services.add_image(product=product, image=upload.cleaned_data["image"],
                               alt=upload.cleaned_data["alt"], user=request.user)
        except ValidationError as error:
            add_service_errors(upload, error)
        else:
            messages.success(request, _("Image added."))
            return redirect("staff_catalog:product_detail", pk=product.pk)
    return _page(request, product, upload=upload, status=400)
