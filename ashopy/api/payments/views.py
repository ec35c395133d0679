"""Provider webhooks: one endpoint per provider, verified by the provider's own signature scheme."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.payments import providers, services

from ..errors import error_responses
from ..parsers import read_limited


class RawBody(BaseParser):
    """The body is verified byte for byte: it is read as is (up to DATA_UPLOAD_MAX_MEMORY_SIZE), never parsed by DRF."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return read_limited(stream)


class WebhookAnswer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField()


class PaymentWebhookView(APIView):
    """A provider tells us how a payment went. Forged, stale or unreadable calls get 400 and change nothing;
    a replayed event is acknowledged and ignored."""

    authentication_classes = []
    permission_classes = []
    parser_classes = [RawBody]
    throttle_classes = []

    @extend_schema(operation_id="payment_webhook", request=None, tags=["payments"],
                   responses={200: WebhookAnswer, **error_responses(400, 404)})
    def post(self, request, provider):
        if provider not in providers.REGISTRY:
            return Response({"code": "not_found", "detail": "Unknown provider.", "fields": {}}, status=404)
        body = request.data if isinstance(request.data, bytes) else b""
        event = services.handle_notification(store=request.store, provider_code=provider, body=body,
                                             headers=request.headers)
        return Response({"received": True, "duplicate": event is None})

