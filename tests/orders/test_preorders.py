"""Pre-orders: a variant on pre-order is bought beyond its stock up to its limit; the units beyond the free
stock wait on the order line (no stock held) and are allocated, oldest order first, when stock comes in."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ashopy.cart import services as cart_services
from ashopy.cart.errors import OutOfStock, PreorderFull
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Reservation, Stock, StockMovement, Warehouse
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.orders import preorders
from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderEvent, OrderLine
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.purchasing import services as purchasing
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]
EXPECTED = date(2027, 1, 12)


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def on_preorder(variant, *, limit=None, expected_on=EXPECTED):
    from ashopy.catalog import services as catalog

    return catalog.save_variant(store=variant.store, product=variant.product, variant=variant, preorder=True,
                                preorder_limit=limit, preorder_expected_on=expected_on)


@pytest.fixture
def console(store):
    """On pre-order, 2 units in stock, no limit."""
    return on_preorder(factories.product(store, "Console", stock=2, price="300000").variants.get())


def waiting(variant) -> int:
    return type(variant).objects.values_list("preorder_waiting", flat=True).get(pk=variant.pk)


def stock(variant) -> tuple[int, int]:
    return tuple(Stock.objects.filter(variant=variant).values_list("on_hand", "reserved").get())


def place(store, variant, method, quantity, **options) -> Order:
    return factories.placed_order(store, variant, method, quantity=quantity, **options)


def test_the_cart_takes_preorder_units_beyond_stock_and_says_so(store, console):
    cart = cart_services.get_cart(store=store, create=True)
    notice = cart_services.add(cart=cart, variant_id=console.pk, quantity=5)
    assert notice.level == "success"
    assert notice.message == ("“Console” has been added to your cart. 3 units of “Console” are on pre-order: "
                              "shipping expected on Jan. 12, 2027.")
    assert cart.lines.get().quantity == 5


def test_a_variant_not_on_preorder_is_never_sold_beyond_stock(store):
    lamp = factories.product(store, "Lampe", stock=2, price="10000").variants.get()
    cart = cart_services.get_cart(store=store, create=True)
    assert cart_services.add(cart=cart, variant_id=lamp.pk, quantity=5).level == "warning"
    assert cart.lines.get().quantity == 2
    with pytest.raises(OutOfStock):
        cart_services.add(cart=cart, variant_id=lamp.pk, quantity=1)


def test_the_limit_caps_the_cart(store):
    console = on_preorder(factories.product(store, "Console", stock=1, price="300000").variants.get(), limit=2)
    cart = cart_services.get_cart(store=store, create=True)
    notice = cart_services.add(cart=cart, variant_id=console.pk, quantity=10)
    assert (notice.level, notice.message) == ("warning", "Only 3 units of “Console” can be ordered now.")
    assert cart.lines.get().quantity == 3
    with pytest.raises(PreorderFull):
        cart_services.add(cart=cart, variant_id=console.pk, quantity=1)


def test_placing_marks_the_units_beyond_stock_as_preorder_and_holds_only_the_others(store, console, method):
    order = place(store, console, method, 5)
    [line] = order.lines.all()
    assert (line.quantity, line.preorder_quantity, line.preorder_allocated, line.expected_on) == (5, 3, 0, EXPECTED)
    assert order.has_preorder and order.state == Order.State.PENDING_PAYMENT
    assert stock(console) == (2, 2)
    assert waiting(console) == 3


def test_an_order_all_on_preorder_holds_nothing_and_can_be_paid(store, method):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get())
    order = place(store, console, method, 2, paid=True)
    assert order.state == Order.State.PAID and order.reservation is None and order.stock_consumed
    assert order.lines.get().preorder_quantity == 2
    assert not Stock.objects.filter(variant=console).exists() or stock(console) == (0, 0)
    assert waiting(console) == 2
    assert not cart_services.get_cart(store=store, create=True).lines.exists()


def test_a_paid_order_gives_its_whole_lines_up_from_the_cart(store, console, method, customer):
    order = place(store, console, method, 4, user=customer, paid=True)
    assert order.state == Order.State.PAID
    assert stock(console) == (0, 0)
    assert not cart_services.get_cart(store=store, user=customer).lines.exists()


def test_the_limit_is_checked_again_at_placement(store, method, customer):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get(), limit=2)
    late = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=late, variant_id=console.pk, quantity=1)
    place(store, console, method, 2)
    with pytest.raises(CartChanged) as changed:
        checkout.place_order(cart=late, user=customer, policy=PricingPolicy(store, customer),
                             details=factories.checkout_details(method))
    assert [notice.message for notice in changed.value.notices] == [
        "“Console” removed from the cart (out of stock)."]
    assert Order.objects.count() == 1 and waiting(console) == 2


@pytest.mark.parametrize("ending", ["cancel", "expire"])
def test_an_order_that_ends_gives_its_waiting_units_back(store, console, method, ending):
    order = place(store, console, method, 5)
    assert waiting(console) == 3
    if ending == "cancel":
        orders.cancel(order=order)
    else:
        Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        orders.expire_due()
    assert waiting(console) == 0
    assert stock(console) == (2, 0)
    assert not preorders.waiting_lines(store=store).exists()


def receipt(store, variant, quantity, user):
    """A purchase order of `quantity` units of `variant`, sent and received in full."""
    warehouse = Warehouse.objects.get(store=store, code="main")
    supplier = purchasing.save_supplier(store=store, name="Sony Afrique", email="achats@sony.test")
    purchase = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=warehouse, user=user,
                                                lines=[(variant, quantity, Decimal(1000))])
    purchase = purchasing.send(purchase_order=purchase, user=user)
    return purchasing.receive(purchase_order=purchase, quantities={purchase.lines.get().pk: quantity}, user=user)


def test_a_receipt_serves_waiting_preorders_oldest_first_in_part_and_once(
        store, method, manager, django_capture_on_commit_callbacks):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get())
    factories.warehouse(store)
    first = place(store, console, method, 2, paid=True)
    second = place(store, console, method, 2, payment_method="bank_transfer")  # awaiting payment: sold
    third = place(store, console, method, 2)  # pending payment: held
    fourth = place(store, console, method, 1)
    assert waiting(console) == 7

    with django_capture_on_commit_callbacks(execute=True):
        receipt(store, console, 5, manager)  # the consumer runs after the commit

    allocated = dict(OrderLine.objects.values_list("order__number", "preorder_allocated"))
    assert allocated == {first.number: 2, second.number: 2, third.number: 1, fourth.number: 0}
    assert waiting(console) == 2
    sales = dict(StockMovement.objects.filter(reason="sale").values_list("reference", "quantity"))
    assert sales == {first.number: -2, second.number: -2}
    third.refresh_from_db()
    assert third.reservation.state == Reservation.State.ACTIVE
    assert stock(console) == (1, 1)  # 5 received, 4 sold, 1 held for the third order
    allocated = OrderEvent.objects.get(order=third, kind=OrderEvent.Kind.NOTE)
    assert (allocated.code, allocated.data) == ("preorder_allocated", {"quantity": 1, "sku": console.sku})
    assert allocated.text == f"Pre-order: 1 × {console.sku} allocated from stock."
    assert stock_discrepancies(store) == []

    assert preorders.allocate(store=store, variant_ids=[console.pk]) == 0  # run again: nothing more to do
    assert dict(OrderLine.objects.values_list("order__number", "preorder_allocated"))[third.number] == 1

    factories.receive(console, 3)
    assert preorders.allocate(store=store, variant_ids=[console.pk]) == 2
    assert waiting(console) == 0 and stock(console) == (4, 3)

    orders.cancel(order=first)  # allocated and sold: the units go back to the shelf
    assert stock(console) == (6, 3)
    assert stock_discrepancies(store) == []


def test_any_stock_in_serves_waiting_preorders_after_its_commit(store, console, method, manager,
                                                                django_capture_on_commit_callbacks):
    order = place(store, console, method, 4, payment_method="bank_transfer")
    main = Warehouse.objects.get(store=store, code="main")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.adjust(store=store, variant=console, warehouse=main, quantity_change=1, note="found", user=manager)
    assert order.lines.get().preorder_allocated == 1
    with django_capture_on_commit_callbacks(execute=True):
        inventory.receive(store=store, variant=console, warehouse=main, quantity=5, user=manager)
    assert order.lines.get().preorder_waiting == 0 and waiting(console) == 0
    assert stock(console) == (4, 0)  # 2 + 1 + 5 in, the order's 4 sold


def test_a_pending_order_is_paid_with_its_allocated_units(store, console, method):
    order = place(store, console, method, 3)
    factories.receive(console, 1)
    assert preorders.allocate(store=store, variant_ids=[console.pk]) == 1
    payment = Payment.objects.get(order=order)
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
    payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                 headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert stock(console) == (0, 0)
    assert sum(StockMovement.objects.filter(reference=order.number, reason="sale").values_list("quantity", flat=True)
               ) == -3
    assert order.lines.get().preorder_waiting == 0


def test_cancelled_and_expired_orders_are_not_served(store, console, method):
    order = place(store, console, method, 3)
    orders.cancel(order=order)
    factories.receive(console, 5)
    assert preorders.allocate(store=store, variant_ids=[console.pk]) == 0
    assert order.lines.get().preorder_allocated == 0


def staff_page(user, query="") -> Client:
    client = Client(HTTP_HOST="testserver")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("staff_orders:preorder_list") + query)


def test_the_staff_list_shows_waiting_preorders_filterable_by_product(store, method, seller, customer, settings):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get())
    headset = on_preorder(factories.product(store, "Casque", price="30000").variants.get(), expected_on=None)
    old = place(store, console, method, 2, first_name="Awa", last_name="Diop")
    new = place(store, headset, method, 1)
    response = staff_page(seller)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(old.number) < page.index(new.number)
    assert "Awa Diop" in page and "Units waiting" in page
    assert [line.order.number for line in response.context["page"].object_list] == [old.number, new.number]
    only = staff_page(seller, f"?product={headset.product_id}")
    assert [line.order.number for line in only.context["page"].object_list] == [new.number]
    ignored = staff_page(seller, "?product=x")
    assert ignored.status_code == 200 and len(ignored.context["page"].object_list) == 2
    assert staff_page(customer).status_code in (302, 403)
    # The staff home counts the same lines and links to this list.
    home = Client(HTTP_HOST="testserver")
    home.force_login(seller)
    figures = {figure.slug: figure for figure in home.get(reverse("staff_home:home")).context["work"]}
    assert (figures["preorders"].value, figures["preorders"].url) == ("2", reverse("staff_orders:preorder_list"))


def test_the_api_cart_and_order_show_preorder_units(store, console, method, customer):
    client = client_for(customer)
    response = client.post("/api/v1/cart/lines/", {"variant": console.pk, "quantity": 4}, format="json")
    assert response.status_code == 200, response.content
    [line] = response.json()["lines"]
    assert (line["quantity"], line["preorder_quantity"], line["expected_on"]) == (4, 2, "2027-01-12")


def test_the_product_page_and_the_cart_say_pre_order_with_the_date_in_french(store):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get())
    client = Client(HTTP_HOST="testserver")
    client.cookies["django_language"] = "fr"
    page = client.get(console.product.get_absolute_url()).content.decode()
    assert "Précommande — expédition prévue le 12 janvier 2027" in page
    button = page[page.index('<button class="btn btn-primary btn-lg"'):]
    assert not button[:button.index(">")].endswith("disabled")
    client.post(reverse("cart:add"), {"variant": console.pk, "quantity": 3})
    cart = client.get(reverse("cart:detail")).content.decode()
    assert "Précommande — 3 unités, expédition prévue le 12 janvier 2027" in cart


def test_the_buy_button_is_off_when_the_limit_is_reached(store):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get(), limit=1)
    type(console).objects.filter(pk=console.pk).update(preorder_waiting=1)
    page = Client(HTTP_HOST="testserver").get(console.product.get_absolute_url()).content.decode()
    assert "Précommande — expédition" not in page
    button = page[page.index('<button class="btn btn-primary btn-lg"'):]
    assert button[:button.index(">")].endswith("disabled")


def test_the_staff_api_lists_waiting_preorders(store, method, seller, customer):
    console = on_preorder(factories.product(store, "Console", price="300000").variants.get())
    order = place(store, console, method, 2, first_name="Awa", last_name="Diop")
    response = client_for(seller).get("/api/v1/staff/preorders/")
    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert (row["order"], row["customer"], row["waiting"], row["expected_on"], row["sku"]) == (
        order.number, "Awa Diop", 2, "2027-01-12", console.sku)
    assert client_for(seller).get(f"/api/v1/staff/preorders/?product={console.product_id + 1}").json()["results"] == []
    assert client_for(seller).get("/api/v1/staff/preorders/?product=x").status_code == 400
    assert client_for(customer).get("/api/v1/staff/preorders/").status_code == 403
