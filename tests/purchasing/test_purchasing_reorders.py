"""Reorder suggestions from min/max rules, drafting purchase orders from them, and `suggest_reorders`."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from ashopy.inventory import reservations, services
from ashopy.inventory.models import Stock, Warehouse
from ashopy.inventory.reservations import Line
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import PurchaseOrder
from ashopy.purchasing.selectors import quantity_to_order, reorder_suggestions
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("available", "incoming", "point", "reorder", "expected"), [
    (2, 0, 5, 10, 10),   # the reorder quantity is enough to get above the point
    (0, 0, 5, 2, 6),     # it is not: order up to point + 1
    (2, 3, 5, 0, 1),     # incoming units count: 5 ≤ 5, one more gets above
    (4, 2, 5, 10, 0),    # 6 > 5: nothing to order
    (-1, 0, 3, 0, 5),    # over-reserved rows count their shortfall too
])
def test_quantity_rule(available, incoming, point, reorder, expected):
    assert quantity_to_order(available=available, incoming=incoming, reorder_point=point,
                             reorder_quantity=reorder) == expected


@pytest.fixture
def setting(store):
    """Two warehouses, three variants; the mouse and the laptop have a preferred supplier, the cable none."""
    main = Warehouse.objects.create(store=store, code="main", name="Entrepôt", priority=1)
    shop = Warehouse.objects.create(store=store, code="shop", name="Boutique", kind="shop", priority=2)
    mouse, laptop, cable = (factories.product(store, name, price="1000").variants.get()
                            for name in ("Souris", "ThinkPad", "Câble"))
    dd = purchasing.save_supplier(store=store, name="Dakar Distribution")
    ti = purchasing.save_supplier(store=store, name="Thiès Import")
    purchasing.save_supplier_item(store=store, supplier=dd, variant=mouse, unit_cost=Decimal(700))
    purchasing.save_supplier_item(store=store, supplier=ti, variant=laptop, unit_cost=Decimal(300000))
    purchasing.save_supplier_item(store=store, supplier=ti, variant=mouse, unit_cost=Decimal(650))  # not preferred
    levels = {(mouse, main): (3, 5, 10), (mouse, shop): (0, 2, 4), (laptop, main): (1, 2, 0), (cable, main): (0, 1, 5)}
    for (variant, warehouse), (on_hand, point, quantity) in levels.items():
        if on_hand:
            services.receive(store=store, variant=variant, warehouse=warehouse, quantity=on_hand)
        Stock.objects.get_or_create(store=store, variant=variant, warehouse=warehouse)
        Stock.objects.filter(variant=variant, warehouse=warehouse).update(reorder_point=point,
                                                                          reorder_quantity=quantity)
    return {"main": main, "shop": shop, "mouse": mouse, "laptop": laptop, "cable": cable, "dd": dd, "ti": ti}


def rows(plan_list):
    return [(s.variant.sku, s.warehouse.code, s.available, s.incoming, s.quantity,
             s.supplier.name if s.supplier else None, s.unit_cost) for s in plan_list]


def test_suggestions_follow_the_rules_and_list_variants_without_supplier(store, setting):
    s = setting
    reservations.reserve(store=store, lines=[Line(s["mouse"].pk, 1)], owner="cart:1")  # available 2 at main
    plan = reorder_suggestions(store=store)
    assert rows(plan.to_order) == [
        (s["mouse"].sku, "main", 2, 0, 10, "Dakar Distribution", Decimal(700)),
        (s["laptop"].sku, "main", 1, 0, 2, "Thiès Import", Decimal(300000)),
        (s["mouse"].sku, "shop", 0, 0, 4, "Dakar Distribution", Decimal(700))]
    assert rows(plan.no_supplier) == [(s["cable"].sku, "main", 0, 0, 5, None, None)]


def test_open_orders_count_as_incoming_and_closed_ones_do_not(store, setting):
    s = setting
    sent = purchasing.send(purchase_order=purchasing.create_purchase_order(
        store=store, supplier=s["dd"], warehouse=s["main"], lines=[(s["mouse"], 3, None)]))
    cancelled = purchasing.create_purchase_order(store=store, supplier=s["ti"], warehouse=s["main"],
                                                 lines=[(s["laptop"], 9, None)])
    purchasing.cancel(purchase_order=cancelled)
    purchasing.create_purchase_order(store=store, supplier=s["dd"], warehouse=s["shop"], lines=[(s["mouse"], 2, None)])
    purchasing.receive(purchase_order=sent, quantities={sent.lines.get().pk: 1})  # 4 on hand + 2 still expected
    plan = reorder_suggestions(store=store)
    assert rows(plan.to_order) == [
        (s["laptop"].sku, "main", 1, 0, 2, "Thiès Import", Decimal(300000)),
        (s["mouse"].sku, "shop", 0, 2, 4, "Dakar Distribution", Decimal(700))]


def test_inactive_warehouses_variants_suppliers_and_other_stores_are_left_out(store, other_store, setting):
    s = setting
    Warehouse.objects.filter(pk=s["shop"].pk).update(is_active=False)
    purchasing.save_supplier(store=store, supplier=s["ti"], is_active=False)
    other_main = Warehouse.objects.create(store=other_store, code="main", name="Paris")
    other_variant = factories.product(other_store, "Clavier", price="30").variants.get()
    Stock.objects.create(store=other_store, variant=other_variant, warehouse=other_main, reorder_point=9)
    plan = reorder_suggestions(store=store)
    assert [(x.variant.sku, x.warehouse.code) for x in plan.to_order] == [(s["mouse"].sku, "main")]
    assert {x.variant.sku for x in plan.no_supplier} == {s["laptop"].sku, s["cable"].sku}


def test_drafting_makes_one_order_per_supplier_and_warehouse_then_nothing_is_suggested_twice(store, setting, manager):
    s = setting
    orders = purchasing.draft_purchase_orders(store=store, suggestions=reorder_suggestions(store=store).to_order,
                                              user=manager)
    drafted = {(o.supplier.name, o.warehouse.code): sorted(o.lines.values_list("variant__sku", "quantity",
                                                                                   "unit_cost"))
               for o in orders}
    assert drafted == {("Dakar Distribution", "main"): [(s["mouse"].sku, 10, Decimal(700))],
                       ("Dakar Distribution", "shop"): [(s["mouse"].sku, 4, Decimal(700))],
                       ("Thiès Import", "main"): [(s["laptop"].sku, 2, Decimal(300000))]}
    assert {o.state for o in orders} == {"draft"} and all(o.created_by == manager for o in orders)
    again = reorder_suggestions(store=store)
    assert again.to_order == [] and len(again.no_supplier) == 1
    assert purchasing.draft_purchase_orders(store=store, suggestions=again.all) == []


def test_command_prints_and_drafts(store, setting, capsys):
    call_command("suggest_reorders", "--store", store.slug)
    out = capsys.readouterr().out
    assert f"{store.slug}: 3 to order, 1 without supplier" in out
    assert f"{setting['mouse'].sku} @ main: available 3, expected 0, reorder point 5 -> order 10" in out
    assert "no supplier" in out and not PurchaseOrder.objects.exists()
    call_command("suggest_reorders", "--draft")
    out = capsys.readouterr().out
    assert PurchaseOrder.objects.filter(state="draft").count() == 3 and out.count("drafted PO-") == 3
    with pytest.raises(CommandError):
        call_command("suggest_reorders", "--store", "nowhere")
