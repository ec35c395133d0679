"""Purchasing shapes: what the API answers and what stock staff send.

Input serializers check shapes and types only; `purchasing.services` decides (quantities within
what is outstanding, states, same-store rows) and its DomainErrors become 4xx answers.
"""

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ashopy.catalog.models import Variant
from ashopy.inventory.models import Warehouse
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.purchasing.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, Supplier, SupplierItem

from ..fields import StoreRelatedField

ACTIONS = ["send", "receive", "cancel"]


def cost(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0, **kwargs)


class SupplierSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                  help_text="Local number, or international with the + prefix.")

    class Meta:
        model = Supplier
        fields = ["id", "name", "contact_name", "email", "phone", "lead_time_days", "currency", "is_active"]
        extra_kwargs = {"currency": {"required": False, "allow_blank": True,
                                     "help_text": "ISO 4217 code the supplier invoices in; default: the "
                                                  "store's. Costs are always in the store's currency."}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = str(instance.phone or "")
        return data


class SupplierRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name"]


class DeliveryWarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name"]


class SupplierItemSerializer(serializers.ModelSerializer):
    variant = StoreRelatedField(queryset=Variant.objects.all(), help_text="Id of one of the store's variants.")
    sku = serializers.CharField(source="variant.sku", read_only=True)
    product = serializers.CharField(source="variant.product.name", read_only=True)
    unit_cost = cost(help_text="In the store's currency.")
    is_preferred = serializers.BooleanField(
        required=False, help_text="The preferred supplier gets the reorder suggestions; one per variant. "
                                  "Left out: kept, or true for a variant without a preferred supplier.")

    class Meta:
        model = SupplierItem
        fields = ["id", "variant", "sku", "product", "supplier_sku", "unit_cost", "is_preferred"]
        validators = []  # the service hands the preference over; it is not an input error


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", read_only=True)
    product = serializers.CharField(source="variant.product.name", read_only=True)
    outstanding = serializers.IntegerField(read_only=True, help_text="Ordered but not received yet.")

    class Meta:
        model = PurchaseOrderLine
        fields = ["id", "variant", "sku", "product", "quantity", "received_quantity", "outstanding", "unit_cost"]


class PurchaseOrderEventSerializer(serializers.ModelSerializer):
    user = serializers.EmailField(source="user.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PurchaseOrderEvent
        fields = ["from_state", "to_state", "user", "note", "created_at"]


class PurchaseOrderListSerializer(serializers.ModelSerializer):
    supplier = SupplierRefSerializer()
    warehouse = DeliveryWarehouseSerializer()
    line_count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=20, decimal_places=4, help_text="At ordered quantities.")

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "state", "supplier", "warehouse", "expected_at", "note", "created_at",
                  "line_count", "total"]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier = SupplierRefSerializer()
    warehouse = DeliveryWarehouseSerializer()
    lines = PurchaseOrderLineSerializer(many=True)
    events = PurchaseOrderEventSerializer(many=True)
    total = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "state", "supplier", "warehouse", "expected_at", "note", "created_at",
                  "lines", "total", "events", "allowed_actions"]

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=4))
    def get_total(self, order) -> str:
        total = sum((line.quantity * line.unit_cost for line in order.lines.all()), 0)
        return serializers.DecimalField(max_digits=20, decimal_places=4).to_representation(total)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ACTIONS)))
    def get_allowed_actions(self, order) -> list[str]:
        allowed = {"send": can_proceed(order.send, check_conditions=False),
                   "receive": can_proceed(order.record_receipt), "cancel": can_proceed(order.cancel)}
        return [action for action in ACTIONS if allowed[action]]


class PurchaseOrderLineInputSerializer(serializers.Serializer):
    variant = StoreRelatedField(queryset=Variant.objects.all(), help_text="Id of one of the store's variants.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    unit_cost = cost(required=False, allow_null=True,
                     help_text="In the store's currency; left out: the supplier's price for the variant.")


class PurchaseOrderInputSerializer(serializers.Serializer):
    supplier = StoreRelatedField(queryset=Supplier.objects.all())
    warehouse = StoreRelatedField(queryset=Warehouse.objects.all(), help_text="Where the goods are delivered.")
    expected_at = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    lines = PurchaseOrderLineInputSerializer(many=True, required=False, max_length=200)

    def lines_of(self) -> list[tuple] | None:
        lines = self.validated_data.get("lines")
        if lines is None:
            return None
        return [(line["variant"], line["quantity"], line.get("unit_cost")) for line in lines]


class PurchaseOrderUpdateSerializer(PurchaseOrderInputSerializer):
    """A draft's changes; what is left out stays. `lines`, when given, replace all the lines."""

    supplier = None
    warehouse = StoreRelatedField(queryset=Warehouse.objects.all(), required=False)


class TransitionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ReceiptLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Id of one of this purchase order's lines.")
    quantity = serializers.IntegerField(help_text="Units received now: 1 to what is still outstanding.")


class ReceiptSerializer(TransitionNoteSerializer):
    lines = ReceiptLineSerializer(many=True, max_length=200)

    def validate_lines(self, lines):
        ids = [line["line"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("List each line once."))
        return lines

    def quantities(self) -> dict[int, int]:
        return {line["line"]: line["quantity"] for line in self.validated_data["lines"]}


class ReorderSuggestionSerializer(serializers.Serializer):
    stock = serializers.IntegerField(source="stock_id", help_text="The stock row (variant in warehouse).")
    variant = serializers.IntegerField(source="variant.pk")
    sku = serializers.CharField(source="variant.sku")
    product = serializers.CharField(source="variant.product.name")
    warehouse = DeliveryWarehouseSerializer()
    supplier = SupplierRefSerializer(allow_null=True, help_text="The preferred supplier; null: none.")
    unit_cost = cost(allow_null=True)
    available = serializers.IntegerField()
    incoming = serializers.IntegerField(help_text="Outstanding on open purchase orders, drafts included.")
    reorder_point = serializers.IntegerField()
    reorder_quantity = serializers.IntegerField()
    quantity = serializers.IntegerField(help_text="Suggested quantity to order.")


class ReorderPlanSerializer(serializers.Serializer):
    to_order = ReorderSuggestionSerializer(many=True, help_text="Suggestions with a preferred supplier.")
    no_supplier = ReorderSuggestionSerializer(many=True, help_text="To reorder, but without a preferred supplier.")


class ReorderDraftInputSerializer(serializers.Serializer):
    stocks = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                   required=False, max_length=10_000,
                                   help_text="Only these stock rows (the suggestions' `stock`); "
                                             "default: every suggestion with a supplier.")
