"""Stock stays right when many buyers, staff and sweepers act at once: real threads, real PostgreSQL.

Each thread has its own database connection (Django's are per thread) and closes it at the end;
a barrier starts them together so that they really collide on the same rows.
"""

import io
import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from ashopy.core.errors import DomainError
from ashopy.inventory import reservations, services
from ashopy.inventory.errors import InsufficientStock, ReservationClosed
from ashopy.inventory.models import Reservation, ReservationLine, Stock, StockMovement
from ashopy.inventory.reservations import Line
from ashopy.inventory.selectors import stock_discrepancies
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_rows_sane():
    """0 ≤ reserved ≤ on_hand on every stock row (the CHECKs guarantee it; we read it back)."""
    for on_hand, reserved in Stock.objects.values_list("on_hand", "reserved"):
        assert 0 <= reserved <= on_hand, (on_hand, reserved)


def held(variant) -> int:
    return Stock.objects.filter(variant=variant).aggregate(total=Sum("reserved"))["total"] or 0


def on_hand(variant) -> int:
    return Stock.objects.filter(variant=variant).aggregate(total=Sum("on_hand"))["total"] or 0


@pytest.fixture
def main(store):
    return factories.warehouse(store, "main", priority=1)


@pytest.fixture
def shop(store):
    return factories.warehouse(store, "shop", priority=2, kind="shop")


def variant_of(store, name):
    return factories.product(store, name, price="1000").variants.get()


@pytest.mark.parametrize("split", [(20,), (12, 8)], ids=["one-warehouse", "two-warehouses"])
def test_32_buyers_of_20_units_exactly_20_get_one(store, main, shop, split):
    variant = variant_of(store, "Clé USB")
    for warehouse, quantity in zip((main, shop), split, strict=False):
        factories.receive(variant, quantity, warehouse_=warehouse)

    def buy(index):
        try:
            return reservations.reserve(store=store, lines=[Line(variant.pk, 1)], owner=f"cart:{index}").pk
        except InsufficientStock as refused:
            assert refused.requested == 1 and refused.available == 0
            return None

    outcomes = run_together(32, buy)
    won = [pk for pk in outcomes if pk is not None]
    assert len(won) == 20 and outcomes.count(None) == 12
    assert held(variant) == 20 and on_hand(variant) == 20
    assert ReservationLine.objects.filter(reservation__pk__in=won).aggregate(total=Sum("quantity"))["total"] == 20
    assert Reservation.objects.count() == 20
    assert_rows_sane()
    assert stock_discrepancies() == []


def test_multi_line_holds_in_opposite_orders_never_deadlock(store, main, shop):
    """8 threads × 25 holds of the same two variants, half listing them A-B, half B-A; the main
    warehouse is small, so allocations spill into the shop and split as stock comes and goes."""
    first, second = variant_of(store, "Écran"), variant_of(store, "Clavier")
    for variant in (first, second):
        factories.receive(variant, 10, warehouse_=main)
        factories.receive(variant, 1000, warehouse_=shop)

    def hold_and_settle(index):
        settled = Counter()
        for turn in range(25):
            lines = [Line(first.pk, 3), Line(second.pk, 2)]
            if (index + turn) % 2:
                lines.reverse()
            reservation = reservations.reserve(store=store, lines=lines, owner=f"order:{index}-{turn}")
            if turn % 3 == 0:
                reservations.consume(reservation=reservation, reference=f"CMD-{index}-{turn}")
                settled["consumed"] += 1
            else:
                reservations.release(reservation=reservation)
                settled["released"] += 1
        return settled

    totals = sum(run_together(8, hold_and_settle), Counter())
    assert totals["consumed"] + totals["released"] == 200
    consumed = totals["consumed"]
    assert (held(first), held(second)) == (0, 0)
    assert (on_hand(first), on_hand(second)) == (1010 - 3 * consumed, 1010 - 2 * consumed)
    assert Reservation.objects.filter(state="consumed").count() == consumed
    assert Reservation.objects.filter(state="released").count() == 200 - consumed
    sold = StockMovement.objects.filter(reason="sale").values("variant").annotate(units=Sum("quantity"))
    assert {row["variant"]: row["units"] for row in sold} == {first.pk: -3 * consumed, second.pk: -2 * consumed}
    assert_rows_sane()
    assert stock_discrepancies() == []


