"""Invoices and credit notes as the API shows them: to their customer (issued documents only) and to staff
(drafts too, with payments, history and what is left to credit); and the input of each staff action.

Amounts are stored with two decimals and shown with the document's currency exponent (XOF "22000",
EUR "12.50"), like the orders'. Input amounts are checked for shape here (a finite number, at most
14 digits and 2 decimals); the sales services decide the rest (above zero, the currency's decimals,
what is due, what remains to credit) and refuse with the API's error shape.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ashopy.inventory.models import Warehouse
from ashopy.sales import timeline
from ashopy.sales.models import Invoice, InvoiceEvent, InvoiceLine, InvoicePayment
from ashopy.sales.selectors import NOT_FULLY_PAID

from ..fields import StoreRelatedField
from ..orders.serializers import Amount, _choices_schema

MAX_AMOUNT = Decimal("999999999999.99")  # what an invoice's amount columns hold (14 digits, 2 places)
MAX_QUANTITY = Decimal("999999999.999")  # an invoice line's quantity column (12 digits, 3 places)
PAYMENT_FILTERS = [(NOT_FULLY_PAID, "not fully paid (unpaid, partly paid or overdue)"), *Invoice.Payment.choices]


@extend_schema_field(_choices_schema(Invoice.Kind.choices))
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Invoice.Kind.choices, **kwargs)


@extend_schema_field(_choices_schema(Invoice.State.choices))
class StateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Invoice.State.choices, **kwargs)


@extend_schema_field(_choices_schema(Invoice.Payment.choices))
class PaymentStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Invoice.Payment.choices, **kwargs)


@extend_schema_field(_choices_schema(PAYMENT_FILTERS))
class PaymentFilterField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=PAYMENT_FILTERS, **kwargs)


# --- what is shown ----------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True,
                                          help_text="Excl. tax, four decimals.")
    discount, net, tax, gross = Amount(), Amount(help_text="Excl. tax."), Amount(), Amount(help_text="Incl. tax.")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, read_only=True)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, help_text="VAT rate, %.")

    class Meta:
        model = InvoiceLine
        fields = ["id", "position", "description", "sku", "quantity", "unit_price", "discount", "tax_rate", "net",
                  "tax", "gross"]


class InvoiceVatRateSerializer(serializers.Serializer):
    """One VAT rate of a document (amounts in the context's currency)."""

    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    net, tax, gross = Amount(help_text="Taxable base."), Amount(), Amount()


class CreditNoteReferenceSerializer(serializers.ModelSerializer):
    total = Amount()
    state = StateField(read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "number", "state", "issue_date", "total", "reason"]


class InvoiceSummarySerializer(serializers.ModelSerializer):
    """A row of a list: what the invoice row itself stores, no query per row."""

    kind = KindField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    payment_state = PaymentStateField(read_only=True)
    payment_state_label = serializers.CharField(source="get_payment_state_display", read_only=True)
    total_net, total_tax, total = Amount(), Amount(), Amount(help_text="Incl. tax.")
    amount_paid, amount_due = Amount(), Amount(help_text="What is still to pay (never below zero).")
    order = serializers.CharField(source="order.number", allow_null=True, read_only=True,
                                  help_text="The order's number.")
    credited_invoice = serializers.CharField(source="credited_invoice.number", allow_null=True, read_only=True,
                                             help_text="For a credit note: the number of the invoice it corrects.")

    class Meta:
        model = Invoice
        fields = ["number", "kind", "kind_label", "issue_date", "due_date", "currency", "total_net", "total_tax",
                  "total", "amount_paid", "amount_due", "payment_state", "payment_state_label", "order",
                  "credited_invoice"]


class InvoiceDetailSerializer(InvoiceSummarySerializer):
    """One issued document as its customer sees it: the frozen seller and buyer, lines and VAT per rate."""

    seller = serializers.DictField(child=serializers.JSONField(), read_only=True)
    buyer = serializers.DictField(child=serializers.JSONField(), read_only=True)
    delivery = serializers.DictField(child=serializers.JSONField(), read_only=True, allow_null=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    vat = serializers.SerializerMethodField()
    credit_notes = CreditNoteReferenceSerializer(many=True, read_only=True,
                                           help_text="The issued credit notes that correct this invoice.")

    class Meta(InvoiceSummarySerializer.Meta):
        fields = [*InvoiceSummarySerializer.Meta.fields, "sale_date", "payment_method", "reason", "notes", "seller",
                  "buyer", "delivery", "lines", "vat", "credit_notes"]

    @extend_schema_field(InvoiceVatRateSerializer(many=True))
    def get_vat(self, invoice):
        return InvoiceVatRateSerializer(invoice.vat_summary(), many=True, context={"currency": invoice.currency}).data


class StaffInvoiceSummarySerializer(InvoiceSummarySerializer):
    state = StateField(read_only=True)
    buyer_name = serializers.SerializerMethodField()
    buyer_company = serializers.SerializerMethodField()
    buyer_email = serializers.SerializerMethodField()

    class Meta(InvoiceSummarySerializer.Meta):
        fields = ["id", "state", *InvoiceSummarySerializer.Meta.fields, "customer", "buyer_name", "buyer_company",
                  "buyer_email", "sent_at"]
        extra_kwargs = {"customer": {"help_text": "The customer's user id, if the buyer has an account."}}

    def get_buyer_name(self, invoice) -> str:
        return str((invoice.buyer or {}).get("name") or "")

    def get_buyer_company(self, invoice) -> str:
        return str((invoice.buyer or {}).get("company") or "")

    def get_buyer_email(self, invoice) -> str:
        return str((invoice.buyer or {}).get("email") or "")


class InvoicePaymentSerializer(serializers.ModelSerializer):
    amount = Amount()
    recorded_by = serializers.EmailField(source="recorded_by.email", allow_null=True, read_only=True)

    class Meta:
        model = InvoicePayment
        fields = ["id", "amount", "received_on", "method", "reference", "recorded_by", "created_at"]


class InvoiceEventSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    user = serializers.EmailField(source="user.email", allow_null=True, read_only=True)

    class Meta:
        model = InvoiceEvent
        fields = ["code", "text", "user", "created_at"]

    def get_text(self, event) -> str:
        return timeline.describe(event, invoice=self.context["invoice"], numbers=self.context["numbers"])


class InvoiceActionsSerializer(serializers.Serializer):
    """What the caller may do now (the back office shows the same buttons)."""

    issue = serializers.BooleanField()
    record_payment = serializers.BooleanField()
    send = serializers.BooleanField()
    remind = serializers.BooleanField()
    credit = serializers.BooleanField()


class StaffInvoiceDetailSerializer(StaffInvoiceSummarySerializer):
    """One document as staff see it: drafts too, with payments, history and what remains to credit."""

    seller = serializers.DictField(child=serializers.JSONField(), read_only=True)
    buyer = serializers.DictField(child=serializers.JSONField(), read_only=True)
    delivery = serializers.DictField(child=serializers.JSONField(), read_only=True, allow_null=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    vat = serializers.SerializerMethodField()
    payments = InvoicePaymentSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    credit_notes = CreditNoteReferenceSerializer(many=True, read_only=True)
    remaining_to_credit = Amount(allow_null=True, help_text="Issued invoices only, incl. tax.")
    missing_mentions = serializers.ListField(child=serializers.CharField(), read_only=True,
                                             help_text="Drafts only: what must be filled in before issuing.")
    actions = InvoiceActionsSerializer(read_only=True)

    class Meta(StaffInvoiceSummarySerializer.Meta):
        fields = [*StaffInvoiceSummarySerializer.Meta.fields, "sale_date", "payment_method", "reason", "notes",
                  "issued_at", "seller", "buyer", "delivery", "lines", "vat", "payments", "events",
                  "credit_notes", "remaining_to_credit", "missing_mentions", "actions"]

    @extend_schema_field(InvoiceVatRateSerializer(many=True))
    def get_vat(self, invoice):
        return InvoiceVatRateSerializer(invoice.vat_summary(), many=True, context={"currency": invoice.currency}).data

    @extend_schema_field(InvoiceEventSerializer(many=True))
    def get_events(self, invoice):
        numbers = {note.pk: note.number for note in invoice.credit_notes.all()}
        return InvoiceEventSerializer(invoice.events.all(), many=True,
                               context={"invoice": invoice, "numbers": numbers}).data


# --- what is asked --------------------------------------------------------------------------


def amount_field(**kwargs) -> serializers.DecimalField:
    """An amount as a JSON string or number: finite, at most 14 digits and 2 decimals."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, max_value=MAX_AMOUNT, **kwargs)


class StaffInvoiceFilterSerializer(serializers.Serializer):
    kind = KindField(required=False)
    state = StateField(required=False)
    payment_state = PaymentFilterField(required=False)
    unpaid = serializers.BooleanField(required=False, default=False,
                                      help_text="Issued and not fully paid (unpaid, partly paid or overdue).")
    overdue = serializers.BooleanField(required=False, default=False, help_text="Issued and past its due date.")
    issued_after = serializers.DateField(required=False, help_text="Inclusive, the store's local date.")
    issued_before = serializers.DateField(required=False, help_text="Inclusive, the store's local date.")
    customer = serializers.IntegerField(min_value=1, max_value=2_147_483_647, required=False,
                                        help_text="The customer's user id.")
    q = serializers.CharField(max_length=100, required=False,
                              help_text="Words of the number, the order's number, the buyer's name, company "
                                        "or e-mail.")

    def validate(self, data):
        if data.get("issued_after") and data.get("issued_before") and data["issued_after"] > data["issued_before"]:
            raise serializers.ValidationError({"issued_before": [_("The end date is before the start date.")]})
        return data


class InvoiceCreateInputSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=32,
                                  help_text="The number of a paid or delivered order of the store.")
    issue = serializers.BooleanField(default=False, help_text="Issue it at once (refused, and nothing made, "
                                                               "when legal mentions are missing).")


class InvoicePaymentInputSerializer(serializers.Serializer):
    amount = amount_field(help_text="Above zero, in the currency's units, at most what is due.")
    method = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                   help_text="Cash, cheque, Wave …; the invoice's own payment method when left out.")
    received_on = serializers.DateField(required=False, help_text="Today (the store's date) when left out.")
    reference = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)

    def validate_received_on(self, value):
        if value > self.context["today"]:
            raise serializers.ValidationError(_("This date is in the future."))
        return value


class InvoiceSendInputSerializer(serializers.Serializer):
    to = serializers.EmailField(max_length=254, required=False, default="", allow_blank=True,
                                help_text="The buyer's e-mail address when left out.")


class CreditLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=2_147_483_647, help_text="An id of the invoice's lines.")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"),
                                        max_value=MAX_QUANTITY)


class CreditInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255,
                                   help_text="Printed on the credit note.")
    lines = CreditLineInputSerializer(many=True, required=False, max_length=500,
                                      help_text="Quantities of the invoice's lines to credit …")
    amount = amount_field(required=False, help_text="… or an amount incl. tax, spread over the VAT rates.")
    refund = serializers.BooleanField(default=False, help_text="Refund through the order's original payment.")
    as_store_credit = serializers.BooleanField(
        default=False, help_text="Keep the amount as store credit the customer spends at the till, instead of a "
                                 "refund (not with `refund`).")
    restock_warehouse = StoreRelatedField(queryset=Warehouse.objects.filter(is_active=True), required=False,
                                          allow_null=True, help_text="Put the credited units back in this "
                                                                     "warehouse (lines only).")

    def validate_lines(self, lines):
        known = self.context["line_ids"]
        seen = set()
        for row in lines:
            if row["line"] not in known:
                raise serializers.ValidationError(_("Line %(line)s is not a line of this invoice.")
                                                  % {"line": row["line"]})
            if row["line"] in seen:
                raise serializers.ValidationError(_("Line %(line)s is given twice.") % {"line": row["line"]})
            seen.add(row["line"])
        return lines

    def validate(self, data):
        lines, amount = data.get("lines"), data.get("amount")
        if lines and amount is not None:
            raise serializers.ValidationError(_("Credit either quantities of lines or an amount, not both."))
        if not lines and amount is None:
            raise serializers.ValidationError(_("Enter the quantities to credit, or an amount."))
        if amount is not None and data.get("restock_warehouse"):
            raise serializers.ValidationError(
                {"restock_warehouse": [_("Only units credited line by line go back in stock.")]})
        return data

    def quantities(self) -> dict[int, Decimal] | None:
        lines = self.validated_data.get("lines")
        return {row["line"]: row["quantity"] for row in lines} if lines else None


class CreditLineStateSerializer(serializers.Serializer):
    """An invoice line and how much of it can still be credited."""

    line = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    credited = serializers.DecimalField(max_digits=12, decimal_places=3)
    creditable = serializers.DecimalField(max_digits=12, decimal_places=3)


class CreditNotesSerializer(serializers.Serializer):
    """An invoice's credit notes, and what can still be credited on it."""

    remaining = Amount(help_text="Incl. tax.")
    lines = CreditLineStateSerializer(many=True)
    credit_notes = CreditNoteReferenceSerializer(many=True)


class CreditResultSerializer(serializers.Serializer):
    credit_note = StaffInvoiceDetailSerializer()
    refunded = serializers.BooleanField(help_text="Whether the money went back through the original payment.")
    warning = serializers.CharField(allow_blank=True, help_text="What is left to do by hand, if anything.")


class AccountingPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First issue date, inclusive.")
    end = serializers.DateField(help_text="Last issue date, inclusive (at most 366 days after the start).")


class JournalQuerySerializer(AccountingPeriodSerializer):
    format = serializers.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], default="csv",
                                     help_text="`csv` (in the request's language: `;` and a decimal comma in "
                                               "French) or `xlsx` (real numbers and dates).")


class VatAmountsSerializer(serializers.Serializer):
    net, tax, gross = Amount(help_text="Excl. tax."), Amount(), Amount(help_text="Incl. tax.")


class VatSummaryRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                    help_text="The VAT rate, %; null on the total.")
    invoices = VatAmountsSerializer()
    credit_notes = VatAmountsSerializer(help_text="Negative.")
    net = VatAmountsSerializer(help_text="Invoices less credit notes.")


class VatSummarySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    rates = VatSummaryRateSerializer(many=True)
    total = VatSummaryRateSerializer()
