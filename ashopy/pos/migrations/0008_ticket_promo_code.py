"""The promo code a till sale used and each line's share of its discount.

SQLite cannot add a NOT NULL column in place: Django rebuilds both tables, which drops their
append-only triggers, so they are installed again (`pos/triggers.py`; PostgreSQL keeps them)."""

from decimal import Decimal

from django.db import migrations, models

from ashopy.pos import triggers


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        triggers.install(schema_editor.execute, "sqlite")


class Migration(migrations.Migration):

    dependencies = [
        ('pos', '0007_ticket_made_offline_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='promo_code',
            field=models.CharField(blank=True, db_default='', default='', help_text='The code the sale used; its use is counted in promotions.', max_length=40, verbose_name='promo code'),
        ),
        migrations.AddField(
            model_name='ticketline',
            name='code_discount',
            field=models.DecimalField(db_default=Decimal('0'), decimal_places=2, default=Decimal('0'), max_digits=14, verbose_name="share of the promo code's discount"),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