EXPECTED_REFUSALS = (DomainError,)  # InsufficientStock, BelowReserved, ReservationClosed …


class Driver:
    """One thread's random walk over the stock operations, with its own seeded generator."""

    def __init__(self, store, variants, warehouses, seed):
        self.store, self.variants, self.warehouses = store, variants, warehouses
        self.random = random.Random(seed)
        self.mine: list[Reservation] = []
        self.done = Counter()

    def step(self):
        operation = self.random.choice(["reserve", "reserve", "release", "consume", "adjust", "transfer",
                                         "count", "expire", "receive"])
        try:
            getattr(self, operation)()
            self.done[operation] += 1
        except EXPECTED_REFUSALS:
            self.done[f"{operation} refused"] += 1
        assert_rows_sane()

    def _variant(self):
        return self.random.choice(self.variants)

    def _warehouse(self):
        return self.random.choice(self.warehouses)

    def reserve(self):
        lines = [Line(variant.pk, self.random.randint(1, 4))
                 for variant in self.random.sample(self.variants, self.random.randint(1, 3))]
        ttl = timedelta(seconds=-1) if self.random.random() < 0.25 else timedelta(minutes=15)
        self.mine.append(reservations.reserve(store=self.store, lines=lines, owner="cart:driver", ttl=ttl))

    def _take_mine(self):
        if not self.mine:
            raise ReservationClosed(state="none")
        return self.mine.pop(self.random.randrange(len(self.mine)))

    def release(self):
        reservations.release(reservation=self._take_mine())

    def consume(self):
        reservations.consume(reservation=self._take_mine(), reference="CMD")

    def adjust(self):
        services.adjust(store=self.store, variant=self._variant(), warehouse=self._warehouse(),
                        quantity_change=self.random.choice([-3, -1, 2, 5]), note="casse / retrouvé")

    def transfer(self):
        source, destination = self.random.sample(self.warehouses, 2)
        services.transfer(store=self.store, variant=self._variant(), source=source, destination=destination,
                          quantity=self.random.randint(1, 5))

    def count(self):
        services.count(store=self.store, variant=self._variant(), warehouse=self._warehouse(),
                       counted=self.random.randint(0, 30), note="inventaire")

    def expire(self):
        reservations.expire_reservations(limit=self.random.randint(1, 10))

    def receive(self):
        services.receive(store=self.store, variant=self._variant(), warehouse=self._warehouse(),
                         quantity=self.random.randint(1, 10))


@pytest.mark.parametrize("seed", [7, 2024])
def test_a_random_mix_of_operations_keeps_stock_ledger_and_holds_in_agreement(store, main, shop, seed):
    variants = [variant_of(store, name) for name in ("Souris", "Casque", "Chargeur")]
    for variant in variants:
        factories.receive(variant, 15, warehouse_=main)
    factories.receive(variants[0], 5, warehouse_=shop)  # the others' shop rows appear on first use

    def walk(index):
        driver = Driver(store, variants, [main, shop], seed=seed * 100 + index)
        for _ in range(60):
            driver.step()
        return driver.done

    done = sum(run_together(4, walk), Counter())
    assert done["reserve"] and done["consume"] and done["transfer"] and done["count"], done
    reservations.expire_reservations(limit=10_000)
    assert_rows_sane()
    assert stock_discrepancies() == []
    sold = -(StockMovement.objects.filter(reason="sale").aggregate(total=Sum("quantity"))["total"] or 0)
    consumed = (ReservationLine.objects.filter(reservation__state="consumed")
                .aggregate(total=Sum("quantity"))["total"] or 0)
    assert sold == consumed
    active = ReservationLine.objects.filter(reservation__state="active").aggregate(total=Sum("quantity"))["total"]
    assert (Stock.objects.aggregate(total=Sum("reserved"))["total"] or 0) == (active or 0)


