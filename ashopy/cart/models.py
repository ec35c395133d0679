"""Carts: what a visitor or a customer means to buy in one store. A cart holds no stock;
units are reserved only when the customer proceeds to payment."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ashopy.catalog.models import Variant
from ashopy.promotions.models import PromoCode
from ashopy.stores.models import Store, StoreOwnedQuerySet


class Cart(models.Model):
    """A customer's cart (one per store) or a visitor's, found through the session or `token` (API)."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="carts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="carts")
    token = models.UUIDField(_("access key"), default=uuid.uuid4, unique=True, editable=False)
    promo_code = models.ForeignKey(PromoCode, verbose_name=_("promo code"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [models.UniqueConstraint(fields=["store", "user"], condition=Q(user__isnull=False),
                                               name="one_cart_per_customer_and_store")]

    def __str__(self):
        return f"{self.store_id}:{self.user_id or self.token}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_cart_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"
