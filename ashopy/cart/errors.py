from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class UnknownVariant(DomainError):
    code = "not_found"
    status = 404
    message = _("This product is not sold here.")


class UnknownLine(DomainError):
    code = "not_found"
    status = 404
    message = _("This line is not in your cart.")


class OutOfStock(DomainError):
    code = "insufficient_stock"
    status = 409
    message = _("Cannot add more of “{product}” to the cart: not enough stock.")


class EmptyCart(DomainError):
    code = "empty_cart"
    message = _("Your cart is empty.")
