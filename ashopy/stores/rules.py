"""The staff roles each kind of work needs, checked by the services that do the work.

`user=None` is ashopy itself acting (a provider's notification, a sweep, the demo loader) and
is always allowed; any person must hold one of the roles in the store the work is for.
"""

from ashopy.core.errors import PermissionDenied

from .models import Role
from .selectors import staff_role

STOCK_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE})
CATALOGUE_ROLES = STOCK_ROLES
SALES_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE, Role.VENDEUR})


def has_role(user, store, roles) -> bool:
    """Whether `user` holds one of `roles` in `store` (to show a page or a button)."""
    return staff_role(user, store) in roles


def require_role(*, user, store, roles) -> None:
    """Refuse (PermissionDenied, a 403) unless `user` holds one of `roles` in `store`."""
    if user is not None and not has_role(user, store, roles):
        raise PermissionDenied()
