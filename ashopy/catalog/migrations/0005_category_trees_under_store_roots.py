"""Each store's categories move under a hidden root of their own (see Category's docstring).

Paths are rebuilt: a store's hidden root takes its store id as path step, and every group of
siblings is renumbered 1, 2, 3 … in (position, name) order, which also repairs trees that an
edited position had left out of order. A category whose parent is missing or in another store
becomes top-level in its own store. Positions are brought into 0..32767 for migration 0006.
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models.functions import Cast, Concat
from treebeard.numconv import NumConv

STEPLEN = 4
STEPS = NumConv("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
MAX_POSITION = 32767


def _step(number: int) -> str:
    key = STEPS.int2str(number)
    if len(key) > STEPLEN:
        raise ValueError(f"{number} does not fit in one category path step")
    return key.rjust(STEPLEN, "0")


def _park(categories) -> None:
    """Give rows unique temporary paths (outside treebeard's alphabet), so the new ones never collide."""
    categories.update(path=Concat(models.Value("~"), Cast("id", models.CharField())))


def _renumber(rows, children, parent_path, depth) -> None:
    """Number `rows` 1, 2, 3 … under `parent_path` in the order they come, then their children under them."""
    for number, row in enumerate(rows, start=1):
        row.path, row.depth = parent_path + _step(number), depth
        row.numchild = len(children[row.id])
        _renumber(children[row.id], children, row.path, depth + 1)


def under_store_roots(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Store = apps.get_model("stores", "Store")
    categories = Category.objects.using(schema_editor.connection.alias)
    categories.filter(position__lt=0).update(position=0)
    categories.filter(position__gt=MAX_POSITION).update(position=MAX_POSITION)
    rows = list(categories.filter(store__isnull=False).order_by("position", "name", "path"))
    if not rows:
        return
    by_path = {row.path: row for row in rows}
    children, tops = defaultdict(list), defaultdict(list)
    for row in rows:
        parent = by_path.get(row.path[:-STEPLEN])
        if parent is not None and parent.store_id == row.store_id:
            children[parent.id].append(row)
        else:
            tops[row.store_id].append(row)
    _park(categories.filter(store__isnull=False))
    stores = Store.objects.using(schema_editor.connection.alias).filter(pk__in=tops).order_by("pk")
    roots = [Category(path=_step(store.pk), depth=1, numchild=len(tops[store.pk]), root_of=store, store=None,
                      name=store.name[:120], slug=f"store-{store.pk}") for store in stores]
    categories.bulk_create(roots)
    for root in roots:
        _renumber(tops[root.root_of_id], children, root.path, 2)
    categories.bulk_update(rows, ["path", "depth", "numchild"], batch_size=500)


def back_to_shared_roots(apps, schema_editor):
    """Top-level categories become roots again, numbered store after store."""
    Category = apps.get_model("catalog", "Category")
    categories = Category.objects.using(schema_editor.connection.alias)
    rows = list(categories.filter(store__isnull=False).order_by("path"))
    tops = [row for row in rows if row.depth == 2]
    new_top = {row.path: _step(number) for number, row in enumerate(tops, start=1)}
    for row in rows:
        row.path = new_top[row.path[: 2 * STEPLEN]] + row.path[2 * STEPLEN:]
        row.depth -= 1
    _park(categories.filter(store__isnull=False))
    categories.filter(root_of__isnull=False).delete()
    categories.bulk_update(rows, ["path", "depth"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_category_store_roots"),
    ]

    operations = [
        migrations.RunPython(under_store_roots, back_to_shared_roots),
    ]
