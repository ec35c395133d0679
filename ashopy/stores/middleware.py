"""Sets ``request.store`` from the Host header and the language of the page.

An unknown host gets a 404. The language is the visitor's choice (the
``django_language`` cookie set by the language switch) or else the store's
default language: browsers' Accept-Language is deliberately not followed on
pages, so a shop in Dakar opens in French. API clients choose theirs with
Accept-Language (an integrator's program says what it wants).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .selectors import store_for_host

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class StoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.store = store_for_host(request.get_host())
        if request.store is None:
            return render(request, "stores/unknown_host.html", status=404)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _LANGUAGES and request.path_info.startswith("/api/") \
                and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request)
        if language not in _LANGUAGES:
            language = request.store.default_language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
