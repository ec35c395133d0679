"""Hand-written SQL for the few reads and writes on the checkout's hot path.

The ORM spends more time building and compiling a query than the database spends running it
(bench/checkout.py: 1.7 ms of Python for the cart's lines, 0.2 ms to run the same SQL). The
handful of reads that every order makes are therefore written in SQL once, and their rows
turned into ordinary model instances here — every concrete field, converted the way the ORM
converts it (decimals, dates, JSON), so callers cannot tell the difference.

    columns = Columns(CartLine, "line")
    rows = fetch(f"SELECT {columns.sql} FROM cart_cartline line WHERE …", params)
    line = columns.instance(rows[0])      # row[0:len(columns)]

Writes on the same path go through `insert` (one INSERT … RETURNING for new instances of one
model) and `update` (one row's fields), with the values the ORM would write, without its query
compiler.

`for_update(...)` is the locking clause where the database has one (SQLite locks the whole file
when it writes, and has none).

Several models in one row: `Columns(Variant, "variant", start=len(lines))`, and so on.
"""

from collections.abc import Sequence
from functools import cached_property

from django.db import IntegrityError, connection, transaction
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


def insert(objects: Sequence[Model], *, ignore_conflicts: bool = False) -> int:
    """Write new instances of one model in one statement and give them their primary keys.

    What `bulk_create` does (no `save()`, no signals; `auto_now_add` filled), for the hot path.
    With `ignore_conflicts` (one object), a row that a unique constraint refuses is skipped:
    the object then has no primary key. Returns how many rows were written.
    """
    model = type(objects[0])
    if ignore_conflicts and len(objects) != 1:
        raise ValueError("ignore_conflicts takes one object: the ids returned could not be matched")
    if not connection.features.can_return_rows_from_bulk_insert:
        return _insert_with_the_orm(model, objects, ignore_conflicts)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    values, params = [], []
    for instance in objects:
        params.extend(field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields)
        values.append(f"({', '.join(['%s'] * len(fields))})")
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 (names from the model)
           f"VALUES {', '.join(values)}{' ON CONFLICT DO NOTHING' if ignore_conflicts else ''} "
           f"RETURNING {quote(model._meta.pk.column)}")
    ids = fetch(sql, params)
    for instance, (pk,) in zip(objects, ids, strict=False):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    return len(ids)


def _insert_with_the_orm(model, objects: Sequence[Model], ignore_conflicts: bool) -> int:
    """A database that cannot return the ids of an INSERT (SQLite before 3.35): one save per object."""
    if not ignore_conflicts:
        for instance in objects:
            instance.save(force_insert=True)
        return len(objects)
    try:
        with transaction.atomic():
            objects[0].save(force_insert=True)
    except IntegrityError:
        objects[0].pk = None
        return 0
    return 1


def update(instance: Model, fields: Sequence[str], **expected) -> bool:
    """Write `fields` of a saved instance (`auto_now` ones refreshed), as `save(update_fields=…)`
    does, where its row still has the `expected` column values: whether it did."""
    model, quote = type(instance), connection.ops.quote_name
    changed = [model._meta.get_field(name) for name in fields]
    params = [field.get_db_prep_save(field.pre_save(instance, add=False), connection) for field in changed]
    conditions = [f"{quote(model._meta.pk.column)} = %s"]
    params.append(instance.pk)
    for name, value in expected.items():
        field = model._meta.get_field(name)
        conditions.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value, connection))
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in changed)
    return execute(f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 (names from the model)
                   f"WHERE {' AND '.join(conditions)}", params) == 1
