"""What each role may do in the back office, as Django model permissions."""

from ashopy.stores.models import Role

# app label → the roles that get every permission of that app's models.
_APP_ROLES = {
    "catalog": {Role.GESTIONNAIRE},
    "pricing": {Role.GESTIONNAIRE},
    "inventory": {Role.GESTIONNAIRE},
    "purchasing": {Role.GESTIONNAIRE},
    "orders": {Role.GESTIONNAIRE, Role.VENDEUR},
    "sales": {Role.GESTIONNAIRE, Role.VENDEUR},
    "dashboard": {Role.GESTIONNAIRE, Role.VENDEUR},
}
# Customers: vendeurs manage them, gestionnaires only read them.
_MODEL_PERMISSIONS = {
    Role.VENDEUR: {("accounts", "user"): ("view", "add", "change"), ("accounts", "address"): ("view", "add", "change"),
                   ("accounts", "partner"): ("view",)},
    Role.GESTIONNAIRE: {("accounts", "user"): ("view",), ("accounts", "partner"): ("view",)},
}


def permissions_for(role: Role, permissions):
    """Pick, from `permissions` (a Permission queryset), those `role` is granted."""
    if role == Role.ADMIN:
        return list(permissions)
    if role == Role.CLIENT:
        return []
    granted = []
    for permission in permissions:
        app, model = permission.content_type.app_label, permission.content_type.model
        action = permission.codename.split("_", 1)[0]
        if role in _APP_ROLES.get(app, ()) or action in _MODEL_PERMISSIONS.get(role, {}).get((app, model), ()):
            granted.append(permission)
    return granted
