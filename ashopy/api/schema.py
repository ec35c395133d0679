"""The OpenAPI schema's view of every operation: who may call it and the errors any call can get.

drf-spectacular documents the answers a view declares. The errors that come from the machinery
around the view (a bad token, a refused permission, an unknown id in the path, an invalid page,
a throttle, a request line the HTTP server finds too long) are the same everywhere, so they are
added here from what the view is made of rather than declared by hand on each one.
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.urls.converters import get_converters
from drf_spectacular import openapi
from drf_spectacular.plumbing import analyze_named_regex_pattern
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly

from .errors import error_responses

DJANGO_PARAMETER = re.compile(r"(?<!\?P)<(?:(?P<converter>\w+):)?(?P<name>\w+)>")  # path("<int:id>/"), not (?P<id>…)
REQUEST_LINE_TOO_LONG = OpenApiResponse(
    description="The address is longer than the HTTP server accepts (answered by it, as plain text).")


def open_to_anonymous(permission, method: str) -> bool:
    """Whether `permission` lets a caller without credentials use `method`.

    A permission class says so with `anonymous_methods` (the catalogue's reads, say)."""
    if isinstance(permission, AllowAny):
        return True
    if isinstance(permission, IsAuthenticatedOrReadOnly):
        return method in SAFE_METHODS
    return method in getattr(permission, "anonymous_methods", ())


def shows_blank_model_value(field) -> bool:
    """Whether a read-only field shows a model field that may be blank ("").

    A ModelSerializer drops `allow_blank` from its read-only fields, so the schema would refuse the ""
    they show: a URL that must be a URI, a choice among the non-blank values only."""
    if not field.read_only or getattr(field, "allow_blank", True):  # already allowed, or not a text field
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with anonymous access, blank values and the common errors documented."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if shows_blank_model_value(field):
            field.allow_blank = True  # the schema generator's own instance: documents "" as spectacular does
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def get_auth(self):
        auths = super().get_auth()
        if auths and {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            self._pattern_path_parameters(operation.get("parameters", []))
            responses = operation["responses"]
            for code, response in sorted(self._common_errors(operation).items()):
                responses.setdefault(str(code), self._get_response_for_code(response, str(code)))
        return operation

    def _pattern_path_parameters(self, parameters) -> None:
        """A path segment the URL pattern cannot match never reaches the view (a slug with a dot, say):
        string path parameters get the route's own pattern, so that clients and tests know."""
        patterns = analyze_named_regex_pattern(self.path_regex)
        converters = get_converters()
        for converter, name in DJANGO_PARAMETER.findall(self.path_regex):
            patterns[name] = converters[converter or "str"].regex
        for parameter in parameters:
            schema = parameter.get("schema", {})
            name = "pk" if parameter["name"] == "id" and "id" not in patterns else parameter["name"]
            if (parameter["in"] == "path" and name in patterns and schema.get("type") == "string"
                    and not {"pattern", "format", "enum"} & set(schema)):
                schema["pattern"] = f"^{patterns[name]}$"

    def _anonymous_allowed(self) -> bool:
        return all(open_to_anonymous(permission, self.method) for permission in self.view.get_permissions())

    def _common_errors(self, operation) -> dict:
        parameters = operation.get("parameters", [])
        located = {parameter["in"] for parameter in parameters}
        codes = set()
        if "requestBody" in operation or located & {"query", "header"}:
            codes.add(400)
        if operation.get("security"):
            codes.add(401)  # a malformed or expired token is refused even where none is needed
            if self._may_refuse_a_user() or self._checks_csrf():
                codes.add(403)
        if "path" in located or self._paginated(parameters):
            codes.add(404)
        if self.view.get_throttles():
            codes.add(429)
        errors = error_responses(*codes)
        if located & {"path", "query"}:
            errors[414] = REQUEST_LINE_TOO_LONG
        return errors

    def _may_refuse_a_user(self) -> bool:
        """Whether a signed-in caller can be refused: more is needed than being signed in."""
        return not all(open_to_anonymous(permission, self.method) or type(permission) is IsAuthenticated
                       for permission in self.view.get_permissions())

    def _checks_csrf(self) -> bool:
        """A browser session's unsafe request without its CSRF token is refused (403)."""
        return self.method not in SAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in self.view.get_authenticators())

    def _paginated(self, parameters) -> bool:
        """A page number past the last page (or not a number) is a 404 "Invalid page"."""
        return isinstance(self._get_paginator(), PageNumberPagination) and any(
            parameter["name"] == "page" and parameter["in"] == "query" for parameter in parameters)

