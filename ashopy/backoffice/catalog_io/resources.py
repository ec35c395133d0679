"""The two datasets staff exchange as files: products with their variants, and stock levels.

django-import-export's `Resource` reads and writes the rows; a row is a plain snapshot
(`VariantLine`, `StockLine`) taken from the request's store only, and a line is saved through
the catalogue and stock services (`catalog.services.import_variant`,
`inventory.services.import_level`), which check the role and the rules. A line equal to what
the store holds is reported unchanged and written nowhere.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Resource

from ashopy.catalog.models import Category, Product, TaxClass, Variant
from ashopy.catalog.services import import_variant
from ashopy.core.errors import DomainError
from ashopy.core.money import quantum
from ashopy.inventory.models import Stock, Warehouse
from ashopy.inventory.services import import_level

from .widgets import (
    BooleanWidget,
    DecimalWidget,
    FileFormat,
    IntegerWidget,
    LookupWidget,
    OptionsWidget,
    TextWidget,
    plain_text,
)


@contextmanager
def as_row_errors(columns: dict[str, str], *, refused_column: str = ""):
    """A service's refusal becomes the line's errors, keyed by the file's columns (a business refusal
    under `refused_column`)."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError({columns.get(name, name): errors for name, errors in error.error_dict.items()}) \
                from error
        raise
    except DomainError as error:
        raise ValidationError({refused_column: str(error)} if refused_column else str(error)) from error


