"""What the catalogue API shows: categories, brands, product cards and pages with the price this customer pays.

These serializers only read. Prices come from the `PricingPolicy` the view puts in
the context (one per request), so a card and a page show what the cart will charge.
"""

from decimal import Decimal

from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ashopy.catalog.availability import availability_of, state_of
from ashopy.catalog.models import Attribute, Availability, Badge, Category, Product, RetailProduct
from ashopy.catalog.services import PRODUCT_KINDS, kind_of

PRODUCT_KIND_CHOICES = [(kind, kind) for kind in PRODUCT_KINDS]


def money(**kwargs) -> serializers.DecimalField:
    """An amount as a decimal string, with the currency's own exponent (XOF "12500", EUR "12.50")."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


def absolute_media_url(context, name: str) -> str | None:
    if not name:
        return None
    url = default_storage.url(name)
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class AdjustmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="partner, segment or promotion (a catalogue promotion)")
    label = serializers.CharField(help_text="What the customer reads, e.g. “Student discount” or the promotion's "
                                            "name.")
    amount = money(help_text="Taken off the unit price, on the store's tax basis.")
    percent = money(allow_null=True)
    promotion_id = serializers.IntegerField(allow_null=True, help_text="The catalogue promotion that gave it "
                                                                       "(null for partner and segment discounts).")


class PriceSerializer(serializers.Serializer):
    """A price resolved for the customer making the request (pricing.resolver.UnitPrice)."""

    currency = serializers.CharField()
    gross = money(help_text="What the customer pays per unit, tax included.")
    base_gross = money(help_text="The catalogue price before sale and discounts, tax included.")
    discounted = serializers.BooleanField(help_text="True when the customer pays less than the catalogue price.")
    tax_rate = money()
    includes_tax = serializers.BooleanField(help_text="Whether the store's catalogue prices include tax.")
    adjustments = AdjustmentSerializer(many=True, help_text="The discounts applied, in order.")


class ReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class BadgeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Badge.choices)
    label = serializers.CharField()


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    alt = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()

    def get_url(self, picture) -> str:
        return absolute_media_url(self.context, picture.image.name)


class CategoryNodeSerializer(serializers.Serializer):
    """A category of the store's tree with its active sub-categories."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    depth = serializers.IntegerField()
    description = serializers.CharField()
    meta_title = serializers.CharField()
    meta_description = serializers.CharField()
    image = serializers.SerializerMethodField()

    def get_image(self, node) -> str | None:
        return absolute_media_url(self.context, node.image)


# A tree is recursive: the field refers to its own serializer, so it is added after the class.
CategoryNodeSerializer._declared_fields["children"] = CategoryNodeSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    """One category row, as staff edit it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    parent = serializers.SerializerMethodField()
    depth = serializers.IntegerField(source="level", help_text="1 for a top-level category.")
    position = serializers.IntegerField()
    is_active = serializers.BooleanField()
    description = serializers.CharField()
    image = serializers.SerializerMethodField()
    meta_title = serializers.CharField()
    meta_description = serializers.CharField()

    def get_parent(self, category) -> int | None:
        if category.level == 1:
            return None  # its treebeard parent is the store's hidden root
        return Category.objects.get_parent(category, update=True).pk  # a move leaves a stale cache

    def get_image(self, category) -> str | None:
        return absolute_media_url(self.context, category.image.name)


class BrandSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    logo = serializers.SerializerMethodField()

    def get_logo(self, brand) -> str | None:
        return absolute_media_url(self.context, brand.logo.name)


def _amount(value) -> str | None:
    """A Decimal as DecimalField(decimal_places=None) shows it."""
    return None if value is None else f"{value:f}"


def price_data(unit_price) -> dict | None:
    """`PriceSerializer(unit_price).data`, built directly: a listing shows one per card."""
    if unit_price is None:
        return None
    return {
        "currency": unit_price.currency,
        "gross": _amount(unit_price.gross),
        "base_gross": _amount(unit_price.base_gross),
        "discounted": unit_price.discounted,
        "tax_rate": _amount(unit_price.tax_rate),
        "includes_tax": unit_price.includes_tax,
        "adjustments": [{"code": a.code, "label": str(a.label), "amount": _amount(a.amount),
                         "percent": _amount(a.percent), "promotion_id": a.promotion_id}
                        for a in unit_price.adjustments],
    }


class PricedMixin:
    def _price(self, unit_price):
        return price_data(unit_price)


class ProductCardSerializer(PricedMixin, serializers.Serializer):
    """What a listing shows of a product, in the listing's fixed number of queries."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    short_description = serializers.CharField()
    kind = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    brand = ReferenceSerializer(allow_null=True)
    category = ReferenceSerializer()
    badges = serializers.SerializerMethodField()
    cover_image = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=PRODUCT_KIND_CHOICES))
    def get_kind(self, product) -> str:
        return kind_of(product)

    @extend_schema_field(BadgeSerializer(many=True))
    def get_badges(self, product, unit_price=...):
        """Staff's badges, with "promo" while a catalogue promotion gives the product's price to this customer."""
        if unit_price is ...:
            _variant, unit_price = self.context["policy"].cheapest(product.active_variants)
        promoted = unit_price is not None and any(a.promotion_id is not None for a in unit_price.adjustments)
        return [{"code": code, "label": str(label)} for code, label in product.badge_labels(promoted=promoted)]

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_cover_image(self, product):
        images = product.ordered_images
        return ImageSerializer(images[0], context=self.context).data if images else None

    @extend_schema_field(serializers.ChoiceField(choices=Availability.choices))
    def get_availability(self, product) -> str:
        return availability_of(product.active_variants)

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_price(self, product):
        """The cheapest active variant for this customer: the "from" price."""
        _variant, unit_price = self.context["policy"].cheapest(product.active_variants)
        return self._price(unit_price)

    def to_representation(self, product):
        """The declared fields (they document the schema), filled without DRF's per-field machinery:
        a page of 96 cards would otherwise spend most of its time there."""
        images = product.ordered_images
        cover = images[0] if images else None
        _variant, unit_price = self.context["policy"].cheapest(product.active_variants)
        return {
            "id": product.pk,
            "slug": product.slug,
            "name": product.name,
            "short_description": product.short_description,
            "kind": self.get_kind(product),
            "status": product.status,
            "brand": _reference(product.brand) if product.brand_id else None,
            "category": _reference(product.category),
            "badges": self.get_badges(product, unit_price),
            "cover_image": None if cover is None else {
                "id": cover.pk, "url": absolute_media_url(self.context, cover.image.name), "alt": cover.alt,
                "width": cover.width, "height": cover.height, "position": cover.position},
            "availability": self.get_availability(product),
            "price": self._price(unit_price),
        }


