"""The demo stores' promo codes: the same four in Dakar (F CFA) and Paris (€), each with its own minimum.

Updated in place on `load_demo --reset` (a code with uses cannot be deleted); uses of orders the
reset wiped are forgotten, so the limits start afresh.
"""

from decimal import Decimal

from ashopy.orders.models import Order
from ashopy.promotions.models import PromoCode, Redemption
from ashopy.stores.models import Store

Kind = PromoCode.Kind

# code, kind, value (% or {currency: amount}), minimum per currency, maximum uses (None: unlimited), description
CODES = [
    ("BIENVENUE10", Kind.ORDER_PERCENT, Decimal(10), {"EUR": Decimal(20), "XOF": Decimal(13000)}, 100,
     "Bienvenue : 10 % sur votre commande"),
    ("VIP20", Kind.ORDER_PERCENT, Decimal(20), {"EUR": Decimal(50), "XOF": Decimal(32500)}, 50,
     "Clients VIP : 20 % sur votre commande"),
    ("PROMO5", Kind.ORDER_AMOUNT, {"EUR": Decimal(5), "XOF": Decimal(3000)},
     {"EUR": Decimal(15), "XOF": Decimal(10000)}, None, "5 € (3 000 F CFA) de remise"),
    ("FLASH50", Kind.ORDER_PERCENT, Decimal(50), {"EUR": Decimal(100), "XOF": Decimal(65000)}, 10,
     "Vente flash : 50 % pour les dix premiers"),
]


def promo_codes(store: Store) -> list[PromoCode]:
    """Create or refresh the demo codes of `store`."""
    Redemption.objects.filter(store=store).exclude(
        order_id__in=Order.objects.filter(store=store).values("pk")).delete()
    made = []
    for code, kind, value, minimum, max_uses, description in CODES:
        amount = value[store.currency] if isinstance(value, dict) else value
        made.append(PromoCode.objects.update_or_create(store=store, code=code, defaults={
            "kind": kind, "value": amount, "minimum_amount": minimum[store.currency], "max_uses": max_uses,
            "max_uses_per_customer": None, "is_active": True, "description": description,
            "starts_at": None, "ends_at": None})[0])
    return made
