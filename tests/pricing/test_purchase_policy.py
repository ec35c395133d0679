"""The purchase policy: one answer to "may this customer buy n units of this variant", for the cart, the
checkout, the product page and the API — stock, unique items and pre-orders with their limit."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from ashopy.catalog import services as catalog
from ashopy.catalog.availability import units_available_sql, with_stock
from ashopy.catalog.models import Availability, Variant
from ashopy.core.rows import fetch
from ashopy.inventory import reservations
from ashopy.inventory import services as inventory
from ashopy.pricing.purchase import Code, PurchasePolicy, policy_for_request
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

pytestmark = pytest.mark.django_db


def annotated(variant: Variant) -> Variant:
    return with_stock(Variant.objects.select_related("product").filter(pk=variant.pk)).get()


def preorder(variant: Variant, *, limit=None, expected_on=None, waiting=0) -> Variant:
    Variant.objects.filter(pk=variant.pk).update(preorder=True, preorder_limit=limit, preorder_expected_on=expected_on,
                                                 preorder_waiting=waiting)
    return annotated(variant)


def test_a_variant_in_stock_is_permitted_up_to_its_free_units(store):
    variant = annotated(factories.product(store, "Lampe", stock=3, price="10000").variants.get())
    policy = PurchasePolicy(store)
    verdict = policy.is_purchase_permitted(variant, 3)
    assert (verdict.allowed, verdict.max_quantity, verdict.code, verdict.preorder_quantity) == (True, 3, Code.OK, 0)
    refused = policy.is_purchase_permitted(variant, 4)
    assert (refused.allowed, refused.max_quantity, refused.code) == (False, 3, Code.OUT_OF_STOCK)
    assert refused.reason == "Cannot add more of “Lampe” to the cart: not enough stock."
    assert policy.availability(variant) == Availability.IN_STOCK


def test_held_units_are_not_free(store):
    variant = factories.product(store, "Lampe", stock=3, price="10000").variants.get()
    reservations.reserve(store=store, lines=[reservations.Line(variant.pk, 2)], owner="test")
    assert PurchasePolicy(store).max_quantity(annotated(variant)) == 1


def test_a_unique_item_is_one_at_most(store):
    lot = factories.product(store, "Villa", kind="real_estate_lot", stock=3, price="90000000",
                            surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies").variants.get()
    verdict = PurchasePolicy(store).is_purchase_permitted(annotated(lot), 2)
    assert (verdict.allowed, verdict.max_quantity, verdict.code) == (False, 1, Code.UNIQUE)
    assert verdict.reason == "“Villa” is unique: one at most in the cart."


def test_a_preorder_variant_is_permitted_beyond_stock_and_says_which_units_wait(store):
    variant = factories.product(store, "Console", stock=2, price="300000").variants.get()
    variant = preorder(variant, expected_on=date(2027, 1, 12))
    verdict = PurchasePolicy(store).is_purchase_permitted(variant, 5)
    assert verdict.allowed and verdict.code == Code.OK
    assert (verdict.preorder_quantity, verdict.expected_on) == (3, date(2027, 1, 12))
    assert PurchasePolicy(store).is_purchase_permitted(variant, 2).preorder_quantity == 0


def test_the_preorder_limit_counts_the_units_already_waiting(store):
    variant = factories.product(store, "Console", stock=1, price="300000").variants.get()
    variant = preorder(variant, limit=5, waiting=3)
    policy = PurchasePolicy(store)
    assert policy.max_quantity(variant) == 1 + 2
    refused = policy.is_purchase_permitted(variant, 4)
    assert (refused.allowed, refused.code, refused.preorder_quantity) == (False, Code.PREORDER_LIMIT, 2)
    assert refused.reason == "Only 3 units of “Console” can be ordered now."
    full = preorder(variant, limit=5, waiting=5)
    assert policy.max_quantity(full) == 1
    assert policy.availability(full) == Availability.IN_STOCK
    sold_out = preorder(factories.product(store, "Manette", price="30000").variants.get(), limit=2, waiting=2)
    assert policy.availability(sold_out) == Availability.OUT_OF_STOCK
    assert policy.is_purchase_permitted(sold_out, 1).reason == "No more units of “Manette” can be pre-ordered."


def test_a_variant_out_of_stock_and_not_on_preorder_cannot_be_bought(store):
    variant = annotated(factories.product(store, "Lampe", price="10000").variants.get())
    verdict = PurchasePolicy(store).is_purchase_permitted(variant, 1)
    assert (verdict.allowed, verdict.max_quantity, verdict.code) == (False, 0, Code.OUT_OF_STOCK)


def test_drafts_inactive_variants_and_other_stores_variants_are_not_sold(store, other_store):
    draft = annotated(factories.product(store, "Brouillon", stock=3, status="draft").variants.get())
    inactive = factories.product(store, "Ancien", stock=3).variants.get()
    catalog.save_variant(store=store, product=inactive.product, variant=inactive, active=False)
    foreign = annotated(factories.product(other_store, "Ailleurs", stock=3).variants.get())
    for variant in (draft, annotated(inactive), foreign):
        verdict = PurchasePolicy(store).is_purchase_permitted(variant, 1)
        assert (verdict.allowed, verdict.max_quantity, verdict.code) == (False, 0, Code.NOT_SOLD), variant


def test_asking_costs_no_query_for_an_annotated_variant(store):
    variant = preorder(factories.product(store, "Console", stock=1, price="300000").variants.get(), limit=4)
    policy = PurchasePolicy(store)
    with CaptureQueriesContext(connection) as queries:
        policy.is_purchase_permitted(variant, 3)
        policy.availability(variant)
    assert len(queries) == 0


def test_one_policy_per_request_which_also_prices(store, customer):
    request = RequestFactory().get("/")
    request.store, request.user = store, customer
    policy = policy_for_request(request)
    assert policy is policy_for_request(request)
    assert isinstance(policy, PricingPolicy)
    variant = factories.product(store, "Lampe", price="10000").variants.get()
    assert policy.price(variant).price == PricingPolicy(store, customer).price(variant).price


def test_a_staff_save_of_a_stale_variant_keeps_the_waiting_count(store):
    variant = factories.product(store, "Console", price="300000").variants.get()
    stale = Variant.objects.get(pk=variant.pk)
    Variant.objects.filter(pk=variant.pk).update(preorder_waiting=4)
    catalog.save_variant(store=store, product=stale.product, variant=stale, preorder=True, preorder_limit=10)
    assert Variant.objects.values_list("preorder_waiting", "preorder_limit").get(pk=variant.pk) == (4, 10)


def test_the_sql_form_of_the_units_available_is_the_orm_expression_compiled(store):
    """One definition: the SQL that hand-written reads embed agrees with the ORM annotation, row by row."""
    product = factories.product(store, "Lot", variants=[{"price": Decimal(1000), "sku": f"LOT-{index}"}
                                                         for index in range(3)])
    first, second, third = product.variants.order_by("pk")
    closed = factories.warehouse(store, "closed", priority=9)
    factories.receive(first, 5)
    factories.receive(second, 4, warehouse_=closed)
    factories.receive(second, 2)
    inventory.save_warehouse(store=store, warehouse=closed, is_active=False)
    reservations.reserve(store=store, lines=[reservations.Line(first.pk, 2)], owner="test")
    table = Variant._meta.db_table
    by_sql = dict(fetch(f"SELECT variant.id, {units_available_sql('variant.id')} FROM {table} variant "  # noqa: S608
                        "WHERE variant.product_id = %s", [product.pk]))
    by_orm = dict(with_stock(Variant.objects.filter(product=product)).values_list("pk", "available"))
    assert by_sql == by_orm == {first.pk: 3, second.pk: 2, third.pk: 0}
