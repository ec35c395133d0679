"""The demo's stock: per store a main warehouse and a shop, its suppliers, and every variant's units,
put in through the stock services so that the ledger, the average costs and `check_stock` agree.

Most variants are well stocked (received in the warehouse, some sent on to the shop); a few are
low or sold out, with thresholds and reorder points set, so the low-stock page and the reorder
suggestions have something to show; pre-order variants have none; a real-estate lot is one unit.
"""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ashopy.catalog.models import Product, Variant
from ashopy.inventory import reservations
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Stock, Warehouse
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import Supplier
from ashopy.stores.models import Store

from . import structure

# A variant's stock state and its weight among retail variants.
STATES = [("in_stock", 85), ("low_stock", 8), ("sold_out", 4), ("preorder", 3)]
COST_SHARE = (60, 75)  # a unit costs 60 to 75 % of the catalogue price
RECEIPT = "BL-DEMO"  # the delivery note of the opening stock


@dataclass
class Depots:
    """One store's warehouses and suppliers (by the product types they supply)."""

    store: Store
    main: Warehouse
    shop: Warehouse
    suppliers: dict[str, Supplier]


def prepare(store: Store) -> Depots:
    """The store's warehouses and suppliers, made through the services (after `delete_store_stock`)."""
    warehouses = [inventory.save_warehouse(store=store, code=code, name=name, kind=kind, priority=priority,
                                           address=address, city=city, country=store.country)
                  for code, name, kind, priority, address, city in structure.WAREHOUSES[store.slug]]
    suppliers = {}
    for name, contact, email, phone, lead_time, product_types in structure.SUPPLIERS[store.slug]:
        supplier = purchasing.save_supplier(store=store, name=name, contact_name=contact, email=email, phone=phone,
                                            lead_time_days=lead_time)
        suppliers.update(dict.fromkeys(product_types, supplier))
    main, shop = warehouses
    return Depots(store, main, shop, suppliers)


def state_for(rng: random.Random, *, index: int, position: int) -> str:
    """A retail variant's stock state: random by STATES, with a few products set aside so that
    even a small demo (`load_demo --products 10`) has low and sold-out stock to show."""
    state = rng.choices([s for s, _w in STATES], [w for _s, w in STATES])[0]
    if position == 0 and index % 23 == 4:
        return "low_stock"
    if position == 0 and index % 29 == 7:
        return "sold_out"
    return state


def unit_cost(store: Store, price: Decimal, rng: random.Random) -> Decimal:
    share = Decimal(rng.randint(*COST_SHARE)) / 100
    step = Decimal("0.01") if store.currency == "EUR" else Decimal(1)
    return (price * share).quantize(step, ROUND_HALF_UP)


def stock_product(depots: Depots, product: Product, plan: dict, states: list[str]) -> None:
    """Receive the product's variants (in `states`, by position) and record who supplies them."""
    rng = random.Random(f"{depots.store.slug}:{plan['name']}:stock")
    supplier = depots.suppliers.get(plan["type"])
    for variant, state in zip(product.variants.order_by("position"), states, strict=True):
        cost = unit_cost(depots.store, variant.price, rng)
        if plan.get("kind") == "real_estate_lot":
            _receive(depots, variant, 1, cost, note="Lot disponible à la vente")
            continue
        if supplier is not None:
            purchasing.save_supplier_item(store=depots.store, supplier=supplier, variant=variant, unit_cost=cost,
                                          supplier_sku=f"{supplier.name[:3].upper()}-{variant.sku}")
        if state == "in_stock":
            _in_stock(depots, variant, cost, rng)
        elif state == "low_stock":
            row = _receive(depots, variant, rng.randint(1, 3), cost)
            inventory.set_levels(stock=row, low_stock_threshold=5, reorder_point=6, reorder_quantity=20)
        elif state == "sold_out":
            row = _receive(depots, variant, rng.randint(2, 5), cost)
            reservations.deduct(store=depots.store, lines=[reservations.Line(variant.pk, row.on_hand)],
                             warehouse=depots.main, reference="Vente comptoir")
            inventory.set_levels(stock=row, low_stock_threshold=3, reorder_point=5, reorder_quantity=15)


def _receive(depots: Depots, variant: Variant, quantity: int, cost: Decimal, *, note: str = "") -> Stock:
    inventory.receive(store=depots.store, variant=variant, warehouse=depots.main, quantity=quantity, unit_cost=cost,
                      reference=RECEIPT, note=note)
    return Stock.objects.get(variant=variant, warehouse=depots.main)


def _in_stock(depots: Depots, variant: Variant, cost: Decimal, rng: random.Random) -> None:
    """Received in the warehouse, part of it sent on to the shop; thresholds on both."""
    main = _receive(depots, variant, rng.randint(12, 60), cost)
    inventory.set_levels(stock=main, low_stock_threshold=4, reorder_point=8, reorder_quantity=30)
    if rng.random() < 0.7:
        inventory.transfer(store=depots.store, variant=variant, source=depots.main, destination=depots.shop,
                           quantity=rng.randint(2, 6), note="Réassort de la boutique")
        shop = Stock.objects.get(variant=variant, warehouse=depots.shop)
        inventory.set_levels(stock=shop, low_stock_threshold=1)
