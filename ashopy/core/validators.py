"""Validators shared by several apps."""

from babel.numbers import is_currency
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image
from stdnum import ean


def validate_ean13(value: str) -> None:
    """A barcode must be a valid EAN-13 (13 digits, correct check digit)."""
    if value and (len(value) != 13 or not ean.is_valid(value)):
        raise ValidationError(_("Enter a valid EAN-13 barcode (13 digits with a correct check digit)."),
                              code="invalid_ean13")


def validate_currency_code(value: str) -> None:
    """A currency is an ISO 4217 code (XOF, EUR …), upper case, that Babel knows."""
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper() and is_currency(value)):
        raise ValidationError(_("Use a three-letter ISO 4217 currency code, e.g. XOF or EUR."), code="invalid_currency")


def validate_image_size(file) -> None:
    """Refuse uploads above ``ASHOPY_MAX_IMAGE_BYTES`` and files Pillow cannot read as an image.

    Model fields run this on every save through a service, not only in forms, so the API,
    the admin and commands all get the same check.
    """
    if not file:
        return
    limit = settings.ASHOPY_MAX_IMAGE_BYTES
    if getattr(file, "size", 0) > limit:
        raise ValidationError(_("The image is too large (%(size)s at most).") % {"size": filesizeformat(limit)},
                              code="image_too_large")
    if getattr(file, "_committed", True):
        return  # already stored: it was checked when it was uploaded
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as picture:
            picture.verify()
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Upload a valid image: the file is not an image or is corrupted."),
                              code="invalid_image") from error
    finally:
        file.seek(position)
