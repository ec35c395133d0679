from django.db import migrations, models


def orders_paid_on_delivery(apps, schema_editor):
    """Orders placed before the flag: cash on delivery was the one method paid on delivery."""
    apps.get_model("orders", "Order").objects.filter(payment_method="cash_on_delivery").update(pays_on_delivery=True)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0003_preorder_lines'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='pays_on_delivery',
            field=models.BooleanField(default=False, help_text='The courier collects the money: the order is prepared and shipped before it is paid.', verbose_name='paid on delivery'),
        ),
        migrations.RunPython(orders_paid_on_delivery, migrations.RunPython.noop),
    ]
