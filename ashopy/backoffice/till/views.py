"""The till page (caisse) under /staff/till/, for the store's vendeurs, gestionnaires and admins.

The page is a shell: till.js does the work through the POS API (/api/v1/pos/: sessions, cash
movements, sales with an Idempotency-Key, the closing count), which decides everything. These views
only give it what it starts from: the store's tills, the till with its open session, the coins and
notes of the store's currency, the discount the cashier's role may give, and the catalogue it
caches in IndexedDB so that cash and card sales go on when the server cannot be reached.

Another store's till is a 404, like an unknown id. The service worker is served from here (not from
/static/) so that its scope covers the till's pages.
"""

from pathlib import Path

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ashopy.payments.providers import get as provider_of
from ashopy.pos.denominations import COINS, NOTES
from ashopy.pos.models import PaymentMethod, Till, TillSession
from ashopy.pos.services import MAX_DISCOUNT_PERCENT, SESSION_MAX_AGE
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import SALES_ROLES

from .catalogue import exponent, till_catalogue
from .refund import refund_config

ID_MAX = 2**63 - 1
WORKER = Path(__file__).resolve().parent / "worker.js"
# The page offers each mobile-money service only when the store is configured for it (the API refuses
# the others).
MOBILE_METHODS = ("wave", "orange_money")


# What till.js says, translated here (French typography: a no-break space before « : ; ? ! »).
TEXT = {
    "online": _("Online"),
    "offline": _("Offline"),
    "pending_count": _("Waiting to be sent: {n}"),
    "waiting": _("waiting to be sent"),
    "refused": _("Refused by the server:"),
    "server_error": _("The server could not answer. Try again."),
    "catalogue_loaded": _("{n} products, prices of {date}"),
    "no_catalogue": _("The catalogue could not be loaded: connect this till to the network once."),
    "no_stock_here": _("“{product}”: no unit left in this till's stock."),
    "unknown_code": _("No product with the code {code}."),
    "in_stock": _("{n} in stock"),
    "quantity_of": _("Quantity of {product}"),
    "less": _("One less"),
    "more": _("One more"),
    "remove": _("Remove"),
    "line_discount": _("Line discount"),
    "line_discount_of": _("Discount on {product}"),
    "line_discount_shown": _("discount {percent} % ({reason})"),
    "ticket_discount": _("Ticket discount"),
    "ticket_discount_shown": _("Ticket discount: {percent} % ({reason})"),
    "bad_percent": _("Enter a percentage between 0 and 100."),
    "discount_max": _("Your role may give at most {max} %: ask a manager."),
    "reason_needed": _("Give the discount's reason."),
    "no_customer": _("No customer"),
    "amount_of": _("Amount paid by {method}"),
    "bad_amount": _("Enter a positive amount in the store's currency."),
    "mobile_title": _("{method}: {amount}"),
    "mobile_creating": _("Creating the payment request…"),
    "mobile_waiting": _("The customer scans the code and pays. Expires in {time}."),
    "mobile_needs_network": _("Mobile money and store credit need the network."),
    "mobile_failed": _("The payment failed."),
    "mobile_cancelled": _("The payment was cancelled."),
    "mobile_expired": _("The payment request expired."),
    "credit_unknown": _("No credit note with this number."),
    "credit_empty": _("Nothing remains on this credit note."),
    "needs_network": _("This needs the network: try again when the till is online."),
    "cash_recorded": _("Cash movement of {amount} recorded."),
    "send_pending_first": _("Send the sales waiting to be sent before closing the session."),
    "session_info": _("Session opened by {cashier} on {date}"),
    "no_session": _("No open session"),
    "code_shown": _("Code {code}"),
    "code_needs_network": _("A promo code needs the network: remove it to keep this sale on the device, or wait "
                            "for the connection."),
    "customer_existing": _("An account already has this e-mail address: {name}, a customer of the store, is "
                           "chosen."),
}


def _open_sessions():
    return Prefetch("sessions", TillSession.objects.filter(state=TillSession.State.OPEN).select_related("cashier"),
                    to_attr="open_sessions")


def till_of(request, till_id: int) -> Till:
    till = (Till.objects.for_store(request.store).filter(pk=till_id).select_related("warehouse")
            .prefetch_related(_open_sessions()).first() if till_id <= ID_MAX else None)
    if till is None:
        raise Http404
    till.store = request.store  # read among the store's tills: no query for it
    return till


@require_safe
@store_staff_required(SALES_ROLES)
def till_list(request):
    """The store's tills, each with its open session (who opened it, when)."""
    tills = (Till.objects.for_store(request.store).select_related("warehouse").prefetch_related(_open_sessions())
             .order_by("code"))
    return render(request, "backoffice/till/till_list.html", {"tills": tills})


@require_safe
@store_staff_required(SALES_ROLES)
def till_page(request, till_id):
    till = till_of(request, till_id)
    store = request.store
    session = till.open_sessions[0] if till.open_sessions else None
    methods = [{"code": code, "label": str(label)} for code, label in PaymentMethod.choices]
    config = {
        "till": {"id": till.pk, "code": till.code, "name": till.name},
        "session": None if session is None else {
            "id": session.pk, "opened_at": session.opened_at.isoformat(), "cashier": str(session.cashier),
            "too_old": timezone.now() - session.opened_at > SESSION_MAX_AGE},
        "currency": store.currency,
        "coins": list(COINS.get(store.currency, ())), "notes": list(NOTES.get(store.currency, ())),
        "max_discount": str(MAX_DISCOUNT_PERCENT.get(request.staff_role, 0)),
        "methods": methods,
        "mobile_money": [code for code in MOBILE_METHODS if provider_of(store, code) is not None],
        "exponent": exponent(store.currency),
        "csrf": get_token(request),
        "text": {key: str(value) for key, value in TEXT.items()},
        "urls": {
            "api": "/api/v1/pos/",
            "customers": "/api/v1/staff/customers/",
            "catalogue": reverse("staff_till:catalogue", args=[till.pk]),
            "worker": reverse("staff_till:service_worker"),
            "receipt": "/staff/pos/tickets/0/receipt/",
            "tills": reverse("staff_till:till_list"),
        },
    }
    config["refund"] = refund_config(store)  # read by till-refund.js (refunds and exchanges)
    return render(request, "backoffice/till/till_page.html", {"till": till, "session": session, "config": config})


@require_safe
@store_staff_required(SALES_ROLES)
def catalogue(request, till_id):
    """What the till sells, as JSON, in a fixed number of queries whatever the catalogue's size."""
    till = till_of(request, till_id)
    return JsonResponse(till_catalogue(till))


@require_safe
@never_cache
def service_worker(request):
    """The till's service worker (it keeps the page's shell and static files for a reload offline)."""
    response = HttpResponse(WORKER.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("staff_till:till_list")
    return response
