"""Checkout under /api/v1/checkout/: shipping and payment choices, placing the order, paying, giving up.

`POST /checkout/` needs an Idempotency-Key header: the same key (per customer, or per visitor
cart) always answers the same order, so a client retrying after a timeout never orders twice.
The order is placed by `checkout.services.place_order` (stock reserved, order pending payment),
then the provider is asked for its page by `start_payment`, outside any transaction.
"""

import hashlib

from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.cart.errors import EmptyCart
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import IdempotencyKeyRequired, NotPending
from ashopy.orders.errors import OrderNotFound
from ashopy.orders.models import Order
from ashopy.payments import selectors as payment_selectors
from ashopy.payments.models import Payment
from ashopy.pricing.purchase import policy_for_request

from ..cart.views import CART_TOKEN, current_cart
from ..errors import ErrorSerializer, error_responses
from ..orders.serializers import CheckoutOrderSerializer, PaymentSerializer
from .serializers import (
    CheckoutInputSerializer,
    PaymentMethodSerializer,
    ShippingOptionSerializer,
    ShippingQuerySerializer,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_LENGTH = 80  # Order.idempotency_key
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=True,
    description="A unique value per order attempt (a UUID, say), up to 255 characters. Sent again, the same "
                "order is answered (200) instead of a second one being placed.")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class CheckoutResultSerializer(serializers.Serializer):
    order = CheckoutOrderSerializer()
    payment = PaymentSerializer(allow_null=True, help_text="Send the customer to `redirect_url` when it is set; "
                                                           "show `instructions` otherwise.")


def web_checkout_url(request, page: str, order: Order) -> str:
    """The shop's pages the provider sends the customer back to: /checkout/done/<token>/ and /checkout/cancelled/…"""
    return request.build_absolute_uri(f"/checkout/{page}/{order.token}/")


def payment_urls(request, order: Order, payment: Payment) -> dict[str, str]:
    return {"success": web_checkout_url(request, "done", order),
            "cancel": web_checkout_url(request, "cancelled", order),
            "notify": request.build_absolute_uri(reverse("api:payment-webhook",
                                                         kwargs={"provider": payment.provider}))}


def scoped_key(request, cart, key: str) -> str:
    """The key as stored: scoped to the customer (or the visitor's cart), hashed when it would not fit."""
    owner = request.user.pk if request.user.is_authenticated else cart.token
    scoped = f"api:{owner}:{key}"
    if len(scoped) <= KEY_LENGTH:
        return scoped
    return f"api:{owner}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"[:KEY_LENGTH]


def checkout_result(order: Order, payment: Payment | None, *, status_code=status.HTTP_200_OK) -> Response:
    return Response(CheckoutResultSerializer({"order": order, "payment": payment}).data, status=status_code)


class ShippingMethodsView(APIView):
    @extend_schema(summary="Shipping methods offered for the cart and a destination", tags=["checkout"],
                   parameters=[ShippingQuerySerializer, CART_TOKEN],
                   responses={200: ShippingOptionSerializer(many=True), **error_responses(400)},
                   description="Prices depend on the cart (weight, free-shipping thresholds). Without `country`, only "
                               "methods that deliver everywhere and pickup are offered. A cart holding a real-estate "
                               "lot is offered pickup methods only (none: the lot is reserved by contacting the shop).")
    def get(self, request):
        query = ShippingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cart, _notices = current_cart(request, merge=False)
        options = checkout.shipping_options(cart=cart, policy=policy_for_request(request),
                                            country=query.validated_data.get("country") or None)
        return Response(ShippingOptionSerializer([{
            "id": option.id, "name": option.name, "kind": option.method.kind, "price": option.price,
            "free": option.free, "currency": request.store.currency, "min_days": option.method.min_days,
            "max_days": option.method.max_days, "pickup_address": option.method.pickup_address}
            for option in options], many=True).data)


