"""Who may do staff work: every order transition × role × channel (back office and API) gives one
answer, and the stock, purchasing and catalogue services refuse whoever lacks the role in the store.

The rules are decided by the services; the web pages and the API only translate a refusal.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.catalog import services as catalog
from ashopy.catalog.models import Category, Product
from ashopy.core.errors import PermissionDenied
from ashopy.inventory import services as stock
from ashopy.inventory.models import Stock, StockMovement
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.models import Supplier
from tests import factories
from tests.api import client_for
from tests.orders.test_staff_orders import place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

ROLES = ("client", "vendeur", "gestionnaire", "admin", "other_store")
# action → (how the order is prepared, the state it reaches when the action is allowed)
ACTIONS = {
    "process": ("paid", Order.State.PROCESSING),
    "ship": ("processing", Order.State.SHIPPED),
    "deliver": ("shipped", Order.State.DELIVERED),
    "mark_paid": ("awaiting", Order.State.PAID),
    "cancel_unpaid": ("awaiting", Order.State.CANCELLED),
    "cancel_paid": ("paid", Order.State.CANCELLED),
}
ALLOWED = {
    "client": set(),
    "other_store": set(),
    "vendeur": {"process", "ship", "deliver", "mark_paid", "cancel_unpaid"},
    "gestionnaire": set(ACTIONS),
    "admin": set(ACTIONS),
}


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=100, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def prepared(store, variant, method, how: str) -> Order:
    if how == "awaiting":
        return place(store, variant, method, payment_method="cash_on_delivery")
    order = place(store, variant, method, paid=True)
    if how in ("processing", "shipped"):
        order = orders.process(order=order)
    if how == "shipped":
        order = orders.ship(order=order, carrier="DHL", tracking_number="42")
    return order


def actor(role: str, store, other_store):
    if role == "client":
        return factories.UserFactory(email="someone@example.com")
    if role == "other_store":
        return factories.staff(other_store, "admin", email="admin@paris.example.com")
    return factories.staff(store, role, email=f"{role}@example.com")


def through_web(user, order: Order, action: str, settings) -> int:
    client = Client(HTTP_HOST="testserver")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    name = {"mark_paid": "mark-paid", "cancel_unpaid": "cancel", "cancel_paid": "cancel"}.get(action, action)
    fields = {"ship-carrier": "DHL", "ship-tracking_number": "42"} if action == "ship" else {}
    return client.post(reverse("staff_orders:order_action", args=[order.number, name]), fields).status_code


def through_api(user, order: Order, action: str) -> int:
    name = {"cancel_unpaid": "cancel", "cancel_paid": "cancel"}.get(action, action)
    fields = {"carrier": "DHL", "tracking_number": "42"} if action == "ship" else {}
    return client_for(user).post(f"/api/v1/staff/orders/{order.number}/transition/", {"action": name, **fields},
                                 format="json").status_code


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_role_and_channel(store, other_store, variant, method, settings, action, role, channel):
    how, target = ACTIONS[action]
    order = prepared(store, variant, method, how)
    before = order.state
    user = actor(role, store, other_store)
    status = through_web(user, order, action, settings) if channel == "web" else through_api(user, order, action)
    order.refresh_from_db()
    if action in ALLOWED[role]:
        assert order.state == target, (status, order.state)
        assert status in (200, 302)
    else:
        assert order.state == before, f"{role} could {action} through {channel}"
        expected = {"web": {403, 302}, "api": {403, 404}}[channel] if role != "client" or channel == "api" else {403}
        assert status in expected


# --- stock and purchasing: the services refuse whoever is not a stock manager or admin of the store ---

STOCK_OPERATIONS = {
    "receive": lambda store, v, w, user: stock.receive(store=store, variant=v, warehouse=w, quantity=2, user=user),
    "adjust": lambda store, v, w, user: stock.adjust(store=store, variant=v, warehouse=w, quantity_change=-1,
                                                     note="broken", user=user),
    "count": lambda store, v, w, user: stock.count(store=store, variant=v, warehouse=w, counted=3, user=user),
    "set_levels": lambda store, v, w, user: stock.set_levels(stock=Stock.objects.get(variant=v, warehouse=w),
                                                             low_stock_threshold=7, user=user),
    "save_warehouse": lambda store, v, w, user: stock.save_warehouse(store=store, warehouse=w, name="Renamed",
                                                                     user=user),
    "save_supplier": lambda store, v, w, user: purchasing.save_supplier(store=store, name="Sonatel", user=user),
    "purchase_order": lambda store, v, w, user: purchasing.create_purchase_order(
        store=store, supplier=purchasing.save_supplier(store=store, name="CFAO"), warehouse=w,
        lines=[purchasing.OrderLine(v, 5, Decimal("1000"))], user=user),
}


@pytest.mark.parametrize("role", ["vendeur", "client", "other_store", "gestionnaire", "admin"])
@pytest.mark.parametrize("operation", list(STOCK_OPERATIONS))
def test_stock_and_purchasing_services_check_the_role(store, other_store, variant, role, operation):
    warehouse = Stock.objects.filter(variant=variant).select_related("warehouse").first().warehouse
    user = actor(role, store, other_store)
    movements = StockMovement.objects.count()
    if role in ("gestionnaire", "admin"):
        STOCK_OPERATIONS[operation](store, variant, warehouse, user)
        return
    with pytest.raises(PermissionDenied):
        STOCK_OPERATIONS[operation](store, variant, warehouse, user)
    warehouse.refresh_from_db()
    assert StockMovement.objects.count() == movements and warehouse.name != "Renamed"
    assert not Supplier.objects.filter(name="Sonatel").exists()


# --- catalogue: the services refuse whoever is not a stock manager or admin of the store ---

CATALOGUE_OPERATIONS = {
    "create_product": lambda store, v, user: catalog.create_product(store=store, name="Nouveau",
                                                                    category=v.product.category, user=user),
    "update_product": lambda store, v, user: catalog.update_product(product=v.product, name="Renamed", user=user),
    "save_variant": lambda store, v, user: catalog.save_variant(store=store, product=v.product, variant=v,
                                                                price=Decimal("1"), user=user),
    "create_category": lambda store, v, user: catalog.create_category(store=store, name="Nouveau", user=user),
    "save_brand": lambda store, v, user: catalog.save_brand(store=store, name="Nouveau", user=user),
    "delete_product": lambda store, v, user: catalog.delete_product(
        product=catalog.create_product(store=store, name="Jetable", category=v.product.category), user=user),
}


@pytest.mark.parametrize("role", ["vendeur", "client", "other_store", "gestionnaire"])
@pytest.mark.parametrize("operation", list(CATALOGUE_OPERATIONS))
def test_catalogue_services_check_the_role(store, other_store, variant, role, operation):
    user = actor(role, store, other_store)
    if role == "gestionnaire":
        CATALOGUE_OPERATIONS[operation](store, variant, user)
        return
    price, name = variant.price, variant.product.name
    with pytest.raises(PermissionDenied):
        CATALOGUE_OPERATIONS[operation](store, variant, user)
    variant.refresh_from_db()
    assert (variant.price, variant.product.name) == (price, name)
    assert not Product.objects.filter(name="Nouveau").exists() and not Category.objects.filter(name="Nouveau").exists()
