"""The demo's tills: one per store, in its shop, with a session opened by the store's salesperson and
a float counted in the store's coins and notes, so the till can sell at once; three cash sales
already made, so that the ticket search, the receipts and the chain check have something to show.

The demo signs its records with a key derived from SECRET_KEY while DEBUG is on and no
`POS_SIGNING_KEYS` is set (pos/signing.py); production refuses to sign without a configured key.
"""

from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from ashopy.accounts.models import User
from ashopy.inventory.models import Stock, Warehouse
from ashopy.pos import selling, signing
from ashopy.pos import services as pos
from ashopy.stores.models import Store

TILLS = {
    "dakar": ("c1", "Caisse 1", "vendeur.dakar@ashopy.test",
              {"10000": 2, "5000": 4, "2000": 5, "1000": 10, "500": 10, "250": 4, "100": 20, "50": 10, "25": 8}),
    "paris": ("c1", "Caisse 1", "vendeur.paris@ashopy.test",
              {"20": 2, "10": 4, "5": 4, "2": 10, "1": 10, "0.50": 10, "0.20": 10, "0.10": 10, "0.05": 10}),
}


def open_tills(store: Store) -> None:
    """The store's till in its shop and an open session (after `pos.delete_store_pos`)."""
    code, name, email, opening_float = TILLS[store.slug]
    shop = Warehouse.objects.filter(store=store, kind=Warehouse.Kind.SHOP).order_by("priority", "id").first()
    till = pos.save_till(user=None, store=store, code=code, name=name, warehouse=shop)
    cashier = User.objects.get(email=email)
    session = pos.open_session(user=cashier, till=till, opening_float=opening_float)
    _sample_sales(session, cashier)


# Each sample sale: (which in-stock variants of the till's shop, by rank; how many of each).
SAMPLE_SALES = (((0, 1),), ((1, 2), (2, 1)), ((3, 1),))


def _sample_sales(session, cashier) -> None:
    """Three cash sales of what the till's shop has in stock (up to four products, at least five units of
    each), the customer handing a round banknote (the till gives the change)."""
    store, warehouse = session.till.store, session.till.warehouse
    try:
        signing.private_key(store)
    except ImproperlyConfigured:
        return  # DEBUG off and no POS_SIGNING_KEYS: the till opens, and sells once a key is configured
    in_stock = list(Stock.objects.filter(warehouse=warehouse, on_hand__gte=F("reserved") + 5, variant__active=True,
                                         variant__product__status="published")
                    .order_by("variant_id").select_related("variant")[:4])
    if not in_stock:
        return
    note = Decimal("10000") if store.currency == "XOF" else Decimal("50")
    for sale in SAMPLE_SALES:
        picked = [(in_stock[rank % len(in_stock)].variant, quantity) for rank, quantity in sale]
        lines = [selling.SaleLine(variant.pk, quantity) for variant, quantity in picked]
        estimate = sum(variant.price * quantity for variant, quantity in picked) * Decimal("1.25")
        tendered = (estimate / note).to_integral_value(rounding=ROUND_CEILING) * note
        selling.record_sale(user=cashier, session=session, lines=lines, payments=[selling.Tender("cash", tendered)])
