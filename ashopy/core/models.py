"""Infrastructure rows shared by every app (no business data lives in core)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One domain event to deliver to one durable consumer (see core/events.py).

    Written in the transaction that caused the event, so it exists exactly when that commits.
    """

    event = models.CharField(_("event"), max_length=64)
    consumer = models.CharField(_("consumer"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True),
                                name="outbox_pending")]

    def __str__(self):
        return f"{self.event} → {self.consumer}"
