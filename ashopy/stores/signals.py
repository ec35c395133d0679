"""Drop this process's host → store cache when a store or a domain changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Store, StoreDomain
from .selectors import clear_store_cache


@receiver([post_save, post_delete], sender=Store)
@receiver([post_save, post_delete], sender=StoreDomain)
def _store_changed(**kwargs):
    clear_store_cache()
