"""What the purchasing services refuse, with what a person needs to put it right."""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class SendNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    message = _("Only a draft purchase order can be sent; this one is {state}.")


class EmptyPurchaseOrder(DomainError):
    code = "empty_purchase_order"
    message = _("Add at least one line before sending the purchase order.")


class NotDraft(DomainError):
    code = "transition_not_allowed"
    status = 409
    message = _("Only a draft purchase order can be changed; this one is {state}.")


class NotReceivable(DomainError):
    code = "transition_not_allowed"
    status = 409
    message = _("Goods can be received only on a sent or partially received purchase order; this one is {state}.")


class CancelNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    message = _("A purchase order that is {state} cannot be cancelled.")


class NothingToReceive(DomainError):
    code = "nothing_to_receive"
    message = _("Enter the quantity received for at least one line.")


class UnknownLine(DomainError):
    code = "unknown_line"
    message = _("Line {line} is not a line of this purchase order.")

    def __init__(self, *, line):
        super().__init__(line=line, fields={"lines": [str(self.message).format(line=line)]})


class OverReceipt(DomainError):
    code = "over_receipt"
    message = _("Only {outstanding} units of {variant} are still expected: {requested} cannot be received.")

    def __init__(self, *, variant, outstanding: int, requested: int, line: int):
        text = str(self.message).format(variant=variant, outstanding=outstanding, requested=requested)
        super().__init__(variant=variant, outstanding=outstanding, requested=requested,
                         fields={"lines": [text], f"line_{line}": [text]})
        self.line = line


class DuplicateVariant(DomainError):
    code = "duplicate_variant"
    message = _("{variant} is listed twice: one line per variant.")


class MissingCost(DomainError):
    code = "missing_cost"
    message = _("Enter a unit cost for {variant}: this supplier has no price for it.")


class InvalidCost(DomainError):
    code = "invalid_cost"
    message = _("A unit cost is an amount of at least 0, with at most 4 decimal places.")


class InactiveSupplier(DomainError):
    code = "inactive_supplier"
    message = _("The supplier “{supplier}” is not active.")


class SupplierInUse(DomainError):
    code = "in_use"
    status = 409
    message = _("This supplier has purchase orders: deactivate it instead of deleting it.")
