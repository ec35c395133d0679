"""Refunds at the till through the API: a ticket's detail with what is still refundable, a preview of a
refund's amount, and the refund itself, sent once per `Idempotency-Key`.

`selling.preview_refund` and `selling.record_refund` compute the amounts with the same code, so the
till shows the figure the refund will record; the till never computes a refund's money itself. A key
sent again with the same refund answers the refund it made (200); with another refund, 409.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ashopy.pos import invoicing, selectors, selling
from ashopy.pos.models import Ticket

from . import sales
from .serializers import AMOUNT, ReceiptSerializer, RefundInputSerializer, RefundLineInputSerializer
from .views import ID_MAX, IDEMPOTENCY_KEY, READ_ERRORS, TICKET_ID, WRITE_ERRORS, PosView


class InvoiceReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class TicketDetailSerializer(ReceiptSerializer):
    """A receipt's data, and what a refund at the till needs: the units still refundable per sold line,
    the methods a refund may go back by, the sale's invoice (a refund: the credit note it made)."""

    refundable = serializers.DictField(child=serializers.IntegerField(), help_text=(
        "Units still refundable per line id of a sale (empty for a refund ticket)."))
    refund_methods = serializers.ListField(child=serializers.CharField(), help_text=(
        "How a refund of this sale may be paid back: cash, or card when it paid by card (mobile money and "
        "store credit go back in cash). Empty for a refund ticket."))
    invoice = InvoiceReferenceSerializer(allow_null=True, help_text=(
        "The sale's invoice, or the credit note a refund of an invoiced sale made; null when none."))


def detail(request, ticket_id: int, status_code=status.HTTP_200_OK) -> Response:
    """A ticket of the request's store as TicketDetailSerializer shows it (six queries for a sale)."""
    if ticket_id > ID_MAX:
        raise NotFound()
    try:
        receipt = selectors.receipt(ticket_id, store=request.store)
    except Ticket.DoesNotExist as error:
        raise NotFound() from error
    ticket = receipt.ticket
    ticket.store = request.store  # read among the store's tickets: no query for its name
    data = ReceiptSerializer(receipt).data
    sale = ticket.kind == Ticket.Kind.SALE
    invoice = invoicing.invoice_of(ticket)
    data["refundable"] = {str(pk): left for pk, left in selling.refundable(ticket).items()} if sale else {}
    data["refund_methods"] = selling.refund_methods({p.method for p in ticket.payments.all()}) if sale else []
    data["invoice"] = InvoiceReferenceSerializer(invoice).data if invoice is not None else None
    return Response(data, status=status_code)


def sale_of(request, ticket_id: int) -> Ticket:
    ticket = Ticket.objects.for_store(request.store).filter(pk=ticket_id).first() if ticket_id <= ID_MAX else None
    if ticket is None:
        raise NotFound()
    return ticket


def refund_lines(data) -> list[selling.RefundLine]:
    return [selling.RefundLine(line["line"], line["quantity"]) for line in data["lines"]]


class RefundPreviewInputSerializer(serializers.Serializer):
    lines = RefundLineInputSerializer(many=True, allow_empty=False, max_length=selling.MAX_LINES)


class RefundPreviewLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="refunded_line_id")
    quantity = serializers.IntegerField(help_text="Negative: units given back.")
    tax = serializers.DecimalField(**AMOUNT)
    gross = serializers.DecimalField(**AMOUNT, help_text="Negative: the amount given back for this line.")


class RefundPreviewSerializer(serializers.Serializer):
    total = serializers.DecimalField(**AMOUNT, help_text="Negative: what the refund gives back.")
    lines = RefundPreviewLineSerializer(many=True)


class RefundPreviewView(PosView):
    @extend_schema(summary="What a refund of chosen lines would give back now (nothing is written)", tags=["pos"],
                   parameters=[TICKET_ID], request=RefundPreviewInputSerializer,
                   responses={200: RefundPreviewSerializer, **WRITE_ERRORS})
    def post(self, request, ticket_id):
        ticket = sale_of(request, ticket_id)
        data = self.valid(RefundPreviewInputSerializer, request.data)
        preview = selling.preview_refund(user=request.user, store=request.store, ticket=ticket,
                                         lines=refund_lines(data))
        return Response(RefundPreviewSerializer(preview).data)


class RefundView(PosView):
    @extend_schema(summary="Refund chosen lines of a sale at a till: a negative ticket, once per Idempotency-Key",
                   tags=["pos"], parameters=[TICKET_ID, IDEMPOTENCY_KEY], request=RefundInputSerializer,
                   responses={201: TicketDetailSerializer,
                              200: OpenApiResponse(TicketDetailSerializer, description="The key's refund, "
                                                                                       "already made."),
                              **WRITE_ERRORS})
    def post(self, request, ticket_id):
        ticket = sale_of(request, ticket_id)
        key = sales.idempotency_key(request)
        data = self.valid(RefundInputSerializer, request.data)
        session = sales.latest_session_of(request.store, data["till"])
        refund = selling.record_refund(user=request.user, session=session, ticket=ticket, lines=refund_lines(data),
                                       method=data["method"], restock=data["restock"], reason=data["reason"],
                                       idempotency_key=key)
        made = getattr(refund, "chain_record", None) is not None  # written now; a replay is read back
        return detail(request, refund.pk, status.HTTP_201_CREATED if made else status.HTTP_200_OK)


class TicketDetailView(PosView):
    @extend_schema(summary="A ticket's receipt data, with what is still refundable", tags=["pos"],
                   parameters=[TICKET_ID], responses={200: TicketDetailSerializer, **READ_ERRORS})
    def get(self, request, ticket_id):
        return detail(request, ticket_id)
