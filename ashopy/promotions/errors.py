"""Why a promo code is refused, in the customer's words (one stable code per reason for the API)."""

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class CodeRefused(DomainError):
    """A promo code cannot be used for this cart or this customer."""

    code = "code_refused"
    message = _("This code cannot be used.")


class UnknownCode(CodeRefused):
    code = "code_unknown"
    message = _("The code “{code}” does not exist.")


class InactiveCode(CodeRefused):
    code = "code_inactive"
    message = _("The code “{code}” is no longer valid.")


class ExpiredCode(CodeRefused):
    code = "code_expired"
    message = _("The code “{code}” has expired.")


class CodeNotYetValid(CodeRefused):
    code = "code_not_yet_valid"
    message = _("The code “{code}” is valid from {date}.")


class MinimumNotReached(CodeRefused):
    code = "code_minimum_not_reached"
    message = _("The code “{code}” needs an order of at least {minimum}: add {missing} more.")


class CodeAlreadyUsed(CodeRefused):
    code = "code_already_used"
    message = _("You have already used the code “{code}”.")


class CodeLimitReached(CodeRefused):
    code = "code_limit_reached"
    status = 409
    message = _("The code “{code}” has been used as many times as it may be.")


class CodeNotForAccount(CodeRefused):
    code = "code_not_for_account"
    status = 403
    message = _("The code “{code}” is not available for your account.")


class NoCodeToApply(CodeRefused):
    code = "code_required"
    message = _("Enter a promo code.")


class CodeNotForCart(CodeRefused):
    code = "code_not_for_cart"
    message = _("The code “{code}” does not apply to any product in your cart.")
