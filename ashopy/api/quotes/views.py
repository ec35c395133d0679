"""Quotes under /api/v1/staff/quotes/ (the store's, for its salespeople, managers and admins) and
/api/v1/quotes/<token>/ (the customer's, reached by the secret link of the quote's e-mail).

Every read is scoped to `request.store` (another store's quote or line is a 404); every change calls one
`sales.quote_services` or `sales.quote_acceptance` function, which decides (roles, states, prices) and whose
refusals answer 400, 403, 404 or 409 in the API's error shape.
"""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.accounts.selectors import customer_of
from ashopy.sales import quote_acceptance, quote_selectors, quote_services, rules, staff_quotes
from ashopy.sales.errors import QuoteNotFound
from ashopy.stores.selectors import staff_role

from ..errors import ErrorSerializer, error_responses
from ..pagination import PageNumberPagination
from .serializers import (
    AcceptInputSerializer,
    PublicQuoteSerializer,
    QuoteCreateSerializer,
    QuoteDetailsInputSerializer,
    QuoteFilterSerializer,
    QuoteLineInputSerializer,
    QuoteLineSerializer,
    QuoteLineUpdateSerializer,
    RefuseInputSerializer,
    StaffQuoteSerializer,
    StaffQuoteSummarySerializer,
    WithdrawInputSerializer,
)

CONFLICT = OpenApiResponse(ErrorSerializer, description="Not allowed in the quote's state (code quote_state, "
                                                        "quote_not_editable, quote_expired).")
READ_ERRORS = error_responses(401, 403, 404)
PUBLIC_ERRORS = {**error_responses(400, 404), 409: CONFLICT}
WRITE_ERRORS = {**error_responses(400, 401, 403, 404), 409: CONFLICT}
QUOTE_ID = OpenApiParameter("quote_id", int, OpenApiParameter.PATH, description="The quote's id.")
LINE_ID = OpenApiParameter("line_id", int, OpenApiParameter.PATH, description="The line's id.")
TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The secret of the customer's link.")


