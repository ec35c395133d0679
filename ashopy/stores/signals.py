"""Every process reloads its host → store map when a store or a domain changes (selectors.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Store, StoreDomain
from .selectors import stores_by_host


@receiver([post_save, post_delete], sender=Store)
@receiver([post_save, post_delete], sender=StoreDomain)
def _store_changed(**kwargs):
    stores_by_host.bump()
