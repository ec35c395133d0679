"""The triggers that make the till's tables append-only (PostgreSQL and SQLite), installed by
migration 0002, and their suspension for a demo rebuild only (`services.delete_store_pos`)."""

from contextlib import contextmanager

TABLES = ("pos_ticket", "pos_ticketline", "pos_ticketpayment", "pos_duplicate", "pos_cashmovement",
          "pos_closure", "pos_chainrecord")

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION pos_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
                        ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""


def _sqlite_triggers(table: str):
    for operation in ("UPDATE", "DELETE"):
        yield (f"{table}_no_{operation.lower()}",
               f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
               f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END")


def install(execute, vendor: str) -> None:
    if vendor == "postgresql":
        execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION pos_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            for name, sql in _sqlite_triggers(table):
                execute(f"DROP TRIGGER IF EXISTS {name}")
                execute(sql)


def remove(execute, vendor: str) -> None:
    for table in TABLES:
        if vendor == "postgresql":
            execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            for name, _sql in _sqlite_triggers(table):
                execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        execute("DROP FUNCTION IF EXISTS pos_append_only()")


@contextmanager
def suspended(connection):
    """Inside the caller's transaction only: PostgreSQL disables the triggers (ALTER TABLE is
    transactional and locks the tables meanwhile, so no other session writes without them);
    SQLite drops and re-creates them (its DDL is transactional too)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        elif vendor == "sqlite":
            remove(cursor.execute, vendor)
        yield
        if vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif vendor == "sqlite":
            install(cursor.execute, vendor)