class QuoteStaff(BasePermission):
    """The roles that view sales documents in the request's store; anonymous callers get 401, others 403."""

    message = _("Only this store's staff may see and write its quotes.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and staff_role(request.user, request.store) in rules.STAFF_ACTIONS["view"])


class StaffQuoteView(APIView):
    permission_classes = [QuoteStaff]

    def quote(self, quote_id):
        try:
            return staff_quotes.quote_detail(store=self.request.store, pk=quote_id)
        except QuoteNotFound as error:
            raise NotFound() from error

    def answer(self, quote, status_code=status.HTTP_200_OK) -> Response:
        quote = staff_quotes.quote_detail(store=self.request.store, pk=quote.pk)
        context = {"request": self.request,
                   "customer_url": lambda item: self.request.build_absolute_uri(quote_services.customer_url(item))}
        return Response(StaffQuoteSerializer(quote, context=context).data, status=status_code)

    @staticmethod
    def valid(serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer


class StaffQuoteListView(StaffQuoteView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="The store's quotes, drafts first then newest first", tags=["quotes"],
                   parameters=[QuoteFilterSerializer],
                   responses={200: StaffQuoteSummarySerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        filters = self.valid(QuoteFilterSerializer, request.query_params).filters()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(staff_quotes.quote_list(store=request.store, filters=filters), request,
                                           view=self)
        return paginator.get_paginated_response(StaffQuoteSummarySerializer(page, many=True).data)

    @extend_schema(summary="Draft a quote for a customer or a prospect", tags=["quotes"],
                   request=QuoteCreateSerializer, responses={201: StaffQuoteSerializer, **WRITE_ERRORS})
    def post(self, request):
        data = dict(self.valid(QuoteCreateSerializer, request.data).validated_data)
        customer = data.pop("customer", None)
        if customer is not None and customer_of(store=request.store, pk=customer.pk) is None:
            raise ValidationError({"customer": [_("No such customer in this store.")]})
        quote = quote_services.create_quote(store=request.store, user=request.user, customer=customer, **data)
        return self.answer(quote, status.HTTP_201_CREATED)


class StaffQuoteDetailView(StaffQuoteView):
    @extend_schema(summary="A quote with its lines, acceptance and history", tags=["quotes"],
                   parameters=[QUOTE_ID], responses={200: StaffQuoteSerializer, **READ_ERRORS})
    def get(self, request, quote_id):
        return self.answer(self.quote(quote_id))

    @extend_schema(summary="Change a draft's validity, deposit, notes or terms", tags=["quotes"],
                   parameters=[QUOTE_ID], request=QuoteDetailsInputSerializer,
                   responses={200: StaffQuoteSerializer, **WRITE_ERRORS})
    def patch(self, request, quote_id):
        quote = self.quote(quote_id)
        data = self.valid(QuoteDetailsInputSerializer, request.data, partial=True).validated_data
        quote = quote_services.update_quote(quote=quote, user=request.user, **data) if data else quote
        return self.answer(quote)


class StaffQuoteLinesView(StaffQuoteView):
    @extend_schema(summary="Add a line to a draft", tags=["quotes"], parameters=[QUOTE_ID],
                   request=QuoteLineInputSerializer, responses={201: QuoteLineSerializer, **WRITE_ERRORS},
                   description="With `variant`: a catalogue line at the customer's price (another `unit_price` "
                               "needs a `reason`). Without: a free line with its `description` and `unit_price`.")
    def post(self, request, quote_id):
        quote = self.quote(quote_id)
        data = self.valid(QuoteLineInputSerializer, request.data).validated_data
        if "variant" in data:
            line = quote_services.add_catalogue_line(
                quote=quote, user=request.user, variant=data["variant"], quantity=data["quantity"],
                unit_price=data.get("unit_price"), reason=data.get("reason", ""), optional=data["optional"])
        else:
            line = quote_services.add_free_line(
                quote=quote, user=request.user, description=data["description"], quantity=data["quantity"],
                unit_price=data["unit_price"], tax_rate=data.get("tax_rate"), optional=data["optional"])
        return Response(QuoteLineSerializer(line).data, status=status.HTTP_201_CREATED)


class StaffQuoteLineView(StaffQuoteView):
    def line(self, quote_id, line_id):
        try:
            return staff_quotes.line_of(quote=self.quote(quote_id), pk=line_id)
        except QuoteNotFound as error:
            raise NotFound() from error

    @extend_schema(summary="Change a draft's line", tags=["quotes"], parameters=[QUOTE_ID, LINE_ID],
                   request=QuoteLineUpdateSerializer, responses={200: QuoteLineSerializer, **WRITE_ERRORS})
    def patch(self, request, quote_id, line_id):
        line = self.line(quote_id, line_id)
        data = self.valid(QuoteLineUpdateSerializer, request.data).validated_data
        line = quote_services.update_line(line=line, user=request.user, **data)
        return Response(QuoteLineSerializer(line).data)

    @extend_schema(summary="Remove a draft's line", tags=["quotes"], parameters=[QUOTE_ID, LINE_ID],
                   request=None, responses={204: None, **WRITE_ERRORS})
    def delete(self, request, quote_id, line_id):
        quote_services.remove_line(line=self.line(quote_id, line_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffQuoteSendView(StaffQuoteView):
    @extend_schema(summary="Send a draft", tags=["quotes"], parameters=[QUOTE_ID], request=None,
                   responses={200: StaffQuoteSerializer, **WRITE_ERRORS},
                   description="Numbers the quote, stores its PDF and e-mails it with the customer's link "
                               "(`customer_url`). Refused (400) without lines, (409) unless a draft.")
    def post(self, request, quote_id):
        return self.answer(quote_services.send_quote(quote=self.quote(quote_id), user=request.user))


class StaffQuoteWithdrawView(StaffQuoteView):
    @extend_schema(summary="Withdraw a draft or a sent quote", tags=["quotes"], parameters=[QUOTE_ID],
                   request=WithdrawInputSerializer, responses={200: StaffQuoteSerializer, **WRITE_ERRORS})
    def post(self, request, quote_id):
        quote = self.quote(quote_id)
        reason = self.valid(WithdrawInputSerializer, request.data).validated_data.get("reason", "")
        return self.answer(quote_services.withdraw_quote(quote=quote, user=request.user, reason=reason))


class StaffQuoteDuplicateView(StaffQuoteView):
    @extend_schema(summary="Copy a quote into a new draft", tags=["quotes"], parameters=[QUOTE_ID], request=None,
                   responses={201: StaffQuoteSerializer, **WRITE_ERRORS})
    def post(self, request, quote_id):
        copy = quote_services.duplicate_quote(quote=self.quote(quote_id), user=request.user)
        return self.answer(copy, status.HTTP_201_CREATED)


class StaffQuotePdfView(StaffQuoteView):
    @extend_schema(summary="The sent quote's PDF", tags=["quotes"], parameters=[QUOTE_ID],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **READ_ERRORS})
    def get(self, request, quote_id):
        quote = self.quote(quote_id)
        if not quote.number:
            raise NotFound(_("A draft has no PDF yet: send it first."))
        quote = quote_services.ensure_pdf(quote)
        return FileResponse(quote.pdf.open("rb"), as_attachment=True, filename=f"{quote.number}.pdf",
                            content_type="application/pdf")


# --- the customer's side, by the link's secret --------------------------------------------------


class PublicQuoteView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the token is the credential; no session, so no CSRF on accept/refuse

    def quote(self, token):
        try:
            quote = quote_selectors.by_token(token)
        except QuoteNotFound as error:
            raise NotFound() from error
        if quote.store_id != self.request.store.pk:
            raise NotFound()
        return quote

    def answer(self, quote) -> Response:
        return Response(PublicQuoteSerializer(self.quote(quote.token)).data)


class PublicQuoteDetailView(PublicQuoteView):
    @extend_schema(summary="A sent quote, by its link", tags=["quotes"], parameters=[TOKEN],
                   responses={200: PublicQuoteSerializer, **error_responses(404)})
    def get(self, request, token):
        return Response(PublicQuoteSerializer(self.quote(token)).data)


class PublicQuoteAcceptView(PublicQuoteView):
    @extend_schema(summary="Accept a sent quote", tags=["quotes"], parameters=[TOKEN], request=AcceptInputSerializer,
                   responses={200: PublicQuoteSerializer, **PUBLIC_ERRORS},
                   description="The name typed and `accept_terms: true` sign it; `options` are the optional "
                               "lines chosen. It becomes an order at the quoted prices. Refused (409) once expired, "
                               "withdrawn or answered.")
    def post(self, request, token):
        quote = self.quote(token)
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote_acceptance.accept_quote(
            quote=quote, name=data.validated_data["name"], accepted_terms=data.validated_data["accept_terms"],
            options=data.validated_data.get("options", []), ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("user-agent", ""), user=None)
        return self.answer(quote)


class PublicQuoteRefuseView(PublicQuoteView):
    @extend_schema(summary="Refuse a sent quote", tags=["quotes"], parameters=[TOKEN], request=RefuseInputSerializer,
                   responses={200: PublicQuoteSerializer, **PUBLIC_ERRORS})
    def post(self, request, token):
        quote = self.quote(token)
        data = RefuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote_acceptance.refuse_quote(quote=quote, reason=data.validated_data.get("reason", ""))
        return self.answer(quote)

