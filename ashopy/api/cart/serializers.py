"""The cart as the API shows it, priced now, and what a client sends to change it.

The cart is shown from `cart.totals.Totals` (the pricing resolver's figures, rounded per line
with the currency's exponent); nothing here computes a price.
"""

from decimal import Decimal

from rest_framework import serializers

from ashopy.cart.selectors import cover_images
from ashopy.cart.services import product_label
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.pricing.purchase import policy_for_request

from ..catalog.serializers import AdjustmentSerializer, absolute_media_url, money


class Rate(serializers.DecimalField):
    """A tax rate in percent without trailing zeros: "18", "5.5"."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, **kwargs)

    def to_representation(self, value):
        return super().to_representation(Decimal(value).normalize())


class CartLineInputSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="A variant id of this store.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY,
                                        help_text="Units to add to what the cart already holds.")


class CartQuantityInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, help_text="The new quantity; 0 removes.")


class CodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, trim_whitespace=True,
                                 help_text="A promo code of this store, in any case.")


class DiscountLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["promotion", "customer", "code", "shipping"],
                                   help_text="What caused it: a catalogue promotion, a partner or segment discount, "
                                             "a promo code on the goods, or a code's free shipping.")
    label = serializers.CharField()
    amount = money(help_text="On the store's tax basis.")


class NoticeSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="success, info or warning")
    message = serializers.CharField()


class TaxAmountSerializer(serializers.Serializer):
    rate = Rate(help_text="Percent, e.g. 18.")
    amount = money()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line id, for PATCH and DELETE.")
    variant = serializers.IntegerField()
    sku = serializers.CharField()
    product = serializers.CharField(help_text="The product's name.")
    product_slug = serializers.CharField()
    variant_name = serializers.CharField()
    label = serializers.CharField(help_text="Product and variant, as the customer reads them.")
    image = serializers.URLField(allow_null=True)
    quantity = serializers.IntegerField()
    available = serializers.IntegerField(help_text="Units the store can sell now.")
    preorder_quantity = serializers.IntegerField(help_text="Units of the line beyond the stock, on pre-order.")
    expected_on = serializers.DateField(allow_null=True, help_text="Expected shipping date of the pre-ordered units.")
    base_price = money(help_text="Catalogue unit price, on the store's tax basis.")
    sale_price = money(allow_null=True)
    unit_price = money(help_text="What the customer pays per unit, on the store's tax basis.")
    tax_rate = Rate()
    discounts = AdjustmentSerializer(many=True, help_text="Discounts taken off the unit price, with their labels.")
    discount = money(help_text="The line's saving against the catalogue price (before the promo code).")
    code_discount = money(help_text="The line's part of the promo code's discount (in `totals.discounts`).")
    net = money()
    tax = money()
    gross = money()


class CartTotalsSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    goods = money(help_text="The goods as catalogue prices show them (gross when prices include tax).")
    goods_net = money()
    goods_tax = money()
    goods_gross = money()
    discount = money(help_text="Every saving on the goods, the promo code's included.")
    code_discount = money(help_text="The promo code's discount on the goods.")
    discounts = DiscountLineSerializer(many=True, help_text="The discounts line by line; shipping discounts show "
                                                            "at checkout, when the method is chosen.")
    taxes = TaxAmountSerializer(many=True, help_text="Tax by rate, highest rate first.")
    total = money(help_text="Goods, tax included, after every discount; shipping is added at checkout.")


class CartSerializer(serializers.Serializer):
    token = serializers.UUIDField(allow_null=True,
                                  help_text="Visitors: send it back as the Cart-Token header. Null for customers.")
    currency = serializers.CharField()
    prices_include_tax = serializers.BooleanField()
    lines = CartLineSerializer(many=True)
    totals = CartTotalsSerializer()
    promo_code = serializers.CharField(allow_null=True, help_text="The code applied to the cart, if any.")
    promo_code_problem = serializers.CharField(
        allow_blank=True, help_text="Why the cart's code gives nothing now (e.g. the minimum is no longer reached); "
                                    "empty when it applies.")
    messages = NoticeSerializer(many=True, help_text="What changed (stock adjustments, lines removed, …).")
    pending_discounts = serializers.ListField(
        child=serializers.CharField(),
        help_text="Discounts the customer declared a right to and does not get yet, e.g. \"Student discount "
                  "awaiting verification\" (`PricingPolicy.pending_discounts`).")


def _money_pairs(taxes) -> list[dict]:
    return [{"rate": rate, "amount": amount} for rate, amount in taxes]


def cart_payload(*, cart, totals, notices, request) -> dict:
    """The cart as `CartSerializer` shows it; `totals` from `cart.selectors.priced`."""
    covers = cover_images(line.variant.product_id for line in totals.lines)
    lines = []
    for line in totals.lines:
        variant, unit, price = line.variant, line.unit, line.price
        cover = covers.get(variant.product_id)
        lines.append({
            "id": line.line_id, "variant": variant.pk, "sku": variant.sku, "product": variant.product.name,
            "product_slug": variant.product.slug, "variant_name": variant.name, "label": product_label(variant),
            "image": absolute_media_url({"request": request}, cover.image.name) if cover else None,
            "quantity": line.quantity, "available": max(line.available or 0, 0),
            "preorder_quantity": line.preorder_quantity, "expected_on": line.expected_on, "base_price": unit.base,
            "sale_price": unit.sale, "unit_price": unit.price, "tax_rate": unit.tax_rate,
            "discounts": unit.adjustments, "discount": price.discount, "code_discount": line.code_discount,
            "net": line.charged.net, "tax": line.charged.tax, "gross": line.charged.gross})
    anonymous = cart is not None and cart.user_id is None
    return {
        "token": cart.token if anonymous else None, "currency": totals.currency,
        "prices_include_tax": totals.includes_tax, "lines": lines,
        "promo_code": cart.promo_code.code if cart is not None and cart.promo_code_id and cart.promo_code else None,
        "promo_code_problem": totals.code_problem,
        "totals": {"quantity": totals.quantity, "goods": totals.goods, "goods_net": totals.goods_net,
                   "goods_tax": totals.goods_tax, "goods_gross": totals.goods_gross, "discount": totals.discount,
                   "code_discount": totals.code_discount,
                   "discounts": [{"kind": line.kind, "label": line.label, "amount": line.amount}
                                 for line in totals.discount_lines],
                   "taxes": _money_pairs(totals.taxes), "total": totals.goods_gross},
        "messages": [{"level": notice.level, "message": str(notice.message)} for notice in notices],
        "pending_discounts": policy_for_request(request).pending_discounts()}
