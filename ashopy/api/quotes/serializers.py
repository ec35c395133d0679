"""Quote shapes: what the API answers, and what staff and customers send.

Input serializers check shapes and types only; `sales.quote_services` and `sales.quote_acceptance` decide
(the customer is the store's, a changed price has a reason, the state allows it) and their DomainErrors
become 4xx answers in the API's error shape.
"""

from rest_framework import serializers

from ashopy.accounts.models import User
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.sales import staff_quotes
from ashopy.sales.quote_models import Quote, QuoteAcceptance, QuoteEvent, QuoteLine

from ..fields import no_null_characters

AMOUNT = {"max_digits": 14, "decimal_places": 2}


def amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**AMOUNT, min_value=0, **kwargs)


class QuoteLineSerializer(serializers.ModelSerializer):
    gross = serializers.DecimalField(**AMOUNT, read_only=True, help_text="Amount incl. tax.")

    class Meta:
        model = QuoteLine
        fields = ["id", "position", "variant", "sku", "description", "quantity", "unit_price", "policy_price",
                  "price_reason", "tax_rate", "net", "tax", "gross", "optional", "chosen"]
        read_only_fields = fields


class QuoteEventSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField(help_text="The event in words, in the request's language.")
    by = serializers.EmailField(source="user.email", default=None, read_only=True)

    class Meta:
        model = QuoteEvent
        fields = ["code", "description", "from_state", "to_state", "by", "created_at"]
        read_only_fields = fields

    def get_description(self, event) -> str:
        return staff_quotes.describe(event)


class QuoteAcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteAcceptance
        fields = ["name", "accepted_at", "ip", "options", "pdf_sha256"]
        read_only_fields = fields


class StaffQuoteSummarySerializer(serializers.ModelSerializer):
    recipient_name = serializers.CharField(read_only=True)
    recipient_email = serializers.EmailField(read_only=True)
    was_requested = serializers.BooleanField(read_only=True, help_text="A customer asked for it from the shop.")

    class Meta:
        model = Quote
        fields = ["id", "number", "state", "customer", "recipient_name", "recipient_email", "currency",
                  "valid_until", "total_net", "total_tax", "total", "created_at", "sent_at", "was_requested"]
        read_only_fields = fields


class StaffQuoteSerializer(StaffQuoteSummarySerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)
    events = QuoteEventSerializer(many=True, read_only=True)
    acceptance = serializers.SerializerMethodField()
    order = serializers.CharField(source="order.number", default=None, read_only=True,
                                  help_text="The order's number once converted.")
    customer_url = serializers.SerializerMethodField(help_text="The customer's page (once sent).")

    class Meta(StaffQuoteSummarySerializer.Meta):
        fields = [*StaffQuoteSummarySerializer.Meta.fields, "prospect_name", "prospect_company", "prospect_email",
                  "notes", "terms", "request_note", "deposit_percent", "deposit_amount", "order", "customer_url",
                  "acceptance", "lines", "events"]
        read_only_fields = fields

    def get_customer_url(self, quote) -> str | None:
        return self.context["customer_url"](quote) if quote.number else None

    def get_acceptance(self, quote) -> QuoteAcceptanceSerializer(allow_null=True):
        acceptance = staff_quotes.acceptance_of(quote) if quote.state in ("accepted", "converted") else None
        return QuoteAcceptanceSerializer(acceptance).data if acceptance else None


class QuoteFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Quote.State.choices, required=False)
    created_after = serializers.DateField(required=False, help_text="Created on or after this day (store's time).")
    created_before = serializers.DateField(required=False, help_text="Created on or before this day.")
    customer = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    requested = serializers.BooleanField(required=False, help_text="Only quotes a customer asked for.")
    q = serializers.CharField(required=False, max_length=100, help_text="Words of the number, name or e-mail.")

    def validate(self, data):
        if data.get("created_after") and data.get("created_before") and data["created_after"] > data["created_before"]:
            raise serializers.ValidationError({"created_before": ["The end date is before the start date."]})
        return data

    def filters(self) -> staff_quotes.QuoteFilters:
        data = self.validated_data
        return staff_quotes.QuoteFilters(state=data.get("state", ""), created_after=data.get("created_after"),
                                         created_before=data.get("created_before"),
                                         customer_id=data.get("customer"), requested=data.get("requested", False),
                                         q=data.get("q", ""))


