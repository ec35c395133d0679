"""Request body parsers of the API (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

DRF's JSON parser lets a deeply nested document end in a RecursionError, a 500, and keeps NUL
characters that PostgreSQL refuses later. These answer any unreadable body with a 400, and read
at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond) whatever stream DRF hands them.
"""

import io

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from ashopy.core import json_input

from .errors import RequestTooLarge


def read_limited(stream) -> bytes:
    """The whole body, or RequestTooLarge when it is longer than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge()
    return body


def _null_characters(field_names) -> ValidationError:
    message = [str(ProhibitNullCharactersValidator.message)]
    return ValidationError(dict.fromkeys(field_names, message) or {"non_field_errors": message})


class JSONParser(parsers.JSONParser):
    """JSON with a nesting limit, finite numbers only and no NUL characters (PostgreSQL refuses them)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = read_limited(stream).decode(encoding)
            return json_input.loads(text)
        except json_input.NullCharacters as error:
            raise _null_characters(error.fields) from error
        except ValueError as error:  # InvalidJSON, UnicodeDecodeError
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from error


def _without_null(data):
    """`data` (a QueryDict of form fields), or a 400 naming the fields that hold NUL."""
    fields = [key for key, values in data.lists() if "\x00" in key or any("\x00" in value for value in values)]
    if fields:
        raise _null_characters([name for key in fields if (name := key.replace("\x00", ""))])
    return data


class FormParser(parsers.FormParser):
    """Form-encoded bodies (PUT and PATCH too, which Django leaves unparsed), size-limited, without NUL."""

    def parse(self, stream, media_type=None, parser_context=None):
        return _without_null(super().parse(io.BytesIO(read_limited(stream)), media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    """Multipart forms without NUL in their fields (Django limits their size and writes files aside)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _without_null(parsed.data)
        return parsed
