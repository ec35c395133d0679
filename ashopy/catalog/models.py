"""The catalogue: categories, brands, product types and attributes, products, variants, images."""

import unicodedata
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel
from polymorphic.query import PolymorphicQuerySet
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from ashopy.core.validators import validate_ean13, validate_image_size
from ashopy.stores.models import Store, StoreOwnedQuerySet


def fold(text: str) -> str:
    """Lower-case and strip accents: what search compares ("Ordinateur portable" ~ "ordinateur PORTABLE")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class SeoFields(models.Model):
    meta_title = models.CharField(_("meta title"), max_length=60, blank=True)
    meta_description = models.CharField(_("meta description"), max_length=160, blank=True)

    class Meta:
        abstract = True


class CategoryQuerySet(MP_NodeQuerySet):
    def for_store(self, store):
        """The store's categories in tree order; its hidden root has no store, so it is never among them."""
        return self.filter(store=store)


class CategoryManager(MP_NodeManager):
    """Treebeard's manager, returning our queryset (treebeard hard-codes its own)."""

    def get_queryset(self):
        return CategoryQuerySet(self.model, using=self._db).order_by("path")

    def for_store(self, store):
        return self.get_queryset().for_store(store)


class Category(SeoFields, MP_Node):
    """A node of a store's category tree (any depth; materialised path).

    Each store's categories hang under a hidden root of their own: a node with no `store`,
    `root_of` the store, whose path step is the store's id. Treebeard then works inside one
    store's branch (siblings, shifts and moves are path-prefix scoped), so no write in one store
    rewrites another store's rows, and top-level categories are at `depth` 2 (`level` 1).
    Only `catalog.services` changes the tree; they keep siblings in `node_order_by` order.
    """

    # Treebeard's own fields, declared again only to be labelled (same columns, same definitions).
    path = models.CharField(_("tree path"), max_length=255, unique=True)
    depth = models.PositiveIntegerField(_("depth in the tree"))
    numchild = models.PositiveIntegerField(_("number of subcategories"), default=0)
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="categories",
                              null=True)  # null only for hidden roots
    root_of = models.OneToOneField(Store, verbose_name=_("hidden root of the store"), on_delete=models.CASCADE,
                                   related_name="category_root", null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="categories/", blank=True, validators=[validate_image_size])
    # The bound is explicit: SQLite does not enforce PostgreSQL's smallint range.
    position = models.PositiveSmallIntegerField(_("position"), default=0, validators=[MaxValueValidator(32767)],
                                                help_text=_("Smaller first; equal positions go by name."))
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["position", "name"]
    TOP_DEPTH = 2  # treebeard depth of a store's top-level categories (its hidden root is depth 1)
    objects = CategoryManager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["store", "slug"], name="category_slug_unique_per_store"),
            models.CheckConstraint(
                condition=(models.Q(depth=1, store__isnull=True, root_of__isnull=False)
                           | models.Q(depth__gt=1, store__isnull=False, root_of__isnull=True)),
                name="category_roots_are_hidden_store_roots"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category", kwargs={"slug": self.slug})

    @property
    def level(self) -> int:
        """Depth in the store's own tree: 1 for a top-level category."""
        return self.depth - 1

    @classmethod
    def root_path(cls, store_id: int) -> str:
        """The path of a store's hidden root: its id as one path step, so stores never race for one."""
        path = cls._get_path(None, 1, store_id)
        if len(path) != cls.steplen:
            raise ValueError(f"store id {store_id} does not fit in one category path step")
        return path


class Brand(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True, validators=[validate_image_size])

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["store", "slug"], name="brand_slug_unique_per_store")]

    def __str__(self):
        return self.name


class TaxClass(models.Model):
    """How a product is taxed (standard, reduced, exempt …); the rates live in pricing."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="tax_classes")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    is_default = models.BooleanField(_("default"), default=False,
                                     help_text=_("Used for variants that name no tax class."))

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tax class")
        verbose_name_plural = _("tax classes")
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="tax_class_code_unique_per_store"),
            models.UniqueConstraint(fields=["store"], condition=models.Q(is_default=True),
                                    name="one_default_tax_class_per_store"),
        ]

    def __str__(self):
        return self.name


class ProductType(models.Model):
    """A family of products sharing the same specification fields (laptop, phone, apartment …)."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="product_types")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["store", "slug"], name="product_type_slug_unique_per_store")]

    def __str__(self):
        return self.name


