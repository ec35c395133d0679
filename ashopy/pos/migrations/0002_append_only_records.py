"""The database itself refuses to update or delete what the till has recorded: tickets, their lines
and payments, duplicates, cash movements, closures and the chain (PostgreSQL and SQLite triggers).

`pos.services.delete_store_pos` (demo rebuilds only) switches them off inside its own transaction.
"""

from django.db import migrations

TABLES = ("pos_ticket", "pos_ticketline", "pos_ticketpayment", "pos_duplicate", "pos_cashmovement",
          "pos_closure", "pos_chainrecord")

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION pos_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
                        ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                                  "FOR EACH ROW EXECUTE FUNCTION pos_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            for operation in ("UPDATE", "DELETE"):
                name = f"{table}_no_{operation.lower()}"
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                                      f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS pos_append_only()")


class Migration(migrations.Migration):
    dependencies = [("pos", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
