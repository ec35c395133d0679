"""Every API error as JSON ``{"code", "detail", "fields"}`` with a 4xx status."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ashopy.core.errors import DomainError


class InUse(exceptions.APIException):
    """Deleting a row that other records still point to (an ordered variant, say)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "in_use"
    default_detail = gettext_lazy("Other records still use this; it cannot be deleted.")


class RequestTooLarge(exceptions.APIException):
    """A body longer than DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is read whole."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = gettext_lazy("The request body is too large.")


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            value = _flatten(item)
            flat.extend(value if isinstance(value, list) else [value])
        return flat
    return str(detail)


def _first_message(fields) -> str:
    """The first message of a (possibly nested) error tree: what a client shows when it shows one."""
    values = fields.values() if isinstance(fields, dict) else fields if isinstance(fields, list) else [fields]
    for value in values:
        message = value if isinstance(value, str) else _first_message(value)
        if message:
            return message
    return ""


def _code_and_detail(exc) -> tuple[str, str]:
    detail = getattr(exc, "detail", str(exc))
    code = getattr(exc, "default_code", "error")
    if isinstance(detail, dict):  # simplejwt's {"detail", "code", "messages"}: its code says why
        return str(detail.get("code", code)), str(detail.get("detail", next(iter(detail.values()), "")))
    if isinstance(detail, list):
        detail = " ".join(_flatten(detail))
    return str(getattr(detail, "code", None) or code), str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        retry_after = getattr(exc, "retry_after", None)  # a rate limit says when to come back
        return Response({"code": exc.code, "detail": str(exc), "fields": _flatten(exc.fields)}, status=exc.status,
                        headers={"Retry-After": str(retry_after)} if retry_after else None)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = InUse()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        detail = _first_message(fields) or _("Invalid input.")
        response.data = {"code": "invalid", "detail": detail, "fields": fields}
    else:
        code, detail = _code_and_detail(exc)
        response.data = {"code": code, "detail": detail, "fields": {}}
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        response.status_code = status.HTTP_400_BAD_REQUEST
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer, for the OpenAPI schema."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. invalid, not_found, not_authenticated.")
    detail = serializers.CharField(help_text="A message for humans, in the request's language.")
    fields = serializers.DictField(child=serializers.JSONField(),
                                   help_text="{field: [messages]}, nested for nested input; empty otherwise.")


_DESCRIPTIONS = {
    400: "Invalid input: see `fields`.",
    401: "Missing or invalid credentials.",
    403: "Not allowed for this user in this store.",
    404: "Not found in this store.",
    409: "Still used by other records: cannot be deleted.",
    429: "Too many requests: try again later.",
}


def error_responses(*statuses: int) -> dict:
    """OpenAPI responses for the given error statuses, to merge into extend_schema(responses=…)."""
    return {status_code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[status_code])
            for status_code in statuses}
