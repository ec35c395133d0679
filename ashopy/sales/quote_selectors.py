"""Reading quotes: the customer's page by its link, the store's list, the customer's own, and the totals
with the options a customer ticks (the same sums the PDF, the page and the acceptance use)."""

from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from ashopy.core.money import HUNDRED, ZERO, round_money
from ashopy.payments.models import Payment
from ashopy.stores.models import Store

from .errors import QuoteNotFound, UnknownQuoteOption
from .quote_models import Quote, QuoteLine

TOKEN_LENGTH = (20, 64)


def by_token(token: str) -> Quote:
    """The quote of a customer's link (any store: the link is the secret); a draft has no page."""
    token = str(token or "")
    if not TOKEN_LENGTH[0] <= len(token) <= TOKEN_LENGTH[1]:
        raise QuoteNotFound()
    quote = (Quote.objects.select_related("store", "customer", "order", "acceptance")
             .prefetch_related(Prefetch("lines", QuoteLine.objects.order_by("position", "id")))
             .exclude(number__isnull=True).filter(token=token).first())
    if quote is None:
        raise QuoteNotFound()
    return quote


def for_store(*, store: Store, state: str = "", search: str = "") -> QuerySet[Quote]:
    """The store's quotes, newest first, with what a list shows (filters: state, number/recipient words)."""
    quotes = Quote.objects.for_store(store).select_related("customer")
    if state in Quote.State.values:
        quotes = quotes.filter(state=state)
    for word in str(search or "").split()[:5]:
        quotes = quotes.filter(Q(number__icontains=word) | Q(prospect_name__icontains=word)
                               | Q(prospect_company__icontains=word) | Q(prospect_email__icontains=word)
                               | Q(customer__email__icontains=word) | Q(customer__last_name__icontains=word))
    return quotes


def of_customer(*, store: Store, user) -> QuerySet[Quote]:
    """The customer's sent quotes in this store."""
    return Quote.objects.for_store(store).filter(customer=user, number__isnull=False)


def chosen_options(quote: Quote, options, *, lines: list[QuoteLine] | None = None) -> set[int]:
    """The optional lines' ids among `options` (ids or strings from a form); anything else is refused."""
    optional = {line.pk for line in (lines if lines is not None else quote.lines.all()) if line.optional}
    chosen = set()
    for option in options or ():
        try:
            line_id = int(option)
        except (TypeError, ValueError) as error:
            raise UnknownQuoteOption() from error
        if line_id not in optional:
            raise UnknownQuoteOption()
        chosen.add(line_id)
    return chosen


def totals_with(quote: Quote, chosen: set[int], *, lines: list[QuoteLine] | None = None) -> dict[str, Decimal]:
    """Totals of the required lines and the `chosen` optional ones, and the deposit on that total."""
    lines = lines if lines is not None else list(quote.lines.all())
    counted = [line for line in lines if not line.optional or line.pk in chosen]
    net = sum((line.net for line in counted), ZERO)
    tax = sum((line.tax for line in counted), ZERO)
    total = net + tax
    return {"total_net": net, "total_tax": tax, "total": total, "deposit": deposit_on(quote, total)}


def deposit_on(quote: Quote, total: Decimal) -> Decimal:
    """The deposit the quote asks on `total` (zero without one): its percentage, or its amount, never more."""
    if quote.deposit_percent:
        return min(round_money(total * quote.deposit_percent / HUNDRED, quote.currency), total)
    return min(quote.deposit_amount or ZERO, total)


def amount_paid(order) -> Decimal:
    """What the order's payments brought in so far (deposit and balance), refunds deducted."""
    paid = Payment.objects.filter(order=order, status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED]) \
        .aggregate(amount=Sum("amount"), refunded=Sum("refunded_amount"))
    return (paid["amount"] or ZERO) - (paid["refunded"] or ZERO)
