"""Till shapes: what the API answers (tills, sessions, tickets as receipts, reports, closures, the chain
check) and what the till sends. Input serializers check shapes and types only; `ashopy.pos` services
decide (roles, the session's state, amounts in the currency, discounts per role, payments covering
the total) and their DomainErrors become 4xx answers in the API's error shape."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ashopy.inventory.services import MAX_QUANTITY
from ashopy.pos.models import CashMovement, Closure, PaymentMethod, Ticket, TicketLine, TicketPayment, TillSession
from ashopy.pos.selling import MAX_LINES

from ..fields import no_null_characters

AMOUNT = {"max_digits": 14, "decimal_places": 2}
ID = {"min_value": 1, "max_value": 2**63 - 1}  # a bigint: larger is a 400, not a database error
PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}
METHODS = PaymentMethod.choices


def amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**AMOUNT, **kwargs)


# --- answers ------------------------------------------------------------------------------------

class OpenSessionSerializer(serializers.ModelSerializer):
    cashier = serializers.EmailField(source="cashier.email", read_only=True)
    cashier_name = serializers.CharField(source="cashier", read_only=True, help_text="Full name, else e-mail.")

    class Meta:
        model = TillSession
        fields = ["id", "cashier", "cashier_name", "opened_at", "opening_total"]
        read_only_fields = fields


class TillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    warehouse = serializers.CharField(source="warehouse.code")
    active = serializers.BooleanField()
    session = serializers.SerializerMethodField(help_text="The open session, if any.")

    def get_session(self, till) -> OpenSessionSerializer(allow_null=True):
        sessions = till.open_sessions
        return OpenSessionSerializer(sessions[0]).data if sessions else None


class SessionSerializer(serializers.ModelSerializer):
    till = serializers.CharField(source="till.code", read_only=True)
    cashier = serializers.EmailField(source="cashier.email", read_only=True)
    cashier_name = serializers.CharField(source="cashier", read_only=True, help_text="Full name, else e-mail.")
    closed_by = serializers.EmailField(source="closed_by.email", default=None, read_only=True)
    opening_float = serializers.DictField(child=serializers.IntegerField(), read_only=True,
                                          help_text="Count per denomination.")
    counted = serializers.DictField(child=serializers.DecimalField(**AMOUNT), read_only=True,
                                    help_text="Blind count per payment method (once closed).")
    expected = serializers.DictField(child=serializers.DecimalField(**AMOUNT), read_only=True,
                                     help_text="Expected per payment method, shown only once counted.")
    differences = serializers.DictField(child=serializers.DecimalField(**AMOUNT), read_only=True,
                                        help_text="Counted − expected per payment method.")

    class Meta:
        model = TillSession
        fields = ["id", "till", "cashier", "cashier_name", "state", "opened_at", "opening_float", "opening_total",
                  "counted", "expected", "differences", "note", "closed_at", "closed_by"]
        read_only_fields = fields


class CashMovementSerializer(serializers.ModelSerializer):
    user = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = CashMovement
        fields = ["id", "direction", "amount", "reason", "user", "created_at"]
        read_only_fields = fields


class PosVatAmountsSerializer(serializers.Serializer):
    net = amount()
    tax = amount()
    gross = amount()


class TicketLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketLine
        fields = ["id", "variant", "sku", "label", "quantity", "unit_price", "discount", "discount_reason",
                  "code_discount", "ticket_discount", "vat_rate", "net", "tax", "gross", "refunded_line"]
        read_only_fields = fields


class TicketPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketPayment
        fields = ["method", "amount", "tendered", "change_given"]
        read_only_fields = fields


class TicketSummarySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="The printed number, « C1-000042 ».")
    till = serializers.CharField(source="till.code", read_only=True)
    cashier = serializers.EmailField(source="cashier.email", read_only=True)
    customer = serializers.IntegerField(source="customer_id", allow_null=True, read_only=True)
    customer_email = serializers.EmailField(source="customer.email", default=None, read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "reference", "number", "kind", "till", "cashier", "customer", "customer_email", "currency",
                  "promo_code", "total_discount", "total_net", "total_tax", "total", "created_at",
                  "made_offline_at"]
        read_only_fields = fields


class ReceiptSerializer(serializers.Serializer):
    """A receipt's data: the ticket with its lines, VAT per rate, payments and change, the first 4
    characters of its signature, the software version, and the duplicate number on a reprint."""

    ticket = TicketSummarySerializer()
    store = serializers.CharField(source="ticket.store.name", help_text="The store's name.")
    refunds = serializers.CharField(source="ticket.refunds.reference", default=None,
                                    help_text="The sale a refund refers to.")
    discount_reason = serializers.CharField(source="ticket.discount_reason")
    vat = serializers.DictField(source="ticket.vat", child=PosVatAmountsSerializer(), help_text="Per VAT rate.")
    lines = TicketLineSerializer(source="ticket.lines.all", many=True)
    payments = TicketPaymentSerializer(source="ticket.payments.all", many=True)
    change = serializers.SerializerMethodField(help_text="Cash given back.")
    signature_start = serializers.CharField(help_text="The first 4 characters of the record's signature.")
    software_version = serializers.CharField()
    duplicate = serializers.IntegerField(allow_null=True, help_text="DUPLICATA n° on a reprint, else null.")

    def get_change(self, receipt) -> serializers.DecimalField(**AMOUNT):
        change = sum(payment.change_given for payment in receipt.ticket.payments.all())
        return serializers.DecimalField(**AMOUNT).to_representation(change)


class SaleSerializer(serializers.Serializer):
    """What a sale answers, read in one query: the ticket, VAT per rate, payments and change, the first 4
    characters of its signature. The lines (with the ids a refund names) are in the ticket's receipt."""

    ticket = TicketSummarySerializer()
    discount_reason = serializers.CharField(source="ticket.discount_reason")
    vat = serializers.DictField(source="ticket.vat", child=PosVatAmountsSerializer(), help_text="Per VAT rate.")
    payments = TicketPaymentSerializer(many=True)
    change = serializers.DecimalField(**AMOUNT, help_text="Cash given back.")
    signature_start = serializers.CharField(help_text="The first 4 characters of the record's signature.")
    software_version = serializers.CharField()


class PricedLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField()
    label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = amount(help_text="After the customer's segment or partner price and catalogue promotions.")
    discount = amount(help_text="The line's own discount.")
    discount_reason = serializers.CharField()
    code_discount = amount(help_text="The line's share of the promo code's discount.")
    ticket_discount = amount(help_text="The line's share of the ticket's discount.")
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    net = amount()
    tax = amount()
    gross = amount()


class PricedCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The code, as the store writes it.")
    applied = serializers.BooleanField()
    discount = amount(help_text="What the code takes off the goods (0 when refused).")
    error = serializers.CharField(allow_blank=True, help_text="Why the code is refused (empty when applied).")
    error_code = serializers.CharField(allow_blank=True, help_text="The refusal's stable code (code_unknown, …).")


class PricingSerializer(serializers.Serializer):
    """The server's price of a basket: what the sale would record now, and what its tenders must cover."""

    lines = PricedLineSerializer(many=True)
    total_discount = amount(help_text="Line, code and ticket discounts.")
    discount_reason = serializers.CharField()
    total_net = amount()
    total_tax = amount()
    total = amount(help_text="What is to be paid.")
    vat = serializers.DictField(child=PosVatAmountsSerializer(), help_text="Per VAT rate.")
    code = PricedCodeSerializer(allow_null=True, help_text="The promo code sent, applied or refused; null if none.")


class CountAndTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = amount()


class SessionReportSerializer(serializers.Serializer):
    session = SessionSerializer()
    sales = serializers.SerializerMethodField()
    refunds = serializers.SerializerMethodField()
    discounts = amount()
    payments = serializers.DictField(child=amount(), help_text="Per payment method.")
    vat = serializers.DictField(child=PosVatAmountsSerializer(), help_text="Per VAT rate.")
    cash_movements = CashMovementSerializer(many=True)

    def get_sales(self, report) -> CountAndTotalSerializer:
        return CountAndTotalSerializer({"count": report.sales[0], "total": report.sales[1]}).data

    def get_refunds(self, report) -> CountAndTotalSerializer:
        return CountAndTotalSerializer({"count": report.refunds[0], "total": report.refunds[1]}).data


class ClosureSerializer(serializers.ModelSerializer):
    till = serializers.CharField(source="till.code", read_only=True)
    vat = serializers.DictField(child=PosVatAmountsSerializer(), read_only=True, help_text="Per VAT rate.")

    class Meta:
        model = Closure
        fields = ["id", "till", "kind", "period_start", "period_end", "tickets", "vat", "total", "year_total",
                  "perpetual_total", "perpetual_absolute_total", "created_at"]
        read_only_fields = fields


class ChainFailureSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(allow_null=True)
    record_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class ChainReportSerializer(serializers.Serializer):
    till = serializers.CharField(source="till.code")
    ok = serializers.BooleanField()
    records = serializers.IntegerField()
    failure = ChainFailureSerializer(allow_null=True, help_text="The first record that does not match.")


class ChainCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    tills = ChainReportSerializer(many=True)


# --- what the till sends ------------------------------------------------------------------------

class OpenSessionInputSerializer(serializers.Serializer):
    opening_float = serializers.DictField(child=serializers.IntegerField(min_value=0), allow_empty=True,
                                          help_text='Count per denomination, {"1000": 10, "500": 4}.')


class CashMovementInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(CashMovement.Direction.choices)
    amount = amount(min_value=0)
    reason = serializers.CharField(max_length=200, validators=[no_null_characters])


class CloseInputSerializer(serializers.Serializer):
    counted = serializers.DictField(child=amount(min_value=0), help_text="Blind count per payment method.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 validators=[no_null_characters])

    def validate_counted(self, value):
        unknown = [method for method in value if method not in PaymentMethod.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown payment method: %(methods)s.")
                                              % {"methods": ", ".join(sorted(unknown))})
        return value


class SaleLineInputSerializer(serializers.Serializer):
    variant = serializers.IntegerField(required=False, **ID, help_text="The variant's id, or give `code`.")
    code = serializers.CharField(required=False, max_length=64, validators=[no_null_characters],
                                 help_text="A barcode (EAN-13) or SKU, as the scanner reads it.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    discount_percent = serializers.DecimalField(**PERCENT, required=False, default=0)
    discount_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                            validators=[no_null_characters])

    def validate(self, attrs):
        if ("variant" in attrs) == ("code" in attrs):
            raise serializers.ValidationError(_("Give either a variant or a code."))
        return attrs


class TenderInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(METHODS)
    amount = amount(min_value=0, help_text="For cash, what the customer handed over (the change is computed).")
    mobile_payment = serializers.IntegerField(required=False, allow_null=True, **ID,
                                              help_text="Wave / Orange Money: the succeeded mobile payment request.")
    credit_note = serializers.CharField(required=False, allow_null=True, max_length=30,
                                        validators=[no_null_characters],
                                        help_text="Store credit: the number of the credit note it is taken from.")


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its UTC offset (« 2026-03-14T18:05:09+01:00 »): without one, the
    moment is ambiguous and refused."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(_("Give the time with its offset (ISO 8601, e.g. "
                                                    "2026-03-14T18:05:09+01:00)."))
        return super().to_internal_value(value)


class BasketInputSerializer(serializers.Serializer):
    """What prices a sale: its lines, customer, discounts and promo code."""

    lines = SaleLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    customer = serializers.IntegerField(required=False, allow_null=True, **ID)
    discount_percent = serializers.DecimalField(**PERCENT, required=False, default=0,
                                                help_text="The ticket's discount.")
    discount_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                            validators=[no_null_characters])
    code = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", max_length=40,
                                 validators=[no_null_characters],
                                 help_text="A promo code of the store, in any case (empty: none).")


class SaleInputSerializer(BasketInputSerializer):
    till = serializers.IntegerField(**ID)
    payments = TenderInputSerializer(many=True, allow_empty=False, max_length=10)
    made_offline_at = OffsetDateTimeField(
        required=False, allow_null=True, default=None, input_formats=["iso-8601"],
        help_text="A sale the till kept while offline: when it was made there (ISO 8601 with offset), between the "
                  "session's opening and now give or take 5 minutes of clock skew. The ticket still takes the "
                  "server's time and number.")


class RefundLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(**ID, help_text="The sold line's id.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class RefundInputSerializer(serializers.Serializer):
    till = serializers.IntegerField(**ID, help_text="The till refunding (its open session is used).")
    lines = RefundLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    method = serializers.ChoiceField(METHODS, help_text="Cash, or a method the sale was paid with.")
    restock = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                   validators=[no_null_characters])


class TicketFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, validators=[no_null_characters],
                              help_text="A ticket number (« C1-000042 » or « 42 ») or a customer's name or e-mail.")
    date = serializers.DateField(required=False, help_text="A day on the store's calendar.")
    customer = serializers.IntegerField(required=False, **ID)
    kind = serializers.ChoiceField(Ticket.Kind.choices, required=False,
                                   help_text="Sales only (the till's refund search) or refunds only.")


class TillFilterSerializer(serializers.Serializer):
    till = serializers.IntegerField(required=False, **ID)
