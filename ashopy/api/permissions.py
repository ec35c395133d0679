"""Who may call what: the catalogue reads are public, its writes belong to the store's catalogue staff."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ashopy.stores.rules import CATALOGUE_ROLES, has_role


def is_catalogue_staff(request) -> bool:
    """Admin or gestionnaire of the request's store (superusers are admins everywhere)."""
    return has_role(request.user, request.store, CATALOGUE_ROLES)


class CatalogueStaffOrReadOnly(BasePermission):
    """Anyone reads; only this store's catalogue staff write.

    Anonymous writers get 401 (DRF turns a refusal without credentials into
    NotAuthenticated); customers and staff of other stores get 403.
    """

    message = _("Only this store's administrators and stock managers may change the catalogue.")
    anonymous_methods = SAFE_METHODS  # read by the OpenAPI schema (ashopy.api.schema)

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and is_catalogue_staff(request))
