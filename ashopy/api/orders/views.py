"""Orders under /api/v1/orders/ (the caller's own) and /api/v1/staff/orders/ (the store's, for its staff).

A customer sees only their orders in the request's store: anyone else's number is a 404. Staff
(vendeur, gestionnaire, admin of the request's store) list, read and move orders; every state
change goes through `orders.services`, `checkout.services.cancel_order` (refunds a paid order)
or `payments.services.mark_paid_by_hand`, which refuse what the state machine refuses (409).
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.checkout import services as checkout
from ashopy.orders import selectors
from ashopy.orders import services as orders
from ashopy.orders.errors import NotCancellable
from ashopy.orders.models import Order, OrderLine
from ashopy.orders.timeline import Fact
from ashopy.payments import services as payments
from ashopy.stores.models import STAFF_ROLES
from ashopy.stores.selectors import staff_role

from ..errors import ErrorSerializer, error_responses
from .serializers import (
    OrderDetailSerializer,
    OrderSummarySerializer,
    StaffOrderDetailSerializer,
    StaffOrderFilterSerializer,
    StaffOrderSummarySerializer,
    TransitionInputSerializer,
    WaitingPreorderFilterSerializer,
    WaitingPreorderSerializer,
)

CONFLICT = OpenApiResponse(ErrorSerializer, description="Not allowed in the order's state "
                                                        "(code transition_not_allowed, not_cancellable, not_offline).")


class StoreStaff(BasePermission):
    """Salespeople, stock managers and administrators of the request's store."""

    message = _("Only this store's staff may see and handle its orders.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and staff_role(request.user, request.store) in STAFF_ROLES)


def _own(request, number: str) -> Order:
    return selectors.order_with_history(store=request.store, number=number, user=request.user)


def _store_order(request, number: str) -> Order:
    return selectors.order_with_history(store=request.store, number=number, staff=True)


# --- the customer's own orders ----------------------------------------------------------------


@extend_schema(summary="The caller's orders in this store, newest first", tags=["orders"],
               responses={200: OrderSummarySerializer(many=True), **error_responses(401)})
class OrderListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSummarySerializer
    queryset = Order.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return selectors.with_quantity(selectors.customer_orders(store=self.request.store, user=self.request.user))


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One of the caller's orders", tags=["orders"],
                   responses={200: OrderDetailSerializer, **error_responses(401, 404)},
                   description="Another customer's order, or another store's, is a 404.")
    def get(self, request, number):
        order = _own(request, number)
        return Response(OrderDetailSerializer(order).data)


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Cancel one of the caller's orders", request=None, tags=["orders"],
                   responses={200: OrderDetailSerializer, **error_responses(401, 404), 409: CONFLICT},
                   description="Allowed until the shop starts preparing it (`can_cancel`); a paid order is refunded "
                               "through its payment. Later, 409 not_cancellable.")
    def post(self, request, number):
        order = _own(request, number)
        if not checkout.customer_can_cancel(order):
            raise NotCancellable()
        checkout.cancel_order(order=order, user=request.user, note=Fact("cancelled_by_customer"))
        return Response(OrderDetailSerializer(_own(request, number)).data)


# --- staff ------------------------------------------------------------------------------------


class StaffAPI:
    """The store's staff; dates on the store's clock."""

    permission_classes = [StoreStaff]

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return super().dispatch(request, *args, **kwargs)


@extend_schema(summary="The store's orders, newest first", tags=["staff orders"],
               parameters=[StaffOrderFilterSerializer],
               responses={200: StaffOrderSummarySerializer(many=True), **error_responses(400, 401, 403)},
               description="Filters combine; dates are inclusive local dates of the store.")
class StaffOrderListView(StaffAPI, generics.ListAPIView):
    serializer_class = StaffOrderSummarySerializer
    queryset = Order.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        query = StaffOrderFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = selectors.OrderFilters(**query.validated_data)
        return selectors.with_quantity(selectors.store_orders(store=self.request.store, filters=filters))


@extend_schema(summary="Pre-ordered units waiting for stock, oldest order first", tags=["staff orders"],
               parameters=[WaitingPreorderFilterSerializer],
               responses={200: WaitingPreorderSerializer(many=True), **error_responses(400, 401, 403)},
               description="The order in which received stock is allocated to them; live orders only.")
class StaffPreorderListView(StaffAPI, generics.ListAPIView):
    serializer_class = WaitingPreorderSerializer
    queryset = OrderLine.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrderLine.objects.none()
        query = WaitingPreorderFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.waiting_preorders(store=self.request.store, user=self.request.user,
                                           product_id=query.validated_data.get("product"))


class StaffOrderDetailView(StaffAPI, APIView):
    @extend_schema(summary="One order of the store", tags=["staff orders"],
                   responses={200: StaffOrderDetailSerializer, **error_responses(401, 403, 404)})
    def get(self, request, number):
        return Response(StaffOrderDetailSerializer(_store_order(request, number)).data)


class StaffOrderTransitionView(StaffAPI, APIView):
    @extend_schema(summary="Move an order: process, ship, deliver, cancel or mark paid", tags=["staff orders"],
                   request=TransitionInputSerializer,
                   responses={200: StaffOrderDetailSerializer, **error_responses(400, 401, 403, 404), 409: CONFLICT},
                   description="`ship` records the carrier and tracking; `cancel` refunds a paid order through its "
                               "payment (or records that the refund is to be made by hand); `mark_paid` is for "
                               "orders awaiting a cash or transfer payment. `note` goes on the timeline.")
    def post(self, request, number):
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = _store_order(request, number)
        action, user, note = data["action"], request.user, data["note"]
        if action == "process":
            orders.process(order=order, user=user, note=note)
        elif action == "ship":
            orders.ship(order=order, user=user, carrier=data["carrier"], tracking_number=data["tracking_number"],
                        tracking_url=data["tracking_url"], note=note)
        elif action == "deliver":
            orders.deliver(order=order, user=user, note=note)
        elif action == "cancel":
            checkout.cancel_order(order=order, user=user, note=note)
        else:
            payments.mark_paid_by_hand(order=order, user=user)
            if note.strip():
                orders.add_note(order=order, user=user, note=note)
        return Response(StaffOrderDetailSerializer(_store_order(request, number)).data)
