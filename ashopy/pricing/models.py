"""Tax rates and customer-segment discounts, per store."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.models import Segment
from ashopy.catalog.models import TaxClass
from ashopy.stores.models import Store, StoreOwnedQuerySet

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class TaxRate(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="tax_rates")
    tax_class = models.OneToOneField(TaxClass, verbose_name=_("tax class"), on_delete=models.CASCADE,
                                     related_name="rate")
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [models.CheckConstraint(condition=models.Q(rate__gte=0, rate__lte=100),
                                              name="tax_rate_is_a_percentage")]

    def __str__(self):
        return f"{self.tax_class}: {self.rate} %"


class SegmentDiscount(models.Model):
    """The discount a customer segment (students, professionals …) gets in a store."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE,
                              related_name="segment_discounts")
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment discount")
        verbose_name_plural = _("segment discounts")
        constraints = [
            models.UniqueConstraint(fields=["store", "segment"], name="one_discount_per_segment"),
            models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100),
                                   name="segment_discount_is_a_percentage"),
        ]

    def __str__(self):
        return f"{self.get_segment_display()}: −{self.percent} %"
