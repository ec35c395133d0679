"""Mobile money at the till under /api/v1/pos/: ask Wave or Orange Money for an amount, show its link as a QR
code the customer scans, follow the request until the provider's webhook confirms it, or cancel it. A sale then
names the succeeded request in its payment entry ({"method": "wave", "amount": …, "mobile_payment": id}).
`ashopy.pos.mobile` decides; another store's session or request is a 404.

Store credit: the till reads a credit note's remaining balance by its number, then pays with
{"method": "store_credit", "amount": …, "credit_note": number} (the sale spends it under a row lock)."""

import io

import segno
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ashopy.core.errors import NotFound as DomainNotFound
from ashopy.core.money import quantum
from ashopy.pos import mobile
from ashopy.pos.tender_models import MobilePaymentRequest
from ashopy.sales import store_credit

from ..errors import ErrorSerializer, error_responses
from .serializers import amount
from .views import ID_MAX, READ_ERRORS, SESSION_ID, WRITE_ERRORS, PosView

REQUEST_ID = OpenApiParameter("request_id", int, OpenApiParameter.PATH, description="The mobile payment request's id.")


class MobilePaymentInputSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(MobilePaymentRequest.Provider.choices)
    amount = amount(min_value=0, help_text="In the store's currency (F CFA: whole francs).")


def in_currency(value, currency: str) -> str:
    """An amount with the currency's decimals, as the till shows it: "5000" F CFA, "12.50" €."""
    return format(value.quantize(quantum(currency)), "f")


class MobilePaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.ChoiceField(MobilePaymentRequest.Provider.choices)
    amount = serializers.CharField(help_text="With the currency's decimals (F CFA: none).")
    currency = serializers.CharField()
    state = serializers.ChoiceField(MobilePaymentRequest.State.choices,
                                    help_text="A pending request past `expires_at` answers `expired`.")
    payment_url = serializers.CharField(help_text="The provider's page the QR code leads to.")
    qr_url = serializers.CharField(help_text="The QR code of `payment_url` as SVG.")
    expires_at = serializers.DateTimeField()

    def to_representation(self, request):
        return super().to_representation({
            "id": request.pk, "provider": request.provider, "amount": in_currency(request.amount, request.currency),
            "currency": request.currency,
            "state": mobile.state(request), "payment_url": request.payment_url,
            "qr_url": reverse("api:pos-mobile-payment-qr", kwargs={"request_id": request.pk}),
            "expires_at": request.expires_at})


def _urls(request, provider: str) -> dict[str, str]:
    home = request.build_absolute_uri("/")
    return {"success": home, "cancel": home,
            "notify": request.build_absolute_uri(reverse("api:payment-webhook", kwargs={"provider": provider}))}


class MobilePaymentView(PosView):
    def mobile_request(self, request_id) -> MobilePaymentRequest:
        found = (MobilePaymentRequest.objects.for_store(self.request.store).filter(pk=request_id).first()
                 if request_id <= ID_MAX else None)
        if found is None:
            raise NotFound()
        return found


class CreateMobilePaymentView(MobilePaymentView):
    @extend_schema(summary="Ask Wave or Orange Money for an amount: the link to show as a QR code", tags=["pos"],
                   parameters=[SESSION_ID], request=MobilePaymentInputSerializer,
                   responses={201: MobilePaymentSerializer, **WRITE_ERRORS,
                              502: OpenApiResponse(ErrorSerializer, description="The provider refused or could "
                                                                                "not be reached: nothing charged.")})
    def post(self, request, session_id):
        session = self.session(session_id)
        data = self.valid(MobilePaymentInputSerializer, request.data)
        created = mobile.create(user=request.user, session=session, provider=data["provider"], amount=data["amount"],
                                urls=_urls(request, data["provider"]))
        return Response(MobilePaymentSerializer(created).data, status=status.HTTP_201_CREATED)


class MobilePaymentDetailView(MobilePaymentView):
    @extend_schema(summary="A mobile payment request as it stands (the till polls it)", tags=["pos"],
                   parameters=[REQUEST_ID], responses={200: MobilePaymentSerializer, **READ_ERRORS})
    def get(self, request, request_id):
        return Response(MobilePaymentSerializer(self.mobile_request(request_id)).data)


class MobilePaymentQrView(MobilePaymentView):
    @extend_schema(summary="The QR code of a request's payment link, as SVG", tags=["pos"], parameters=[REQUEST_ID],
                   responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY), **READ_ERRORS})
    def get(self, request, request_id):
        found = self.mobile_request(request_id)
        if not found.payment_url:
            raise NotFound(_("This request has no payment link."))
        # A standalone SVG document (the till shows it in an <img>): with its namespace, unlike svg_inline's.
        svg = io.BytesIO()
        segno.make(found.payment_url, error="m").save(svg, kind="svg", scale=6, border=2, omitsize=True,
                                                      xmldecl=False, nl=False)
        response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=600"
        return response


class CancelMobilePaymentView(MobilePaymentView):
    @extend_schema(summary="Give up a mobile payment request (refused once it succeeded)", tags=["pos"],
                   parameters=[REQUEST_ID], request=None,
                   responses={200: MobilePaymentSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request, request_id):
        found = self.mobile_request(request_id)
        cancelled = mobile.cancel(user=request.user, store=request.store, request_id=found.pk)
        return Response(MobilePaymentSerializer(cancelled).data)


class StoreCreditFilterSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30, help_text="The credit note's number, e.g. AV-2026-000012.")


class StoreCreditSerializer(serializers.Serializer):
    number = serializers.CharField(source="credit_note.number")
    currency = serializers.CharField()
    remaining = serializers.CharField(help_text="With the currency's decimals (F CFA: none).")
    customer = serializers.IntegerField(source="credit_note.customer_id", allow_null=True)

    def to_representation(self, credit):
        data = super().to_representation(credit)
        data["remaining"] = in_currency(credit.remaining, credit.currency)
        return data


class StoreCreditView(PosView):
    @extend_schema(summary="What remains of a credit note issued as store credit, by its number", tags=["pos"],
                   parameters=[StoreCreditFilterSerializer],
                   responses={200: StoreCreditSerializer, **error_responses(400, 401, 403, 404)})
    def get(self, request):
        number = self.valid(StoreCreditFilterSerializer, request.query_params)["number"]
        try:
            credit = store_credit.find(store=request.store, number=number)
        except DomainNotFound as error:
            raise NotFound() from error
        return Response(StoreCreditSerializer(credit).data)
