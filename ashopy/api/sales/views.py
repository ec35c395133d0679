"""Invoices and credit notes under /api/v1/invoices/ (the caller's own) and /api/v1/staff/invoices/ (the
store's, for its staff).

A customer sees only their issued documents in the request's store, by number: anyone else's is a 404.
Staff address documents by id (a draft has no number yet). Who may do what is `sales.rules`, as on the back
office's pages: the store's salespeople, stock managers and administrators read (403 for anyone else), and
each action's service decides again (crediting is a manager's or an administrator's call). Reads never
write: a draft's missing mentions are read without creating the store's legal profile, and a PDF is served
as stored (a draft's is a preview made on the fly, never stored).
"""

import io
import logging
import smtplib
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.orders import selectors as orders
from ashopy.payments.errors import NotRefundable
from ashopy.sales import documents, emails, rules, selectors, services
from ashopy.sales.errors import MailNotSent, MentionsMissing, PdfMissing
from ashopy.sales.models import Invoice

from ..errors import ErrorSerializer, error_responses
from .serializers import (
    CreditInputSerializer,
    CreditNotesSerializer,
    CreditResultSerializer,
    InvoiceCreateInputSerializer,
    InvoiceDetailSerializer,
    InvoicePaymentInputSerializer,
    InvoiceSendInputSerializer,
    InvoiceSummarySerializer,
    StaffInvoiceDetailSerializer,
    StaffInvoiceFilterSerializer,
    StaffInvoiceSummarySerializer,
)

logger = logging.getLogger(__name__)

PDF = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF/A-3b file.")}
CONFLICT = OpenApiResponse(ErrorSerializer, description="Not in the document's state (code already_issued, "
                                                        "not_issued, pdf_missing).")
MAIL_FAILED = OpenApiResponse(ErrorSerializer, description="The mail server refused or could not be reached "
                                                           "(code mail_not_sent); nothing is recorded as sent.")
ACTIONS = ("issue", "record_payment", "send", "credit")


class FirstRenderer(BaseContentNegotiation):
    """Files are answered as they are; errors always in JSON, whatever the Accept header or `?format=` say."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class SalesStaff(BasePermission):
    """Salespeople, stock managers and administrators of the request's store (`sales.rules`, "view")."""

    message = _("Only this store's staff may see and handle its invoices.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and rules.allowed(user=request.user, store=request.store, action="view"))


def pdf_response(invoice: Invoice) -> FileResponse:
    """The issued document's stored PDF as an attachment named after its number; a draft's, a preview."""
    if not invoice.is_issued:
        preview = io.BytesIO(documents.render_pdf(invoice))
        return FileResponse(preview, as_attachment=True, filename=f"draft-{invoice.pk}.pdf",
                            content_type="application/pdf")
    return FileResponse(selectors.stored_pdf(invoice), as_attachment=True, filename=f"{invoice.number}.pdf",
                        content_type="application/pdf")


# --- the customer's own documents -------------------------------------------------------------


@extend_schema(summary="The caller's invoices and credit notes in this store, newest first", tags=["invoices"],
               responses={200: InvoiceSummarySerializer(many=True), **error_responses(401)},
               description="Issued documents only; drafts are the staff's business.")
class InvoiceListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = InvoiceSummarySerializer
    queryset = Invoice.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invoice.objects.none()
        return selectors.customer_documents(store=self.request.store, user=self.request.user)


class InvoiceDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One of the caller's invoices or credit notes", tags=["invoices"],
                   responses={200: InvoiceDetailSerializer, **error_responses(401, 404)},
                   description="By its number (numbers may hold `/`). Another customer's document, or another "
                               "store's, is a 404.")
    def get(self, request, number):
        document = selectors.own_document_detail(store=request.store, user=request.user, number=number)
        return Response(InvoiceDetailSerializer(document, context={"currency": document.currency}).data)


class InvoicePdfView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FirstRenderer

    @extend_schema(summary="The PDF of one of the caller's documents, as it was stored when issued",
                   tags=["invoices"], responses={**PDF, **error_responses(401, 404), 409: CONFLICT})
    def get(self, request, number):
        return pdf_response(selectors.own_document(store=request.store, user=request.user, number=number))


# --- staff ------------------------------------------------------------------------------------


class StaffSalesAPI:
    """The store's staff; dates on the store's clock."""

    permission_classes = [SalesStaff]

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return super().dispatch(request, *args, **kwargs)

    def valid(self, serializer_class, data, **context):
        serializer = serializer_class(data=data, context={"request": self.request, **context})
        serializer.is_valid(raise_exception=True)
        return serializer

    def invoice(self, pk) -> Invoice:
        return selectors.invoice_detail(store=self.request.store, pk=pk)

    def detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        """The document as staff see it, read again after a change, with what the caller may do now."""
        invoice = self.invoice(pk)
        user, store = self.request.user, self.request.store
        may = {action: rules.allowed(user=user, store=store, action=action) for action in ACTIONS}
        issued, is_note = invoice.is_issued, invoice.is_credit_note
        invoice.remaining_to_credit = services.remaining_to_credit(invoice) if issued and not is_note else None
        invoice.missing_mentions = [] if issued else selectors.missing_mentions(invoice)
        invoice.actions = {
            "issue": may["issue"] and not issued,
            "record_payment": may["record_payment"] and issued and invoice.amount_due > 0,
            "send": may["send"] and issued,
            "remind": may["send"] and issued and not is_note and invoice.payment_state == Invoice.Payment.OVERDUE,
            "credit": may["credit"] and issued and not is_note and invoice.remaining_to_credit > 0,
        }
        context = {"request": self.request, "currency": invoice.currency}
        data = StaffInvoiceDetailSerializer(invoice, context=context).data
        return Response(data, status=status_code)


