"""Stock services: allocation, reservations, the ledger, and what they refuse."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ashopy.inventory import reservations, services
from ashopy.inventory.errors import (
    BelowReserved,
    InactiveWarehouse,
    InsufficientStock,
    InvalidQuantity,
    NoteRequired,
    ReservationClosed,
    SameWarehouse,
    WrongStore,
)
from ashopy.inventory.models import LowStockAlert, Reservation, Stock, StockMovement, VariantCost, Warehouse
from ashopy.inventory.reservations import Line
from ashopy.inventory.selectors import stock_discrepancies, stock_value
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouses(store):
    main = Warehouse.objects.create(store=store, code="main", name="Entrepôt", priority=1)
    shop = Warehouse.objects.create(store=store, code="shop", name="Boutique", kind="shop", priority=2)
    return main, shop


@pytest.fixture
def variant(store):
    return factories.product(store, price="1000").variants.get()


def _stock(variant, warehouse):
    return Stock.objects.get(variant=variant, warehouse=warehouse)


def test_reserve_splits_across_warehouses_by_priority_and_consume_writes_sales(store, warehouses, variant):
    main, shop = warehouses
    services.receive(store=store, variant=variant, warehouse=main, quantity=3)
    services.receive(store=store, variant=variant, warehouse=shop, quantity=5)
    reservation = reservations.reserve(store=store, lines=[Line(variant.pk, 5)], owner="order:1")
    assert (_stock(variant, main).reserved, _stock(variant, shop).reserved) == (3, 2)
    reservations.consume(reservation=reservation, reference="CMD-1")
    assert (_stock(variant, main).on_hand, _stock(variant, shop).on_hand) == (0, 3)
    sales = StockMovement.objects.filter(reason="sale").order_by("warehouse__priority")
    assert [(m.quantity, m.balance_after, m.reference) for m in sales] == [(-3, 0, "CMD-1"), (-2, 3, "CMD-1")]
    assert stock_discrepancies() == []
    with pytest.raises(ReservationClosed):
        reservations.consume(reservation=reservation)


def test_insufficient_stock_changes_nothing_and_names_the_figures(store, warehouses, variant):
    other = factories.product(store, "Souris", price="10").variants.get()
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=2)
    services.receive(store=store, variant=other, warehouse=warehouses[0], quantity=9)
    with pytest.raises(InsufficientStock) as error:
        reservations.reserve(store=store, lines=[Line(other.pk, 1), Line(variant.pk, 3)], owner="cart:x")
    assert (error.value.available, error.value.requested, error.value.variant_id) == (2, 3, variant.pk)
    assert not Reservation.objects.exists()
    assert Stock.objects.filter(reserved__gt=0).count() == 0


def test_release_and_expiry_give_units_back_once(store, warehouses, variant):
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=4)
    held = reservations.reserve(store=store, lines=[Line(variant.pk, 3)], owner="cart:a", ttl=timedelta(minutes=15))
    lapsed = reservations.reserve(store=store, lines=[Line(variant.pk, 1)], owner="cart:b", ttl=timedelta(seconds=-1))
    assert reservations.expire_reservations() == 1
    assert reservations.expire_reservations() == 0
    lapsed.refresh_from_db()
    assert lapsed.state == "expired" and _stock(variant, warehouses[0]).reserved == 3
    reservations.release(reservation=held)
    assert _stock(variant, warehouses[0]).reserved == 0
    with pytest.raises(ReservationClosed):
        reservations.release(reservation=held)
    assert reservations.expire_reservations(now=timezone.now() + timedelta(days=1)) == 0


def test_extend_pushes_the_expiry(store, warehouses, variant):
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=1)
    held = reservations.reserve(store=store, lines=[Line(variant.pk, 1)], owner="cart:a", ttl=timedelta(minutes=1))
    reservations.extend(reservation=held, ttl=timedelta(minutes=30))
    held.refresh_from_db()
    assert held.expires_at > timezone.now() + timedelta(minutes=29)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 10**9])
def test_bad_quantities_are_refused(store, warehouses, variant, quantity):
    with pytest.raises(InvalidQuantity):
        services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=quantity)
    with pytest.raises(InvalidQuantity):
        reservations.reserve(store=store, lines=[Line(variant.pk, quantity)], owner="x")
    assert not StockMovement.objects.exists()


def test_transfer_is_two_movements_and_refuses_same_or_inactive_warehouse(store, warehouses, variant):
    main, shop = warehouses
    services.receive(store=store, variant=variant, warehouse=main, quantity=5)
    out, into = services.transfer(store=store, variant=variant, source=main, destination=shop, quantity=2)
    assert (out.quantity, out.balance_after, into.quantity, into.balance_after) == (-2, 3, 2, 2)
    with pytest.raises(SameWarehouse):
        services.transfer(store=store, variant=variant, source=main, destination=main, quantity=1)
    with pytest.raises(InsufficientStock):
        services.transfer(store=store, variant=variant, source=main, destination=shop, quantity=4)
    shop.is_active = False
    shop.save()
    with pytest.raises(InactiveWarehouse):
        services.transfer(store=store, variant=variant, source=main, destination=shop, quantity=1)
    assert stock_discrepancies() == []


def test_adjust_needs_a_note_and_never_goes_below_zero_or_reserved(store, warehouses, variant):
    main = warehouses[0]
    services.receive(store=store, variant=variant, warehouse=main, quantity=5)
    with pytest.raises(NoteRequired):
        services.adjust(store=store, variant=variant, warehouse=main, quantity_change=-1, note=" ")
    with pytest.raises(InsufficientStock):
        services.adjust(store=store, variant=variant, warehouse=main, quantity_change=-6, note="casse")
    reservations.reserve(store=store, lines=[Line(variant.pk, 4)], owner="cart:a")
    with pytest.raises(BelowReserved):
        services.adjust(store=store, variant=variant, warehouse=main, quantity_change=-2, note="casse")
    movement = services.adjust(store=store, variant=variant, warehouse=main, quantity_change=-1, note="casse")
    assert movement.balance_after == 4 and movement.reason == "adjustment"


def test_count_records_the_difference_only(store, warehouses, variant):
    main = warehouses[0]
    services.receive(store=store, variant=variant, warehouse=main, quantity=5)
    assert services.count(store=store, variant=variant, warehouse=main, counted=5) is None
    movement = services.count(store=store, variant=variant, warehouse=main, counted=3, note="inventaire")
    assert (movement.quantity, movement.balance_after, movement.reason) == (-2, 3, "count")


def test_another_stores_variant_or_warehouse_is_refused(store, other_store, warehouses, variant):
    foreign = Warehouse.objects.create(store=other_store, code="paris", name="Paris")
    with pytest.raises(WrongStore):
        services.receive(store=store, variant=variant, warehouse=foreign, quantity=1)
    with pytest.raises(WrongStore):
        services.receive(store=other_store, variant=variant, warehouse=foreign, quantity=1)
    with pytest.raises(WrongStore):
        reservations.reserve(store=other_store, lines=[Line(variant.pk, 1)], owner="x")
    assert not StockMovement.objects.exists()


def test_deduct_sells_only_unreserved_units(store, warehouses, variant):
    shop = warehouses[1]
    services.receive(store=store, variant=variant, warehouse=shop, quantity=3)
    reservations.reserve(store=store, lines=[Line(variant.pk, 2)], owner="cart:a")
    with pytest.raises(InsufficientStock):
        reservations.deduct(store=store, lines=[Line(variant.pk, 2)], warehouse=shop, reference="POS-1")
    [sale] = reservations.deduct(store=store, lines=[Line(variant.pk, 1)], warehouse=shop, reference="POS-1")
    assert (sale.quantity, sale.balance_after) == (-1, 2)


def test_restock_and_weighted_average_cost(store, warehouses, variant):
    main = warehouses[0]
    services.receive(store=store, variant=variant, warehouse=main, quantity=10, unit_cost=Decimal("100"))
    services.receive(store=store, variant=variant, warehouse=main, quantity=30, unit_cost=Decimal("200"))
    assert VariantCost.objects.get(variant=variant).average_cost == Decimal("175.0000")
    services.restock(store=store, variant=variant, warehouse=main, quantity=2, reference="RET-1")
    value = stock_value(store=store)
    assert value["units"] == 42 and value["total"] == Decimal(42 * 175)


def test_low_stock_alerts_once_per_crossing(store, warehouses, variant, mailoutbox, django_capture_on_commit_callbacks):
    main = warehouses[0]
    manager = factories.staff(store, "gestionnaire", email="stock@example.com")
    services.receive(store=store, variant=variant, warehouse=main, quantity=10)
    Stock.objects.filter(variant=variant).update(low_stock_threshold=3)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            reservations.deduct(store=store, lines=[Line(variant.pk, 3)], reference="POS")
    assert LowStockAlert.objects.count() == 1 and len(mailoutbox) == 1
    assert mailoutbox[0].to == [manager.email] and variant.sku in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.receive(store=store, variant=variant, warehouse=main, quantity=10)
        reservations.deduct(store=store, lines=[Line(variant.pk, 9)], reference="POS")
    assert LowStockAlert.objects.count() == 2 and len(mailoutbox) == 2


def test_movements_are_append_only(store, warehouses, variant):
    movement = services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=1)
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        movement.delete()
    with pytest.raises(TypeError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=5)


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_the_ledger(store, warehouses, variant):
    from django.db import connection

    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockmovement SET quantity = 7")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_stockmovement")


def test_database_checks_guard_stock_rows(store, warehouses, variant):
    services.receive(store=store, variant=variant, warehouse=warehouses[0], quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(variant=variant).update(reserved=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(variant=variant).update(on_hand=-1, reserved=0)


def _direct_sales(store, warehouses, make_variant):
    """A day at the counter: single and multi-line sales, from the shop or by priority, one refused for
    reserved units; what every stock row and the ledger say afterwards."""
    main, shop = warehouses
    first, second = make_variant("A"), make_variant("B")
    for variant, (in_main, in_shop) in ((first, (4, 3)), (second, (0, 6))):
        services.receive(store=store, variant=variant, warehouse=main, quantity=in_main) if in_main else None
        services.receive(store=store, variant=variant, warehouse=shop, quantity=in_shop)
    reservations.reserve(store=store, lines=[Line(first.pk, 2)], owner="cart:a")
    sales = [[Line(first.pk, 1)], [Line(first.pk, 2), Line(second.pk, 3)], [Line(second.pk, 9)],
             [Line(first.pk, 1)], [Line(second.pk, 2), Line(second.pk, 1)]]
    outcomes = []
    for number, lines in enumerate(sales):
        try:
            moved = reservations.deduct(store=store, lines=lines, warehouse=shop if number % 2 else None,
                                        reference=f"POS-{number}")
            outcomes.append(sorted((m.variant_id == first.pk, m.warehouse_id == main.pk, m.quantity, m.balance_after)
                                   for m in moved))
        except InsufficientStock:
            outcomes.append("refused")
    rows = sorted((s.variant_id == first.pk, s.warehouse_id == main.pk, s.on_hand, s.reserved)
                  for s in Stock.objects.filter(variant__in=[first, second]))
    ledger = sorted((m.variant_id == first.pk, m.warehouse_id == main.pk, m.quantity, m.balance_after, m.reference)
                    for m in StockMovement.objects.filter(variant__in=[first, second], reason="sale"))
    return outcomes, rows, ledger


def test_the_set_based_deduct_does_what_the_plain_one_does(store, warehouses, monkeypatch):
    """The PostgreSQL statements of `deduct` (inventory.fastpath) against the ORM form every other database
    runs: the same sales, refusals, stock rows and ledger."""
    from ashopy.inventory import fastpath

    assert fastpath.enabled(), "the suite runs on PostgreSQL"
    fast = _direct_sales(store, warehouses, lambda sku: factories.product(store, f"Fast {sku}").variants.get())
    monkeypatch.setattr(fastpath, "enabled", lambda: False)
    plain = _direct_sales(store, warehouses, lambda sku: factories.product(store, f"Plain {sku}").variants.get())
    assert fast == plain
    outcomes, _rows, ledger = fast
    assert outcomes.count("refused") == 1 and len(ledger) == 5
