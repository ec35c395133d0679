"""The low-stock e-mail, as a durable consumer of `stock_low` (core/events.py)."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ashopy.core import events
from ashopy.stores.models import Membership, Role

from .models import LowStockAlert


@events.consumer("stock_low", name="inventory.email.low_stock")
def email_low_stock(*, alert_id: int, **_facts) -> None:
    """E-mail one low-stock alert to the store's stock managers (and its admins), once."""
    alert = (LowStockAlert.objects.select_related("store", "stock__variant__product", "stock__warehouse")
             .filter(pk=alert_id, notified_at__isnull=True).first())
    if alert is None:
        return
    recipients = sorted(set(Membership.objects.filter(store=alert.store, role__in=(Role.GESTIONNAIRE, Role.ADMIN),
                                                      user__is_active=True).values_list("user__email", flat=True)))
    if recipients:
        with translation.override(alert.store.default_language):
            context = {"alert": alert, "stock": alert.stock, "variant": alert.stock.variant, "store": alert.store}
            send_mail(subject=render_to_string("inventory/email/low_stock_subject.txt", context).strip(),
                      message=render_to_string("inventory/email/low_stock.txt", context),
                      html_message=render_to_string("inventory/email/low_stock.html", context),
                      from_email=alert.store.email_sender, recipient_list=recipients)
    LowStockAlert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())
