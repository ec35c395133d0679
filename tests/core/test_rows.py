"""core/rows.py: a hand-written read gives exactly the instances the ORM gives, or refuses the model."""

from decimal import Decimal

import pytest
from django.db import connection, models
from django.db.models import F
from django.test.utils import isolate_apps

from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.cart.models import CartLine
from ashopy.catalog.availability import units_available
from ashopy.core.rows import Columns, fetch
from ashopy.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def _values(instance) -> list:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


def _read(model, pk):
    columns = Columns(model, "t")
    rows = fetch(f"SELECT {columns.sql} FROM {model._meta.db_table} t WHERE t.id = %s", [pk])  # noqa: S608
    return columns.instance(rows[0])


def test_an_order_reads_back_as_the_orm_reads_it(store, customer):
    order = Order.objects.create(
        store=store, number="CMD-2026-000001", user=customer, email=customer.email, currency="XOF",
        billing_address=factories.address(city="Thiès"), shipping_address=factories.address(),
        goods_net=Decimal("8475"), goods_tax=Decimal("1525"), goods_gross=Decimal(10000), total_net=Decimal("8475"),
        total_tax=Decimal("1525"), total=Decimal(10000), payment_method="sandbox")
    mine, theirs = _read(Order, order.pk), Order.objects.get(pk=order.pk)
    assert _values(mine) == _values(theirs)
    assert mine.billing_address["city"] == "Thiès" and mine.total == Decimal(10000)  # JSON and decimals converted
    assert not mine._state.adding and mine._state.db == "default"


def test_the_cart_lines_read_in_sql_equal_the_orm_query(store, customer):
    """`lines_of` (SQL) against the plain form: the same lines, variants, products and units available."""
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for index, stock in enumerate((4, 0, 9)):
        variant = factories.product(store, f"Produit {index}", stock=stock or 1, price="1000").variants.get()
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    mine = cart_selectors.lines_of(cart)
    theirs = list(CartLine.objects.filter(cart=cart).select_related("variant__product")
                  .annotate(units=units_available("variant_id")).order_by("added_at", "id"))
    assert [_values(line) for line in mine] == [_values(line) for line in theirs]
    assert [_values(line.variant) for line in mine] == [_values(line.variant) for line in theirs]
    assert [_values(line.variant.product) for line in mine] == [_values(line.variant.product) for line in theirs]
    assert [line.available for line in mine] == [line.units for line in theirs] == [4, 1, 9]


@isolate_apps("ashopy.core")
def test_a_model_that_inherits_a_table_is_refused():
    class Place(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    class Shop(Place):  # noqa: DJ008
        opening = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    Columns(Place, "place")
    with pytest.raises(TypeError, match="inherits a table"):
        Columns(Shop, "shop")


@pytest.mark.postgres
@isolate_apps("ashopy.core")
def test_generated_columns_and_database_defaults_read_as_the_orm_reads_them():
    class Measure(models.Model):  # noqa: DJ008
        width = models.DecimalField(max_digits=8, decimal_places=2)
        twice = models.GeneratedField(expression=F("width") * 2, output_field=models.DecimalField(
            max_digits=9, decimal_places=2), db_persist=True)
        label = models.CharField(max_length=10, db_default="brut")

        class Meta:
            app_label = "core"

    with connection.schema_editor() as editor:
        editor.create_model(Measure)
    measure = Measure.objects.create(width=Decimal("6.74"))
    mine, theirs = _read(Measure, measure.pk), Measure.objects.get(pk=measure.pk)
    assert _values(mine) == _values(theirs) == [measure.pk, Decimal("6.74"), Decimal("13.48"), "brut"]
