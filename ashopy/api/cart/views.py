"""The cart under /api/v1/cart/: a customer's own cart, or a visitor's named by the Cart-Token header.

Every change goes through `cart.services` (quantities capped by what the store can sell now)
and answers the whole cart with the service's messages. A write that fails changes nothing,
not even the creation of a visitor's new cart.
"""

import uuid

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.cart.errors import EmptyCart, InvalidCartToken, UnknownLine
from ashopy.cart.models import Cart
from ashopy.pricing.purchase import policy_for_request

from ..errors import ErrorSerializer, error_responses
from .serializers import (
    CartLineInputSerializer,
    CartQuantityInputSerializer,
    CartSerializer,
    CodeInputSerializer,
    cart_payload,
)

CART_TOKEN_HEADER = "Cart-Token"  # noqa: S105 (a header name)
CART_TOKEN = OpenApiParameter(
    CART_TOKEN_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER, required=False,
    description="Visitors only: the `token` of their cart. Missing or unknown on a write, a new cart is made; "
                "signed-in customers sending it get that visitor cart merged into theirs.")
CART_TOKEN_OUT = OpenApiParameter(CART_TOKEN_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER, response=True,
                                  description="Visitors: the cart's token (also in the body).")
NOT_ENOUGH = OpenApiResponse(ErrorSerializer, description="Nothing more of this variant can be sold now "
                                                          "(code insufficient_stock); the cart is unchanged.")


def header_token(request) -> uuid.UUID | None:
    raw = (request.headers.get(CART_TOKEN_HEADER) or "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidCartToken(fields={CART_TOKEN_HEADER: [str(InvalidCartToken.message)]}) from None


def current_cart(request, *, create: bool = False, merge: bool = True) -> tuple[Cart | None, list]:
    """The caller's cart and the messages of a merge.

    A signed-in customer who still holds a visitor's token (built before logging in) gets that
    cart's lines added to theirs, as the web does at login.
    """
    store, user, token = request.store, request.user, header_token(request)
    notices = []
    if not user.is_authenticated:
        cart = cart_services.get_cart(store=store, token=token, create=create)
    else:
        visitor = cart_services.get_cart(store=store, token=token) if merge and token is not None else None
        cart = cart_services.get_cart(store=store, user=user, create=create or visitor is not None)
        if visitor is not None:
            notices = cart_services.merge(source=visitor, into=cart, policy=policy_for_request(request))
    if cart is not None:
        cart.store = store  # the same row, already loaded by the middleware
    return cart, notices


def cart_response(request, cart: Cart | None, notices) -> Response:
    totals = cart_selectors.priced(cart, policy_for_request(request))
    data = CartSerializer(cart_payload(cart=cart, totals=totals, notices=notices, request=request)).data
    response = Response(data)
    if data["token"]:
        response[CART_TOKEN_HEADER] = data["token"]
    return response


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CartView(APIView):
    @extend_schema(summary="The cart, checked against the stock", parameters=[CART_TOKEN, CART_TOKEN_OUT],
                   responses={200: CartSerializer, **error_responses(400)}, tags=["cart"],
                   description="Every line is brought within what the store can sell now (lapsed holds on short "
                               "lines released first); `messages` says what changed. Without a cart, an empty one "
                               "(token null) is shown and nothing is created.")
    def get(self, request):
        cart, notices = current_cart(request)
        if cart is not None:
            notices = [*notices, *cart_services.refresh(cart=cart, policy=policy_for_request(request))]
        return cart_response(request, cart, notices)


class CartLinesView(APIView):
    @extend_schema(summary="Add units of a variant", request=CartLineInputSerializer,
                   parameters=[CART_TOKEN, CART_TOKEN_OUT], tags=["cart"],
                   responses={200: CartSerializer, **error_responses(400, 404), 409: NOT_ENOUGH},
                   description="Never more than the store can sell now: when only part fits, that part is added "
                               "and a warning message says so. A variant of another store is a 404.")
    def post(self, request):
        data = _valid(CartLineInputSerializer, request.data)
        with transaction.atomic():
            cart, notices = current_cart(request, create=True)
            notice = cart_services.add(cart=cart, variant_id=data["variant"], quantity=data["quantity"],
                                       policy=policy_for_request(request))
        return cart_response(request, cart, [*notices, notice])


class CartLineView(APIView):
    @extend_schema(summary="Change a line's quantity (0 removes it)", request=CartQuantityInputSerializer,
                   parameters=[CART_TOKEN, CART_TOKEN_OUT], tags=["cart"],
                   responses={200: CartSerializer, **error_responses(400, 404)},
                   description="Above what is available, the quantity is adjusted down and a warning says so. "
                               "A line of another cart is a 404.")
    def patch(self, request, line_id):
        data = _valid(CartQuantityInputSerializer, request.data)
        with transaction.atomic():
            cart = self._cart(request)
            notice = cart_services.set_quantity(cart=cart, line_id=line_id, quantity=data["quantity"],
                                                  policy=policy_for_request(request))
        return cart_response(request, cart, [notice])

    @extend_schema(summary="Remove a line", request=None, parameters=[CART_TOKEN, CART_TOKEN_OUT], tags=["cart"],
                   responses={200: CartSerializer, **error_responses(400, 404)})
    def delete(self, request, line_id):
        with transaction.atomic():
            cart = self._cart(request)
            notice = cart_services.remove(cart=cart, line_id=line_id)
        return cart_response(request, cart, [notice])

    @staticmethod
    def _cart(request) -> Cart:
        cart, _notices = current_cart(request, merge=False)
        if cart is None:
            raise UnknownLine()
        return cart


LIMIT_REACHED = OpenApiResponse(ErrorSerializer, description="The code was used as many times as it may be "
                                                             "(code code_limit_reached); the cart is unchanged.")


class CartCodeView(APIView):
    @extend_schema(summary="Apply a promo code", request=CodeInputSerializer, parameters=[CART_TOKEN, CART_TOKEN_OUT],
                   tags=["cart"], responses={200: CartSerializer, **error_responses(400, 403, 404), 409: LIMIT_REACHED},
                   description="The code is checked as the web cart checks it; a refusal says why, with its code: "
                               "code_unknown, code_inactive, code_expired, code_not_yet_valid, "
                               "code_minimum_not_reached (the message gives the amount missing), code_already_used, "
                               "code_limit_reached, code_not_for_account, code_not_for_cart; empty_cart without "
                               "lines. It is checked again, its use counted, when the order is placed.")
    def post(self, request):
        data = _valid(CodeInputSerializer, request.data)
        with transaction.atomic():
            cart, notices = current_cart(request)
            if cart is None:
                raise EmptyCart()
            notice = cart_services.apply_code(cart=cart, code=data["code"], user=request.user,
                                              policy=policy_for_request(request))
        return cart_response(request, cart, [*notices, notice])

    @extend_schema(summary="Remove the promo code", request=None, parameters=[CART_TOKEN, CART_TOKEN_OUT],
                   tags=["cart"], responses={200: CartSerializer, **error_responses(400)})
    def delete(self, request):
        with transaction.atomic():
            cart, notices = current_cart(request, merge=False)
            if cart is not None:
                notices = [*notices, cart_services.remove_code(cart=cart)]
        return cart_response(request, cart, notices)
