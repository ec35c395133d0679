"""Keep the in-memory category tree fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import tree
from .models import Category


@receiver([post_save, post_delete], sender=Category)
def _category_changed(instance, **kwargs):
    tree.bump(instance.store_id)