def _reference(obj) -> dict:
    return {"id": obj.pk, "slug": obj.slug, "name": obj.name}


class VariantSerializer(PricedMixin, serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    barcode = serializers.CharField()
    name = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    position = serializers.IntegerField()
    active = serializers.BooleanField()
    preorder = serializers.BooleanField()
    preorder_limit = serializers.IntegerField(allow_null=True, help_text="Units that may wait on pre-order (null: "
                                                                         "no limit).")
    preorder_expected_on = serializers.DateField(allow_null=True)
    available = serializers.IntegerField(help_text="Units that can be sold now, over the store's warehouses.")
    availability = serializers.SerializerMethodField()
    list_price = money(source="price", help_text="Catalogue price, on the store's tax basis.")
    sale_price = money(allow_null=True)
    weight_kg = money(allow_null=True)
    tax_class = serializers.IntegerField(source="tax_class_id", allow_null=True)
    price = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Availability.choices))
    def get_availability(self, variant) -> str:
        return state_of(variant)

    @extend_schema_field(PriceSerializer)
    def get_price(self, variant):
        """What this customer pays for the variant, with the discounts named."""
        return self._price(self.context["policy"].price(variant))


class SpecificationSerializer(serializers.Serializer):
    attribute = serializers.CharField(source="attribute.slug")
    name = serializers.CharField(source="attribute.name")
    kind = serializers.ChoiceField(source="attribute.kind", choices=Attribute.Kind.choices)
    unit = serializers.CharField(source="attribute.unit")
    value = serializers.SerializerMethodField()
    display = serializers.CharField(help_text="The value as shown to customers, with its unit.")

    @extend_schema_field(OpenApiTypes.ANY)
    def get_value(self, specification):
        """The typed value: string, integer, decimal string, boolean, or a choice's slug."""
        value = specification.value
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if hasattr(value, "slug"):
            return value.slug
        return value


# Fields that only one product kind has; a product shows its own kind's only.
KIND_FIELDS = {
    "retail": ("condition",),
    "real_estate_lot": ("surface_m2", "rooms", "floor", "programme"),
}


class ProductDetailSerializer(ProductCardSerializer):
    """Everything a product page shows. Kind-specific fields appear for products of that kind."""

    description = serializers.CharField()
    product_type = ReferenceSerializer(allow_null=True)
    featured = serializers.BooleanField()
    meta_title = serializers.CharField()
    meta_description = serializers.CharField()
    meta_keywords = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    images = ImageSerializer(many=True, source="ordered_images")
    variants = VariantSerializer(many=True, source="active_variants")
    specifications = SpecificationSerializer(many=True)
    condition = serializers.ChoiceField(choices=RetailProduct.Condition.choices, required=False,
                                        help_text="Retail products only.")
    surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, required=False,
                                          help_text="Real-estate lots only.")
    rooms = serializers.IntegerField(required=False, help_text="Real-estate lots only.")
    floor = serializers.IntegerField(required=False, help_text="Real-estate lots only.")
    programme = serializers.CharField(required=False, help_text="Real-estate lots only.")

    def to_representation(self, product):
        # DRF's own field-by-field representation: one product, many fields (not the card's shortcut).
        data = serializers.Serializer.to_representation(self, product)
        own = KIND_FIELDS.get(kind_of(product), ())
        for fields in KIND_FIELDS.values():
            for name in fields:
                if name not in own:
                    data.pop(name, None)
        return data
