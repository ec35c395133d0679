"""Purchasing services: suppliers, purchase orders through their states, receipts into stock, and refusals."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ashopy.inventory import services
from ashopy.inventory.errors import InactiveWarehouse, InvalidQuantity, WrongStore
from ashopy.inventory.models import Stock, StockMovement, VariantCost, Warehouse
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.errors import (
    CancelNotAllowed,
    DuplicateVariant,
    EmptyPurchaseOrder,
    InactiveSupplier,
    InvalidCost,
    MissingCost,
    NotDraft,
    NothingToReceive,
    NotReceivable,
    OverReceipt,
    SendNotAllowed,
    SupplierInUse,
    UnknownLine,
)
from ashopy.purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierItem
from tests import factories

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def main(store):
    return Warehouse.objects.create(store=store, code="main", name="Entrepôt", priority=1)


@pytest.fixture
def mouse(store):
    return factories.product(store, "Souris", price="5000").variants.get()


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad", price="500000").variants.get()


@pytest.fixture
def supplier(store):
    return purchasing.save_supplier(store=store, name="Dakar Distribution", email="achats@dd.sn")


def order_of(store, supplier, main, lines, user=None):
    return purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main, lines=lines, user=user)


def fresh(order) -> PurchaseOrder:
    return PurchaseOrder.objects.get(pk=order.pk)


def snapshot(order):
    """Everything a refused receipt must leave untouched."""
    order = fresh(order)
    return (order.state, list(order.lines.values_list("received_quantity", flat=True)),
            list(Stock.objects.order_by("id").values_list("on_hand", flat=True)),
            StockMovement.objects.count(), order.events.count())


def test_draft_sent_partial_received_puts_units_in_stock_at_weighted_average_cost(store, main, mouse, laptop,
                                                                                    supplier, manager):
    services.receive(store=store, variant=mouse, warehouse=main, quantity=5, unit_cost=Decimal(800))
    order = order_of(store, supplier, main, [(mouse, 10, Decimal(1000)), (laptop, 4, Decimal("2500.5"))], manager)
    assert (order.number, order.state, order.created_by) == (f"PO-{YEAR}-00001", "draft", manager)
    mouse_line, laptop_line = order.lines.order_by("variant__product__name")
    order = purchasing.send(purchase_order=order, user=manager, note="par e-mail")
    assert order.state == "sent"

    order = purchasing.receive(purchase_order=order, quantities={mouse_line.pk: 6}, user=manager)
    assert fresh(order).state == "partially_received"
    assert Stock.objects.get(variant=mouse, warehouse=main).on_hand == 11
    assert VariantCost.objects.get(variant=mouse).average_cost == Decimal("909.0909")  # (5×800 + 6×1000) / 11

    purchasing.receive(purchase_order=order, quantities={mouse_line.pk: 4, laptop_line.pk: 4}, user=manager,
                       note="BL 778")
    order = fresh(order)
    assert order.state == "received"
    assert [line.outstanding for line in order.lines.all()] == [0, 0]
    assert Stock.objects.get(variant=laptop, warehouse=main).on_hand == 4
    receipts = StockMovement.objects.filter(reference=order.number).order_by("id")
    assert [(m.variant_id, m.quantity, m.reason, m.unit_cost, m.user_id) for m in receipts] == [
        (mouse.pk, 6, "receipt", Decimal(1000), manager.pk), (mouse.pk, 4, "receipt", Decimal(1000), manager.pk),
        (laptop.pk, 4, "receipt", Decimal("2500.5"), manager.pk)]
    assert VariantCost.objects.get(variant=mouse).average_cost == Decimal("933.3333")  # (5×800 + 10×1000) / 15
    assert VariantCost.objects.get(variant=laptop).average_cost == Decimal("2500.5")
    events = list(order.events.values_list("from_state", "to_state", "user", "note"))
    assert events == [("", "draft", manager.pk, "Created."), ("draft", "sent", manager.pk, "par e-mail"),
                      ("sent", "partially_received", manager.pk, f"Received: {mouse.sku} × 6"),
                      ("partially_received", "received", manager.pk, "BL 778")]
    assert stock_discrepancies() == []


def test_numbers_are_sequential_per_store_and_year(store, other_store, main, supplier, mouse):
    first, second = (order_of(store, supplier, main, [(mouse, 1, Decimal(1))]) for _ in range(2))
    other_supplier = purchasing.save_supplier(store=other_store, name="Paris Import")
    other_main = Warehouse.objects.create(store=other_store, code="main", name="Paris")
    other_first = purchasing.create_purchase_order(store=other_store, supplier=other_supplier,
                                                   warehouse=other_main)
    assert [first.number, second.number, other_first.number] == [
        f"PO-{YEAR}-00001", f"PO-{YEAR}-00002", f"PO-{YEAR}-00001"]
    assert other_supplier.currency == "EUR"


def test_lines_change_only_while_draft(store, main, mouse, laptop, supplier):
    order = order_of(store, supplier, main, [(mouse, 2, Decimal(10))])
    order = purchasing.update_purchase_order(purchase_order=order, lines=[(laptop, 3, Decimal(20))], note="v2")
    assert list(order.lines.values_list("variant", "quantity")) == [(laptop.pk, 3)]
    purchasing.send(purchase_order=order)
    with pytest.raises(NotDraft):
        purchasing.update_purchase_order(purchase_order=order, lines=[(mouse, 9, Decimal(1))])
    assert list(fresh(order).lines.values_list("variant", "quantity")) == [(laptop.pk, 3)]
    with pytest.raises(SendNotAllowed):
        purchasing.send(purchase_order=order)


def test_an_empty_order_cannot_be_sent(store, main, supplier):
    order = order_of(store, supplier, main, [])
    with pytest.raises(EmptyPurchaseOrder):
        purchasing.send(purchase_order=order)
    assert fresh(order).state == "draft" and order.events.count() == 1


@pytest.fixture
def sent_order(store, main, mouse, laptop, supplier):
    services.receive(store=store, variant=mouse, warehouse=main, quantity=2, unit_cost=Decimal(900))
    order = order_of(store, supplier, main, [(mouse, 5, Decimal(1000)), (laptop, 1, Decimal(9))])
    return purchasing.send(purchase_order=order)


@pytest.mark.parametrize(("quantity", "error"), [
    (6, OverReceipt), (0, InvalidQuantity), (-1, InvalidQuantity), (2.5, InvalidQuantity), ("3", InvalidQuantity),
    (True, InvalidQuantity), (10**9, InvalidQuantity)])
def test_refused_quantities_change_nothing(sent_order, quantity, error):
    line = sent_order.lines.get(quantity=5)
    before = snapshot(sent_order)
    with pytest.raises(error):
        purchasing.receive(purchase_order=sent_order, quantities={line.pk: quantity})
    assert snapshot(sent_order) == before


def test_over_receipt_names_the_outstanding_quantity(sent_order):
    line = sent_order.lines.get(quantity=5)
    purchasing.receive(purchase_order=sent_order, quantities={line.pk: 3})
    with pytest.raises(OverReceipt) as refused:
        purchasing.receive(purchase_order=sent_order, quantities={line.pk: 3})
    assert "Only 2 units" in str(refused.value) and refused.value.fields[f"line_{line.pk}"]


def test_lines_of_another_order_and_empty_receipts_are_refused(store, main, mouse, supplier, sent_order):
    other = purchasing.send(purchase_order=order_of(store, supplier, main, [(mouse, 3, Decimal(1))]))
    foreign_line = other.lines.get()
    good_line = sent_order.lines.get(quantity=5)
    before = snapshot(sent_order), snapshot(other)
    with pytest.raises(UnknownLine):
        purchasing.receive(purchase_order=sent_order, quantities={good_line.pk: 1, foreign_line.pk: 1})
    for quantities in ({}, None, [(good_line.pk, 1)]):
        with pytest.raises(NothingToReceive):
            purchasing.receive(purchase_order=sent_order, quantities=quantities)
    with pytest.raises(UnknownLine):
        purchasing.receive(purchase_order=sent_order, quantities={str(good_line.pk): 1})
    assert (snapshot(sent_order), snapshot(other)) == before


def test_drafts_cancelled_and_received_orders_receive_nothing(store, main, mouse, supplier):
    draft = order_of(store, supplier, main, [(mouse, 3, Decimal(1))])
    line = draft.lines.get()
    with pytest.raises(NotReceivable):
        purchasing.receive(purchase_order=draft, quantities={line.pk: 1})
    purchasing.cancel(purchase_order=draft, note="doublon")
    before = snapshot(draft)
    with pytest.raises(NotReceivable):
        purchasing.receive(purchase_order=draft, quantities={line.pk: 1})
    assert snapshot(draft) == before and before[0] == "cancelled"
    done = purchasing.send(purchase_order=order_of(store, supplier, main, [(mouse, 1, Decimal(1))]))
    purchasing.receive(purchase_order=done, quantities={done.lines.get().pk: 1})
    with pytest.raises(NotReceivable):
        purchasing.receive(purchase_order=done, quantities={done.lines.get().pk: 1})


def test_cancel_from_each_state(store, main, mouse, supplier, manager):
    orders = [purchasing.send(purchase_order=order_of(store, supplier, main, [(mouse, 4, Decimal(1))]))
              for _ in range(3)]
    purchasing.cancel(purchase_order=orders[0], user=manager, note="fournisseur en rupture")
    purchasing.receive(purchase_order=orders[1], quantities={orders[1].lines.get().pk: 3})
    purchasing.cancel(purchase_order=orders[1])
    purchasing.receive(purchase_order=orders[2], quantities={orders[2].lines.get().pk: 4})
    assert [fresh(o).state for o in orders] == ["cancelled", "cancelled", "received"]
    assert Stock.objects.get(variant=mouse).on_hand == 7  # the 3 units of the cancelled partial order stay
    assert list(orders[0].events.values_list("from_state", "to_state", "note"))[-1] == (
        "sent", "cancelled", "fournisseur en rupture")
    for order in (orders[0], orders[2]):
        with pytest.raises(CancelNotAllowed):
            purchasing.cancel(purchase_order=order)


def test_another_stores_supplier_variant_or_warehouse_is_not_found(store, other_store, main, mouse, supplier):
    other_supplier = purchasing.save_supplier(store=other_store, name="Paris Import")
    other_variant = factories.product(other_store, "Clavier", price="30").variants.get()
    other_main = Warehouse.objects.create(store=other_store, code="main", name="Paris")
    attempts = [{"supplier": other_supplier, "warehouse": main, "lines": [(mouse, 1, Decimal(1))]},
                {"supplier": supplier, "warehouse": other_main, "lines": [(mouse, 1, Decimal(1))]},
                {"supplier": supplier, "warehouse": main, "lines": [(other_variant, 1, Decimal(1))]}]
    for attempt in attempts:
        with pytest.raises(WrongStore):
            purchasing.create_purchase_order(store=store, **attempt)
    with pytest.raises(WrongStore):
        purchasing.save_supplier_item(store=store, supplier=supplier, variant=other_variant, unit_cost=Decimal(1))
    with pytest.raises(WrongStore):
        purchasing.save_supplier(store=store, supplier=other_supplier, name="Volé")
    assert not PurchaseOrder.objects.exists() and not SupplierItem.objects.exists()


def test_bad_lines_and_parties_are_refused(store, main, mouse, laptop, supplier):
    with pytest.raises(DuplicateVariant):
        order_of(store, supplier, main, [(mouse, 1, Decimal(1)), (mouse, 2, Decimal(1))])
    with pytest.raises(MissingCost):
        order_of(store, supplier, main, [(mouse, 1, None)])
    for cost in (Decimal(-1), 1.5, Decimal("0.00001"), Decimal("NaN"), "3"):
        with pytest.raises(InvalidCost):
            order_of(store, supplier, main, [(mouse, 1, cost)])
    with pytest.raises(InvalidQuantity):
        order_of(store, supplier, main, [(mouse, 0, Decimal(1))])
    purchasing.save_supplier(store=store, supplier=supplier, is_active=False)
    with pytest.raises(InactiveSupplier):
        order_of(store, supplier, main, [(mouse, 1, Decimal(1))])
    purchasing.save_supplier(store=store, supplier=supplier, is_active=True)
    main.is_active = False
    main.save()
    with pytest.raises(InactiveWarehouse):
        order_of(store, supplier, main, [(mouse, 1, Decimal(1))])
    assert not PurchaseOrder.objects.exists()


def test_a_line_without_cost_takes_the_suppliers_price(store, main, mouse, supplier):
    purchasing.save_supplier_item(store=store, supplier=supplier, variant=mouse, unit_cost=Decimal("750.25"))
    order = order_of(store, supplier, main, [(mouse, 2, None)])
    assert order.lines.get().unit_cost == Decimal("750.25")


def test_supplier_validation_and_deletion(store, main, mouse, supplier):
    with pytest.raises(ValidationError) as refused:
        purchasing.save_supplier(store=store, name="", email="pas-un-email")
    assert {"name", "email"} <= set(refused.value.message_dict)
    assert supplier.currency == "XOF"
    unused = purchasing.save_supplier(store=store, name="Inutile")
    purchasing.delete_supplier(supplier=unused)
    order_of(store, supplier, main, [])
    with pytest.raises(SupplierInUse):
        purchasing.delete_supplier(supplier=supplier)


def test_one_preferred_supplier_per_variant(store, mouse, supplier):
    second = purchasing.save_supplier(store=store, name="Thiès Import")
    first_item = purchasing.save_supplier_item(store=store, supplier=supplier, variant=mouse, unit_cost=Decimal(10))
    second_item = purchasing.save_supplier_item(store=store, supplier=second, variant=mouse, unit_cost=Decimal(9))
    assert (first_item.is_preferred, second_item.is_preferred) == (True, False)
    purchasing.save_supplier_item(store=store, supplier=second, variant=mouse, unit_cost=Decimal(8),
                                  is_preferred=True)
    items = {item.supplier_id: (item.unit_cost, item.is_preferred) for item in SupplierItem.objects.all()}
    assert items == {supplier.pk: (Decimal(10), False), second.pk: (Decimal(8), True)}
    purchasing.save_supplier_item(store=store, supplier=second, variant=mouse, unit_cost=Decimal(7))
    assert SupplierItem.objects.get(supplier=second).is_preferred  # saved again: keeps its choice


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_receipts_of_the_same_line_never_receive_more_than_ordered(store, main, mouse, supplier):
    order = purchasing.send(purchase_order=order_of(store, supplier, main, [(mouse, 5, Decimal(1))]))
    line = order.lines.get()
    results, barrier = [], threading.Barrier(2)

    def receive_all():
        barrier.wait()
        try:
            purchasing.receive(purchase_order=order, quantities={line.pk: 5})
            results.append("ok")
        except (OverReceipt, NotReceivable) as refused:
            results.append(type(refused).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["NotReceivable", "ok"]
    assert PurchaseOrderLine.objects.get(pk=line.pk).received_quantity == 5
    assert Stock.objects.get(variant=mouse).on_hand == 5 and fresh(order).state == "received"


@pytest.mark.parametrize("code", ["ABC", "ZZZ", "EU", "EURO", "€"])
def test_a_supplier_currency_must_be_an_iso_4217_code(store, code):
    with pytest.raises(ValidationError) as refused:
        purchasing.save_supplier(store=store, name="Fournisseur", currency=code)
    assert "currency" in refused.value.message_dict
    assert not Supplier.objects.exists()
    assert purchasing.save_supplier(store=store, name="Fournisseur", currency="GNF").currency == "GNF"
