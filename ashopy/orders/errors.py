from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    message = _("This order cannot go from “{state}” to “{target}”.")


class OrderNotFound(DomainError):
    code = "not_found"
    status = 404
    message = _("Not found.")


class NoteRequired(DomainError):
    code = "note_required"
    message = _("Write the note.")


class StockGone(DomainError):
    code = "insufficient_stock"
    status = 409
    message = _("The items of this order are no longer in stock.")


class NotShipped(DomainError):
    code = "not_shipped"
    status = 409
    message = _("Only a shipped order has tracking details to correct.")


class NotCancellable(DomainError):
    code = "not_cancellable"
    status = 409
    message = _("This order can no longer be cancelled online: contact the shop.")


class PreorderLimitReached(DomainError):
    """Placing the order would pass a variant's pre-order limit (another customer took the last places)."""

    code = "preorder_limit"
    status = 409
    message = _("No more units of this product can be pre-ordered.")

    def __init__(self, *, variant_id: int):
        super().__init__()
        self.variant_id = variant_id
