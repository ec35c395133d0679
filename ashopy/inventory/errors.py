"""What the stock services refuse, with the figures a person needs to act on it."""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    status = 409
    message = _("Not enough stock of {variant}: {available} available, {requested} requested.")

    def __init__(self, *, variant, available: int, requested: int):
        super().__init__(variant=variant, available=available, requested=requested,
                         fields={"quantity": [str(self.message).format(
                             variant=variant, available=available, requested=requested)]})
        self.variant_id = getattr(variant, "pk", variant)
        self.available, self.requested = available, requested


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    message = _("Enter a whole number of units between 1 and {maximum}.")


class SameWarehouse(DomainError):
    code = "same_warehouse"
    message = _("A transfer needs two different warehouses.")


class InactiveWarehouse(DomainError):
    code = "inactive_warehouse"
    message = _("The warehouse “{warehouse}” is not active.")


class BelowReserved(DomainError):
    code = "below_reserved"
    status = 409
    message = _("{reserved} units are reserved here: the stock cannot go below that ({requested} asked).")


class NoteRequired(DomainError):
    code = "note_required"
    message = _("Say why: a note is required for an adjustment.")


class ReservationClosed(DomainError):
    code = "reservation_closed"
    status = 409
    message = _("This reservation is no longer active ({state}).")


class WrongStore(DomainError):
    code = "not_found"
    status = 404
    message = _("Not found.")
