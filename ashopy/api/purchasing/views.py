"""Purchasing endpoints, for the request store's administrators and stock managers only.

Suppliers and what they sell, purchase orders with their `send`, `receive` and `cancel` actions,
and reorder suggestions. Every read is scoped to `request.store` (another store's row is a 404);
every change goes through `purchasing.services`, whose refusals answer 400, 404 or 409.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import PurchaseOrder, Supplier, SupplierItem
from ashopy.purchasing.selectors import purchase_order, purchase_orders, reorder_suggestions, suppliers

from ..errors import ErrorSerializer, error_responses
from ..permissions import is_catalogue_staff
from .serializers import (
    PurchaseOrderInputSerializer,
    PurchaseOrderListSerializer,
    PurchaseOrderSerializer,
    PurchaseOrderUpdateSerializer,
    ReceiptSerializer,
    ReorderDraftInputSerializer,
    ReorderPlanSerializer,
    SupplierItemSerializer,
    SupplierSerializer,
    TransitionNoteSerializer,
)

READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404)
ACTION_ERRORS = {**WRITE_ERRORS, 409: OpenApiResponse(ErrorSerializer, description="Not allowed in the current state "
                                                                               "(or, deleting, still in use).")}
SUPPLIER_ID = OpenApiParameter("supplier_pk", int, OpenApiParameter.PATH, description="The supplier's id.")


class StockStaffOnly(BasePermission):
    """Admins and stock managers of the request's store; anonymous callers get 401, others 403."""

    message = _("Only this store's administrators and stock managers may manage purchasing.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_catalogue_staff(request))


class PurchasingViewSet(viewsets.GenericViewSet):
    permission_classes = [StockStaffOnly]
    lookup_value_regex = r"\d+"

    def output(self, serializer_class, instance, *, many=False, status_code=status.HTTP_200_OK):
        return Response(serializer_class(instance, many=many, context=self.get_serializer_context()).data,
                        status=status_code)

    def valid_input(self, serializer_class, *, partial=False):
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer


@extend_schema_view(
    list=extend_schema(summary="The store's suppliers", responses={200: SupplierSerializer(many=True),
                                                                   **error_responses(401, 403)}),
    retrieve=extend_schema(responses={200: SupplierSerializer, **READ_ERRORS}),
    create=extend_schema(request=SupplierSerializer, responses={201: SupplierSerializer, **WRITE_ERRORS}),
    update=extend_schema(request=SupplierSerializer, responses={200: SupplierSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(request=SupplierSerializer, responses={200: SupplierSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, **ACTION_ERRORS},
                          description="Refused (409) once the supplier has purchase orders: deactivate it."),
)
class SupplierViewSet(PurchasingViewSet):
    queryset = Supplier.objects.none()
    serializer_class = SupplierSerializer

    def get_queryset(self):
        return suppliers(store=self.request.store)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SupplierSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.output(SupplierSerializer, self.get_object())

    def create(self, request):
        data = self.valid_input(SupplierSerializer).validated_data
        supplier = purchasing.save_supplier(store=request.store, user=request.user, **data)
        return self.output(SupplierSerializer, supplier, status_code=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        supplier = self.get_object()
        data = self.valid_input(SupplierSerializer, partial=partial).validated_data
        return self.output(SupplierSerializer, purchasing.save_supplier(store=request.store, supplier=supplier,
                                                                        user=request.user, **data))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        purchasing.delete_supplier(supplier=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="What a supplier sells", parameters=[SUPPLIER_ID],
                       responses={200: SupplierItemSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[SUPPLIER_ID], responses={200: SupplierItemSerializer, **READ_ERRORS}),
    create=extend_schema(parameters=[SUPPLIER_ID], request=SupplierItemSerializer,
                         description="Saving the same variant again updates its item.",
                         responses={201: SupplierItemSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[SUPPLIER_ID], request=SupplierItemSerializer,
                                 description="The variant stays; change the cost, reference or preference.",
                                 responses={200: SupplierItemSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(parameters=[SUPPLIER_ID], responses={204: None, **READ_ERRORS}),
)
class SupplierItemViewSet(PurchasingViewSet):
    queryset = SupplierItem.objects.none()
    serializer_class = SupplierItemSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @property
    def supplier(self) -> Supplier:
        if not hasattr(self, "_supplier"):
            self._supplier = get_object_or_404(Supplier.objects.for_store(self.request.store),
                                               pk=self.kwargs["supplier_pk"])
        return self._supplier

    def get_queryset(self):
        return self.supplier.items.select_related("variant__product").order_by("variant__sku", "id")

    def list(self, request, supplier_pk=None):
        return self.output(SupplierItemSerializer, self.get_queryset(), many=True)

    def retrieve(self, request, supplier_pk=None, pk=None):
        return self.output(SupplierItemSerializer, self.get_object())

    def create(self, request, supplier_pk=None):
        data = self.valid_input(SupplierItemSerializer).validated_data
        item = purchasing.save_supplier_item(store=request.store, supplier=self.supplier, user=request.user,
                                             **data)
        return self.output(SupplierItemSerializer, item, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, supplier_pk=None, pk=None):
        item = self.get_object()
        data = self.valid_input(SupplierItemSerializer, partial=True).validated_data
        if data.get("variant", item.variant) != item.variant:
            raise ValidationError({"variant": [_("The variant of an item cannot change: add a new item.")]})
        item = purchasing.save_supplier_item(
            store=request.store, supplier=self.supplier, variant=item.variant, user=request.user,
            unit_cost=data.get("unit_cost", item.unit_cost), supplier_sku=data.get("supplier_sku", item.supplier_sku),
            is_preferred=data.get("is_preferred"))
        return self.output(SupplierItemSerializer, item)

    def destroy(self, request, supplier_pk=None, pk=None):
        purchasing.delete_supplier_item(item=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


ORDER_FILTERS = [
    OpenApiParameter("state", str, enum=PurchaseOrder.State.values, description="Only orders in this state."),
    OpenApiParameter("supplier", int, description="Only this supplier's orders."),
]


@extend_schema_view(
    list=extend_schema(summary="The store's purchase orders, newest first", parameters=ORDER_FILTERS,
                       responses={200: PurchaseOrderListSerializer(many=True), **error_responses(400, 401, 403)}),
    retrieve=extend_schema(summary="A purchase order with its lines and history",
                           responses={200: PurchaseOrderSerializer, **READ_ERRORS}),
    create=extend_schema(summary="Draft a purchase order", request=PurchaseOrderInputSerializer,
                         responses={201: PurchaseOrderSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(summary="Change a draft", request=PurchaseOrderUpdateSerializer,
                                 responses={200: PurchaseOrderSerializer, **ACTION_ERRORS}),
)
class PurchaseOrderViewSet(PurchasingViewSet):
    queryset = PurchaseOrder.objects.none()
    serializer_class = PurchaseOrderSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_object(self):
        order = purchase_order(store=self.request.store, pk=self.kwargs["pk"])
        if order is None:
            raise NotFound
        return order

    def answer(self, order, status_code=status.HTTP_200_OK):
        return self.output(PurchaseOrderSerializer, purchase_order(store=self.request.store, pk=order.pk),
                           status_code=status_code)

    def list(self, request):
        state, supplier = request.query_params.get("state", ""), request.query_params.get("supplier", "")
        if state and state not in PurchaseOrder.State.values:
            raise ValidationError({"state": [_("Unknown state.")]})
        if supplier and not supplier.isdecimal():
            raise ValidationError({"supplier": [_("Give a supplier id.")]})
        found = Supplier.objects.for_store(request.store).filter(pk=supplier).first() if supplier else None
        if supplier and found is None:
            raise ValidationError({"supplier": [_("No such supplier in this store.")]})
        page = self.paginate_queryset(purchase_orders(store=request.store, state=state, supplier=found))
        return self.get_paginated_response(PurchaseOrderListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.output(PurchaseOrderSerializer, self.get_object())

    def create(self, request):
        serializer = self.valid_input(PurchaseOrderInputSerializer)
        data = serializer.validated_data
        order = purchasing.create_purchase_order(
            store=request.store, supplier=data["supplier"], warehouse=data["warehouse"],
            lines=serializer.lines_of() or [], expected_at=data.get("expected_at"), note=data.get("note", ""),
            user=request.user)
        return self.answer(order, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        order = self.get_object()
        serializer = self.valid_input(PurchaseOrderUpdateSerializer, partial=True)
        changes = {name: serializer.validated_data[name] for name in ("warehouse", "expected_at", "note")
                   if name in serializer.validated_data}
        order = purchasing.update_purchase_order(purchase_order=order, lines=serializer.lines_of(),
                                                 user=request.user, **changes)
        return self.answer(order)

    @extend_schema(summary="Send a draft to the supplier", request=TransitionNoteSerializer,
                   responses={200: PurchaseOrderSerializer, **ACTION_ERRORS},
                   description="Draft → sent. Refused (400) for an order without lines, (409) if not a draft.")
    @action(detail=True, methods=["post"], url_name="send")
    def send(self, request, pk=None):
        note = self.valid_input(TransitionNoteSerializer).validated_data.get("note", "")
        return self.answer(purchasing.send(purchase_order=self.get_object(), user=request.user, note=note))

    @extend_schema(summary="Receive goods (all or part)", request=ReceiptSerializer,
                   responses={200: PurchaseOrderSerializer, **ACTION_ERRORS},
                   description="Each quantity is a whole number from 1 to the line's outstanding quantity. "
                               "The units enter the order's warehouse as receipts at the line's unit cost. "
                               "Refused (409) unless the order is sent or partially received.")
    @action(detail=True, methods=["post"], url_name="receive")
    def receive(self, request, pk=None):
        order = self.get_object()
        serializer = self.valid_input(ReceiptSerializer)
        order = purchasing.receive(purchase_order=order, quantities=serializer.quantities(), user=request.user,
                                   note=serializer.validated_data.get("note", ""))
        return self.answer(order)

    @extend_schema(summary="Cancel the order", request=TransitionNoteSerializer,
                   responses={200: PurchaseOrderSerializer, **ACTION_ERRORS},
                   description="From draft, sent or partially received; units already received stay in stock.")
    @action(detail=True, methods=["post"], url_name="cancel")
    def cancel(self, request, pk=None):
        note = self.valid_input(TransitionNoteSerializer).validated_data.get("note", "")
        return self.answer(purchasing.cancel(purchase_order=self.get_object(), user=request.user, note=note))


class ReorderSuggestionsView(APIView):
    permission_classes = [StockStaffOnly]

    @extend_schema(summary="Reorder suggestions", responses={200: ReorderPlanSerializer, **error_responses(401, 403)},
                   description="Stock rows whose available units plus those expected on open purchase orders "
                               "(drafts included) are at or below their reorder point. The quantity is the "
                               "reorder quantity, or enough to get back above the point if that is more.")
    def get(self, request):
        return Response(ReorderPlanSerializer(reorder_suggestions(store=request.store)).data)


class ReorderDraftView(APIView):
    permission_classes = [StockStaffOnly]

    @extend_schema(summary="Draft purchase orders from the suggestions", request=ReorderDraftInputSerializer,
                   responses={201: PurchaseOrderSerializer(many=True),
                              200: OpenApiResponse(PurchaseOrderSerializer(many=True),
                                                   description="Nothing to draft: an empty list."),
                              **error_responses(400, 401, 403)},
                   description="One draft per (supplier, warehouse); an empty list when there is nothing to draft.")
    def post(self, request):
        serializer = ReorderDraftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = reorder_suggestions(store=request.store, stock_ids=serializer.validated_data.get("stocks"))
        orders = purchasing.draft_purchase_orders(store=request.store, suggestions=plan.to_order, user=request.user)
        details = [purchase_order(store=request.store, pk=order.pk) for order in orders]
        return Response(PurchaseOrderSerializer(details, many=True).data,
                        status=status.HTTP_201_CREATED if orders else status.HTTP_200_OK)