class Attribute(models.Model):
    """A typed specification field of a product type (CPU text, RAM integer, screen decimal, colour choice)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal")
        BOOLEAN = "boolean", _("Yes / no")
        CHOICE = "choice", _("Choice")

    product_type = models.ForeignKey(ProductType, verbose_name=_("product type"), on_delete=models.CASCADE,
                                     related_name="attributes")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. GB, inches, m²"))
    position = models.PositiveIntegerField(_("position"), default=0)
    filterable = models.BooleanField(_("usable as a filter"), default=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["product_type", "slug"], name="attribute_slug_unique_per_type")]

    def __str__(self):
        return self.name


class AttributeChoice(models.Model):
    attribute = models.ForeignKey(Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE,
                                  related_name="choices")
    value = models.CharField(_("value"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute choice")
        verbose_name_plural = _("attribute choices")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "slug"], name="choice_slug_unique_per_attribute")]

    def __str__(self):
        return self.value


class Badge(models.TextChoices):
    NOUVEAU = "nouveau", _("New")
    PROMO = "promo", _("Sale")
    POPULAIRE = "populaire", _("Popular")
    ETUDIANT = "etudiant", _("Student discount")
    PRO = "pro", _("Professional discount")


class ProductQuerySet(PolymorphicQuerySet):
    def for_store(self, store):
        return self.filter(store=store)

    def published(self, store):
        return self.filter(store=store, status=Product.Status.PUBLISHED)


class Product(SeoFields, PolymorphicModel):
    """What the customer sees in the catalogue; what is sold is one of its variants."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # PolymorphicModel's field, declared again only to be labelled (same column, same definition).
    polymorphic_ctype = models.ForeignKey(ContentType, verbose_name=_("product kind"), null=True, editable=False,
                                          on_delete=models.CASCADE,
                                          related_name="polymorphic_%(app_label)s.%(class)s_set+")
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="products")
    product_type = models.ForeignKey(ProductType, verbose_name=_("product type"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="products")
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="products")
    badges = models.JSONField(_("badges"), default=list, blank=True)
    meta_keywords = models.CharField(_("meta keywords"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(_("featured"), default=False)
    # Denormalised from the active variants by catalog.services.refresh_product(): listings
    # filter and sort on them without a join.
    price_from = models.DecimalField(_("price from"), max_digits=14, decimal_places=2, default=Decimal(0))
    on_sale = models.BooleanField(_("on sale"), default=False)
    # Orders will count sales here; listings sort by it ("popularity").
    popularity = models.PositiveIntegerField(_("popularity"), default=0)
    # Accent-free, lower-case name, brand and category: trigram search and the SQLite fallback.
    search_text = models.TextField(_("search terms"), editable=False, default="")
    # Filled by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PolymorphicManager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["store", "slug"], name="product_slug_unique_per_store")]
        indexes = [
            models.Index(fields=["store", "status", "category"], name="product_listing_idx"),
            models.Index(fields=["store", "status", "price_from"], name="product_price_idx"),
            models.Index(fields=["store", "status", "-created_at"], name="product_newest_idx"),
            models.Index(fields=["store", "status", "-popularity"], name="product_popularity_idx"),
            models.Index(fields=["store", "status", "name"], name="product_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        unknown = set(self.badges or []) - set(Badge.values)
        if not isinstance(self.badges, list) or unknown:
            names = ", ".join(map(str, unknown))
            raise ValidationError({"badges": _("Unknown badge(s): %(badges)s") % {"badges": names}})
        for field in ("category", "brand", "product_type"):
            related = getattr(self, field, None)
            if related is not None and self.store_id and related.store_id != self.store_id:
                raise ValidationError({field: _("Choose one of this store's own.")})

    def badge_labels(self, promoted: bool = False):
        """The badges staff chose, with "promo" added when `promoted`: the price the visitor sees carries a
        running catalogue promotion (the pricing app knows; the catalogue does not import it)."""
        labels = dict(Badge.choices)
        codes = [*(self.badges or []), *([Badge.PROMO.value] if promoted else [])]
        return [(badge, labels[badge]) for badge in dict.fromkeys(codes) if badge in labels]


# The link from a product kind's row to its product row: what Django would create (multi-table
# inheritance), declared only to be labelled.
PRODUCT_KIND_LINK = {"on_delete": models.CASCADE, "parent_link": True, "auto_created": True, "primary_key": True,
                     "serialize": False}


class RetailProduct(Product):
    """An ordinary product sold from stock in any quantity."""

    class Condition(models.TextChoices):
        NEW = "new", pgettext_lazy("product condition", "New")
        REFURBISHED = "refurbished", _("Refurbished")
        USED = "used", _("Used")

    product_ptr = models.OneToOneField(Product, verbose_name=_("product"), **PRODUCT_KIND_LINK)
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices, default=Condition.NEW)

    class Meta:
        verbose_name = _("retail product")
        verbose_name_plural = _("retail products")


class RealEstateLot(Product):
    """A unique property lot of a real-estate programme (one unit, sold once)."""

    product_ptr = models.OneToOneField(Product, verbose_name=_("product"), **PRODUCT_KIND_LINK)
    surface_m2 = models.DecimalField(_("surface (m²)"), max_digits=8, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    floor = models.SmallIntegerField(_("floor"), default=0)
    programme = models.CharField(_("programme"), max_length=150, help_text=_("Programme or project name"))

    class Meta:
        verbose_name = _("real-estate lot")
        verbose_name_plural = _("real-estate lots")


class Availability(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    LOW_STOCK = "low_stock", _("Low stock")
    OUT_OF_STOCK = "out_of_stock", _("Out of stock")
    PREORDER = "preorder", _("Pre-order")


class Variant(models.Model):
    """A sellable unit (SKU) of a product: its own price, options and barcode."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="variants")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64)
    barcode = models.CharField(_("barcode (EAN-13)"), max_length=13, blank=True, validators=[validate_ean13])
    name = models.CharField(_("name"), max_length=120, blank=True, help_text=_("e.g. 16 GB / Black"))
    options = models.JSONField(_("options"), default=dict, blank=True, help_text=_('e.g. {"Colour": "Black"}'))
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    sale_price = models.DecimalField(_("sale price"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=8, decimal_places=3, null=True, blank=True,
                                    validators=[MinValueValidator(0)])
    tax_class = models.ForeignKey(TaxClass, verbose_name=_("tax class"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="variants")
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    preorder = models.BooleanField(_("pre-order"), default=False,
                                   help_text=_("May be ordered while out of stock (shown as pre-order)."))
    preorder_limit = models.PositiveIntegerField(
        _("pre-order limit"), null=True, blank=True,
        help_text=_("The most units that may wait on pre-order, all customers together (empty: no limit)."))
    preorder_expected_on = models.DateField(_("expected shipping date"), null=True, blank=True,
                                            help_text=_("Shown to customers who pre-order."))
    # Units of live orders waiting for stock: kept by orders.preorders under a conditional UPDATE
    # of this row, which is what makes the limit hold under concurrent checkouts.
    preorder_waiting = models.PositiveIntegerField(_("units waiting on pre-order"), default=0, editable=False)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="sku_unique_per_store"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(sale_price__isnull=True)
                | models.Q(sale_price__gte=0, sale_price__lte=models.F("price")),
                name="variant_sale_price_between_zero_and_price"),
        ]

    def __str__(self):
        return f"{self.product.name} — {self.name}" if self.name else self.sku

    # Written only by orders.preorders (conditional UPDATEs): a variant saved by staff from a stale
    # instance must not put back an old count.
    COUNTERS = ("preorder_waiting",)

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in self.COUNTERS]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.sale_price is not None and self.price is not None and self.sale_price > self.price:
            raise ValidationError({"sale_price": _("The sale price cannot be above the price.")})
        if self.product_id and self.store_id and self.product.store_id != self.store_id:
            raise ValidationError({"product": _("Choose one of this store's own.")})
        if self.tax_class_id and self.tax_class.store_id != self.store_id:
            raise ValidationError({"tax_class": _("Choose one of this store's own.")})

    @property
    def effective_price(self) -> Decimal:
        """The catalogue price before customer discounts: the sale price when there is one."""
        return self.sale_price if self.sale_price is not None else self.price


class ProductImage(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="images")
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/", validators=[validate_image_size],
                              width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width (px)"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height (px)"), null=True, editable=False)
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt or self.image.name


class AttributeValue(models.Model):
    """One product's value of one attribute, stored in the column of the attribute's kind."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="attribute_values")
    attribute = models.ForeignKey(Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE,
                                  related_name="values")
    value_text = models.CharField(_("text value"), max_length=255, blank=True)
    value_integer = models.BigIntegerField(_("whole-number value"), null=True, blank=True)
    value_decimal = models.DecimalField(_("decimal value"), max_digits=14, decimal_places=4, null=True, blank=True)
    value_boolean = models.BooleanField(_("yes / no value"), null=True, blank=True)
    value_choice = models.ForeignKey(AttributeChoice, verbose_name=_("chosen value"), on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")
        ordering = ["attribute__position", "attribute_id"]
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="one_value_per_attribute")]
        indexes = [
            models.Index(fields=["attribute", "value_choice"], name="attribute_choice_idx"),
            models.Index(fields=["attribute", "value_integer"], name="attribute_integer_idx"),
            models.Index(fields=["attribute", "value_decimal"], name="attribute_decimal_idx"),
        ]

    def __str__(self):
        return f"{self.attribute}: {self.display}"

    @property
    def value(self):
        kind = self.attribute.kind
        Kind = Attribute.Kind
        return {
            Kind.TEXT: self.value_text,
            Kind.INTEGER: self.value_integer,
            Kind.DECIMAL: self.value_decimal,
            Kind.BOOLEAN: self.value_boolean,
            Kind.CHOICE: self.value_choice,
        }[kind]

    @property
    def display(self) -> str:
        value = self.value
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if isinstance(value, Decimal):
            value = value.normalize()
            value = format(value, "f")
        unit = f" {self.attribute.unit}" if self.attribute.unit else ""
        return f"{value}{unit}"

    def clean(self):
        super().clean()
        if self.attribute_id and self.product_id and self.attribute.product_type_id != self.product.product_type_id:
            raise ValidationError({"attribute": _("This attribute belongs to another product type.")})
        if self.value_choice_id and self.value_choice.attribute_id != self.attribute_id:
            raise ValidationError({"value_choice": _("This choice belongs to another attribute.")})
