"""Model instances from hand-written SQL, for the few reads on the checkout's hot path.

The ORM spends more time building and compiling a query than the database spends running it
(bench/checkout.py: 1.7 ms of Python for the cart's lines, 0.2 ms to run the same SQL). The
handful of reads that every order makes are therefore written in SQL once, and their rows
turned into ordinary model instances here — every concrete field, converted the way the ORM
converts it (decimals, dates, JSON), so callers cannot tell the difference.

    columns = Columns(CartLine, "line")
    cursor.execute(f"SELECT {columns.sql} FROM cart_cartline line WHERE …")
    line = columns.instance(row)          # row[0:len(columns)]

`for_update(...)` is the locking clause where the database has one (SQLite locks the whole file
when it writes, and has none).

Several models in one row: `Columns(Variant, "variant", start=len(lines))`, and so on.
"""

from functools import cached_property

from django.db import connection
from django.db.models import Model


class Columns:
    """The concrete columns of `model` under the SQL alias `alias`, from position `start` of a row."""

    def __init__(self, model: type[Model], alias: str, *, start: int = 0):
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


def execute(sql: str, params) -> int:
    """Run a statement that returns no rows: how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def for_update(*aliases: str) -> str:
    """" FOR UPDATE [OF aliases]", or "" on a database without row locks."""
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {', '.join(aliases)}" if aliases else " FOR UPDATE"
