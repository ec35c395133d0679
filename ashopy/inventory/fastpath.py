"""Set-based statements for the two hottest stock operations, for PostgreSQL.

Holding a reservation's lines, consuming a reservation and a direct sale (`deduct`: the till) each
cost two statements, whatever the number of lines: the first locks the stock rows in id order (so two
multi-line orders never deadlock) and returns them as the last committed change left them; the second changes them all
and writes the reservation lines (or the ledger). A hold or a direct sale that changes one row reads
it without a lock and takes the units with one conditional UPDATE, so the row is locked one statement later.
Callers make these the last statements of their transaction, so a best-selling SKU's row stays
locked for at most two round trips and a COMMIT — which is what bounds how many buyers per
second that SKU can serve (bench/hot_sku.py, bench/checkout.py).

Why two and not one: in a single statement that locks a row with FOR UPDATE and then updates it,
PostgreSQL computes the new values from the statement's snapshot, not from the version it locked —
a change committed meanwhile would be lost. The second statement takes a new snapshot, which sees
every committed change to rows that are now ours.

Only `reservations` calls this module.
"""

from django.db import connection
from django.utils import timezone

from .changes import StockChange, returning, run
from .models import Reason, Reservation, ReservationLine, Stock, StockMovement

_STOCK = Stock._meta.db_table
_RESERVATION = Reservation._meta.db_table
_LINE = ReservationLine._meta.db_table
_MOVEMENT = StockMovement._meta.db_table
CHANGED = f"{returning('stock')}, change.quantity"

TAKE = f"""
WITH change (stock_id, quantity) AS (
    SELECT * FROM unnest(%(stocks)s::bigint[], %(quantities)s::integer[])
), taken AS (
    UPDATE {_STOCK} stock SET reserved = stock.reserved + change.quantity
      FROM change WHERE stock.id = change.stock_id AND stock.on_hand - stock.reserved >= change.quantity
 RETURNING {CHANGED}
), held AS (
    INSERT INTO {_LINE} (reservation_id, stock_id, quantity)
    SELECT %(reservation)s, taken.id, taken.quantity FROM taken
)
SELECT * FROM taken
"""  # noqa: S608 (table names from the models)

# The reservation closes (active → consumed) and its stock rows are locked in id order. No row:
# it was not active (a reservation always holds at least one line).
CLOSE = f"""
WITH closed AS (
    UPDATE {_RESERVATION} SET state = 'consumed', closed_at = %(now)s
     WHERE id = %(reservation)s AND state = 'active'
 RETURNING id
)
SELECT held.stock_id, held.quantity
  FROM closed
  JOIN {_LINE} held ON held.reservation_id = closed.id
  JOIN {_STOCK} stock ON stock.id = held.stock_id
 ORDER BY stock.id
   FOR UPDATE OF stock
"""  # noqa: S608 (table names from the models)

# Both counters go down by the held quantity; one sale movement per row records the balance after.
SELL = f"""
WITH change (stock_id, quantity) AS (
    SELECT * FROM unnest(%(stocks)s::bigint[], %(quantities)s::integer[])
), moved AS (
    UPDATE {_STOCK} stock SET on_hand = stock.on_hand - change.quantity, reserved = stock.reserved - change.quantity
      FROM change WHERE stock.id = change.stock_id
 RETURNING {CHANGED}
), logged AS (
    INSERT INTO {_MOVEMENT} (store_id, variant_id, warehouse_id, quantity, reason, reference, user_id, note,
                             balance_after, created_at)
    SELECT %(store)s, moved.variant_id, moved.warehouse_id, -moved.quantity, 'sale', %(reference)s, %(user)s, '',
           moved.on_hand, %(now)s
      FROM moved
)
SELECT * FROM moved
"""  # noqa: S608 (table names from the models)

# A direct sale: on_hand goes down where the unreserved units still cover it, and each changed row
# gets its sale movement; the stock rows come back with their movement's id. On rows read without a
# lock the condition is re-checked after any wait (no row back: raced, nothing written).
DEDUCT = f"""
WITH change (stock_id, quantity) AS (
    SELECT * FROM unnest(%(stocks)s::bigint[], %(quantities)s::integer[])
), moved AS (
    UPDATE {_STOCK} stock SET on_hand = stock.on_hand - change.quantity
      FROM change WHERE stock.id = change.stock_id AND stock.on_hand - stock.reserved >= change.quantity
 RETURNING {CHANGED}
), logged AS (
    INSERT INTO {_MOVEMENT} (store_id, variant_id, warehouse_id, quantity, reason, reference, user_id, note,
                             balance_after, created_at)
    SELECT %(store)s, moved.variant_id, moved.warehouse_id, -moved.quantity, 'sale', %(reference)s, %(user)s, '',
           moved.on_hand, %(now)s
      FROM moved
 RETURNING id, variant_id, warehouse_id
)
SELECT {", ".join("moved." + column for column in StockChange._fields)}, logged.id
  FROM moved JOIN logged ON logged.variant_id = moved.variant_id AND logged.warehouse_id = moved.warehouse_id
 ORDER BY moved.id
"""  # noqa: S608 (table names from the models)


def enabled() -> bool:
    return connection.vendor == "postgresql"


def take(*, reservation: Reservation, allocations: list[tuple[int, int]]) -> list[StockChange] | None:
    """Add (stock id, quantity) to `reserved` and write the lines: the changed rows, or None when a
    row no longer has room (nothing written). On rows the caller has locked it cannot fail; on one
    row read without a lock, the database re-checks the room after any wait."""
    stocks, quantities = zip(*allocations, strict=True)
    changed = run(TAKE, {"stocks": list(stocks), "quantities": list(quantities), "reservation": reservation.pk})
    return changed or None


def consume(*, reservation: Reservation, reference: str, user) -> list[StockChange] | None:
    """Sell an active reservation's units: the changed stock rows, or None if it was not active."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(CLOSE, {"reservation": reservation.pk, "now": now})
        held = cursor.fetchall()
    if not held:
        return None
    stocks, quantities = zip(*held, strict=True)
    return run(SELL, {"stocks": list(stocks), "quantities": list(quantities), "store": reservation.store_id,
                        "reference": (reference or reservation.owner)[:80], "user": getattr(user, "pk", None),
                        "now": now})


def deduct(*, store_id: int, allocations: list[tuple[int, int]], reference: str, user
           ) -> tuple[list[StockChange], list[StockMovement]] | None:
    """Take (stock id, quantity) out of on_hand and write the sale movements: the changed rows and
    their movements, or None when a row no longer had the units (nothing written: a raced unlocked
    row; on rows the caller has locked it cannot fail)."""
    stocks, quantities = zip(*allocations, strict=True)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(DEDUCT, {"stocks": list(stocks), "quantities": list(quantities), "store": store_id,
                                "reference": reference[:80], "user": getattr(user, "pk", None), "now": now})
        rows = cursor.fetchall()
    if len(rows) != len(allocations):
        if rows:  # cannot happen on a single or locked rows; never leave half a sale
            raise AssertionError("a direct sale changed only part of its rows")
        return None
    changed = [StockChange(*row[:-1]) for row in rows]
    movements = []
    for change, row in zip(changed, rows, strict=True):
        movement = StockMovement(id=row[-1], store_id=store_id, variant_id=change.variant_id,
                                 warehouse_id=change.warehouse_id, quantity=-change.quantity, reason=Reason.SALE,
                                 reference=reference[:80], user_id=getattr(user, "pk", None), note="",
                                 balance_after=change.on_hand, created_at=now)
        movement._state.adding, movement._state.db = False, connection.alias
        movements.append(movement)
    return changed, movements
