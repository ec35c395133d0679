"""Single-statement versions of the two hottest stock operations, for PostgreSQL.

Reserving one line from one stock row, and consuming a one-line reservation, each run as one
data-modifying ``WITH`` statement: the conditional stock UPDATE, the reservation (or ledger)
INSERTs and the state change happen together, atomically, in one round trip. Outside a
transaction the statement commits by itself, so the contended stock row is locked only while
the statement runs — not across further round trips and a COMMIT, which is what limits how
many buyers per second one best-selling SKU can serve (see bench/hot_sku.py).

Each function returns None when its statement changed nothing (stock taken meanwhile, a
reservation with several lines, or one no longer active): `services` then takes the general
path, which re-reads, retries or raises the precise error. Only `services` calls this module.
"""

from django.db import connection
from django.utils import timezone

from .models import Reservation, ReservationLine, Stock, StockMovement

_STOCK = Stock._meta.db_table
_RESERVATION = Reservation._meta.db_table
_LINE = ReservationLine._meta.db_table
_MOVEMENT = StockMovement._meta.db_table
STOCK_COLUMNS = "id, variant_id, warehouse_id, on_hand, reserved, low_stock_threshold, low_stock_alerted"

RESERVE_ONE = f"""
WITH taken AS (
    UPDATE {_STOCK} SET reserved = reserved + %(quantity)s
     WHERE id = %(stock)s AND on_hand - reserved >= %(quantity)s
 RETURNING {STOCK_COLUMNS}
), held AS (
    INSERT INTO {_RESERVATION} (store_id, owner, state, expires_at, created_at)
    SELECT %(store)s, %(owner)s, 'active', %(expires_at)s, %(now)s FROM taken
 RETURNING id
), line AS (
    INSERT INTO {_LINE} (reservation_id, stock_id, quantity)
    SELECT held.id, taken.id, %(quantity)s FROM held, taken
)
SELECT held.id, taken.* FROM held, taken
"""  # noqa: S608 (table names from the models)

CONSUME_ONE_LINE = f"""
WITH closed AS (
    UPDATE {_RESERVATION} SET state = 'consumed', closed_at = %(now)s
     WHERE id = %(reservation)s AND state = 'active'
       AND (SELECT count(*) FROM {_LINE} WHERE reservation_id = %(reservation)s) = 1
 RETURNING id, store_id, owner
), line AS (
    SELECT held.stock_id, held.quantity FROM {_LINE} held JOIN closed ON held.reservation_id = closed.id
), moved AS (
    UPDATE {_STOCK} stock SET on_hand = stock.on_hand - line.quantity, reserved = stock.reserved - line.quantity
      FROM line WHERE stock.id = line.stock_id
 RETURNING stock.id, stock.variant_id, stock.warehouse_id, stock.on_hand, stock.reserved,
           stock.low_stock_threshold, stock.low_stock_alerted, line.quantity
), logged AS (
    INSERT INTO {_MOVEMENT} (store_id, variant_id, warehouse_id, quantity, reason, reference, user_id, note,
                             balance_after, created_at)
    SELECT closed.store_id, moved.variant_id, moved.warehouse_id, -moved.quantity, 'sale',
           left(coalesce(nullif(%(reference)s, ''), closed.owner), 80), %(user)s, '', moved.on_hand, %(now)s
      FROM moved, closed
)
SELECT * FROM moved
"""  # noqa: S608 (table names from the models)


def enabled() -> bool:
    return connection.vendor == "postgresql"


def reserve_one(*, store, stock_id: int, quantity: int, owner: str, expires_at):
    """Hold `quantity` units of one stock row: (reservation, changed stock row) or None."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(RESERVE_ONE, {"quantity": quantity, "stock": stock_id, "store": store.pk, "owner": owner,
                                     "expires_at": expires_at, "now": now})
        row = cursor.fetchone()
    if row is None:
        return None
    reservation = Reservation(pk=row[0], store=store, owner=owner, state=Reservation.State.ACTIVE,
                              expires_at=expires_at, created_at=now)
    reservation._state.adding = False
    return reservation, (*row[1:], quantity)


def consume_one_line(*, reservation, reference: str, user) -> list[tuple] | None:
    """Sell a one-line reservation's units: the changed stock rows, or None if nothing was done."""
    with connection.cursor() as cursor:
        cursor.execute(CONSUME_ONE_LINE, {"reservation": reservation.pk, "now": timezone.now(),
                                          "reference": reference, "user": getattr(user, "pk", None)})
        rows = cursor.fetchall()
    return rows or None
