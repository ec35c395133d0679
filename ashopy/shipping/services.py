"""Shipping methods are written here only (the admin saves through its forms)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from ashopy.stores.models import Store

from .models import ShippingMethod, WeightBand


@transaction.atomic
def save_method(*, store: Store, name: str, kind: str = ShippingMethod.Kind.FLAT, price: Decimal = Decimal(0),
                bands: Iterable[tuple[Decimal, Decimal]] = (), **fields) -> ShippingMethod:
    """Create or update the store's method called `name`; `bands` (max kg, price) replace the old ones."""
    method, _created = ShippingMethod.objects.update_or_create(
        store=store, name=name, defaults={"kind": kind, "price": price, **fields})
    method.full_clean()
    WeightBand.objects.filter(method=method).delete()
    WeightBand.objects.bulk_create(WeightBand(method=method, max_weight_kg=Decimal(weight), price=Decimal(amount))
                                   for weight, amount in bands)
    return method
