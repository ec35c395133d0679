"""Store credit: a credit note issued "as store credit" keeps a balance the customer spends (at the till),
instead of money given back. The balance only goes down, by recorded uses, never below zero."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class StoreCredit(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="store_credits")
    credit_note = models.OneToOneField("sales.Invoice", verbose_name=_("credit note"), on_delete=models.PROTECT,
                                       related_name="store_credit")
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    remaining = models.DecimalField(_("remaining"), **AMOUNT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("store credit")
        verbose_name_plural = _("store credits")
        constraints = [models.CheckConstraint(condition=Q(remaining__gte=0, remaining__lte=models.F("amount")),
                                              name="store_credit_remaining_within_amount")]

    def __str__(self):
        return str(self.credit_note)


class StoreCreditUse(models.Model):
    """One spending of a store credit: what it paid (a till ticket's reference)."""

    credit = models.ForeignKey(StoreCredit, verbose_name=_("store credit"), on_delete=models.PROTECT,
                               related_name="uses")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    reference = models.CharField(_("reference"), max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("store credit use")
        verbose_name_plural = _("store credit uses")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="store_credit_use_positive")]

    def __str__(self):
        return f"{self.reference}: {self.amount}"
