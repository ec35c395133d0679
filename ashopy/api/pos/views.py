"""The till under /api/v1/pos/: tills and their sessions (open with a float, cash in and out, close with a
blind count, the closing report), sales with an `Idempotency-Key`, tickets (search, receipt, duplicate,
refund), closures and the chain check.

For the store's vendeurs, gestionnaires and admins; every read is scoped to `request.store` (another
store's till, session or ticket is a 404). Every change calls one `ashopy.pos` service, which decides
and whose refusals answer 400, 403, 404 or 409 in the API's error shape.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.core.errors import DomainError
from ashopy.pos import selectors, services, verification
from ashopy.pos.models import Closure, Ticket, Till, TillSession
from ashopy.stores.rules import SALES_ROLES
from ashopy.stores.selectors import staff_role

from ..errors import ErrorSerializer, error_responses
from ..pagination import PageNumberPagination
from . import sales
from .serializers import (
    BasketInputSerializer,
    CashMovementInputSerializer,
    CashMovementSerializer,
    ChainCheckSerializer,
    CloseInputSerializer,
    ClosureSerializer,
    OpenSessionInputSerializer,
    PricingSerializer,
    ReceiptSerializer,
    SaleInputSerializer,
    SaleSerializer,
    SessionReportSerializer,
    SessionSerializer,
    TicketFilterSerializer,
    TicketSummarySerializer,
    TillFilterSerializer,
    TillSerializer,
)

ID_MAX = 2**63 - 1
CONFLICT = OpenApiResponse(ErrorSerializer, description="Not allowed in the session's state (session_closed, "
                                                        "session_already_open, session_too_old, session_open) "
                                                        "or an idempotency key reused (idempotency_key_reused).")
READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = {**error_responses(400, 401, 403, 404), 409: CONFLICT}
TILL_ID = OpenApiParameter("till_id", int, OpenApiParameter.PATH, description="The till's id.")
SESSION_ID = OpenApiParameter("session_id", int, OpenApiParameter.PATH, description="The session's id.")
TICKET_ID = OpenApiParameter("ticket_id", int, OpenApiParameter.PATH, description="The ticket's id.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=True,
    description="A UUID the till makes per sale: sent again (a retry, an offline sale synced twice) it answers the "
                "ticket it made with 200; with another body or till, 409.")


class SessionOpen(DomainError):
    code = "session_open"
    message = _("The closing report is shown once the session is closed (blind count).")
    status = 409


class PosStaff(BasePermission):
    """The store's selling roles; anonymous callers get 401, customers and other stores' staff 403."""

    message = _("Only this store's salespeople, managers and administrators may use its tills.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and staff_role(request.user, request.store) in SALES_ROLES)


class PosView(APIView):
    permission_classes = [PosStaff]

    @staticmethod
    def valid(serializer_class, data):
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def till(self, till_id) -> Till:
        till = Till.objects.for_store(self.request.store).filter(pk=till_id).first() if till_id <= ID_MAX else None
        if till is None:
            raise NotFound()
        return till

    def session(self, session_id) -> TillSession:
        session = (TillSession.objects.filter(pk=session_id, till__store=self.request.store)
                   .select_related("till", "cashier", "closed_by").first() if session_id <= ID_MAX else None)
        if session is None:
            raise NotFound()
        return session

    def receipt(self, ticket_id, duplicate=None, status_code=status.HTTP_200_OK) -> Response:
        if ticket_id > ID_MAX:
            raise NotFound()
        try:
            receipt = selectors.receipt(ticket_id, store=self.request.store, duplicate=duplicate)
        except Ticket.DoesNotExist as error:
            raise NotFound() from error
        receipt.ticket.store = self.request.store  # read among the store's tickets: no query for its name
        return Response(ReceiptSerializer(receipt).data, status=status_code)


# --- tills and sessions -------------------------------------------------------------------------

class TillListView(PosView):
    @extend_schema(summary="The store's tills, each with its open session", tags=["pos"],
                   responses={200: TillSerializer(many=True), **READ_ERRORS})
    def get(self, request):
        open_sessions = TillSession.objects.filter(state=TillSession.State.OPEN).select_related("cashier")
        tills = (Till.objects.for_store(request.store).select_related("warehouse")
                 .prefetch_related(Prefetch("sessions", open_sessions, to_attr="open_sessions")).order_by("code"))
        return Response(TillSerializer(tills, many=True).data)


class OpenSessionView(PosView):
    @extend_schema(summary="Open a session with its float counted per denomination", tags=["pos"],
                   parameters=[TILL_ID], request=OpenSessionInputSerializer,
                   responses={201: SessionSerializer, **WRITE_ERRORS})
    def post(self, request, till_id):
        till = self.till(till_id)
        data = self.valid(OpenSessionInputSerializer, request.data)
        session = services.open_session(user=request.user, till=till, opening_float=data["opening_float"])
        return Response(SessionSerializer(self.session(session.pk)).data, status=status.HTTP_201_CREATED)


class CashMovementView(PosView):
    @extend_schema(summary="Put cash into the drawer or take it out, with the reason", tags=["pos"],
                   parameters=[SESSION_ID], request=CashMovementInputSerializer,
                   responses={201: CashMovementSerializer, **WRITE_ERRORS})
    def post(self, request, session_id):
        session = self.session(session_id)
        data = self.valid(CashMovementInputSerializer, request.data)
        movement = services.move_cash(user=request.user, session=session, **data)
        return Response(CashMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


class CloseSessionView(PosView):
    @extend_schema(summary="Close with a blind count per payment method; answers expected and differences",
                   tags=["pos"], parameters=[SESSION_ID], request=CloseInputSerializer,
                   responses={200: SessionSerializer, **WRITE_ERRORS})
    def post(self, request, session_id):
        session = self.session(session_id)
        data = self.valid(CloseInputSerializer, request.data)
        services.close_session(user=request.user, session=session, counted=data["counted"], note=data["note"])
        return Response(SessionSerializer(self.session(session.pk)).data)


class SessionReportView(PosView):
    @extend_schema(summary="A closed session's report: sales, refunds, payments, discounts, VAT, cash movements",
                   tags=["pos"], parameters=[SESSION_ID],
                   responses={200: SessionReportSerializer, **READ_ERRORS, 409: CONFLICT})
    def get(self, request, session_id):
        session = self.session(session_id)
        if session.state == TillSession.State.OPEN:
            raise SessionOpen()
        return Response(SessionReportSerializer(selectors.session_report(session)).data)


# --- sales and tickets --------------------------------------------------------------------------

class SaleView(PosView):
    @extend_schema(summary="Record a sale (split tender, cash change) once per Idempotency-Key", tags=["pos"],
                   parameters=[IDEMPOTENCY_KEY], request=SaleInputSerializer,
                   responses={201: SaleSerializer,
                              200: OpenApiResponse(SaleSerializer, description="The key's ticket, already made."),
                              **WRITE_ERRORS})
    def post(self, request):
        key = sales.idempotency_key(request)
        data = self.valid(SaleInputSerializer, request.data)
        ticket, made = sales.sell(request=request, key=key, data=data)
        return Response(SaleSerializer(sales.answer(ticket)).data,
                        status=status.HTTP_201_CREATED if made else status.HTTP_200_OK)


class PriceView(PosView):
    @extend_schema(summary="Price a basket as the sale would: lines, discounts, promo code, VAT, total; writes nothing",
                   tags=["pos"], parameters=[SESSION_ID], request=BasketInputSerializer,
                   responses={200: PricingSerializer, **WRITE_ERRORS},
                   description="The till asks it whenever the basket, the customer, a discount or the code changes: "
                               "`total` is what the tenders of the sale must cover. A refused code is answered in "
                               "`code` (applied false, with the reason) and prices nothing; a refused line or "
                               "discount is a 4xx, as the sale would answer it.")
    def post(self, request, session_id):
        session = self.session(session_id)
        session.till.store = request.store  # read among the store's sessions: no query for it
        data = self.valid(BasketInputSerializer, request.data)
        priced = sales.price(request=request, session=session, data=data)
        return Response(PricingSerializer(sales.priced_answer(priced)).data)


class TicketListView(PosView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="Search the store's tickets by number, day or customer, newest first", tags=["pos"],
                   parameters=[TicketFilterSerializer],
                   responses={200: TicketSummarySerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        filters = self.valid(TicketFilterSerializer, request.query_params)
        tickets = selectors.search_tickets(store=request.store, query=filters.get("q", ""), day=filters.get("date"),
                                           customer_id=filters.get("customer"), kind=filters.get("kind"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tickets, request, view=self)
        return paginator.get_paginated_response(TicketSummarySerializer(page, many=True).data)


class DuplicateView(PosView):
    @extend_schema(summary="Reprint a ticket: DUPLICATA n°…, logged and chained", tags=["pos"],
                   parameters=[TICKET_ID], request=None, responses={201: ReceiptSerializer, **WRITE_ERRORS})
    def post(self, request, ticket_id):
        ticket = Ticket.objects.for_store(request.store).filter(pk=ticket_id).first() if ticket_id <= ID_MAX else None
        if ticket is None:
            raise NotFound()
        duplicate = services.print_duplicate(user=request.user, ticket=ticket)
        return self.receipt(ticket.pk, duplicate=duplicate.number, status_code=status.HTTP_201_CREATED)


# --- closures and the chain ---------------------------------------------------------------------

class ClosureListView(PosView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="Daily, monthly and yearly closures (made by Celery beat)", tags=["pos"],
                   parameters=[TillFilterSerializer],
                   responses={200: ClosureSerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        till = self.valid(TillFilterSerializer, request.query_params).get("till")
        closures = Closure.objects.filter(till__store=request.store).select_related("till")
        if till is not None:
            closures = closures.filter(till_id=till)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(closures.order_by("till__code", "-period_start", "kind"), request,
                                           view=self)
        return paginator.get_paginated_response(ClosureSerializer(page, many=True).data)


class ChainCheckView(PosView):
    @extend_schema(summary="Check the tills' chains (as manage.py verify_pos_chain): ok, or the first failing "
                           "record", tags=["pos"], parameters=[TillFilterSerializer],
                   responses={200: ChainCheckSerializer, **READ_ERRORS})
    def get(self, request):
        till = self.valid(TillFilterSerializer, request.query_params).get("till")
        tills = Till.objects.for_store(request.store)
        if till is not None:
            tills = tills.filter(pk=self.till(till).pk)
        reports = verification.verify(tills)
        return Response(ChainCheckSerializer({"ok": all(report.ok for report in reports), "tills": reports}).data)
