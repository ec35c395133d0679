"""The quote's e-mail: in the quote's language, from the store's address, with the PDF as it was stored
when the quote was sent and the link to the customer's page. Sent outside any transaction; recorded on
the quote's timeline ("emailed")."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .quote_models import Quote, QuoteEvent
from .quote_services import absolute_customer_url


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
