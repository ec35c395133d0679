"""What a client sends to check out (addresses, shipping and payment choices), and what it is offered."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from ashopy.accounts.models import Address
from ashopy.checkout.services import ADDRESS_FIELDS

from ..catalog.serializers import money


def country_code(value: str) -> str:
    code = value.upper()
    if code not in countries:
        raise serializers.ValidationError(_("Choose a country."))
    return code


class CheckoutAddressSerializer(serializers.ModelSerializer):
    """An address as the checkout stores it on the order (a plain dict): the address book's fields and rules.

    The country is a plain code here, not the address book's enum: the same field name with a choice set
    rendered in another language would clash in the schema.
    """

    country = serializers.CharField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2, e.g. SN.")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)
        optional = {"required": False, "allow_blank": True, "default": ""}
        extra_kwargs = {"company": optional, "line2": optional, "postal_code": optional}

    def validate_country(self, value):
        return country_code(value)


class CheckoutInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False,
                                   help_text="Required for guests; a signed-in customer's own e-mail is used.")
    billing_address = CheckoutAddressSerializer()
    shipping_address = CheckoutAddressSerializer(required=False, allow_null=True,
                                                 help_text="Defaults to the billing address; ignored for pickup.")
    shipping_method = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                               help_text="An id from /checkout/shipping-methods/.")
    payment_method = serializers.CharField(max_length=30, help_text="A code from /checkout/payment-methods/.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="A note for the shop.")

    def validate(self, attrs):
        user = self.context["request"].user
        if user.is_authenticated:
            attrs["email"] = user.email
        elif not attrs.get("email"):
            raise serializers.ValidationError({"email": [_("Enter your e-mail address.")]})
        if not attrs.get("shipping_address"):
            attrs["shipping_address"] = attrs["billing_address"]
        return attrs


class ShippingQuerySerializer(serializers.Serializer):
    country = serializers.CharField(min_length=2, max_length=2, required=False,
                                    help_text="Destination, ISO 3166-1 alpha-2 (e.g. SN).")

    def validate_country(self, value):
        return country_code(value)


class ShippingOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="flat, weight or pickup")
    price = money(help_text="On the store's tax basis.")
    free = serializers.BooleanField()
    currency = serializers.CharField()
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    pickup_address = serializers.CharField()


class PaymentMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    offline = serializers.BooleanField(help_text="Paid outside ashopy (cash, transfer): staff mark it paid.")
