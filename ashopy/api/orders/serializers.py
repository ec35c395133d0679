"""Orders as the API shows them: to their customer (transitions only on the timeline) and to staff
(every event with its note and author, every payment attempt).

Amounts are stored with two decimals and shown with the order's currency exponent (XOF "22000",
EUR "12.50"), like the catalogue's prices.
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ashopy.core.money import ZERO, round_money
from ashopy.orders.models import Order, OrderEvent, OrderLine
from ashopy.payments.models import Payment

from ..cart.serializers import Rate, TaxAmountSerializer
from ..checkout.serializers import CheckoutAddressSerializer


class Amount(serializers.DecimalField):
    """An amount rounded with the currency of the object it is read from (or the context's)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, read_only=True, **kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        currency = getattr(instance, "currency", None) or self.context.get("currency")
        return round_money(value, currency) if value is not None and currency else value


def _choices_schema(choices) -> dict:
    """A string listing its values. Not an `enum`: the names state, status and kind already name other
    choice sets in the schema, and clashing enum names fail the schema check (see ENUM_NAME_OVERRIDES)."""
    return {"type": "string", "description": "One of " + ", ".join(f"`{value}`" for value, _label in choices) + "."}


@extend_schema_field(_choices_schema(Order.State.choices))
class OrderStateField(serializers.CharField):
    pass


@extend_schema_field(_choices_schema(Payment.Status.choices))
class PaymentStatusField(serializers.CharField):
    pass


@extend_schema_field(_choices_schema(OrderEvent.Kind.choices))
class EventKindField(serializers.CharField):
    pass


class PaymentSerializer(serializers.ModelSerializer):
    status = PaymentStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    amount = Amount()
    refunded_amount = Amount()

    class Meta:
        model = Payment
        fields = ["provider", "reference", "status", "status_label", "amount", "refunded_amount", "currency",
                  "redirect_url", "instructions", "created_at"]
        read_only_fields = fields


class OrderTotalsMixin(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    prices_include_tax = serializers.BooleanField(read_only=True)
    goods_net = Amount()
    goods_tax = Amount()
    goods_gross = Amount()
    discount = Amount(help_text="The customer's saving against catalogue prices.")
    shipping_method = serializers.CharField(read_only=True)
    shipping_net = Amount()
    shipping_tax = Amount()
    shipping_gross = Amount()
    total_net = Amount()
    total_tax = Amount()
    total = Amount()


class CheckoutOrderSerializer(OrderTotalsMixin, serializers.ModelSerializer):
    state = OrderStateField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Order
        fields = ["number", "token", "state", "state_label", "email", "currency", "prices_include_tax", "goods_net",
                  "goods_tax", "goods_gross", "discount", "shipping_method", "shipping_net", "shipping_tax",
                  "shipping_gross", "total_net", "total_tax", "total", "payment_method", "expires_at", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"expires_at": {"help_text": "The units are held until then; unpaid, the order expires."},
                        "token": {"help_text": "The order's secret for the guest pages and /checkout/<token>/…"}}


class OrderSummarySerializer(serializers.ModelSerializer):
    state = OrderStateField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    total = Amount()
    quantity = serializers.IntegerField(read_only=True, help_text="Units ordered.")

    class Meta:
        model = Order
        fields = ["number", "state", "state_label", "created_at", "paid_at", "currency", "total", "quantity",
                  "payment_method", "shipping_method"]
        read_only_fields = fields


class StaffOrderSummarySerializer(OrderSummarySerializer):
    class Meta(OrderSummarySerializer.Meta):
        fields = [*OrderSummarySerializer.Meta.fields, "email", "user"]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    unit_base = Amount(help_text="Catalogue unit price, on the order's tax basis.")
    unit_price = Amount(help_text="What the customer paid per unit, on the order's tax basis.")
    discount = Amount()
    discounts = serializers.SerializerMethodField(help_text="Labels of the discounts applied.")
    tax_rate = Rate(read_only=True)
    net = Amount()
    tax = Amount()
    gross = Amount()

    class Meta:
        model = OrderLine
        fields = ["id", "variant", "product_id", "product_name", "variant_name", "sku", "quantity", "unit_base",
                  "unit_price", "discount", "discounts", "tax_rate", "net", "tax", "gross", "preorder_quantity",
                  "preorder_allocated", "expected_on"]
        read_only_fields = fields

    def get_discounts(self, line) -> list[str]:
        return [label.strip() for label in line.discount_labels.split(",") if label.strip()]


class OrderEventSerializer(serializers.ModelSerializer):
    kind = EventKindField(read_only=True)
    to_label = serializers.CharField(read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["kind", "from_state", "to_state", "to_label", "created_at"]
        read_only_fields = fields


class StaffOrderEventSerializer(OrderEventSerializer):
    user = serializers.EmailField(source="user.email", default=None, allow_null=True, read_only=True,
                                  help_text="Who did it; null when no one signed in did (a payment notice, an expiry).")

    code = serializers.CharField(read_only=True, help_text="What the system recorded (empty for a note typed by "
                                 "staff): a stable code, with its facts in `data`.")
    data = serializers.JSONField(read_only=True, help_text="The facts of `code` (amounts as strings, with `currency`).")
    text = serializers.CharField(read_only=True, help_text="The event in the request's language, as the back office "
                                 "shows it.")

    class Meta(OrderEventSerializer.Meta):
        fields = [*OrderEventSerializer.Meta.fields, "note", "code", "data", "text", "user"]
        read_only_fields = fields


class OrderDetailSerializer(OrderTotalsMixin, serializers.ModelSerializer):
    """One order for its customer: lines, totals, taxes by rate, addresses, the state timeline."""

    state = OrderStateField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    billing_address = CheckoutAddressSerializer(read_only=True)
    shipping_address = CheckoutAddressSerializer(read_only=True, allow_null=True,
                                                 help_text="Null for pickup.")
    taxes = serializers.SerializerMethodField()
    lines = OrderLineSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField(help_text="State changes, oldest first.")
    payment = serializers.SerializerMethodField(help_text="The latest payment attempt.")
    can_cancel = serializers.SerializerMethodField(help_text="The customer may still cancel it.")

    class Meta:
        model = Order
        fields = ["number", "token", "state", "state_label", "email", "created_at", "paid_at", "shipped_at",
                  "delivered_at", "cancelled_at", "expires_at", "currency", "prices_include_tax", "goods_net",
                  "goods_tax", "goods_gross", "discount", "shipping_method", "shipping_net", "shipping_tax",
                  "shipping_gross", "total_net", "total_tax", "total", "taxes", "payment_method", "billing_address",
                  "shipping_address", "carrier", "tracking_number", "tracking_url", "customer_note", "lines",
                  "events", "payment", "can_cancel"]
        read_only_fields = fields

    @extend_schema_field(TaxAmountSerializer(many=True))
    def get_taxes(self, order) -> list:
        """Tax by rate over the lines and the shipping, highest rate first."""
        taxes = defaultdict(lambda: ZERO)
        for line in order.lines.all():
            taxes[line.tax_rate] += line.tax
        if order.shipping_tax:
            taxes[order.shipping_tax_rate] += order.shipping_tax
        rows = [{"rate": rate, "amount": round_money(tax, order.currency)}
                for rate, tax in sorted(taxes.items(), reverse=True) if tax]
        return TaxAmountSerializer(rows, many=True).data

    @extend_schema_field(OrderEventSerializer(many=True))
    def get_events(self, order) -> list:
        events = [event for event in order.events.all() if event.kind == OrderEvent.Kind.TRANSITION]
        return OrderEventSerializer(events, many=True).data

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, order):
        attempts = list(order.payments.all())
        return PaymentSerializer(attempts[0]).data if attempts else None

    def get_can_cancel(self, order) -> bool:
        return order.state in Order.CUSTOMER_CANCELLABLE


class StaffOrderDetailSerializer(OrderDetailSerializer):
    """Staff also see every event with its note and author, every payment attempt, and the stock state."""

    customer = serializers.EmailField(source="user.email", default=None, allow_null=True, read_only=True,
                                      help_text="The customer's account; null for a guest.")
    payments = PaymentSerializer(many=True, read_only=True, help_text="Every attempt, newest first.")

    class Meta(OrderDetailSerializer.Meta):
        fields = [*OrderDetailSerializer.Meta.fields, "customer", "payments", "stock_consumed"]
        read_only_fields = fields

    @extend_schema_field(StaffOrderEventSerializer(many=True))
    def get_events(self, order) -> list:
        return StaffOrderEventSerializer(order.events.all(), many=True).data


class StaffOrderFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Order.State.choices, required=False)
    payment_method = serializers.CharField(max_length=30, required=False)
    created_after = serializers.DateField(required=False, help_text="Inclusive, the store's local date.")
    created_before = serializers.DateField(required=False, help_text="Inclusive, the store's local date.")
    q = serializers.CharField(max_length=100, required=False, help_text="Part of the order number or e-mail.")


class WaitingPreorderFilterSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2_147_483_647, required=False,
                                       help_text="Only this product's lines.")


