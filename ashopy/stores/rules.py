"""The staff roles each kind of work needs, checked by the services that do the work.

`user=None` is ashopy itself acting (a provider's notification, a sweep, the demo loader) and
is always allowed; any person must hold one of the roles in the store the work is for.
"""

from ashopy.core.errors import PermissionDenied

from .models import Role
from .selectors import staff_role

STOCK_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE})
SALES_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE, Role.VENDEUR})


def require_role(*, user, store, roles) -> None:
    """Refuse (PermissionDenied, a 403) unless `user` holds one of `roles` in `store`."""
    if user is not None and staff_role(user, store) not in roles:
        raise PermissionDenied()
