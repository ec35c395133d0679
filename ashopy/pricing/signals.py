"""Drop the memoised rates of a store whose tax rates, tax classes or segment discounts change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ashopy.catalog.models import TaxClass

from .models import SegmentDiscount, TaxRate
from .resolver import store_rates


@receiver([post_save, post_delete], sender=TaxRate)
@receiver([post_save, post_delete], sender=SegmentDiscount)
@receiver([post_save, post_delete], sender=TaxClass)
def _rates_changed(instance, **kwargs):
    store_rates.bump(instance.store_id)
