"""What the till refuses, with stable codes (the API answers them as 4xx)."""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class TillRefused(DomainError):
    code = "till_invalid"
    message = _("This till cannot be used.")


class WrongWarehouse(DomainError):
    code = "till_warehouse"
    message = _("A till sells from an active shop or counter warehouse of its own store.")


class SessionAlreadyOpen(DomainError):
    code = "session_already_open"
    message = _("This till already has an open session: close it first.")
    status = 409


class SessionClosed(DomainError):
    code = "session_closed"
    message = _("This till session is closed.")
    status = 409


class SessionTooOld(DomainError):
    code = "session_too_old"
    message = _("This session was opened more than 24 hours ago: close it before selling again.")
    status = 409


class InvalidAmount(DomainError):
    code = "invalid_amount"
    message = _("Enter a positive amount in the store's currency (F CFA have no decimals).")


class ReasonRequired(DomainError):
    code = "reason_required"
    message = _("Give a reason.")


class EmptySale(DomainError):
    code = "empty_sale"
    message = _("Add at least one item.")


class NotSold(DomainError):
    code = "not_sold"
    message = _("“{product}” is not sold in this store.")


class DiscountTooHigh(DomainError):
    code = "discount_too_high"
    message = _("A discount of more than {maximum} % needs a manager.")
    status = 403


class PaymentMismatch(DomainError):
    code = "payment_mismatch"
    message = _("The payments must cover the total; only cash gives change.")


class UnknownMethod(DomainError):
    code = "unknown_payment_method"
    message = _("This payment method is not accepted at the till.")


class RefundRefused(DomainError):
    code = "refund_refused"
    message = _("These lines cannot be refunded: more than was sold, or already refunded.")


class IdempotencyConflict(DomainError):
    code = "idempotency_key_reused"
    message = _("This idempotency key was used for another till.")
    status = 409


class NotInvoiceable(DomainError):
    code = "ticket_not_invoiceable"
    message = _("Only a sale is invoiced; a refund of an invoiced sale makes its credit note.")
