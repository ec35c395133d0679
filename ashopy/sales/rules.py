"""Who may do what with sales documents: decided here once, for the back office, the API and the till.

`user=None` is ashopy itself acting (the invoice issued when an order is paid) and is always allowed.
"""

from ashopy.core.errors import PermissionDenied
from ashopy.stores.rules import SALES_ROLES, STOCK_ROLES
from ashopy.stores.selectors import staff_role

# Issuing and cashing invoices is the counter's daily work; giving money back is a manager's call.
STAFF_ACTIONS = {
    "view": SALES_ROLES,
    "issue": SALES_ROLES,
    "record_payment": SALES_ROLES,
    "send": SALES_ROLES,
    "credit": STOCK_ROLES,
    "settings": STOCK_ROLES,
}


def authorize(*, user, store, action: str) -> None:
    if user is not None and staff_role(user, store) not in STAFF_ACTIONS[action]:
        raise PermissionDenied()


def allowed(*, user, store, action: str) -> bool:
    try:
        authorize(user=user, store=store, action=action)
    except PermissionDenied:
        return False
    return True
