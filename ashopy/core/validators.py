"""Validators shared by several apps."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from stdnum import ean


def validate_ean13(value: str) -> None:
    """A barcode must be a valid EAN-13 (13 digits, correct check digit)."""
    if value and (len(value) != 13 or not ean.is_valid(value)):
        raise ValidationError(_("Enter a valid EAN-13 barcode (13 digits with a correct check digit)."),
                              code="invalid_ean13")


def validate_image_size(file) -> None:
    """Refuse uploads above ``ASHOPY_MAX_IMAGE_BYTES``; Django's ImageField checks it is an image."""
    limit = settings.ASHOPY_MAX_IMAGE_BYTES
    if file and getattr(file, "size", 0) > limit:
        raise ValidationError(_("The image is too large (%(size)s at most).") % {"size": filesizeformat(limit)},
                              code="image_too_large")
