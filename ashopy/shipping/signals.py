"""Drop the memoised shipping methods of a store whose methods or weight bands change."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ShippingMethod, WeightBand
from .selectors import active_methods


def _bump(store_id: int) -> None:
    # Now, for this transaction's own reads; again after commit, for a process that reloaded the old
    # rows meanwhile under the new version.
    active_methods.bump(store_id)
    transaction.on_commit(partial(active_methods.bump, store_id))


@receiver([post_save, post_delete], sender=ShippingMethod)
def _method_changed(instance, **kwargs):
    _bump(instance.store_id)


@receiver([post_save, post_delete], sender=WeightBand)
def _band_changed(instance, **kwargs):
    store_id = ShippingMethod.objects.filter(pk=instance.method_id).values_list("store_id", flat=True).first()
    if store_id is not None:
        _bump(store_id)
