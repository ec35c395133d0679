"""Which shipping methods apply to a cart going somewhere, and at what price."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from ashopy.core.cache import VersionedMemo
from ashopy.core.money import ZERO, round_money
from ashopy.stores.models import Store

from .models import ShippingMethod, WeightBand


@dataclass(frozen=True)
class ShippingQuote:
    method: ShippingMethod
    price: Decimal  # on the store's tax basis, rounded
    free: bool

    @property
    def id(self) -> int:
        return self.method.pk

    @property
    def name(self) -> str:
        return self.method.name


def _load_methods(store_id: int) -> tuple[ShippingMethod, ...]:
    return tuple(ShippingMethod.objects.filter(store_id=store_id, is_active=True)
                 .prefetch_related(Prefetch("bands", queryset=WeightBand.objects.order_by("max_weight_kg"))))


# Kinds that are no parcel delivery: the customer comes for the goods. Only these are offered for a cart that
# may not travel as a parcel (a real-estate lot, see cart.rules); any other kind (flat rate, weight bands, and
# any kind added later) is a parcel delivery.
IN_PERSON_KINDS = frozenset({ShippingMethod.Kind.PICKUP})


# A store's active methods with their bands, memoised per process (signals.py drops them on change).
active_methods = VersionedMemo("shipping-methods", _load_methods)


def _active_methods(store: Store) -> tuple[ShippingMethod, ...]:
    return active_methods.get(store.pk)


def quote(method: ShippingMethod, *, country: str | None, weight_kg: Decimal, goods_total: Decimal,
          currency: str) -> ShippingQuote | None:
    """The method's price for this parcel, or None when it does not apply.

    A method limited to some countries needs the destination; pickup applies everywhere.
    """
    limited = method.kind != ShippingMethod.Kind.PICKUP and method.countries
    if limited and (not country or country not in {str(code) for code in method.countries}):
        return None
    if method.kind == ShippingMethod.Kind.WEIGHT:
        band = next((band for band in method.bands.all() if weight_kg <= band.max_weight_kg), None)
        if band is None:
            return None
        price = band.price
    else:
        price = method.price
    free = method.free_above is not None and goods_total >= method.free_above
    return ShippingQuote(method=method, price=ZERO if free else round_money(price, currency), free=free or price == 0)


def available_methods(*, store: Store, country: str | None, weight_kg: Decimal,
                      goods_total: Decimal, parcel: bool = True) -> list[ShippingQuote]:
    """Methods offered for this cart and destination, cheapest first within the store's order.

    `parcel` False: the cart may not be delivered as a parcel, only in-person methods are offered.
    """
    quotes = (quote(method, country=country, weight_kg=weight_kg, goods_total=goods_total,
                    currency=store.currency) for method in _active_methods(store)
              if parcel or method.kind in IN_PERSON_KINDS)
    return [found for found in quotes if found is not None]


def method_quote(*, store: Store, method_id, country: str | None, weight_kg: Decimal,
                 goods_total: Decimal, parcel: bool = True) -> ShippingQuote | None:
    """The chosen method, if it still applies (the address or the cart may have changed)."""
    return next((found for found in available_methods(store=store, country=country, weight_kg=weight_kg,
                                                      goods_total=goods_total, parcel=parcel)
                 if str(found.method.pk) == str(method_id)), None)
