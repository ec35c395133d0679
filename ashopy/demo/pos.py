"""The demo's tills: one per store, in its shop, with a session opened by the store's salesperson and
a float counted in the store's coins and notes, so the till can sell at once.

The demo signs its records with a key derived from SECRET_KEY while DEBUG is on and no
`POS_SIGNING_KEYS` is set (pos/signing.py); production refuses to sign without a configured key.
"""

from ashopy.accounts.models import User
from ashopy.inventory.models import Warehouse
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
    pos.open_session(user=User.objects.get(email=email), till=till, opening_float=opening_float)
