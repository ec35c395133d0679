"""How a store delivers: methods (flat rate, weight bands, pickup), where they apply, what they cost."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField

from ashopy.stores.models import Store, StoreOwnedQuerySet


class ShippingMethod(models.Model):
    """One way to get an order to the customer.

    Prices are on the store's tax basis (like catalogue prices) and taxed at the store's
    default rate. `countries` empty means everywhere; a pickup method needs no address.
    """

    class Kind(models.TextChoices):
        FLAT = "flat", _("Flat rate")
        WEIGHT = "weight", _("By weight")
        PICKUP = "pickup", _("Pickup at a shop")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="shipping_methods")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FLAT)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=Decimal(0),
                                validators=[MinValueValidator(0)],
                                help_text=_("Flat rate and pickup; weight bands carry their own prices."))
    free_above = models.DecimalField(_("free above"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)],
                                     help_text=_("Free when the goods total reaches this amount."))
    countries = CountryField(_("countries"), multiple=True, blank=True,
                             help_text=_("Leave empty to deliver everywhere."))
    min_days = models.PositiveSmallIntegerField(_("delivery from (days)"), default=1)
    max_days = models.PositiveSmallIntegerField(_("delivery up to (days)"), default=3)
    pickup_address = models.TextField(_("pickup address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_price_not_negative"),
            models.CheckConstraint(condition=Q(max_days__gte=models.F("min_days")), name="shipping_days_ordered"),
        ]

    def __str__(self):
        return self.name

    @property
    def delivery_estimate(self) -> str:
        """"1 à 2 jours", "0 à 1 jour", "3 jours": the plural follows the larger figure, as French says it."""
        if self.min_days == self.max_days:
            return ngettext("%(count)s day", "%(count)s days", self.max_days) % {"count": self.max_days}
        return ngettext("%(min)s to %(max)s day", "%(min)s to %(max)s days", self.max_days) % {
            "min": self.min_days, "max": self.max_days}


class WeightBand(models.Model):
    """Up to `max_weight_kg`, a parcel costs `price`: the lightest band that fits applies."""

    method = models.ForeignKey(ShippingMethod, verbose_name=_("shipping method"), on_delete=models.CASCADE,
                               related_name="bands")
    max_weight_kg = models.DecimalField(_("up to (kg)"), max_digits=8, decimal_places=3,
                                        validators=[MinValueValidator(Decimal("0.001"))])
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("weight band")
        verbose_name_plural = _("weight bands")
        ordering = ["max_weight_kg"]
        constraints = [
            models.UniqueConstraint(fields=["method", "max_weight_kg"], name="one_band_per_weight"),
            models.CheckConstraint(condition=Q(price__gte=0), name="band_price_not_negative"),
        ]

    def __str__(self):
        return f"≤ {self.max_weight_kg} kg"
