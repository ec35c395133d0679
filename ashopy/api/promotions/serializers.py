"""Promotions and promo codes as the staff API shows and takes them.

Input serializers check types only and limit every picked object to the request's store (another store's
id reads as an unknown one); `promotions.staff` decides the rest, and its field errors answer 400.
"""

from rest_framework import serializers

from ashopy.accounts.models import Partner, Segment
from ashopy.catalog.models import Brand, Category, Product, Variant
from ashopy.promotions import selectors, staff
from ashopy.promotions.models import PromoCode, Promotion, Redemption

SCOPE_MODELS = {"products": Product, "variants": Variant, "categories": Category, "brands": Brand,
                "partners": Partner}
STATUS_HELP = "active, scheduled (starts later), expired (ended) or inactive (switched off)."


def _scoped(serializer, name):
    store = getattr(serializer.context.get("request"), "store", None)  # none while the schema is generated
    model = SCOPE_MODELS[name]
    rows = model.objects.non_polymorphic() if model is Product else model.objects
    rows = rows.filter(store=store) if store is not None else rows.none()
    return serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=rows,
                                              help_text=f"Ids of this store's {name}.")


class ListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(selectors.STATUSES), required=False, help_text=STATUS_HELP)
    q = serializers.CharField(max_length=100, required=False, help_text="Part of the name (promotions) or of the "
                                                                          "code or description (codes).")


class CodeFilterSerializer(ListFilterSerializer):
    batch = serializers.CharField(max_length=40, required=False, help_text="A generated batch's prefix.")


class PromotionSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)

    class Meta:
        model = Promotion
        fields = ["id", "name", "kind", "value", "starts_at", "ends_at", "is_active", "status", "priority",
                  "exclusive", "audience", "segments", "products", "variants", "categories", "brands", "partners",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_status(self, promotion) -> str:
        return selectors.status_of(promotion)


class PromotionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Promotion.Kind.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=2,
                                     help_text="The percentage (≤ 100), the amount off per unit or the unit price.")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, help_text="false deactivates the promotion.")
    priority = serializers.IntegerField(required=False, min_value=-1000, max_value=1000)
    exclusive = serializers.BooleanField(required=False)
    audience = serializers.ChoiceField(choices=Promotion.Audience.choices, required=False)
    segments = serializers.ListField(child=serializers.ChoiceField(choices=Segment.choices), required=False,
                                     max_length=len(Segment.choices))

    def get_fields(self):
        fields = super().get_fields()
        for name in staff.PROMOTION_SCOPE:
            fields[name] = _scoped(self, name)
        return fields


class PromoCodeSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)

    class Meta:
        model = PromoCode
        fields = ["id", "code", "description", "kind", "value", "products", "categories", "minimum_amount",
                  "starts_at", "ends_at", "max_uses", "max_uses_per_customer", "first_order_only", "segments",
                  "staff_only", "is_active", "status", "batch", "created_at"]
        read_only_fields = fields

    def get_status(self, code) -> str:
        return selectors.status_of(code)


class CodeSettingsSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PromoCode.Kind.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                     help_text="The percentage (≤ 100) or the amount; 0 for free shipping.")
    minimum_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                              help_text="In the store's currency, goods after discounts.")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    max_uses_per_customer = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                     max_value=2**31 - 1)
    first_order_only = serializers.BooleanField(required=False)
    segments = serializers.ListField(child=serializers.ChoiceField(choices=Segment.choices), required=False,
                                     max_length=len(Segment.choices))
    staff_only = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False, help_text="false deactivates the code.")

    def get_fields(self):
        fields = super().get_fields()
        for name in staff.CODE_SCOPE:
            fields[name] = _scoped(self, name)
        return fields


class PromoCodeInputSerializer(CodeSettingsSerializer):
    code = serializers.CharField(max_length=40, help_text="Letters, digits, - or _; stored upper case, unique in "
                                                          "the store whatever the case.")
    max_uses = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)


class BatchInputSerializer(CodeSettingsSerializer):
    prefix = serializers.CharField(
        max_length=staff.MAX_PREFIX,
        help_text="Each code is the prefix, a hyphen and 10 random characters (e.g. NOEL-7KQ2MZ9WHT).")
    count = serializers.IntegerField(min_value=1, max_value=staff.MAX_BATCH)


class BatchSerializer(serializers.Serializer):
    batch = serializers.CharField(help_text="The batch's name: its prefix.")
    codes = serializers.ListField(child=serializers.CharField(), help_text="The codes made, in code order.")


class UseSerializer(serializers.ModelSerializer):
    order_number = serializers.SerializerMethodField(help_text="The order's number (empty if it is gone).")
    order_total = serializers.SerializerMethodField(help_text="The order's total, tax and shipping included.")

    class Meta:
        model = Redemption
        fields = ["order_id", "ticket_id", "order_number", "order_total", "email", "state", "discount", "created_at",
                  "confirmed_at", "released_at"]
        read_only_fields = fields

    def _order(self, use):
        return self.context["orders"].get(use.order_id)

    def get_order_number(self, use) -> str:
        order = self._order(use)
        return order.number if order else ""

    def get_order_total(self, use) -> str | None:
        order = self._order(use)
        return str(order.total) if order else None


class UsageSerializer(serializers.Serializer):
    code = serializers.CharField()
    held = serializers.IntegerField(help_text="Uses held by placed orders not paid yet.")
    confirmed = serializers.IntegerField(help_text="Uses of paid orders.")
    released = serializers.IntegerField(help_text="Uses given back (payment failed, cancelled, hold expired).")
    discount_held = serializers.DecimalField(max_digits=14, decimal_places=2)
    discount_confirmed = serializers.DecimalField(max_digits=14, decimal_places=2)
    revenue_held = serializers.DecimalField(max_digits=14, decimal_places=2,
                                            help_text="Total of the orders holding a use.")
    revenue_confirmed = serializers.DecimalField(max_digits=14, decimal_places=2,
                                                 help_text="Total of the paid orders that used the code.")
    at_till = serializers.IntegerField(help_text="Of the confirmed uses, those of till tickets.")
    uses = UseSerializer(many=True, help_text="The latest 100 uses, newest first.")
