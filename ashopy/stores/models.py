"""Stores (tenants): one deployment serves several stores, each on its own domains."""

import re
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from ashopy.core.validators import validate_currency_code, validate_image_size


class Store(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code],
                                help_text=_("ISO 4217 code: XOF, EUR …"))
    default_language = models.CharField(_("default language"), max_length=8,
                                        choices=settings.LANGUAGES, default="fr")
    country = CountryField(_("country"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Africa/Dakar")
    prices_include_tax = models.BooleanField(
        _("prices include tax"), default=True,
        help_text=_("Catalogue prices are entered tax included (TTC) rather than excluded (HT)."))
    reservation_minutes = models.PositiveIntegerField(
        _("reservation time (minutes)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])
    allow_guest_checkout = models.BooleanField(
        _("guest checkout"), default=True,
        help_text=_("Customers may order with an e-mail address, without an account."))
    segment_by_email = models.BooleanField(
        _("segment verified by e-mail confirmation"), default=False,
        help_text=_("The segment a customer declares at sign-up (student, professional …) gives its discount here "
                    "once they have confirmed their e-mail address, without waiting for staff to verify it."))
    # Contact and legal details, printed on invoices.
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True,
                              help_text=_("NINEA, SIRET or VAT number."))
    logo = models.ImageField(_("logo"), upload_to="stores/", blank=True, validators=[validate_image_size])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(pgettext_lazy("feminine", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def reservation_ttl(self) -> timedelta:
        return timedelta(minutes=self.reservation_minutes)

    @property
    def email_sender(self) -> str:
        """The From of every e-mail the store sends: its name, at its own address (else the deployment's)."""
        address = self.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        # As email.utils.formataddr, but the name is left in Unicode: Django encodes it when it sends.
        name = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{name}" <{address}>' if re.search(r'[][\\()<>@,:;".]', name) else f"{name} <{address}>"


class StoreDomain(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True,
                              help_text=_("Host name without port, e.g. shop.example.sn"))
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(fields=["store"], condition=models.Q(is_primary=True),
                                    name="one_primary_domain_per_store"),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    CLIENT = "client", _("Client")
    VENDEUR = "vendeur", _("Salesperson")
    GESTIONNAIRE = "gestionnaire", _("Stock manager")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = (Role.VENDEUR, Role.GESTIONNAIRE, Role.ADMIN)


class Membership(models.Model):
    """A staff member's role in one store."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=20,
                            choices=[(r.value, r.label) for r in STAFF_ROLES])
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["store", "user"], name="one_membership_per_store_user")]

    def __str__(self):
        return f"{self.user} @ {self.store} ({self.get_role_display()})"


class StoreOwnedQuerySet(models.QuerySet):
    """Every store-owned model's manager: reads are scoped explicitly."""

    def for_store(self, store):
        return self.filter(store=store)
