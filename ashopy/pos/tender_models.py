"""Mobile money at the till: a request to pay one amount with Wave or Orange Money during a session.

The request owns an order-less `payments.Payment` (the provider's attempt: its webhook, signature
check and once-only event handling are the payments app's); `mobile.py` moves the request when that
payment's status moves, and a sale takes a succeeded request once (`ticket`, unique).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.payments.models import Payment
from ashopy.stores.models import Store, StoreOwnedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class MobilePaymentRequest(models.Model):
    class Provider(models.TextChoices):
        WAVE = "wave", _("Wave")
        ORANGE_MONEY = "orange_money", _("Orange Money")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("payment", "Expired")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="mobile_payment_requests")
    session = models.ForeignKey("pos.TillSession", verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="mobile_payment_requests")
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # CASCADE: payments are deleted only by a demo rebuild (demo.commerce), which takes their requests along.
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), on_delete=models.CASCADE,
                                   related_name="till_request")
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    payment_url = models.URLField(_("payment page link"), max_length=2000, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    ticket = models.OneToOneField("pos.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="mobile_payment")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cashier"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobile payment request")
        verbose_name_plural = _("mobile payment requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="mobile_request_amount_positive"),
            models.CheckConstraint(condition=Q(ticket__isnull=True) | Q(state="succeeded"),
                                   name="mobile_request_paid_ticket_only_when_succeeded"),
        ]

    def __str__(self):
        return f"{self.provider} {self.amount} {self.currency}"
