"""Back-office views: only staff of the request's store with one of the given roles."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .rules import SALES_ROLES, STOCK_ROLES
from .selectors import staff_role

__all__ = ["SALES_ROLES", "STOCK_ROLES", "store_staff_required"]


def store_staff_required(roles=STOCK_ROLES):
    """Anonymous visitors go to the login page; a signed-in user without the role gets 403.

    The view keeps its `staff_roles`, which the back office's navigation reads to show each member
    only the pages their role opens (`functools.wraps` carries it through the decorators above).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = staff_role(request.user, request.store)
            if role not in roles:
                raise PermissionDenied
            request.staff_role = role
            return view(request, *args, **kwargs)

        wrapped.staff_roles = frozenset(roles)
        return wrapped

    return decorator
