"""Hand-written SELECTs for the few reads every order makes, their rows turned into model instances.

The ORM spends more time building and compiling a query than the database spends running it
(bench/checkout.py: 1.7 ms of Python for the cart's lines, 0.2 ms to run the same SQL). The reads
that every order makes (the cart's lines, the customer's cart, the stock rows to allocate, the
order with its hold, the payment a notification names, the API user) are written in SQL once, and
their rows turned into ordinary model instances here — every concrete column, converted the way
the ORM converts it (decimals, dates, JSON, generated columns), so callers cannot tell the
difference; tests/core/test_rows.py holds each read against the ORM's. Writes use the ORM: measured
side by side (bench/compare.py), hand-written writes did not pay (docs/architecture.md).

    columns = Columns(CartLine, "line")
    rows = fetch(f"SELECT {columns.sql} FROM cart_cartline line WHERE …", params)
    line = columns.instance(rows[0])      # row[0:len(columns)]

`for_update(...)` is the locking clause where the database has one (SQLite locks the whole file
when it writes, and has none). Several models in one row: `Columns(Variant, "variant",
start=len(lines))`, and so on. A model that inherits another's table (multi-table inheritance)
is refused: its parent's columns live in another table.
"""

from functools import cached_property

from django.db import connection
from django.db.models import Model


class Columns:
    """The concrete columns of `model` under the SQL alias `alias`, from position `start` of a row."""

    def __init__(self, model: type[Model], alias: str, *, start: int = 0):
        if model._meta.parents:
            raise TypeError(f"{model.__name__} inherits a table: read it with the ORM")
        self.model, self.alias, self.start = model, alias, start
        self.fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in self.fields]
        self.end = start + len(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    @cached_property
    def _converters(self) -> list[tuple[int, list, object]]:
        """Per column that needs one: (index, converters, expression), as the SQL compiler finds them."""
        found = []
        for index, field in enumerate(self.fields):
            column = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                found.append((index, converters, column))
        return found

    def instance(self, row) -> Model:
        values = list(row[self.start:self.end])
        for index, converters, column in self._converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def for_update(*aliases: str) -> str:
    """" FOR UPDATE [OF aliases]", or "" on a database without row locks."""
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {', '.join(aliases)}" if aliases else " FOR UPDATE"
