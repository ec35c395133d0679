from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class UnknownMethod(DomainError):
    code = "unknown_payment_method"
    message = _("Choose one of the payment methods offered.")


class NotRefundable(DomainError):
    code = "not_refundable"
    status = 409
    message = _("This payment cannot be refunded here.")


class NotOffline(DomainError):
    code = "not_offline"
    status = 409
    message = _("Only orders paid by cash on delivery or bank transfer are marked paid by hand.")


class InvalidAmount(DomainError):
    code = "invalid_amount"
    message = _("Enter an amount above zero, in the currency's units, within what is left to pay.")
