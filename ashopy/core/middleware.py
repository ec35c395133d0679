"""Request guards that hold for every page and endpoint."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, JsonResponse, QueryDict

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_null(*texts: str) -> bool:
    return any("\x00" in text for text in texts)


class NullCharacterMiddleware:
    """NUL characters never reach a view: PostgreSQL refuses them in text, so a view that hands one
    to a query or a save fails with DataError, a 500.

    - in the path: nothing has such an address, 404;
    - in the query string (searches, filters, page numbers): dropped, as listings ignore a stray character;
    - in a web form (POST) or a header: 400, nothing is done;
    - in a cookie: the cookie is ignored, as a missing one (a 400 would lock the browser out).

    It runs after the session and store middlewares: a 404 page needs the store, and the session
    cookie was read (not yet used) by then.

    API bodies, JSON or forms, are the API parsers' business (ashopy.api.parsers), which name the fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith(API_PREFIX)
        if _has_null(request.path_info):
            if api:
                return JsonResponse({"code": "not_found", "detail": "No such endpoint.", "fields": {}}, status=404)
            raise Http404
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or _has_null(query):
            request.GET = _without_null(request.GET)
        if any(_has_null(name, value) for name, value in request.COOKIES.items()):
            self._ignore_cookies(request)
        if any(_has_null(name, value) for name, value in request.headers.items() if name.lower() != "cookie"):
            return self._bad_request(api)
        if request.method == "POST" and request.content_type in FORM_TYPES and not api and any(
                _has_null(key, *values) for key, values in request.POST.lists()):
            return self._bad_request(api)
        return self.get_response(request)

    @staticmethod
    def _ignore_cookies(request) -> None:
        """Drop the cookies holding NUL; a session named by one starts afresh (its key would reach the database)."""
        if _has_null(request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")) and hasattr(request, "session"):
            request.session = type(request.session)()
        request.COOKIES = {name: value for name, value in request.COOKIES.items() if not _has_null(name, value)}

    @staticmethod
    def _bad_request(api: bool):
        message = str(ProhibitNullCharactersValidator.message)
        if api:
            return JsonResponse({"code": "invalid", "detail": message, "fields": {}}, status=400)
        raise BadRequest(message)


def _without_null(params: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in params.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
