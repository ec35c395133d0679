"""Keep the in-memory category tree and the cached facet counts fresh."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import facet_cache, tree
from .models import AttributeValue, Brand, Category, Product, RealEstateLot, RetailProduct


@receiver([post_save, post_delete], sender=Category)
def _category_changed(instance, **kwargs):
    tree.bump(instance.store_id)


@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Brand)
@receiver([post_save, post_delete], sender=Product)
@receiver([post_save, post_delete], sender=RetailProduct)
@receiver([post_save, post_delete], sender=RealEstateLot)
def _catalogue_changed(instance, **kwargs):
    facet_cache.bump(instance.store_id)


@receiver([post_save, post_delete], sender=AttributeValue)
def _specification_changed(instance, origin=None, **kwargs):
    if origin is not None and origin is not instance and not isinstance(origin, QuerySet):
        return  # deleted with its product (or store), whose own signal bumps: no query per row
    product = AttributeValue._meta.get_field("product").get_cached_value(instance, default=None)
    store_id = product.store_id if product is not None else (
        Product.objects.filter(pk=instance.product_id).values_list("store_id", flat=True).first())
    if store_id is not None:
        facet_cache.bump(store_id)
