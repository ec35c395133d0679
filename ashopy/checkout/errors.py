from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class CartChanged(DomainError):
    """The final validation changed the cart: the customer checks it again before paying."""

    code = "cart_changed"
    status = 409
    message = _("Your cart has changed: check it before paying.")

    def __init__(self, notices):
        super().__init__(fields={"cart": [notice.message for notice in notices]})
        self.notices = notices


class ShippingUnavailable(DomainError):
    code = "shipping_unavailable"
    message = _("Choose one of the shipping methods offered for this address.")


class GuestCheckoutDisabled(DomainError):
    code = "login_required"
    status = 403
    message = _("Sign in or create an account to order.")


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    status = 409
    message = _("This Idempotency-Key was already used for another request.")


class InvalidAddress(DomainError):
    code = "invalid_address"
    message = _("Check the address.")


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    message = _("Send an Idempotency-Key header (a unique value per order attempt).")


class NotPending(DomainError):
    code = "not_pending_payment"
    status = 409
    message = _("This order is no longer waiting for its payment.")
