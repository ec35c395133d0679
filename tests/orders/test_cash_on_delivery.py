"""Cash on delivery as a merchant works it: prepared and shipped before it is paid, the courier's cash
recorded after delivery ("à encaisser" until then), a refused parcel cancelled and restocked; other
offline methods still wait for the money before anything leaves."""

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.core.models import OutboxMessage
from ashopy.inventory.models import Stock
from ashopy.orders import selectors
from ashopy.orders import services as orders
from ashopy.orders.errors import TransitionNotAllowed
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.errors import NotOffline
from ashopy.payments.models import Payment
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=10, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def cod(store, variant, method, **options) -> Order:
    return factories.placed_order(store, variant, method, payment_method="cash_on_delivery", **options)


def on_hand(variant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("on_hand", flat=True))


def group(store, name) -> list[Order]:
    return list(selectors.store_orders(store=store, filters=selectors.OrderFilters(state=name)))


def paid_messages(order) -> int:
    """The order_paid rows of the payment e-mail's consumer (each durable consumer has its own row)."""
    return OutboxMessage.objects.filter(event="order_paid", payload__order_id=order.pk,
                                        consumer="orders.email.payment_received").count()


def test_a_cash_on_delivery_order_is_prepared_shipped_and_delivered_before_its_cash_is_recorded(
        store, variant, method, seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = cod(store, variant, method, quantity=2)
    assert order.pays_on_delivery and order.state == Order.State.AWAITING_PAYMENT
    assert on_hand(variant) == 8  # the units left the stock when it was confirmed
    assert group(store, "to_prepare") == [order] and group(store, "sold") == []

    order = orders.process(order=order, user=seller)
    order = orders.ship(order=order, user=seller, carrier="Coursier Dakar")
    assert order.state == Order.State.SHIPPED and order.paid_at is None and order.awaits_money
    assert group(store, "to_prepare") == [] and group(store, "to_collect") == []
    order = orders.deliver(order=order, user=seller)
    assert order.to_collect and group(store, "to_collect") == [order]
    work = selectors.open_work(store=store)
    assert (work.to_collect, work.to_collect_amount) == (1, order.total)
    assert paid_messages(order) == 0

    with django_capture_on_commit_callbacks(execute=True):
        payments.mark_paid_by_hand(order=order, user=seller)
    with django_capture_on_commit_callbacks(execute=True):
        orders.mark_paid(order=order, user=seller)  # a second click records nothing more
    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED and order.paid_at is not None and not order.awaits_money
    assert paid_messages(order) == 1
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
    assert group(store, "to_collect") == [] and group(store, "sold") == [order]
    assert selectors.open_work(store=store).to_collect == 0
    assert on_hand(variant) == 8  # recording the cash moves no stock


def test_an_order_paid_by_transfer_waits_for_the_money_before_it_is_prepared(store, variant, method, seller,
                                                                               settings):
    order = factories.placed_order(store, variant, method, payment_method="bank_transfer")
    assert order.state == Order.State.AWAITING_PAYMENT and not order.pays_on_delivery
    assert group(store, "to_prepare") == []
    with pytest.raises(TransitionNotAllowed):
        orders.process(order=order, user=seller)
    with pytest.raises(TransitionNotAllowed):
        orders.ship(order=order, user=seller)
    # The API and the web refuse it too, and nothing changes.
    response = client_for(seller).post(f"/api/v1/staff/orders/{order.number}/transition/", {"action": "ship"},
                                       format="json")
    assert response.status_code == 409
    web = Client()
    web.force_login(seller)
    web.post(reverse("staff_orders:order_action", args=[order.number, "process"]), {})
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT


def test_the_web_and_the_api_ship_and_collect_a_cash_on_delivery_order(store, variant, method, seller, settings):
    by_web, by_api = cod(store, variant, method), cod(store, variant, method)
    web = Client()
    web.force_login(seller)
    detail = web.get(reverse("staff_orders:order_detail", args=[by_web.number]))
    assert detail.context["actions"]["ship"] and detail.context["actions"]["mark_paid"]
    web.post(reverse("staff_orders:order_action", args=[by_web.number, "ship"]), {"ship-carrier": "Coursier"})
    web.post(reverse("staff_orders:order_action", args=[by_web.number, "deliver"]), {})
    api = client_for(seller)
    for action in ("process", "ship", "deliver"):
        response = api.post(f"/api/v1/staff/orders/{by_api.number}/transition/", {"action": action}, format="json")
        assert response.status_code == 200, response.content
    assert {order.state for order in Order.objects.all()} == {Order.State.DELIVERED}
    assert set(group(store, "to_collect")) == {by_web, by_api}
    web.post(reverse("staff_orders:order_action", args=[by_web.number, "mark-paid"]))
    assert api.post(f"/api/v1/staff/orders/{by_api.number}/transition/", {"action": "mark_paid"},
                    format="json").status_code == 200
    assert group(store, "to_collect") == [] and set(group(store, "sold")) == {by_web, by_api}


def test_a_parcel_refused_at_the_door_is_cancelled_and_its_units_restocked(store, variant, method, seller):
    order = cod(store, variant, method, quantity=3)
    order = orders.ship(order=order, user=seller)
    assert on_hand(variant) == 7
    order = orders.cancel(order=order, user=seller, note="Refusé à la livraison")
    assert order.state == Order.State.CANCELLED and on_hand(variant) == 10


def test_a_paid_shipped_order_is_not_cancelled_and_a_paid_order_is_not_paid_again(store, variant, method, seller,
                                                                                   manager):
    paid = factories.placed_order(store, variant, method, paid=True)
    paid = orders.ship(order=paid, user=seller)
    with pytest.raises(TransitionNotAllowed):
        orders.cancel(order=paid, user=manager)
    with pytest.raises(NotOffline):
        payments.mark_paid_by_hand(order=paid, user=seller)
    collected = cod(store, variant, method)
    collected = orders.ship(order=collected, user=seller)
    payments.mark_paid_by_hand(order=collected, user=seller)
    collected.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):  # paid now: no longer a refused parcel
        orders.cancel(order=collected, user=manager)
    assert Order.objects.get(pk=paid.pk).state == Order.State.SHIPPED


def test_the_staff_home_shows_what_is_to_collect_and_links_to_it(store, variant, method, seller, manager, settings):
    order = cod(store, variant, method)
    orders.deliver(order=orders.ship(order=order, user=seller), user=seller)
    client = Client()
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    figures = {figure.slug: figure for figure in client.get(reverse("staff_home:home")).context["work"]}
    assert figures["to-collect"].value == "1"
    listing = client.get(figures["to-collect"].url)
    assert [row.number for row in listing.context["page"].object_list] == [order.number]
