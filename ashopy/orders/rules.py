"""Who may do what to an order: decided here once, for the back office, the API, the admin and the till.

The order services call `authorize` with the acting user before they change anything; the
views only translate a refusal (a message, a 403). `user=None` is ashopy itself acting — a
provider's notification, the sweep of lapsed holds — and is always allowed.
"""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import PermissionDenied
from ashopy.stores.rules import SALES_ROLES, STOCK_ROLES
from ashopy.stores.selectors import staff_role

from .errors import OrderNotFound, TransitionNotAllowed
from .models import Order

SELLERS, MANAGERS = SALES_ROLES, STOCK_ROLES

# What each staff action needs. Cancelling a paid order refunds it: that is a manager's call.
STAFF_ACTIONS = {
    "process": SELLERS,
    "ship": SELLERS,
    "deliver": SELLERS,
    "set_tracking": SELLERS,
    "add_note": SELLERS,
    "mark_paid": SELLERS,
    "cancel": SELLERS,
    "cancel_paid": MANAGERS,
}


class PaidCancelForManagers(PermissionDenied):
    code = "paid_cancel_for_managers"
    message = _("A paid order is refunded when cancelled: a manager or an admin cancels it.")


def _action(order: Order, action: str) -> str:
    return "cancel_paid" if action == "cancel" and order.paid_at is not None else action


def authorize(*, user, order: Order, action: str) -> None:
    """Refuse `action` on `order` by `user` unless their role in the order's store (or, for a
    customer, the order being theirs and still cancellable) allows it."""
    if user is None:
        return
    role = staff_role(user, order.store)
    if role is None:
        if action == "cancel" and user.is_authenticated and order.user_id == user.pk:
            if order.state not in Order.CUSTOMER_CANCELLABLE:
                raise TransitionNotAllowed(state=order.get_state_display(), target=Order.State.CANCELLED.label)
            return
        raise OrderNotFound()  # someone else's order: not even its existence is told
    action = _action(order, action)
    if role not in STAFF_ACTIONS[action]:
        raise PaidCancelForManagers() if action == "cancel_paid" else PermissionDenied()


def allowed(*, user, order: Order, action: str) -> bool:
    """Whether `authorize` would let it through (to show or hide a button)."""
    try:
        authorize(user=user, order=order, action=action)
    except (PermissionDenied, OrderNotFound, TransitionNotAllowed):
        return False
    return True
