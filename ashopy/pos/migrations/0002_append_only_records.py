"""The database itself refuses to update or delete what the till has recorded: tickets, their lines
and payments, duplicates, cash movements, closures and the chain (PostgreSQL and SQLite triggers,
written in `pos/triggers.py`)."""

from django.db import migrations

from ashopy.pos import triggers


def forward(apps, schema_editor):
    triggers.install(schema_editor.execute, schema_editor.connection.vendor)


def backward(apps, schema_editor):
    triggers.remove(schema_editor.execute, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("pos", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