class QuoteDetailsInputSerializer(serializers.Serializer):
    valid_until = serializers.DateField(required=False, help_text="Default (creating): the store's validity.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000,
                                  validators=[no_null_characters])
    terms = serializers.CharField(required=False, allow_blank=True, max_length=10000,
                                  validators=[no_null_characters])
    deposit_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                               min_value=0, help_text="Or deposit_amount; not both.")
    deposit_amount = amount(required=False, allow_null=True)


class QuoteCreateSerializer(QuoteDetailsInputSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                  help_text="One of the store's customers; or the prospect fields.")
    prospect_name = serializers.CharField(required=False, allow_blank=True, max_length=150,
                                          validators=[no_null_characters])
    prospect_company = serializers.CharField(required=False, allow_blank=True, max_length=150,
                                             validators=[no_null_characters])
    prospect_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class QuoteLineInputSerializer(serializers.Serializer):
    variant = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                       help_text="A catalogue line: one of the store's active variants.")
    description = serializers.CharField(required=False, max_length=255, validators=[no_null_characters],
                                        help_text="A free line (without variant).")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    unit_price = amount(required=False, allow_null=True,
                        help_text="Excl. tax. Catalogue line: left out, the customer's price; another needs reason.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255, validators=[no_null_characters])
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                        allow_null=True, help_text="Free line: default the store's rate.")
    optional = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if "variant" in data and data.get("description"):
            raise serializers.ValidationError({"description": ["Give a variant or a description, not both."]})
        if "variant" not in data and not data.get("description"):
            raise serializers.ValidationError({"description": ["Give a variant or a description."]})
        if "variant" not in data and data.get("unit_price") is None:
            raise serializers.ValidationError({"unit_price": ["A free line needs its unit price."]})
        return data


class QuoteLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=MAX_QUANTITY)
    unit_price = amount(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255, validators=[no_null_characters])
    description = serializers.CharField(required=False, max_length=255, validators=[no_null_characters])
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    optional = serializers.BooleanField(required=False)


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, validators=[no_null_characters])


class PublicLineSerializer(serializers.ModelSerializer):
    gross = serializers.DecimalField(**AMOUNT, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["id", "description", "sku", "quantity", "unit_price", "tax_rate", "net", "tax", "gross",
                  "optional", "chosen"]
        read_only_fields = fields


class PublicQuoteSerializer(serializers.ModelSerializer):
    seller = serializers.CharField(source="store.name", read_only=True)
    lines = PublicLineSerializer(many=True, read_only=True)
    order = serializers.CharField(source="order.number", default=None, read_only=True,
                                  help_text="The order's number once accepted.")
    deposit = serializers.SerializerMethodField(help_text="Deposit asked on the total of the required lines.")

    class Meta:
        model = Quote
        fields = ["number", "state", "seller", "currency", "valid_until", "notes", "terms", "deposit_percent",
                  "deposit_amount", "deposit", "total_net", "total_tax", "total", "order", "lines"]
        read_only_fields = fields

    def get_deposit(self, quote) -> serializers.DecimalField(**AMOUNT):
        from ashopy.sales.quote_selectors import totals_with

        return str(totals_with(quote, set(), lines=list(quote.lines.all()))["deposit"])


class AcceptInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, validators=[no_null_characters], help_text="The signer's full name.")
    accept_terms = serializers.BooleanField(help_text="Must be true.")
    options = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False,
                                    max_length=200, help_text="Ids of the optional lines chosen.")


class RefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, validators=[no_null_characters])
