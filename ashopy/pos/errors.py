"""What the till refuses, with stable codes (the API answers them as 4xx)."""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError, NotFound
from ashopy.promotions.errors import CodeRefused


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


class OfflineTimeRefused(DomainError):
    code = "invalid_offline_time"
    message = _("The time this offline sale was made at the till is not possible: it must be between the "
                "session's opening and now (the till's clock may be wrong).")


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


class NotRefundable(DomainError):
    code = "ticket_not_refundable"
    message = _("A refund ticket cannot itself be refunded: refund the sale it refers to.")


class IdempotencyConflict(DomainError):
    code = "idempotency_key_reused"
    message = _("This idempotency key was used for another till.")
    status = 409


class NotInvoiceable(DomainError):
    code = "ticket_not_invoiceable"
    message = _("Only a sale is invoiced; a refund of an invoiced sale makes its credit note.")


class ProviderNotOffered(DomainError):
    code = "mobile_provider_not_configured"
    message = _("This store does not take this mobile money service: ask an administrator to configure it.")
    status = 409


class MobilePaymentNotPaid(DomainError):
    code = "mobile_payment_not_paid"
    message = _("This mobile payment has not been confirmed by the provider.")
    status = 409


class MobilePaymentMismatch(DomainError):
    code = "mobile_payment_mismatch"
    message = _("This mobile payment belongs to another session, method or amount.")


class MobilePaymentUsed(DomainError):
    code = "mobile_payment_used"
    message = _("This mobile payment already paid another ticket.")
    status = 409


class MobilePaymentRequired(DomainError):
    code = "mobile_payment_required"
    message = _("Wave and Orange Money are paid through a payment request the customer scans.")


class MobilePaymentSucceeded(DomainError):
    code = "mobile_payment_succeeded"
    message = _("This mobile payment was already made: it can no longer be cancelled.")
    status = 409


class MobileRefundByCash(DomainError):
    code = "mobile_refund_by_cash"
    message = _("A mobile money sale is refunded in cash at the till.")


class StoreCreditRequired(DomainError):
    code = "store_credit_required"
    message = _("Store credit is paid with the number of the credit note.")


class MobilePaymentNotFound(NotFound):
    code = "mobile_payment_not_found"
    message = _("No such mobile payment request at this store.")


class FreeShippingAtTill(CodeRefused):
    code = "code_free_shipping_at_till"
    message = _("The code “{code}” gives free shipping: there is no shipping at the counter.")


class CodeNeedsCustomer(CodeRefused):
    code = "code_needs_customer"
    message = _("The code “{code}” is limited per customer: choose the customer first.")


class CodeNotForSale(CodeRefused):
    code = "code_not_for_sale"
    message = _("The code “{code}” does not apply to any item of this sale.")
