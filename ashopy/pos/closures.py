"""Daily, monthly and yearly closures of each till, on calendar boundaries in the store's time zone.

A closure holds, for its period, the tickets' totals per VAT rate and their total, the year's
cumulative total up to the period's end, and two perpetual totals since the till's first ticket:
the grand total (the signed sum: sales positive, refunds negative — NF525's « grand total
perpétuel », which no edit can lower since tickets are never changed, only refunded by a new one)
and the total of absolute amounts (sales plus refunds, each counted positive: it only ever grows,
so a refund cannot hide a sale from it). Every closure is chained and signed.

`close_due` is idempotent: a period is closed once (unique constraint, and the till's lock), only
once it is over, and the periods a till missed (the beat was down) are closed in order.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Abs
from django.utils import timezone

from ashopy.core.money import ZERO

from . import chain
from .models import ChainRecord, Closure, Ticket, TicketLine, Till


def _bounds(day_from: date, day_to: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Aware bounds [start of day_from, start of the day after day_to) in the store's zone."""
    return (datetime.combine(day_from, time.min, zone), datetime.combine(day_to + timedelta(days=1), time.min, zone))


def _periods(kind: str, first: date, today: date):
    """Every period of `kind` from the one holding `first`, that ended before `today`."""
    if kind == Closure.Kind.DAILY:
        day = first
        while day < today:
            yield day, day
            day += timedelta(days=1)
    elif kind == Closure.Kind.MONTHLY:
        start = first.replace(day=1)
        while True:
            following = (start + timedelta(days=32)).replace(day=1)
            if following > today:
                return
            yield start, following - timedelta(days=1)
            start = following
    else:
        year = first.year
        while date(year + 1, 1, 1) <= today:
            yield date(year, 1, 1), date(year, 12, 31)
            year += 1


def totals(till: Till, first: date, last: date) -> dict:
    """What a closure of the days `first` to `last` says, computed from the till's tickets and lines."""
    zone = ZoneInfo(till.store.timezone)
    start, end = _bounds(first, last, zone)
    year_start = datetime.combine(date(first.year, 1, 1), time.min, zone)
    lines = (TicketLine.objects.filter(ticket__till=till, ticket__created_at__gte=start, ticket__created_at__lt=end)
             .values("vat_rate").annotate(net=Sum("net"), tax=Sum("tax"), gross=Sum("gross")).order_by("vat_rate"))
    vat = {chain.rate(row["vat_rate"]): {"net": str(row["net"]), "tax": str(row["tax"]), "gross": str(row["gross"])}
           for row in lines}
    period = Ticket.objects.filter(till=till, created_at__gte=start, created_at__lt=end)
    sums = Ticket.objects.filter(till=till, created_at__lt=end).aggregate(
        perpetual=Sum("total"), absolute=Sum(Abs("total")))
    return {"tickets": period.count(), "vat": vat,
            "total": period.aggregate(total=Sum("total"))["total"] or ZERO,
            "year_total": Ticket.objects.filter(till=till, created_at__gte=year_start, created_at__lt=end)
            .aggregate(total=Sum("total"))["total"] or ZERO,
            "perpetual_total": sums["perpetual"] or ZERO, "perpetual_absolute_total": sums["absolute"] or ZERO}


@transaction.atomic
def _close(till_id: int, kind: str, first: date, last: date) -> Closure | None:
    till = chain.lock_till(till_id)
    if Closure.objects.filter(till=till, kind=kind, period_start=first).exists():
        return None
    closure = Closure.objects.create(till=till, kind=kind, period_start=first, period_end=last,
                                     created_at=chain.now_to_the_second(), **totals(till, first, last))
    chain.append(till=till, store=till.store, kind=ChainRecord.Kind.CLOSURE, object_id=closure.pk,
                 data=chain.closure_data(closure, till.store.currency), at=closure.created_at)
    return closure


def close_due(*, now: datetime | None = None) -> list[Closure]:
    """Close every period that is over for every till (ashopy itself acts: Celery beat, a command)."""
    now = now or timezone.now()
    made = []
    for till in Till.objects.select_related("store").order_by("id"):
        zone = ZoneInfo(till.store.timezone)
        today = now.astimezone(zone).date()
        first = till.created_at.astimezone(zone).date()
        done = defaultdict(set)
        for kind, period_start in Closure.objects.filter(till=till).values_list("kind", "period_start"):
            done[kind].add(period_start)
        for kind in (Closure.Kind.DAILY, Closure.Kind.MONTHLY, Closure.Kind.YEARLY):
            for period_first, period_last in _periods(kind, first, today):
                if period_first not in done[kind]:
                    closure = _close(till.pk, kind, period_first, period_last)
                    if closure is not None:
                        made.append(closure)
    return made
