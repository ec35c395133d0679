"""What catalogue staff send: shapes and types only.

The rules (sale price not above price, unique SKU, same-store category …) live in
`catalog.services`, which raise ValidationError; the API's exception handler turns
those into 400 with per-field messages.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ashopy.catalog.models import Badge, Brand, Category, Product, ProductType, RetailProduct, TaxClass
from ashopy.catalog.services import kind_of

from ..fields import OptionalBooleanField, StoreRelatedField, no_null_characters
from .serializers import KIND_FIELDS, PRODUCT_KIND_CHOICES


def amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, **kwargs)


class VariantInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                help_text="Unique in the store; made from the product's slug when left out.")
    barcode = serializers.CharField(max_length=13, required=False, allow_blank=True, help_text="EAN-13")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    options = serializers.DictField(child=serializers.CharField(max_length=120), required=False,
                                    validators=[no_null_characters])
    list_price = amount(help_text="Catalogue price, on the store's tax basis.")
    sale_price = amount(required=False, allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=0, required=False,
                                        allow_null=True)
    tax_class = StoreRelatedField(queryset=TaxClass.objects.all(), required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    active = OptionalBooleanField(required=False)
    preorder = OptionalBooleanField(required=False)
    preorder_limit = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True,
                                              help_text="Units that may wait on pre-order, all customers together "
                                                        "(null: no limit).")
    preorder_expected_on = serializers.DateField(required=False, allow_null=True,
                                                 help_text="Expected shipping date shown to customers who pre-order.")


def variant_service_fields(data: dict) -> dict:
    """A variant's validated data with the names `catalog.services.save_variant` takes."""
    fields = dict(data)
    if "list_price" in fields:
        fields["price"] = fields.pop("list_price")
    return fields


class ProductInputSerializer(serializers.Serializer):
    """Fields staff set on create and update. Kind-specific fields are refused for the other kind."""

    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=220, required=False, allow_blank=True,
                                 help_text="Unique in the store; made from the name when left out.")
    category = StoreRelatedField(queryset=Category.objects.all())
    brand = StoreRelatedField(queryset=Brand.objects.all(), required=False, allow_null=True)
    product_type = StoreRelatedField(queryset=ProductType.objects.all(), required=False, allow_null=True)
    short_description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices), required=False,
                                   max_length=len(Badge.choices))
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)
    featured = OptionalBooleanField(required=False)
    meta_title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    meta_description = serializers.CharField(max_length=160, required=False, allow_blank=True)
    meta_keywords = serializers.CharField(max_length=255, required=False, allow_blank=True)
    condition = serializers.ChoiceField(choices=RetailProduct.Condition.choices, required=False,
                                        help_text="Retail products only.")
    surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, required=False,
                                          help_text="Real-estate lots only (required for them).")
    rooms = serializers.IntegerField(min_value=0, max_value=32767, required=False,
                                     help_text="Real-estate lots only (required for them).")
    floor = serializers.IntegerField(min_value=-32768, max_value=32767, required=False,
                                     help_text="Real-estate lots only.")
    programme = serializers.CharField(max_length=150, required=False,
                                      help_text="Real-estate lots only (required for them).")
    specifications = serializers.DictField(child=serializers.JSONField(), required=False,
                                           validators=[no_null_characters],
                                           help_text="{attribute slug: value}; null removes a value.")

    def product_kind(self, attrs) -> str:
        return kind_of(self.context["product"])

    def validate(self, attrs):
        kind = self.product_kind(attrs)
        foreign = [name for other, names in KIND_FIELDS.items() if other != kind for name in names if name in attrs]
        if foreign:
            raise serializers.ValidationError(
                {name: _("This field does not apply to this kind of product.") for name in foreign})
        return attrs


class ProductCreateSerializer(ProductInputSerializer):
    kind = serializers.ChoiceField(choices=PRODUCT_KIND_CHOICES, default="retail")
    variants = VariantInputSerializer(many=True, allow_empty=False, max_length=200,
                                      help_text="At least one; what is actually sold.")

    def product_kind(self, attrs) -> str:
        return attrs.get("kind", "retail")

    def service_fields(self) -> dict:
        """validated_data as `catalog.services.create_product` takes it."""
        fields = dict(self.validated_data)
        fields["variants"] = [variant_service_fields(variant) for variant in fields["variants"]]
        return fields


class CategoryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=140, required=False, allow_blank=True)
    parent = StoreRelatedField(queryset=Category.objects.all(), required=False, allow_null=True,
                               help_text="Id of a category of this store; null for a top-level one.")
    description = serializers.CharField(required=False, allow_blank=True)
    image = serializers.ImageField(required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, max_value=32_767, required=False,
                                        help_text="Smaller first among its siblings; equal positions go by name.")
    is_active = OptionalBooleanField(required=False)
    meta_title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    meta_description = serializers.CharField(max_length=160, required=False, allow_blank=True)


class BrandInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=140, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    logo = serializers.ImageField(required=False, allow_null=True)


class ImageInputSerializer(serializers.Serializer):
    image = serializers.ImageField(help_text="JPEG, PNG, GIF or WebP; larger files than the store allows are refused.")
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
