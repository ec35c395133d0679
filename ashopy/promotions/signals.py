"""Drop a store's memoised catalogue promotions when one of them, its scope or the category tree changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ashopy.catalog.models import Category

from .catalogue import SCOPE_FIELDS, scheduled
from .models import Promotion


@receiver([post_save, post_delete], sender=Promotion)
def _promotion_changed(instance, **kwargs):
    scheduled.bump(instance.store_id)


def _scope_changed(instance, action, **kwargs):
    if isinstance(instance, Promotion) and action in ("post_add", "post_remove", "post_clear"):
        scheduled.bump(instance.store_id)


for _name in SCOPE_FIELDS:
    m2m_changed.connect(_scope_changed, sender=Promotion._meta.get_field(_name).remote_field.through,
                        dispatch_uid=f"ashopy.promotions.scope.{_name}")


@receiver([post_save, post_delete], sender=Category)
def _tree_changed(instance, **kwargs):
    """A new or moved sub-category falls under (or out of) a promotion on its ancestors."""
    if instance.store_id is not None:
        scheduled.bump(instance.store_id)
