"""Shapes of the stock API: what it shows (stock rows, movements, warehouses) and what staff send.

Input is checked here before any service runs: whole positive quantities within bounds, ids of
the request store's own rows. An id that does not exist, or belongs to another store, is a 400
naming the field, with the same message either way so nothing leaks about other stores.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ashopy.catalog.models import Variant
from ashopy.inventory.adjustments import ADJUSTMENT_CAUSES, NOTE_LENGTH
from ashopy.inventory.models import Stock, StockMovement, Warehouse
from ashopy.inventory.selectors import parse_product
from ashopy.inventory.services import MAX_QUANTITY

from ..fields import no_null_characters

BIGINT_MAX = 2**63 - 1


class StoreRowField(serializers.IntegerField):
    """The id of one of the request store's rows (a variant, a warehouse); the row itself once valid."""

    default_error_messages = {"does_not_exist": _("No such row in this store.")}
    missing = {Variant: _("No such variant in this store."), Warehouse: _("No such warehouse in this store.")}

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)
        if model in self.missing:
            self.error_messages["does_not_exist"] = self.missing[model]
        # For the schema only: the validators would compare the row, so the range is checked below.
        self.min_value, self.max_value = 1, BIGINT_MAX

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        pk = super().to_internal_value(data)
        row = (self.model.objects.filter(store=self.context["request"].store, pk=pk).first()
               if 1 <= pk <= BIGINT_MAX else None)
        if row is None:
            self.fail("does_not_exist")
        return row


class WholeNumberField(serializers.IntegerField):
    """A whole number of units: booleans and fractions ("1.5", 1.5) are refused, not rounded."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


def units(minimum: int = 1, **kwargs) -> WholeNumberField:
    return WholeNumberField(min_value=minimum, max_value=MAX_QUANTITY, **kwargs)


def note_field(*, required=False, max_length=255) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required,
                                 default="" if not required else serializers.empty, validators=[no_null_characters])


# --- output --------------------------------------------------------------------------------

class WarehouseSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True, help_text="ISO 3166 code, or empty.")

    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "kind", "city", "country", "is_active", "priority"]
        read_only_fields = fields


class StockSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", read_only=True)
    variant_name = serializers.CharField(source="variant.name", read_only=True)
    product = serializers.IntegerField(source="variant.product_id", read_only=True)
    product_name = serializers.CharField(source="variant.product.name", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    available = serializers.IntegerField(read_only=True, help_text="on_hand − reserved: what can be sold now.")

    class Meta:
        model = Stock
        fields = ["id", "variant", "sku", "variant_name", "product", "product_name", "warehouse", "warehouse_code",
                  "on_hand", "reserved", "available", "low_stock_threshold", "reorder_point", "reorder_quantity"]
        read_only_fields = fields


class MovementSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", read_only=True)
    product = serializers.IntegerField(source="variant.product_id", read_only=True)
    product_name = serializers.CharField(source="variant.product.name", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    user = serializers.EmailField(source="user.email", read_only=True, allow_null=True, default=None,
                                  help_text="Who made the change (empty for automatic ones).")

    class Meta:
        model = StockMovement
        fields = ["id", "created_at", "variant", "sku", "product", "product_name", "warehouse", "warehouse_code",
                  "quantity", "reason", "reason_label", "balance_after", "unit_cost", "reference", "user", "note"]
        read_only_fields = fields


class OperationResultSerializer(serializers.Serializer):
    movements = MovementSerializer(many=True, help_text="The ledger lines written, in order (two for a transfer).")


class StockValueWarehouseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    units = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)


class StockValueSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="The store's currency.")
    warehouses = StockValueWarehouseSerializer(many=True)
    units = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=20, decimal_places=4, help_text="At weighted average cost.")


# --- query filters -------------------------------------------------------------------------

class StockFilterSerializer(serializers.Serializer):
    warehouse = StoreRowField(Warehouse, required=False, help_text="A warehouse id of this store.")
    variant = StoreRowField(Variant, required=False, help_text="A variant id of this store.")
    sku = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="Exact SKU.")
    q = serializers.CharField(max_length=100, required=False, allow_blank=True,
                              help_text="SKU or product name contains, or barcode.")
    low = serializers.BooleanField(required=False, default=False,
                                   help_text="Only rows at or below their low-stock threshold.")


class MovementFilterSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=220, required=False, allow_blank=True,
                                    help_text="A product id or slug (or a SKU).")
    variant = StoreRowField(Variant, required=False)
    warehouse = StoreRowField(Warehouse, required=False)
    date_from = serializers.DateField(required=False, input_formats=["iso-8601"],
                                      help_text="First day (YYYY-MM-DD, store's local date), inclusive.")
    date_to = serializers.DateField(required=False, input_formats=["iso-8601"], help_text="Last day, inclusive.")

    def validate_product(self, value):
        if not value:
            return None
        product = parse_product(self.context["request"].store, value)
        if product is None:
            raise serializers.ValidationError(_("No such product in this store."))
        return product

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
        return data


# --- operations ----------------------------------------------------------------------------

class AdjustInputSerializer(serializers.Serializer):
    variant = StoreRowField(Variant)
    warehouse = StoreRowField(Warehouse)
    quantity_change = WholeNumberField(min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
                                       help_text="Signed, never zero: −3 takes three units out.")
    reason = serializers.ChoiceField(choices=ADJUSTMENT_CAUSES, help_text="Written at the start of the note.")
    note = note_field(required=True, max_length=NOTE_LENGTH)

    def validate_quantity_change(self, value):
        if value == 0:
            raise serializers.ValidationError(_("Enter a non-zero change."))
        return value


class TransferInputSerializer(serializers.Serializer):
    variant = StoreRowField(Variant)
    source = StoreRowField(Warehouse)
    destination = StoreRowField(Warehouse, help_text="Another warehouse of the store (the same one is a 400).")
    quantity = units()
    note = note_field()


class CountInputSerializer(serializers.Serializer):
    variant = StoreRowField(Variant)
    warehouse = StoreRowField(Warehouse)
    counted = units(minimum=0, help_text="Units physically on the shelf.")
    note = note_field()


class ReceiveInputSerializer(serializers.Serializer):
    variant = StoreRowField(Variant)
    warehouse = StoreRowField(Warehouse)
    quantity = units()
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0, required=False,
                                         allow_null=True, default=None,
                                         help_text="Updates the weighted average cost when given.")
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                      validators=[no_null_characters])
    note = note_field()