class StoreResource(Resource):
    """Rows of one store, read and written in one file format, by one member of its staff.

    A subclass gives `make_fields()` (its columns, by name) and `export_lines()` (the rows it exports).
    """

    key_columns: tuple[str, ...] = ()
    required_columns: tuple[str, ...] = ()

    class Meta:
        instance_loader_class = BaseInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_instance = True
        store_row_values = True
        use_transactions = True

    def __init__(self, *, store, user, file_format: FileFormat, lines: list[int] | None = None):
        super().__init__()
        self.store, self.user, self.file_format = store, user, file_format
        self.lines = lines or []
        self.fields = self.make_fields()
        for each in self.fields.values():
            each.widget.file_format = file_format
        self.seen: dict[tuple, int] = {}

    @property
    def columns(self) -> list[str]:
        return list(self.fields)

    def line_number(self, row_number: int) -> int:
        return self.lines[row_number - 1] if 0 < row_number <= len(self.lines) else row_number + 1

    def before_import_row(self, row, **kwargs):
        """Two lines for the same thing would hide one another: the second is refused."""
        key = tuple(plain_text(row.get(column)).casefold() for column in self.key_columns)
        line = self.line_number(kwargs.get("row_number", 0))
        if all(key) and key in self.seen:
            raise ValidationError({self.key_columns[0]: _("Already on line %(line)s.") % {"line": self.seen[key]}})
        self.seen.setdefault(key, line)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name in row:
            field.save(instance, row, is_m2m, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.save_line(instance, row)

    def export(self, queryset=None, **kwargs):
        return super().export(list(self.export_lines()), **kwargs)


# --- products and variants --------------------------------------------------------------------

@dataclass
class VariantLine:
    sku: str = ""
    product_slug: str = ""
    product_name: str = ""
    category: Category | None = None
    brand: str = ""
    published: bool = False
    variant_name: str = ""
    options: dict = field(default_factory=dict)
    price: object = None
    sale_price: object = None
    barcode: str = ""
    weight_kg: object = None
    tax_class: TaxClass | None = None

    @classmethod
    def of(cls, variant: Variant) -> "VariantLine":
        product = variant.product
        options = variant.options if isinstance(variant.options, dict) else {}
        return cls(sku=variant.sku, product_slug=product.slug, product_name=product.name, category=product.category,
                   brand=product.brand.name if product.brand else "",
                   published=product.status == Product.Status.PUBLISHED, variant_name=variant.name,
                   options={str(name): str(value) for name, value in options.items()}, price=variant.price,
                   sale_price=variant.sale_price, barcode=variant.barcode, weight_kg=variant.weight_kg,
                   tax_class=variant.tax_class)


PRODUCT_FIELDS = {"product_name": "name", "category": "category", "brand": "brand", "published": "published"}
VARIANT_FIELDS = {"variant_name": "name", "options": "options", "price": "price", "sale_price": "sale_price",
                  "barcode": "barcode", "weight_kg": "weight_kg", "tax_class": "tax_class"}
# The service's error keys, as the file's columns.
PRODUCT_ERROR_COLUMNS = {"product_name": "product_name", "product_slug": "product_slug", "product_category": "category",
                         "product_brand": "brand", "product_status": "published", "name": "variant_name",
                         "sku": "sku"}


class ProductResource(StoreResource):
    """One line per variant, keyed by SKU, with its product's name, slug, category, brand and status."""

    key_columns = ("sku",)
    required_columns = ("sku",)
    title = gettext_lazy("Products and variants")

    def make_fields(self):
        places = -quantum(self.store.currency).as_tuple().exponent
        categories = Category.objects.for_store(self.store)
        tax_classes = TaxClass.objects.filter(store=self.store)
        widgets = {
            "sku": TextWidget(64), "product_slug": TextWidget(220), "product_name": TextWidget(200),
            "category": LookupWidget(lambda text: find_category(categories, text), lambda category: category.slug,
                                     gettext_lazy("No category “%(value)s” in this store.")),
            "brand": TextWidget(120), "published": BooleanWidget(), "variant_name": TextWidget(120),
            "options": OptionsWidget(), "price": DecimalWidget(places, required=True),
            "sale_price": DecimalWidget(places), "barcode": TextWidget(13), "weight_kg": DecimalWidget(),
            "tax_class": LookupWidget(lambda text: tax_classes.filter(code=text).first(), lambda tax: tax.code,
                                      gettext_lazy("No tax class “%(value)s” in this store."), required=False),
        }
        return {name: Field(attribute=name, column_name=name, widget=widget) for name, widget in widgets.items()}

    def get_or_init_instance(self, instance_loader, row):
        sku = plain_text(row.get("sku"))
        if not sku:
            raise ValidationError({"sku": _("This field is required.")})
        variant = (Variant.objects.filter(store=self.store, sku=sku)
                   .select_related("product__category", "product__brand", "tax_class").first())
        if variant is None:
            return VariantLine(sku=sku), True
        return VariantLine.of(variant), False

    def save_line(self, line: VariantLine, row):
        if not line.product_slug:
            raise ValidationError({"product_slug": _("This field is required.")})
        product = {key: getattr(line, column) for column, key in PRODUCT_FIELDS.items() if column in row}
        variant = {key: getattr(line, column) for column, key in VARIANT_FIELDS.items() if column in row}
        with as_row_errors(PRODUCT_ERROR_COLUMNS):
            import_variant(store=self.store, sku=line.sku, product_slug=line.product_slug, product=product,
                           variant=variant, user=self.user)

    def export_lines(self):
        variants = (Variant.objects.filter(store=self.store)
                    .select_related("product__category", "product__brand", "tax_class")
                    .order_by("product__slug", "position", "id"))
        for variant in variants.iterator(chunk_size=500):
            yield VariantLine.of(variant)


def find_category(categories, text: str) -> Category | None:
    """A category of the store by its slug, or by its path of names ("Informatique > Portables")."""
    found = categories.filter(slug=text).first()
    if found is not None or ">" not in text:
        return found
    parent = None
    for name in (part.strip() for part in text.split(">")):
        level = categories.filter(name__iexact=name)
        level = level.filter(depth=Category.TOP_DEPTH) if parent is None else level.filter(
            depth=parent.depth + 1, path__startswith=parent.path)
        parent = level.first()
        if parent is None:
            return None
    return parent


# --- stock levels ---------------------------------------------------------------------------

@dataclass
class StockLine:
    sku: str = ""
    warehouse: str = ""
    on_hand: int = 0
    variant: Variant | None = None
    place: Warehouse | None = None


class StockResource(StoreResource):
    """One line per variant and warehouse: the units on hand, which an import sets."""

    key_columns = ("sku", "warehouse")
    required_columns = ("sku", "warehouse", "on_hand")
    title = gettext_lazy("Stock levels")

    def make_fields(self):
        self.warehouses: dict[str, Warehouse | None] = {}
        widgets = {"sku": TextWidget(64), "warehouse": TextWidget(30), "on_hand": IntegerWidget()}
        return {name: Field(attribute=name, column_name=name, widget=widget) for name, widget in widgets.items()}

    def get_or_init_instance(self, instance_loader, row):
        sku, code = plain_text(row.get("sku")), plain_text(row.get("warehouse"))
        variant = Variant.objects.filter(store=self.store, sku=sku).first() if sku else None
        if code not in self.warehouses:
            self.warehouses[code] = Warehouse.objects.filter(store=self.store, code=code).first() if code else None
        place = self.warehouses[code]
        errors = {}
        if variant is None:
            errors["sku"] = _("No SKU “%(value)s” in this store.") % {"value": sku[:60]} if sku else \
                _("This field is required.")
        if place is None:
            errors["warehouse"] = _("No warehouse “%(value)s” in this store.") % {"value": code[:60]} if code else \
                _("This field is required.")
        if errors:
            raise ValidationError(errors)
        stock = Stock.objects.filter(variant=variant, warehouse=place).first()
        line = StockLine(sku=sku, warehouse=code, on_hand=stock.on_hand if stock else 0, variant=variant, place=place)
        return line, stock is None

    def save_line(self, line: StockLine, row):
        with as_row_errors({}, refused_column="on_hand"):
            import_level(store=self.store, variant=line.variant, warehouse=line.place, on_hand=line.on_hand,
                         user=self.user, reference="import")

    def export_lines(self):
        rows = (Stock.objects.filter(store=self.store).select_related("variant", "warehouse")
                .order_by("variant__sku", "warehouse__code"))
        for stock in rows.iterator(chunk_size=500):
            yield StockLine(sku=stock.variant.sku, warehouse=stock.warehouse.code, on_hand=stock.on_hand)


RESOURCES = {"products": ProductResource, "stock": StockResource}
