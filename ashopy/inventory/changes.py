"""The stock rows a statement changed, as the services pass them on (alerts, the ledger, sales).

The stock counters change through conditional ``UPDATE … RETURNING`` statements (reservations.py,
fastpath.py): the ORM's ``update()`` gives a count, and reading the rows back would be one more
round trip while they are locked. Every such statement returns `StockChange.COLUMNS` (from
`returning`), and `StockChange` names them, with the quantity the statement moved.
"""

from typing import NamedTuple

from django.db import connection


class StockChange(NamedTuple):
    id: int
    variant_id: int
    warehouse_id: int
    on_hand: int
    reserved: int
    low_stock_threshold: int
    low_stock_alerted: bool
    quantity: int  # the units this change moved (not a column)


COLUMNS = StockChange._fields[:-1]


def returning(alias: str = "") -> str:
    """The columns every stock-changing statement returns, in `StockChange` order."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column for column in COLUMNS)


def run(sql: str, params, *, quantity: int | None = None) -> list[StockChange]:
    """Run a stock-changing statement: its rows, each with `quantity` appended (or its own last column)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [StockChange(*row) if quantity is None else StockChange(*row, quantity) for row in rows]
