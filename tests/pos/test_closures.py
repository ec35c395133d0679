"""Daily, monthly and yearly closures: calendar periods in the store's time zone, totals per VAT rate
equal to their recomputation from the tickets, the perpetual totals, once per period, chained."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ashopy.pos import closures, selling, services
from ashopy.pos.models import ChainRecord, Closure, Ticket, Till
from ashopy.pos.selling import RefundLine
from ashopy.pos.tasks import close_periods
from ashopy.pos.verification import verify_till
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=PARIS), tick=False)


@pytest.fixture
def paris_till(other_store, other_manager):
    from tests import factories

    shop = factories.warehouse(other_store, "boutique", kind="shop")
    with at(2026, 12, 30, 9):
        till = services.save_till(user=other_manager, store=other_store, code="p1", name="Caisse", warehouse=shop)
    variant = factories.product(other_store, "Carnet", price="12.50").variants.get()
    factories.receive(variant, 100, warehouse_=shop)
    return till, variant


def test_closures_follow_the_store_s_calendar_and_add_up(paris_till, other_manager):
    till, variant = paris_till
    with at(2026, 12, 30, 10):
        session = services.open_session(user=other_manager, till=till, opening_float={"20": 5})
        first = sell(session, other_manager, variant, 2)
    with at(2026, 12, 30, 23, 59, 59):  # still the 30th in Paris (22:59 UTC)
        sell(session, other_manager, variant, 1)
    with at(2026, 12, 31, 0, 0, 1):  # the 31st in Paris, the 30th in UTC
        refund = selling.record_refund(user=other_manager, session=session, ticket=first,
                                       lines=[RefundLine(first.lines.get().pk, 1)], method="cash")
        services.close_session(user=other_manager, session=session, counted={"cash": Decimal(100)})
    with at(2027, 1, 1, 0, 5):
        made = closures.close_due()
    kinds = sorted((c.kind, str(c.period_start)) for c in made)
    assert kinds == [("daily", "2026-12-30"), ("daily", "2026-12-31"), ("monthly", "2026-12-01"),
                     ("yearly", "2026-01-01")]
    day_30 = Closure.objects.get(kind="daily", period_start="2026-12-30")
    assert day_30.tickets == 2 and day_30.total == Decimal("37.50")
    assert day_30.vat == {"20.00": {"net": "31.25", "tax": "6.25", "gross": "37.50"}}
    day_31 = Closure.objects.get(kind="daily", period_start="2026-12-31")
    assert day_31.total == refund.total == Decimal("-12.50")
    year = Closure.objects.get(kind="yearly")
    assert year.total == year.year_total == year.perpetual_total == Decimal(25)
    assert year.perpetual_absolute_total == Decimal(50)  # 37.50 sold + 12.50 refunded: never lowered
    assert year.total == sum(Ticket.objects.filter(till=till).values_list("total", flat=True))
    for closure in made:  # every stored total equals its recomputation
        recomputed = closures.totals(till, closure.period_start, closure.period_end)
        assert recomputed["vat"] == closure.vat and recomputed["total"] == closure.total
    assert ChainRecord.objects.filter(till=till, kind="closure").count() == 4
    assert verify_till(Till.objects.get(pk=till.pk)).ok


def test_closing_is_idempotent_and_catches_up(paris_till, other_manager):
    till, _variant = paris_till
    with at(2027, 1, 2, 8):
        assert close_periods() == 5  # days 30, 31 and 1, December, 2026
        assert close_periods() == 0
    with at(2027, 2, 1, 0, 1):
        assert Closure.objects.filter(till=till, kind="monthly").count() == 1
        close_periods()
    assert list(Closure.objects.filter(till=till, kind="monthly").values_list("period_start", flat=True)) == [
        datetime(2026, 12, 1).date(), datetime(2027, 1, 1).date()]
    perpetual = Closure.objects.filter(till=till, kind="daily").values_list("perpetual_total", flat=True)
    assert set(perpetual) == {Decimal(0)}
    assert verify_till(Till.objects.get(pk=till.pk)).ok
