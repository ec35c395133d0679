"""Categories get a hidden root per store (`root_of`), which has no `store`: see Category's docstring.

The data follow in 0005, the position range and the roots' CHECK in 0006: PostgreSQL refuses to
alter a table in the transaction that changed its rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_remove_variant_availability_variant_preorder"),
        ("stores", "0002_store_allow_guest_checkout"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="root_of",
            field=models.OneToOneField(blank=True, editable=False, null=True,
                                       on_delete=django.db.models.deletion.CASCADE, related_name="category_root",
                                       to="stores.store"),
        ),
        migrations.AlterField(
            model_name="category",
            name="store",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="categories", to="stores.store"),
        ),
    ]