def _released_by_command(batch: int) -> int:
    total = 0
    while True:
        out = io.StringIO()
        call_command("cleanup_reservations", batch=batch, stdout=out)
        released = int(re.search(r"released (\d+)", out.getvalue()).group(1))
        if not released:
            return total
        total += released


def test_two_cleanup_runners_release_each_expired_hold_exactly_once(store, main):
    """300 lapsed holds over three variants in every combination, so that consecutive holds touch
    the stock rows in changing orders; 25 running holds keep their units."""
    variants = [variant_of(store, name) for name in ("Câble", "Adaptateur", "Hub")]
    for variant in variants:
        factories.receive(variant, 400, warehouse_=main)
    subsets = [[2], [0, 2], [1], [2, 1, 0], [0], [1, 2], [0, 1]]
    lapsed = [reservations.reserve(store=store, lines=[Line(variants[i].pk, 1) for i in subsets[n % len(subsets)]],
                               owner=f"cart:{n}", ttl=timedelta(seconds=-1)).pk for n in range(300)]
    for n in range(25):  # still running: must keep their units
        reservations.reserve(store=store, lines=[Line(variants[0].pk, 2)], owner=f"order:{n}")

    def sweep(index):
        if index == 0:
            return _released_by_command(batch=20)
        total = 0
        while released := reservations.expire_reservations(limit=15):
            total += released
        return total

    counts = run_together(2, sweep)
    assert sum(counts) == 300, counts  # each one released once, by one runner
    states = Counter(Reservation.objects.filter(pk__in=lapsed).values_list("state", flat=True))
    assert states == {"expired": 300}
    assert [held(variant) for variant in variants] == [50, 0, 0]
    assert Reservation.objects.filter(state="active").count() == 25
    assert not StockMovement.objects.exclude(reason="receipt").exists()
    assert stock_discrepancies() == []


def test_consume_racing_expiry_has_exactly_one_winner(store, main):
    variant = variant_of(store, "Batterie")
    factories.receive(variant, 40, warehouse_=main)
    winners = Counter()
    for round_ in range(30):
        reservation = reservations.reserve(store=store, lines=[Line(variant.pk, 1)], owner=f"checkout:{round_}",
                                       ttl=timedelta(seconds=-1))

        def race(index, reservation=reservation):
            if index == 0:
                try:
                    reservations.consume(reservation=Reservation.objects.get(pk=reservation.pk), reference="PAY")
                    return "consumed"
                except ReservationClosed:
                    return None
            return "expired" if reservations.expire_reservations() else None

        outcome = [result for result in run_together(2, race) if result]
        assert len(outcome) == 1, outcome
        assert Reservation.objects.get(pk=reservation.pk).state == outcome[0]
        winners[outcome[0]] += 1
    assert held(variant) == 0
    assert on_hand(variant) == 40 - winners["consumed"]
    assert StockMovement.objects.filter(reason="sale").count() == winners["consumed"]
    assert stock_discrepancies() == []


def test_a_sale_that_fails_halfway_leaves_the_hold_intact(store, main):
    """consume is two statements (close the hold and lock its rows; move the stock and write the ledger).

    Called outside any transaction, they still commit together: when the second fails (here the
    database refuses the ledger row), the reservation is still active and the stock untouched.
    """
    variant = variant_of(store, "Casque")
    services.receive(store=store, variant=variant, warehouse=main, quantity=5)
    hold = reservations.reserve(store=store, lines=[Line(variant.pk, 2)], owner="order:halfway")
    table = StockMovement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION refuse_movement() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'ledger refused'; END $$")
        cursor.execute(f"CREATE TRIGGER refuse_movement BEFORE INSERT ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_movement()")
    try:
        with pytest.raises(Exception, match="ledger refused"):
            reservations.consume(reservation=hold, reference="CMD-HALFWAY")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER refuse_movement ON {table}")
            cursor.execute("DROP FUNCTION refuse_movement()")
    hold.refresh_from_db()
    assert hold.state == Reservation.State.ACTIVE
    assert (on_hand(variant), held(variant)) == (5, 2)
    reservations.consume(reservation=hold, reference="CMD-HALFWAY")
    assert (on_hand(variant), held(variant)) == (3, 0)