class StaffInvoiceListView(StaffSalesAPI, generics.ListAPIView):
    serializer_class = StaffInvoiceSummarySerializer
    queryset = Invoice.objects.none()

    @extend_schema(summary="The store's invoices and credit notes, drafts first, then newest issued",
                   tags=["staff invoices"], parameters=[StaffInvoiceFilterSerializer],
                   responses={200: StaffInvoiceSummarySerializer(many=True), **error_responses(400, 401, 403)},
                   description="Filters combine; dates are inclusive issue dates of the store. `unpaid` and "
                               "`overdue` (and `payment_state`) keep issued documents only.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invoice.objects.none()
        data = self.valid(StaffInvoiceFilterSerializer, self.request.query_params).validated_data
        payment_state = data.get("payment_state", "")
        if data["overdue"]:
            payment_state = Invoice.Payment.OVERDUE
        elif data["unpaid"]:
            payment_state = selectors.NOT_FULLY_PAID
        filters = selectors.InvoiceFilters(kind=data.get("kind", ""), state=data.get("state", ""),
                                           payment_state=payment_state, issued_after=data.get("issued_after"),
                                           issued_before=data.get("issued_before"), q=data.get("q", ""))
        return selectors.staff_invoice_rows(store=self.request.store, filters=filters,
                                            customer_id=data.get("customer"))

    @extend_schema(summary="Invoice an order: its draft, issued at once if asked", tags=["staff invoices"],
                   request=InvoiceCreateInputSerializer,
                   responses={201: StaffInvoiceDetailSerializer, 200: StaffInvoiceDetailSerializer,
                              **error_responses(400, 401, 403)},
                   description="201 with a new draft (or the issued invoice with `issue`); 200 with the invoice "
                               "the order already has (one per order). The order must be paid or delivered "
                               "(400 nothing_to_invoice). With `issue`, missing legal mentions are a 400 "
                               "mentions_missing listing them, and no draft is left behind.")
    def post(self, request):
        data = self.valid(InvoiceCreateInputSerializer, request.data).validated_data
        store, user = request.store, request.user
        order = orders.store_orders(store=store).filter(number=data["order"]).first()
        if order is None:
            raise ValidationError({"order": [_("No order of this store has this number.")]})
        existing = selectors.order_invoice(store=store, order_id=order.pk)
        with transaction.atomic():
            invoice = services.draft_for_order(order=order, user=user)
            if data["issue"] and not invoice.is_issued and (missing := selectors.missing_mentions(invoice)):
                raise MentionsMissing(missing)  # the draft made just now goes with the transaction
        if data["issue"] and not invoice.is_issued:
            invoice = services.issue(invoice=invoice, user=user)
        return self.detail(invoice.pk, status.HTTP_200_OK if existing else status.HTTP_201_CREATED)


class StaffInvoiceDetailView(StaffSalesAPI, APIView):
    @extend_schema(summary="One invoice or credit note of the store", tags=["staff invoices"],
                   responses={200: StaffInvoiceDetailSerializer, **error_responses(401, 403, 404)},
                   description="Another store's id is a 404, like an unknown one.")
    def get(self, request, pk):
        return self.detail(pk)


class StaffInvoicePdfView(StaffSalesAPI, APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(summary="The document's PDF: as stored for an issued one, a preview for a draft",
                   tags=["staff invoices"], responses={**PDF, **error_responses(401, 403, 404), 409: CONFLICT},
                   description="An issued document's PDF is never made again: if its file is lost, 409 "
                               "pdf_missing (and the team is told through the logs).")
    def get(self, request, pk):
        return pdf_response(self.invoice(pk))


class StaffIssueView(StaffSalesAPI, APIView):
    @extend_schema(summary="Issue a draft: number, frozen details, stored PDF", request=None,
                   tags=["staff invoices"], responses={200: StaffInvoiceDetailSerializer, 409: CONFLICT,
                                                       **error_responses(400, 401, 403, 404)},
                   description="400 mentions_missing lists what the store or the buyer must fill in; 409 "
                               "already_issued.")
    def post(self, request, pk):
        services.issue(invoice=self.invoice(pk), user=request.user)
        return self.detail(pk)


class StaffPaymentView(StaffSalesAPI, APIView):
    @extend_schema(summary="Record money received on an issued document (partial payments add up)",
                   tags=["staff invoices"], request=InvoicePaymentInputSerializer,
                   responses={201: StaffInvoiceDetailSerializer, 409: CONFLICT, **error_responses(400, 401, 403, 404)},
                   description="On a credit note, a refund given. 400 invalid_amount (zero, negative, more "
                               "decimals than the currency has), 400 payment_too_large (more than is due), "
                               "409 not_issued for a draft.")
    def post(self, request, pk):
        invoice = self.invoice(pk)
        data = self.valid(InvoicePaymentInputSerializer, request.data,
                          today=services.local_today(request.store)).validated_data
        method = data.get("method") or invoice.payment_method
        if not method:
            raise ValidationError({"method": [_("Say how the money was received.")]})
        services.record_payment(invoice=invoice, user=request.user, amount=data["amount"], method=method,
                                received_on=data.get("received_on"), reference=data["reference"])
        return self.detail(pk, status.HTTP_201_CREATED)


def mailed(send, *, invoice: Invoice, user, to: str) -> None:
    """Send through `emails`; a lost PDF and a mail server's failure come back as clean errors."""
    try:
        send(invoice=invoice, user=user, to=to)
    except FileNotFoundError as error:
        logger.error("The PDF of %s (invoice %s) cannot be read to send it", invoice.number, invoice.pk)
        raise PdfMissing() from error
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Mail of %s (invoice %s) not sent: %r", invoice.number, invoice.pk, error)
        raise MailNotSent() from error


class StaffSendView(StaffSalesAPI, APIView):
    @extend_schema(summary="E-mail the issued document with its PDF", tags=["staff invoices"],
                   request=InvoiceSendInputSerializer,
                   responses={200: StaffInvoiceDetailSerializer, 502: MAIL_FAILED,
                              **error_responses(400, 401, 403, 404)},
                   description="To the buyer's address, or to `to`. 400 not_sendable for a draft, 400 "
                               "no_recipient when there is no address.")
    def post(self, request, pk):
        data = self.valid(InvoiceSendInputSerializer, request.data).validated_data
        mailed(emails.send_invoice, invoice=self.invoice(pk), user=request.user, to=data["to"])
        return self.detail(pk)


class StaffRemindView(StaffSalesAPI, APIView):
    @extend_schema(summary="E-mail a payment reminder for an overdue invoice", tags=["staff invoices"],
                   request=InvoiceSendInputSerializer,
                   responses={200: StaffInvoiceDetailSerializer, 502: MAIL_FAILED,
                              **error_responses(400, 401, 403, 404)},
                   description="400 not_overdue unless the invoice is issued and overdue.")
    def post(self, request, pk):
        data = self.valid(InvoiceSendInputSerializer, request.data).validated_data
        mailed(emails.send_reminder, invoice=self.invoice(pk), user=request.user, to=data["to"])
        return self.detail(pk)


class StaffCreditNotesView(StaffSalesAPI, APIView):
    @extend_schema(summary="An invoice's credit notes, and what can still be credited on it",
                   tags=["staff invoices"], responses={200: CreditNotesSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk):
        invoice = self.invoice(pk)
        credited = services.credited_quantities(invoice) if invoice.is_issued else {}
        lines = []
        for line in invoice.lines.all():
            line.credited = credited.get(line.pk, 0)
            line.creditable = max(line.quantity - line.credited, 0)
            lines.append(line)
        remaining = services.remaining_to_credit(invoice) if invoice.is_issued and not invoice.is_credit_note else 0
        return Response(CreditNotesSerializer(
            {"remaining": remaining, "lines": lines, "credit_notes": invoice.credit_notes.all()},
            context={"currency": invoice.currency}).data)

    @extend_schema(summary="Credit an issued invoice: chosen lines and quantities, or an amount",
                   tags=["staff invoices"], request=CreditInputSerializer,
                   responses={201: CreditResultSerializer, **error_responses(400, 401, 403, 404)},
                   description="Managers and administrators. Never more than what remains on the invoice (400 "
                               "credit_too_large), only an issued invoice (400 not_issued). The credit note is "
                               "issued at once; `restock_warehouse` puts credited units back, `refund` returns "
                               "the money through the order's payment — when the provider cannot, the credit "
                               "note stays issued and `warning` says to refund by hand.")
    def post(self, request, pk):
        invoice = self.invoice(pk)
        serializer = self.valid(CreditInputSerializer, request.data,
                                line_ids={line.pk for line in invoice.lines.all()})
        data = serializer.validated_data
        refunded, warning = data["refund"] and invoice.order_id is not None, ""
        try:
            note = services.credit(invoice=invoice, user=request.user, reason=data["reason"],
                                   quantities=serializer.quantities(), amount=data.get("amount"),
                                   refund=data["refund"], restock_to=data.get("restock_warehouse"),
                                   as_store_credit=data["as_store_credit"])
        except NotRefundable:
            note = list(self.invoice(pk).credit_notes.all())[-1]  # issued before the refund was tried
            refunded, warning = False, _("The payment could not be refunded through its provider: refund it by "
                                         "hand, then record the refund on the credit note.")
        answer = self.detail(note.pk)
        return Response({"credit_note": answer.data, "refunded": refunded, "warning": warning},
                        status=status.HTTP_201_CREATED)

