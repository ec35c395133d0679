"""Stock endpoints under /api/v1/inventory/: levels, ledger, low stock, value, and the stock operations.

Only the request store's administrators and stock managers (401 without credentials, 403 for
anyone else). Reads go through `inventory.selectors`, changes through `inventory.services`;
their DomainErrors answer as 400/404/409 in the API's error shape. Dates are the store's local dates.
"""

from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.inventory import selectors, services
from ashopy.inventory.adjustments import adjustment_note
from ashopy.inventory.models import Warehouse

from ..errors import error_responses
from ..permissions import is_catalogue_staff
from .serializers import (
    AdjustInputSerializer,
    CountInputSerializer,
    MovementFilterSerializer,
    MovementSerializer,
    OperationResultSerializer,
    ReceiveInputSerializer,
    StockFilterSerializer,
    StockSerializer,
    StockValueSerializer,
    TransferInputSerializer,
    WarehouseSerializer,
)

READ_ERRORS = error_responses(400, 401, 403)
OPERATION_ERRORS = {**error_responses(400, 401, 403),
                    409: OpenApiResponse(description="Not enough stock, or the change would go below what is reserved "
                                                     "(code insufficient_stock / below_reserved, with the figures).")}
IDS_NOTE = ("Ids are those of the request store's rows: an unknown id, or another store's, is a 400 naming the "
            "field. ")


