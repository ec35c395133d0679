"""Customers and staff (one user model, e-mail login), partners and addresses."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from ashopy.stores.models import Role, Store, StoreOwnedQuerySet


class Segment(models.TextChoices):
    ETUDIANT = "etudiant", _("Student")
    PROFESSIONNEL = "professionnel", _("Professional")
    ENTREPRISE = "entreprise", _("Company")
    INSTITUTION = "institution", _("Public institution")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class Partner(models.Model):
    """An organisation whose members get a special discount in one store."""

    class Kind(models.TextChoices):
        UNIVERSITE = "universite", _("University")
        ECOLE = "ecole", _("School")
        ENTREPRISE = "entreprise", _("Company")
        INSTITUTION = "institution", _("Public institution")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    discount_percent = models.DecimalField(
        _("special discount (%)"), max_digits=5, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)])

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                                   name="partner_discount_is_a_percentage"),
        ]

    def __str__(self):
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLIENT)
    # The segment that prices is only ever set by the shop; what the customer claims at sign-up is kept apart.
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, blank=True,
                               help_text=_("Empty for individuals."))
    declared_segment = models.CharField(
        _("declared segment"), max_length=20, choices=Segment.choices, blank=True,
        help_text=_("What the customer said at sign-up; it gives no discount until the shop sets the segment."))
    segment_verified_at = models.DateTimeField(_("segment verified at"), null=True, blank=True)
    segment_verified_by = models.ForeignKey(
        "self", verbose_name=_("segment verified by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")
    registered_store = models.ForeignKey(Store, verbose_name=_("registered on"), on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="registered_customers")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="members")
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_staff = models.BooleanField(_("back-office access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class Address(models.Model):
    user = models.ForeignKey(User, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("e.g. Home, Office"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    company = models.CharField(_("company"), max_length=150, blank=True)
    line1 = models.CharField(_("address"), max_length=255)
    line2 = models.CharField(_("address (continued)"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))
    phone = PhoneNumberField(_("phone"), blank=True)
    is_default_shipping = models.BooleanField(_("default shipping address"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default_shipping", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(is_default_shipping=True),
                                    name="one_default_shipping_address"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(is_default_billing=True),
                                    name="one_default_billing_address"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}, {self.line1}, {self.city}"


class CustomerNote(models.Model):
    """What a store's staff write down about one of its customers: append-only, seen by that store's staff only."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="customer_notes")
    customer = models.ForeignKey(User, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="staff_notes")
    author = models.ForeignKey(User, verbose_name=_("author"), on_delete=models.SET_NULL, null=True,
                               related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "customer", "-created_at"], name="customer_note_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="customer_note_not_empty")]

    def __str__(self):
        return f"{self.customer} @ {self.store}: {self.text[:40]}"
