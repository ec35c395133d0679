"""Catalogue promotions (automatic, they change the shown price) and promo codes (entered at the cart).

A promotion plugs into the price resolver (`pricing.hooks`); a code is applied to a cart and counted
through its redemptions: `held` when an order carrying it is placed (the code's row locked in the
order's transaction), `confirmed` when that order is paid, `released` when it is not. The orders app
sits above this one: a redemption names its order by id.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.models import Partner
from ashopy.catalog.models import Brand, Category, Product, Variant
from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class Promotion(models.Model):
    """A catalogue promotion: an amount off the unit price of the products in its scope, for its audience."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        AMOUNT = "amount", _("Amount off")
        FIXED_PRICE = "fixed_price", _("Fixed price")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        SEGMENTS = "segments", _("Customer segments")
        PARTNERS = "partners", _("Partners")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="promotions")
    name = models.CharField(_("name"), max_length=120, help_text=_("Shown to customers beside the price."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("value"), **AMOUNT,
                                help_text=_("The percentage, the amount off per unit, or the unit price."))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.IntegerField(_("priority"), default=0, help_text=_("The highest applies first."))
    exclusive = models.BooleanField(
        _("exclusive"), default=False,
        help_text=_("Does not combine with partner or segment discounts: the customer gets the better price."))
    products = models.ManyToManyField(Product, verbose_name=_("products"), blank=True, related_name="+")
    variants = models.ManyToManyField(Variant, verbose_name=_("variants"), blank=True, related_name="+")
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="+",
                                        help_text=_("Their sub-categories are included."))
    brands = models.ManyToManyField(Brand, verbose_name=_("brands"), blank=True, related_name="+")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    partners = models.ManyToManyField(Partner, verbose_name=_("partners"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="promotion_value_not_negative"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__lte=100),
                                   name="promotion_percent_at_most_100"),
            models.CheckConstraint(condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True)
                                   | Q(ends_at__gt=F("starts_at")), name="promotion_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class PromoCode(models.Model):
    """A code a customer enters at the cart or the checkout."""

    class Kind(models.TextChoices):
        ORDER_PERCENT = "order_percent", _("Percentage off the order")
        ORDER_AMOUNT = "order_amount", _("Amount off the order")
        FREE_SHIPPING = "free_shipping", _("Free shipping")
        ITEMS_PERCENT = "items_percent", _("Percentage off chosen products")
        ITEMS_AMOUNT = "items_amount", _("Amount off chosen products")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(_("code"), max_length=40, help_text=_("Upper case; customers may type it in any case."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ORDER_PERCENT)
    value = models.DecimalField(_("value"), **AMOUNT, default=0,
                                help_text=_("The percentage or the amount, in the store's currency."))
    products = models.ManyToManyField(Product, verbose_name=_("products"), blank=True, related_name="+")
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="+",
                                        help_text=_("Their sub-categories are included."))
    minimum_amount = models.DecimalField(_("minimum order"), **AMOUNT, default=0,
                                         help_text=_("In the store's currency, goods after discounts."))
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True,
                                           help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(_("maximum uses per customer"), null=True, blank=True,
                                                        help_text=_("Empty: unlimited; 1: once per customer."))
    first_order_only = models.BooleanField(_("first order only"), default=False)
    segments = models.JSONField(_("segments"), default=list, blank=True,
                                help_text=_("Empty: every customer."))
    staff_only = models.BooleanField(_("staff only"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    batch = models.CharField(_("batch"), max_length=40, blank=True,
                             help_text=_("The prefix of a batch of single-use codes generated together."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="one_promo_code_per_store"),
            models.CheckConstraint(condition=Q(value__gte=0), name="promo_code_value_not_negative"),
            models.CheckConstraint(condition=Q(minimum_amount__gte=0), name="promo_code_minimum_not_negative"),
            models.CheckConstraint(condition=~Q(kind__in=["order_percent", "items_percent"]) | Q(value__lte=100),
                                   name="promo_code_percent_at_most_100"),
            models.CheckConstraint(condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True)
                                   | Q(ends_at__gt=F("starts_at")), name="promo_code_ends_after_start"),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class Redemption(models.Model):
    """One use of a code by one order (held at the order, confirmed at payment, released otherwise) or by one
    till ticket (confirmed at once: a till sale is paid). The till sits above this app: a use names its ticket
    by id, as it names its order."""

    class State(models.TextChoices):
        HELD = "held", _("Held")
        CONFIRMED = "confirmed", _("Confirmed")
        RELEASED = "released", _("Released")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(PromoCode, verbose_name=_("code"), on_delete=models.PROTECT,
                             related_name="redemptions")
    order_id = models.PositiveIntegerField(_("order ID"), null=True, blank=True)
    ticket_id = models.PositiveBigIntegerField(_("till ticket ID"), null=True, blank=True)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    email = models.EmailField(_("e-mail"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.HELD)
    discount = models.DecimalField(_("discount given"), **AMOUNT, default=0)
    created_at = models.DateTimeField(_("held at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("code use")
        verbose_name_plural = _("code uses")
        constraints = [
            models.UniqueConstraint(fields=["code", "order_id"], name="one_use_per_code_and_order"),
            models.UniqueConstraint(fields=["code", "ticket_id"], name="one_use_per_code_and_ticket"),
            models.CheckConstraint(condition=Q(order_id__isnull=False, ticket_id__isnull=True)
                                   | Q(order_id__isnull=True, ticket_id__isnull=False),
                                   name="redemption_by_order_or_ticket"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="redemption_discount_not_negative"),
        ]
        indexes = [models.Index(fields=["code", "state"]), models.Index(fields=["order_id"])]

    def __str__(self):
        return f"{self.code_id}:{self.order_id or f'T{self.ticket_id}'} ({self.state})"