class WaitingPreorderSerializer(serializers.Serializer):
    """A line whose pre-ordered units wait for stock (the staff list "Précommandes en attente")."""

    order = serializers.CharField(source="order.number", help_text="The order's number.")
    placed_at = serializers.DateTimeField(source="order.created_at")
    email = serializers.EmailField(source="order.email")
    customer = serializers.SerializerMethodField(help_text="The billing first and last name.")
    product_id = serializers.IntegerField(allow_null=True)
    product = serializers.CharField(source="product_name")
    variant = serializers.IntegerField(source="variant_id", allow_null=True)
    variant_name = serializers.CharField()
    sku = serializers.CharField()
    waiting = serializers.IntegerField(help_text="Pre-ordered units still waiting for stock.")
    expected_on = serializers.DateField(allow_null=True)

    def get_customer(self, line) -> str:
        address = line.order.billing_address or {}
        return " ".join(str(address.get(part) or "") for part in ("first_name", "last_name")).strip()


TRANSITION_ACTIONS = [("process", _("Start preparing")), ("ship", _("Ship")), ("deliver", _("Mark delivered")),
                      ("cancel", _("Cancel (and refund a paid order)")),
                      ("mark_paid", _("Mark paid (cash on delivery, bank transfer)"))]


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=TRANSITION_ACTIONS)
    carrier = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    tracking_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
