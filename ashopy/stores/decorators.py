"""Back-office views: only staff of the request's store with one of the given roles."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role
from .selectors import staff_role

STOCK_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE})
SALES_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE, Role.VENDEUR})


def store_staff_required(roles=STOCK_ROLES):
    """Anonymous visitors go to the login page; a signed-in user without the role gets 403."""

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

        return wrapped

    return decorator
