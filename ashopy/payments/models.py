"""Payment attempts and the provider events that moved them."""

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.core.money import ZERO
from ashopy.orders.models import AMOUNT, Order
from ashopy.stores.models import Store, StoreOwnedQuerySet


class Payment(models.Model):
    """One attempt to pay one order (or, without an order, one till request) with one provider."""

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Waiting for the customer")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("payment", "Expired")
        REFUNDED = "refunded", _("Refunded")

    OPEN = (Status.CREATED, Status.PENDING)

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="payments")
    # None: a payment that belongs to no order (a till's mobile-money request, see `services.on_detached_outcome`).
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments",
                              null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=30)
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CREATED)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    verification_token = models.CharField(_("verification key"), max_length=255, blank=True)
    redirect_url = models.URLField(_("payment page link"), max_length=2000, blank=True)
    instructions = models.TextField(_("payment instructions"), blank=True)
    data = models.JSONField(_("provider data"), default=dict, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), **AMOUNT, default=ZERO)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                                   name="payment_refund_within_amount"),
        ]

    def __str__(self):
        return self.reference


class PaymentEventQuerySet(models.QuerySet):
    def record_once(self, *, payment: Payment, provider: str, event_id: str, outcome: str, payload: dict):
        """Insert the event unless (provider, event id) is known: the new event, or None for a replay.

        A savepoint around the INSERT: the unique constraint refuses a duplicate (a concurrent one
        waits for the first to commit, then is refused) without breaking the caller's transaction.
        """
        try:
            with transaction.atomic():
                return self.create(payment=payment, provider=provider, event_id=event_id, outcome=outcome,
                                   payload=payload)
        except IntegrityError:
            if not self.filter(provider=provider, event_id=event_id).exists():
                raise  # another constraint refused it: not a replay
            return None


class PaymentEvent(models.Model):
    """A provider notification as received: each (provider, event id) is processed once."""

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.CASCADE, null=True, blank=True,
                                related_name="events")
    provider = models.CharField(_("provider"), max_length=30)
    event_id = models.CharField(_("provider's event ID"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=12)
    payload = models.JSONField(_("provider data"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = PaymentEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_once")]

    def __str__(self):
        return f"{self.provider}:{self.event_id}"
