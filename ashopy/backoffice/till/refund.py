"""What the till's refund screen (static backoffice/till/till-refund.js) starts from: its translated
strings, the store's time zone (tickets are listed at the store's local time) and the pages it links to.
The refund itself is the POS API's (/api/v1/pos/tickets/<id>/refund/), which decides everything."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# What till-refund.js says (French typography: a no-break space before « : ; ? ! »).
TEXT = {
    "offline_button": _("Returns need the connection"),
    "needs_network": _("Refunds and exchanges need the connection: try again when the till is online."),
    "searching": _("Searching…"),
    "no_ticket": _("No sale found."),
    "latest": _("Latest sales"),
    "found": _("Sales found: {n}"),
    "no_customer": _("No customer"),
    "ticket_title": _("Ticket {reference}"),
    "sold_on": _("Sold on {date} · {total}"),
    "sold": _("sold {n}"),
    "left": _("{n} refundable"),
    "nothing_left": _("Everything on this ticket was refunded already."),
    "quantity_of": _("Units of {product} to take back"),
    "less": _("One less"),
    "more": _("One more"),
    "choose_units": _("Choose the units to take back."),
    "estimate": _("about {amount}"),
    "to_give_back": _("To give back"),
    "method_note": _("{methods}: refunded in cash."),
    "refunded": _("Refund {reference} recorded: {amount} given back ({method})."),
    "credit_note": _("Credit note {number}"),
    "exchange_started": _("Exchange: {amount} from refund {reference} is already in the drawer for the new "
                          "sale. If the customer buys nothing, give it back in cash."),
    "exchange_tender": _("from refund {reference}"),
    "server_error": _("The server could not answer. Try again."),
}


def refund_config(store) -> dict:
    """The refund screen's part of the till page's configuration."""
    return {
        "text": {key: str(value) for key, value in TEXT.items()},
        "timezone": store.timezone,
        "credit_note_url": reverse("staff_sales:invoice_detail", args=[0]),
    }
