"""Staff permissions per store, shared by the web back office and the API."""

from .models import Role
from .selectors import staff_role

CATALOGUE_ROLES = frozenset({Role.ADMIN, Role.GESTIONNAIRE})


def has_store_role(user, store, roles) -> bool:
    return staff_role(user, store) in roles
