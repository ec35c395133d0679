"""What the back office and the staff API read of quotes: the list with its filters, one quote with everything
its page shows, the catalogue search of the editor, and each event of a quote's history in words.

The filters are the same for the web and the API (`QuoteFilters`); the list costs a fixed number of queries
whatever its length. Events keep their code and plain JSON data; `describe` turns one into a sentence in the
reader's language, so that a person never reads an internal code.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ashopy.catalog.models import Variant
from ashopy.stores.models import Store

from .errors import QuoteNotFound
from .quote_models import Quote, QuoteEvent, QuoteLine

REQUESTED = "requested"  # the event a customer's request writes (sales.quote_requests)
SEARCH_WORDS = 5
CATALOGUE_RESULTS = 20


@dataclass(frozen=True)
class QuoteFilters:
    state: str = ""
    created_after: date | None = None
    created_before: date | None = None
    customer_id: int | None = None
    requested: bool = False
    q: str = ""


def _day_start(store: Store, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(store.timezone))


def _searched(quotes: QuerySet, q: str) -> QuerySet:
    """Each word in the number, the prospect's name, company or e-mail, or the customer's name or e-mail."""
    for word in str(q or "").split()[:SEARCH_WORDS]:
        quotes = quotes.filter(
            Q(number__icontains=word) | Q(prospect_name__icontains=word) | Q(prospect_company__icontains=word)
            | Q(prospect_email__icontains=word) | Q(customer__email__icontains=word)
            | Q(customer__first_name__icontains=word) | Q(customer__last_name__icontains=word))
    return quotes


def with_request_flag(quotes: QuerySet) -> QuerySet:
    """Each quote knows whether a customer asked for it (`was_requested`), in the same query."""
    return quotes.annotate(was_requested=Exists(QuoteEvent.objects.filter(quote=OuterRef("pk"), code=REQUESTED)))


def quote_list(*, store: Store, filters: QuoteFilters | None = None) -> QuerySet[Quote]:
    """The store's quotes, drafts first then newest first, with their customer; dates are the store's days."""
    filters = filters or QuoteFilters()
    quotes = with_request_flag(Quote.objects.for_store(store).select_related("customer"))
    if filters.state in Quote.State.values:
        quotes = quotes.filter(state=filters.state)
    if filters.created_after:
        quotes = quotes.filter(created_at__gte=_day_start(store, filters.created_after))
    if filters.created_before:
        quotes = quotes.filter(created_at__lt=_day_start(store, filters.created_before) + timedelta(days=1))
    if filters.customer_id:
        quotes = quotes.filter(customer_id=filters.customer_id)
    if filters.requested:
        quotes = quotes.filter(was_requested=True)
    quotes = _searched(quotes, filters.q)
    drafts_first = Case(When(state=Quote.State.DRAFT, then=Value(0)), default=Value(1))
    return quotes.order_by(drafts_first, "-created_at", "-id")


def quote_detail(*, store: Store, pk) -> Quote:
    """One of the store's quotes with its lines, history, acceptance and order; another store's is not found."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as error:
        raise QuoteNotFound() from error
    quote = (with_request_flag(Quote.objects.for_store(store))
             .select_related("store", "customer", "order", "created_by")
             .prefetch_related(Prefetch("lines", QuoteLine.objects.order_by("position", "id")),
                               Prefetch("events", QuoteEvent.objects.select_related("user").order_by("created_at",
                                                                                                      "id")))
             .filter(pk=pk).first())
    if quote is None:
        raise QuoteNotFound()
    return quote


def acceptance_of(quote: Quote):
    """The quote's acceptance record, or None."""
    from .quote_models import QuoteAcceptance

    return QuoteAcceptance.objects.filter(quote=quote).first()


def line_of(*, quote: Quote, pk) -> QuoteLine:
    """A line of this quote (any other id, including another quote's line, is not found)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as error:
        raise QuoteNotFound() from error
    line = QuoteLine.objects.filter(quote=quote, pk=pk).first()
    if line is None:
        raise QuoteNotFound()
    return line


def catalogue_search(*, store: Store, q: str) -> list[Variant]:
    """The store's active variants whose SKU or product name holds every word (for the quote editor)."""
    words = str(q or "").split()[:SEARCH_WORDS]
    if not words:
        return []
    variants = Variant.objects.for_store(store).filter(active=True).select_related("product")
    for word in words:
        variants = variants.filter(Q(sku__icontains=word) | Q(product__name__icontains=word)
                                   | Q(name__icontains=word))
    return list(variants.order_by("product__name", "position", "id")[:CATALOGUE_RESULTS])


def describe(event: QuoteEvent) -> str:
    """The event as a sentence in the reader's language; an event this module does not know reads "Updated."."""
    data, code = event.data or {}, event.code
    if code == "created":
        if data.get("copied_from"):
            return _("Draft copied from quote %(number)s.") % {"number": data["copied_from"]}
        return pgettext("quote event", "Draft made.")
    if code == REQUESTED:
        if data.get("source") == "lot":
            return _("Requested by the customer to reserve a lot.")
        return _("Requested by the customer from their cart.")
    if code == "staff_notified":
        return _("Staff told of the request by e-mail.")
    if code == "updated":
        return _("Details changed.")
    if code == "line_added":
        return _("Line added: %(description)s.") % {"description": data.get("description", "—")}
    if code == "line_changed":
        return _("Line changed: %(description)s.") % {"description": data.get("description", "—")}
    if code == "line_removed":
        return _("Line removed: %(description)s.") % {"description": data.get("description", "—")}
    if code == "sent":
        return _("Sent with the number %(number)s.") % {"number": data.get("number", "—")}
    if code == "emailed":
        return _("Sent by e-mail.")
    if code == "withdrawn":
        if data.get("reason"):
            return _("Withdrawn by the store: %(reason)s.") % {"reason": data["reason"]}
        return _("Withdrawn by the store.")
    if code == "duplicated":
        return _("Copied into a new draft.")
    if code == "accepted":
        return _("Accepted online by the customer.")
    if code == "refused":
        return _("Refused by the customer.")
    if code == "expired":
        return _("Expired: its validity date passed without an answer.")
    if code == "converted":
        return _("Turned into an order.")
    if code == "unpaid_cancelled":
        return _("Its order %(order)s was cancelled: nothing was paid within %(days)s days.") % {
            "order": data.get("order", "—"), "days": data.get("days", "—")}
    return pgettext("quote event", "Updated.")

