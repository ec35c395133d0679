"""The e-mail that tells a store's staff a customer asked for a quote (consumer of `quote_requested`).

Sent once per request: a `staff_notified` event on the quote records it, and a second delivery of the
same outbox message finds it and sends nothing.
"""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ashopy.stores.models import Membership, StoreDomain
from ashopy.stores.rules import SALES_ROLES

from . import quote_services
from .quote_models import Quote, QuoteLine


def staff_url(quote: Quote) -> str:
    """The quote's back-office page, on the store's primary domain."""
    path = reverse("staff_quotes:quote_detail", args=[quote.pk])
    domain = (StoreDomain.objects.filter(store_id=quote.store_id).order_by("-is_primary", "id")
              .values_list("domain", flat=True).first())
    if not domain:
        return path
    scheme = "http" if domain in ("testserver", "localhost") or domain.startswith("127.") else "https"
    return f"{scheme}://{domain}{path}"


def notify_staff(*, quote_id: int) -> bool:
    """E-mail the request to the store's staff who write quotes; False when there was nothing to send."""
    quote = Quote.objects.select_related("store", "customer").filter(pk=quote_id).first()
    if quote is None or quote.events.filter(code="staff_notified").exists():
        return False
    store = quote.store
    recipients = sorted(set(Membership.objects.filter(store=store, role__in=SALES_ROLES, user__is_active=True)
                            .values_list("user__email", flat=True)))
    if not recipients:
        return False
    lines = list(QuoteLine.objects.filter(quote=quote).order_by("position", "id"))
    with translation.override(store.default_language or "fr"):
        context = {"quote": quote, "store": store, "lines": lines, "customer": quote.recipient_name,
                   "email": quote.recipient_email, "url": staff_url(quote)}
        send_mail(subject=render_to_string("sales/email/quote_request_subject.txt", context).strip(),
                  message=render_to_string("sales/email/quote_request.txt", context),
                  html_message=render_to_string("sales/email/quote_request.html", context),
                  from_email=store.email_sender, recipient_list=recipients)
    quote_services.event(quote, "staff_notified", None, recipients=len(recipients))
    return True
