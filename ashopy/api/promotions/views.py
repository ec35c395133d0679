"""Promotions and promo codes under /api/v1/staff/promotions/ and /api/v1/staff/promo-codes/.

Every staff role of the request's store reads them; the writes go through `promotions.staff`, which lets
only managers and admins write (403 otherwise) and answers bad data with field errors (400) — the rules
of the back office's pages, word for word. Another store's promotion or code is a 404. The usage report
reads the store's orders here, since the promotions app may not import them.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.orders.models import Order
from ashopy.promotions import selectors, staff
from ashopy.promotions.models import PromoCode, Promotion
from ashopy.stores.rules import has_role

from ..errors import error_responses
from ..pagination import PageNumberPagination
from .serializers import (
    BatchInputSerializer,
    BatchSerializer,
    CodeFilterSerializer,
    ListFilterSerializer,
    PromoCodeInputSerializer,
    PromoCodeSerializer,
    PromotionInputSerializer,
    PromotionSerializer,
    UsageSerializer,
)

READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404)
USES_SHOWN = 100
PROMOTION_ID = OpenApiParameter("promotion_id", int, OpenApiParameter.PATH, description="The promotion's id.")
CODE_ID = OpenApiParameter("code_id", int, OpenApiParameter.PATH, description="The promo code's id.")


class PromotionStaff(BasePermission):
    """Every staff role of the request's store; anonymous callers get 401, others 403 (writes: the service)."""

    message = _("Only this store's staff may see its promotions and codes.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and has_role(request.user, request.store, staff.STAFF_ACTIONS["view"]))


class StaffPromotionsView(APIView):
    permission_classes = [PromotionStaff]

    def valid(self, serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, context={"request": self.request}, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def page(self, rows, serializer_class):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class PromotionListView(StaffPromotionsView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="The store's promotions, highest priority first", tags=["promotions"],
                   parameters=[ListFilterSerializer],
                   responses={200: PromotionSerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        filters = self.valid(ListFilterSerializer, request.query_params)
        rows = selectors.promotions(store=request.store, **filters).prefetch_related(*staff.PROMOTION_SCOPE)
        return self.page(rows, PromotionSerializer)

    @extend_schema(summary="Create a catalogue promotion", tags=["promotions"], request=PromotionInputSerializer,
                   responses={201: PromotionSerializer, **error_responses(400, 401, 403)})
    def post(self, request):
        promotion = staff.save_promotion(store=request.store, user=request.user,
                                         **self.valid(PromotionInputSerializer, request.data))
        return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)


class PromotionDetailView(StaffPromotionsView):
    def promotion(self, promotion_id) -> Promotion:
        promotion = Promotion.objects.for_store(self.request.store).filter(pk=promotion_id).first()
        if promotion is None:
            raise NotFound()
        return promotion

    @extend_schema(summary="A promotion", tags=["promotions"], parameters=[PROMOTION_ID],
                   responses={200: PromotionSerializer, **READ_ERRORS})
    def get(self, request, promotion_id):
        return Response(PromotionSerializer(self.promotion(promotion_id)).data)

    @extend_schema(summary="Change a promotion (is_active: false deactivates it)", tags=["promotions"],
                   parameters=[PROMOTION_ID], request=PromotionInputSerializer,
                   responses={200: PromotionSerializer, **WRITE_ERRORS})
    def patch(self, request, promotion_id):
        promotion = self.promotion(promotion_id)
        data = self.valid(PromotionInputSerializer, request.data, partial=True)
        promotion = staff.save_promotion(store=request.store, user=request.user, promotion=promotion, **data)
        return Response(PromotionSerializer(promotion).data)


class PromoCodeListView(StaffPromotionsView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="The store's promo codes, newest first", tags=["promotions"],
                   parameters=[CodeFilterSerializer],
                   responses={200: PromoCodeSerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        filters = self.valid(CodeFilterSerializer, request.query_params)
        if "batch" in filters:
            filters["batch"] = staff.normalise_code(filters["batch"])
        rows = selectors.promo_codes(store=request.store, **filters).prefetch_related(*staff.CODE_SCOPE)
        return self.page(rows, PromoCodeSerializer)

    @extend_schema(summary="Create a promo code", tags=["promotions"], request=PromoCodeInputSerializer,
                   responses={201: PromoCodeSerializer, **error_responses(400, 401, 403)})
    def post(self, request):
        code = staff.save_code(store=request.store, user=request.user,
                               **self.valid(PromoCodeInputSerializer, request.data))
        return Response(PromoCodeSerializer(code).data, status=status.HTTP_201_CREATED)


class PromoCodeView(StaffPromotionsView):
    def code(self, code_id) -> PromoCode:
        code = PromoCode.objects.for_store(self.request.store).filter(pk=code_id).first()
        if code is None:
            raise NotFound()
        return code


class PromoCodeDetailView(PromoCodeView):
    @extend_schema(summary="A promo code", tags=["promotions"], parameters=[CODE_ID],
                   responses={200: PromoCodeSerializer, **READ_ERRORS})
    def get(self, request, code_id):
        return Response(PromoCodeSerializer(self.code(code_id)).data)

    @extend_schema(summary="Change a promo code (is_active: false deactivates it)", tags=["promotions"],
                   parameters=[CODE_ID], request=PromoCodeInputSerializer,
                   responses={200: PromoCodeSerializer, **WRITE_ERRORS})
    def patch(self, request, code_id):
        code = self.code(code_id)
        data = self.valid(PromoCodeInputSerializer, request.data, partial=True)
        code = staff.save_code(store=request.store, user=request.user, promo_code=code, **data)
        return Response(PromoCodeSerializer(code).data)


class PromoCodeUsageView(PromoCodeView):
    @extend_schema(summary="A code's uses, revenue and discount given", tags=["promotions"], parameters=[CODE_ID],
                   responses={200: UsageSerializer, **READ_ERRORS},
                   description="Held: the order is placed, not paid yet; confirmed: paid (a till ticket's use is "
                               "confirmed at once, and counted in `at_till` too). Revenue is the total of those "
                               "orders, tax and shipping included.")
    def get(self, request, code_id):
        code = self.code(code_id)
        orders = Order.objects.filter(store=request.store)
        usage = selectors.usage(code=code, orders=orders)
        uses = list(selectors.code_redemptions(code)[:USES_SHOWN])
        by_id = orders.in_bulk([use.order_id for use in uses])
        data = {"code": code.code, **{name: getattr(usage, name) for name in (
            "held", "confirmed", "released", "discount_held", "discount_confirmed", "revenue_held",
            "revenue_confirmed", "at_till")}, "uses": uses}
        return Response(UsageSerializer(data, context={"orders": by_id}).data)


class PromoCodeBatchView(StaffPromotionsView):
    @extend_schema(summary="Generate a batch of single-use codes", tags=["promotions"], request=BatchInputSerializer,
                   responses={201: BatchSerializer, **error_responses(400, 401, 403)},
                   description="`count` codes made of the prefix, a hyphen and 10 random characters "
                               "without 0, O, 1 or I (e.g. NOEL-7KQ2MZ9WHT), each usable "
                               "once, sharing the other settings. A prefix used again adds to its batch.")
    def post(self, request):
        data = dict(self.valid(BatchInputSerializer, request.data))
        prefix, count = data.pop("prefix"), data.pop("count")
        made = staff.generate_codes(store=request.store, user=request.user, prefix=prefix, count=count, **data)
        return Response(BatchSerializer({"batch": made[0].batch, "codes": [code.code for code in made]}).data,
                        status=status.HTTP_201_CREATED)
