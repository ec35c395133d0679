"""core/rows.py: hand-written reads and writes must give exactly what the ORM gives."""

from decimal import Decimal

import pytest
from django.db import connection
from django_fsm import ConcurrentTransition

from ashopy.catalog.models import Product
from ashopy.core.rows import Columns, fetch, insert, update
from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments.models import Payment, PaymentEvent
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = [field.attname for field in Order._meta.concrete_fields]


def _order(store, customer, **fields) -> Order:
    order = Order(store=store, number=fields.pop("number", "CMD-2026-000001"), user=customer,
                  email=customer.email, currency="XOF", billing_address=factories.address(city="Thiès"),
                  shipping_address=factories.address(), goods_net=Decimal("8475"), goods_tax=Decimal("1525"),
                  goods_gross=Decimal(10000), total_net=Decimal("8475"), total_tax=Decimal("1525"),
                  total=Decimal(10000), payment_method="sandbox", **fields)
    insert([order])
    return order


def test_an_inserted_order_reads_back_as_the_orm_reads_it(store, customer):
    order = _order(store, customer)
    assert order.pk is not None and not order._state.adding and order.created_at is not None
    columns = Columns(Order, "o")
    row = fetch(f"SELECT {columns.sql} FROM {Order._meta.db_table} o WHERE o.id = %s", [order.pk])[0]  # noqa: S608
    mine, theirs = columns.instance(row), Order.objects.get(pk=order.pk)
    assert [getattr(mine, name) for name in FIELDS] == [getattr(theirs, name) for name in FIELDS]
    assert mine.billing_address["city"] == "Thiès" and mine.total == Decimal(10000)  # JSON and decimals converted


def test_several_rows_in_one_insert_get_their_own_ids(store, customer):
    order = _order(store, customer)
    events = [OrderEvent(order=order, to_state="pending_payment", note=f"n{n}") for n in range(3)]
    assert insert(events) == 3
    assert {event.pk: event.note for event in events} == dict(OrderEvent.objects.values_list("pk", "note"))


def _the_same_event_twice(store, order) -> tuple[PaymentEvent, PaymentEvent]:
    """A payment of `order` written with `insert`, and two unsaved copies of one provider event."""
    payment = Payment(store=store, order=order, provider="sandbox", reference=f"PAY-{order.pk}", amount=order.total,
                      currency="XOF")
    insert([payment])
    assert payment.pk is not None
    return tuple(PaymentEvent(payment=payment, provider="sandbox", event_id=f"evt-{order.pk}", outcome="succeeded",
                              payload={}) for _ in range(2))


def test_a_conflicting_insert_is_skipped_when_asked(store, customer):
    first, again = _the_same_event_twice(store, _order(store, customer))
    assert insert([first], ignore_conflicts=True) == 1 and first.pk is not None
    assert insert([again], ignore_conflicts=True) == 0 and again.pk is None
    assert PaymentEvent.objects.count() == 1
    with pytest.raises(ValueError):
        insert([first, again], ignore_conflicts=True)


def test_update_writes_only_where_the_expected_values_still_hold(store, customer):
    order = _order(store, customer)
    order.customer_note = "Sonner deux fois"
    assert update(order, ["customer_note"], state="paid") is False
    assert Order.objects.get(pk=order.pk).customer_note == ""
    assert update(order, ["customer_note"], state="pending_payment") is True
    assert Order.objects.get(pk=order.pk).customer_note == "Sonner deux fois"


def test_a_transition_on_a_stale_order_writes_nothing(store, customer):
    """Every caller locks the row first; should one ever not, the state it read is checked on write."""
    order = _order(store, customer)
    Order.objects.filter(pk=order.pk).update(state=Order.State.CANCELLED)
    with pytest.raises(ConcurrentTransition):
        orders._apply(order, "pay")
    assert Order.objects.get(pk=order.pk).state == Order.State.CANCELLED
    assert not OrderEvent.objects.filter(order_id=order.pk).exists()


def test_without_returning_the_orm_writes_the_rows(store, customer, monkeypatch):
    """Databases that cannot return ids from an INSERT (SQLite before 3.35) take the ORM's way."""
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    order = _order(store, customer)
    events = [OrderEvent(order=order, to_state="pending_payment", note=f"n{n}") for n in range(2)]
    assert insert(events) == 2 and OrderEvent.objects.filter(order=order).count() == 2
    first, again = _the_same_event_twice(store, order)
    assert insert([first], ignore_conflicts=True) == 1 and first.pk is not None
    assert insert([again], ignore_conflicts=True) == 0 and again.pk is None
    assert order.pk is not None and PaymentEvent.objects.count() == 1


@pytest.mark.postgres
def test_bulk_writes_beyond_the_protocol_parameter_limit(store):
    """Bound by the server, one statement takes at most 65,535 parameters: the backend batches under it.

    Products cannot take Django's one-array-per-column INSERT (their search vector has its own
    placeholder), so each row costs a parameter per column — as when a catalogue is generated.
    """
    assert connection.features.uses_server_side_binding  # DATABASE_PREPARED_STATEMENTS is on by default
    count = 65_535 // (len(Product._meta.concrete_fields) - 1) + 10
    template = factories.product(store, "Modèle")
    Product.objects.non_polymorphic().bulk_create([
        Product(store=store, category_id=template.category_id, name=f"Lot {n}", slug=f"lot-{n}",
                polymorphic_ctype_id=template.polymorphic_ctype_id)
        for n in range(count)])
    assert Product.objects.filter(store=store, slug__startswith="lot-").count() == count