class StockStaff(BasePermission):
    """Administrators and stock managers of the request's store."""

    message = _("Only this store's administrators and stock managers may see and change its stock.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_catalogue_staff(request))


class InventoryAPI:
    """Staff only; times and date filters on the store's clock."""

    permission_classes = [StockStaff]

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return super().dispatch(request, *args, **kwargs)

    def valid(self, serializer_class, data):
        serializer = serializer_class(data=data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def paginated(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class WarehouseViewSet(InventoryAPI, viewsets.GenericViewSet):
    serializer_class = WarehouseSerializer
    pagination_class = None

    @extend_schema(summary="The store's warehouses", responses={200: WarehouseSerializer(many=True),
                                                                 **error_responses(401, 403)})
    def list(self, request):
        rows = Warehouse.objects.filter(store=request.store)
        return Response(WarehouseSerializer(rows, many=True).data)


def _operation_result(movements, *, created=True) -> Response:
    data = OperationResultSerializer({"movements": movements}).data
    return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class StockViewSet(InventoryAPI, viewsets.GenericViewSet):
    serializer_class = StockSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.stock_list(store=self.request.store)

    @extend_schema(summary="Stock rows by warehouse", parameters=[StockFilterSerializer],
                   responses={200: StockSerializer(many=True), **READ_ERRORS},
                   description=IDS_NOTE + "Filters combine; `low=true` lists the most urgent first.")
    def list(self, request):
        filters = self.valid(StockFilterSerializer, request.query_params)
        rows = selectors.stock_list(store=request.store, warehouse=filters.get("warehouse"), q=filters.get("q", ""),
                                    low_only=filters["low"])
        if filters.get("variant"):
            rows = rows.filter(variant=filters["variant"])
        if filters.get("sku"):
            rows = rows.filter(variant__sku=filters["sku"])
        return self.paginated(rows, StockSerializer)

    @extend_schema(summary="One stock row", responses={200: StockSerializer, **error_responses(401, 403, 404)})
    def retrieve(self, request, pk=None):
        return Response(StockSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(summary="Adjust stock (damage, loss, found units, correction)", request=AdjustInputSerializer,
                   responses={201: OperationResultSerializer, **OPERATION_ERRORS},
                   description=IDS_NOTE + "The reason starts the movement's note. Going below zero is a 409 "
                   "insufficient_stock; below the reserved units a 409 below_reserved.")
    @action(detail=False, methods=["post"], url_path="adjust", url_name="adjust")
    def adjust(self, request):
        data = self.valid(AdjustInputSerializer, request.data)
        movement = services.adjust(store=request.store, variant=data["variant"], warehouse=data["warehouse"],
                                   quantity_change=data["quantity_change"], user=request.user,
                                   note=adjustment_note(data["reason"], data["note"]))
        return _operation_result([movement])

    @extend_schema(summary="Transfer units between two warehouses", request=TransferInputSerializer,
                   responses={201: OperationResultSerializer, **OPERATION_ERRORS},
                   description=IDS_NOTE + "Writes a transfer_out and a transfer_in movement in one transaction; "
                   "the same warehouse twice is a 400 same_warehouse, more than is available a 409.")
    @action(detail=False, methods=["post"], url_path="transfer", url_name="transfer")
    def transfer(self, request):
        data = self.valid(TransferInputSerializer, request.data)
        movements = services.transfer(store=request.store, variant=data["variant"], source=data["source"],
                                      destination=data["destination"], quantity=data["quantity"],
                                      user=request.user, note=data["note"])
        return _operation_result(list(movements))

    @extend_schema(summary="Record a physical count", request=CountInputSerializer,
                   responses={201: OperationResultSerializer,
                              200: OpenApiResponse(OperationResultSerializer,
                                                   description="The count matches the stock: no movement."),
                              **OPERATION_ERRORS},
                   description=IDS_NOTE + "The difference with on_hand becomes one count movement.")
    @action(detail=False, methods=["post"], url_path="count", url_name="count")
    def count(self, request):
        data = self.valid(CountInputSerializer, request.data)
        movement = services.count(store=request.store, variant=data["variant"], warehouse=data["warehouse"],
                                  counted=data["counted"], user=request.user, note=data["note"])
        return _operation_result([movement] if movement else [], created=movement is not None)

    @extend_schema(summary="Receive units (a delivery)", request=ReceiveInputSerializer,
                   responses={201: OperationResultSerializer, **OPERATION_ERRORS},
                   description=IDS_NOTE + "With a unit cost, the variant's weighted average cost is updated.")
    @action(detail=False, methods=["post"], url_path="receive", url_name="receive")
    def receive(self, request):
        data = self.valid(ReceiveInputSerializer, request.data)
        movement = services.receive(store=request.store, variant=data["variant"], warehouse=data["warehouse"],
                                    quantity=data["quantity"], unit_cost=data["unit_cost"],
                                    reference=data["reference"], user=request.user, note=data["note"])
        return _operation_result([movement])


class MovementViewSet(InventoryAPI, viewsets.GenericViewSet):
    serializer_class = MovementSerializer

    @extend_schema(summary="The stock ledger, newest first", parameters=[MovementFilterSerializer],
                   responses={200: MovementSerializer(many=True), **READ_ERRORS},
                   description=IDS_NOTE + "Dates are ISO (YYYY-MM-DD), inclusive, in the store's time zone; "
                   "a malformed date is a 400.")
    def list(self, request):
        filters = self.valid(MovementFilterSerializer, request.query_params)
        rows = selectors.movements(store=request.store, product=filters.get("product"),
                                   variant=filters.get("variant"), warehouse=filters.get("warehouse"),
                                   since=filters.get("date_from"), until=filters.get("date_to"))
        return self.paginated(rows, MovementSerializer)


@extend_schema(summary="Stock rows at or below their threshold, most urgent first",
               responses={200: StockSerializer(many=True), **error_responses(401, 403)})
class LowStockView(InventoryAPI, generics.ListAPIView):
    serializer_class = StockSerializer

    def get_queryset(self):
        return selectors.stock_list(store=self.request.store, low_only=True)


class StockValueView(InventoryAPI, APIView):
    @extend_schema(summary="Stock value at weighted average cost, per warehouse and in total",
                   responses={200: StockValueSerializer, **error_responses(401, 403)})
    def get(self, request):
        value = selectors.stock_value(store=request.store)
        return Response(StockValueSerializer({**value, "currency": request.store.currency}).data)