class PaymentMethodsView(APIView):
    @extend_schema(summary="Payment methods the store offers for the cart", tags=["checkout"],
                   parameters=[CART_TOKEN], responses={200: PaymentMethodSerializer(many=True)},
                   description="A cart holding a real-estate lot is not paid on delivery (no cash_on_delivery).")
    def get(self, request):
        cart, _notices = current_cart(request, merge=False)
        return Response(PaymentMethodSerializer([
            {"code": provider.code, "label": str(provider.label), "offline": provider.offline}
            for provider in checkout.payment_options(store=request.store, cart=cart)], many=True).data)


class CheckoutView(APIView):
    @extend_schema(
        summary="Place the order and start its payment", tags=["checkout"], request=CheckoutInputSerializer,
        parameters=[IDEMPOTENCY_KEY, CART_TOKEN],
        responses={201: CheckoutResultSerializer,
                   200: OpenApiResponse(CheckoutResultSerializer, description="The Idempotency-Key was used before: "
                                                                              "the same order, nothing placed."),
                   **error_responses(400, 403),
                   409: _error("The cart changed on its final check (code cart_changed, the messages in "
                               "`fields.cart`), or the key was used for another cart (idempotency_conflict)."),
                   502: _error("The payment service is unavailable: the order was cancelled, nothing charged.")},
        description="The cart is checked once more, priced, its units reserved for the store's reservation time, and "
                    "the order stored as pending_payment. Guests need an `email` and a store that allows guest "
                    "checkout (403 login_required otherwise).")
    def post(self, request):
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()[:255]
        if not key:
            raise IdempotencyKeyRequired(fields={IDEMPOTENCY_HEADER: [str(IdempotencyKeyRequired.message)]})
        serializer = CheckoutInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart, _notices = current_cart(request, merge=False)
        if cart is None:
            raise EmptyCart()
        key = scoped_key(request, cart, key)
        details = checkout.Details(
            email=data["email"], billing_address=dict(data["billing_address"]),
            shipping_address=dict(data["shipping_address"]), shipping_method_id=data["shipping_method"],
            payment_method=data["payment_method"], customer_note=data["note"])
        order, payment = checkout.place_order(cart=cart, user=request.user, policy=policy_for_request(request),
                                              details=details, idempotency_key=key,
                                              language=(translation.get_language() or "fr")[:8])
        if payment is not None:
            payment = checkout.start_payment(order=order, payment=payment,
                                             urls=payment_urls(request, order, payment))
        return checkout_result(order, payment,
                               status_code=status.HTTP_200_OK if order.replayed else status.HTTP_201_CREATED)


def order_of_caller(request, token) -> Order:
    """An order by its token: a guest's for whoever holds the token, a customer's for that customer only."""
    order = Order.objects.filter(store=request.store, token=token).first()
    if order is None or (order.user_id is not None and order.user_id != request.user.pk):
        raise OrderNotFound()
    return order


class PayView(APIView):
    @extend_schema(summary="Start (or resume) the payment of a pending order", request=None, tags=["checkout"],
                   responses={200: CheckoutResultSerializer, **error_responses(404),
                              409: _error("The order is no longer pending payment (code not_pending_payment)."),
                              502: _error("The payment service is unavailable: the order was cancelled.")},
                   description="A payment not started yet is started; a started one answers its page again.")
    def post(self, request, token):
        order = order_of_caller(request, token)
        payment = payment_selectors.latest_payment(order)
        if order.state != Order.State.PENDING_PAYMENT or payment is None or payment.status not in Payment.OPEN:
            raise NotPending()
        payment = checkout.start_payment(order=order, payment=payment, urls=payment_urls(request, order, payment))
        return checkout_result(order, payment)


class CancelPaymentView(APIView):
    @extend_schema(summary="Give up paying: the order is cancelled and its units released", request=None,
                   tags=["checkout"],
                   responses={200: CheckoutResultSerializer, **error_responses(404),
                              409: _error("The order is no longer pending payment (code not_pending_payment).")},
                   description="The cart is left as it was, so the customer can pay another way.")
    def post(self, request, token):
        order = order_of_caller(request, token)
        if order.state != Order.State.PENDING_PAYMENT:
            raise NotPending()
        order = checkout.cancel_payment(order=order)
        return checkout_result(order, payment_selectors.latest_payment(order))
