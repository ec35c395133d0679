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
ALL = ("view", "add", "change", "delete")
# Customers: vendeurs manage them, gestionnaires only read them. Promotions and codes: gestionnaires
# manage them, vendeurs read them (to answer customers); a code's uses are written by the checkout only.
_MODEL_PERMISSIONS = {
    Role.VENDEUR: {("accounts", "user"): ("view", "add", "change"), ("accounts", "address"): ("view", "add", "change"),
                   ("accounts", "partner"): ("view",), ("promotions", "promotion"): ("view",),
                   ("promotions", "promocode"): ("view",), ("promotions", "redemption"): ("view",)},
    Role.GESTIONNAIRE: {("accounts", "user"): ("view",), ("accounts", "partner"): ("view",),
                        ("promotions", "promotion"): ALL, ("promotions", "promocode"): ALL,
                        ("promotions", "redemption"): ("view",)},
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
