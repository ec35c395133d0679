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


class PreorderFull(DomainError):
    code = "preorder_limit"
    status = 409
    message = _("No more units of “{product}” can be pre-ordered.")


class EmptyCart(DomainError):
    code = "empty_cart"
    message = _("Your cart is empty.")


class NotForUniqueItem(DomainError):
    """A parcel delivery or a payment on delivery chosen for a cart holding a unique item (a real-estate lot)."""

    code = "not_offered_for_lot"
    message = _("This method is not offered for a real-estate lot. Reserve the lot by contacting the shop: "
                "{contact}.")


class InvalidCartToken(DomainError):
    code = "invalid_cart_token"
    message = _("The Cart-Token header is not a cart token.")
