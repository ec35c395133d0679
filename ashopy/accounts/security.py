"""Login protection hooks, and where a request comes from."""

from django.conf import settings


def login_identifier(request, credentials) -> str:
    """The e-mail a login attempt is for: the web form posts `username`, the API token endpoint `email`."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower()


def client_address(request) -> str | None:
    """The caller's IP address, for login lock-outs (django-axes) — read as DRF's throttles read it.

    X-Forwarded-For is anyone's to write: it is believed only for the `NUM_PROXIES` proxies of
    our own in front of the application (the address the last of them saw), never by default.
    """
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = forwarded.split(",")
        return addresses[-min(proxies, len(addresses))].strip()
    return request.META.get("REMOTE_ADDR")
