"""Pricing use cases: a store's tax rates and segment discounts (saving drops the memoised rates, see signals)."""

from decimal import Decimal

from django.db import transaction

from ashopy.catalog.models import TaxClass
from ashopy.stores.models import Store

from .models import SegmentDiscount, TaxRate


@transaction.atomic
def set_tax_rate(*, tax_class: TaxClass, rate: Decimal) -> TaxRate:
    """The rate (in %) of `tax_class`, in its store."""
    tax_rate = TaxRate.objects.filter(tax_class=tax_class).first() or TaxRate(tax_class=tax_class)
    tax_rate.store_id, tax_rate.rate = tax_class.store_id, rate
    tax_rate.full_clean()
    tax_rate.save()
    return tax_rate


@transaction.atomic
def set_segment_discount(*, store: Store, segment: str, percent: Decimal) -> SegmentDiscount:
    """The discount (in %) customers of `segment` get in `store`."""
    discount = (SegmentDiscount.objects.filter(store=store, segment=segment).first()
                or SegmentDiscount(store=store, segment=segment))
    discount.percent = percent
    discount.full_clean()
    discount.save()
    return discount
