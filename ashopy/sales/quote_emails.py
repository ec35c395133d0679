"""The quote's e-mails. To the customer: in the quote's language, from the store's address, with the PDF
as it was stored when the quote was sent and the link to the customer's page, recorded on the quote's
timeline ("emailed"). To the store: the customer's answer (accepted or refused), to whoever wrote the
quote and the store's managers. Sent outside any transaction."""

import logging
from smtplib import SMTPException

from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from django.utils import translation

from ashopy.stores.models import Membership, Role

from .quote_models import Quote, QuoteEvent
from .quote_services import absolute_customer_url

logger = logging.getLogger(__name__)


def send_quote_email(*, quote: Quote, user=None) -> None:
    """E-mail the sent quote to its customer or prospect."""
    store = quote.store
    recipients = [quote.buyer.get("email") or quote.recipient_email]
    with translation.override(quote.language):
        context = {"quote": quote, "store": store, "seller": quote.seller.get("trade_name") or store.name,
                   "buyer": quote.buyer.get("name") or quote.buyer.get("company") or "",
                   "link": absolute_customer_url(quote)}
        message = EmailMultiAlternatives(
            subject=render_to_string("sales/email/quote_subject.txt", context).strip(),
            body=render_to_string("sales/email/quote.txt", context),
            from_email=store.email_sender, to=recipients, reply_to=[store.email] if store.email else None)
        message.attach_alternative(render_to_string("sales/email/quote.html", context), "text/html")
    with quote.pdf.open("rb") as stored:
        message.attach(f"{quote.number}.pdf", stored.read(), "application/pdf")
    message.send()
    QuoteEvent.objects.create(quote=quote, code="emailed", user=user, data={"recipients": recipients})


def staff_recipients(quote: Quote) -> list[str]:
    """Whoever wrote the quote, and the store's managers and administrators (else the store's address)."""
    emails = set(Membership.objects.filter(store_id=quote.store_id, role__in=(Role.GESTIONNAIRE, Role.ADMIN),
                                           user__is_active=True).values_list("user__email", flat=True))
    if quote.created_by_id and quote.created_by.is_active:
        emails.add(quote.created_by.email)
    return sorted(emails) or ([quote.store.email] if quote.store.email else [])


def tell_staff(*, quote: Quote) -> None:
    """The customer accepted or refused the quote: the store hears of it. The answer is already recorded,
    so a mail server that refuses is logged, not raised to the customer."""
    quote = Quote.objects.select_related("store", "created_by", "order", "acceptance").get(pk=quote.pk)
    recipients = staff_recipients(quote)
    if not recipients:
        return
    with translation.override(quote.store.default_language or "fr"):
        context = {"quote": quote, "buyer": quote.buyer.get("company") or quote.buyer.get("name")
                   or quote.recipient_email}
        subject = render_to_string("sales/email/quote_answered_subject.txt", context).strip()
        body = render_to_string("sales/email/quote_answered.txt", context)
    try:
        send_mail(subject=subject, message=body, from_email=quote.store.email_sender, recipient_list=recipients)
    except (SMTPException, OSError):
        logger.exception("The store could not be told that quote %s was answered.", quote.number)
