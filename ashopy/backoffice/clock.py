"""The store's clock for staff pages."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.utils import timezone


def in_store_timezone(view):
    """Dates shown and typed on the page follow the store's clock, not the server's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return view(request, *args, **kwargs)

    return wrapped
