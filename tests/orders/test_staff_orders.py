"""Back-office order pages: who gets in, filters, query budget, and every action through the web."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from ashopy.core.money import format_money
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.stores.models import Store
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=100, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def place(store, variant, method, **options) -> Order:
    """An order placed by a guest through the checkout (see factories.placed_order)."""
    return factories.placed_order(store, variant, method, **options)


def browser(user, settings, host="testserver") -> Client:
    """A staff browser in English, so that messages can be asserted whatever the store's language."""
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def staff_client(manager, settings):
    return browser(manager, settings)


def detail_url(order) -> str:
    return reverse("staff_orders:order_detail", args=[order.number])


def action_url(order, action) -> str:
    return reverse("staff_orders:order_action", args=[order.number, action])


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def transitions(order) -> list[tuple[str, str, str | None]]:
    return [(event.from_state, event.to_state, event.user.email if event.user else None)
            for event in OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.TRANSITION)]


# --- who gets in ---------------------------------------------------------------------------

def test_sellers_managers_and_admins_get_in(settings, seller, manager, store_admin, store, variant, method):
    order = place(store, variant, method, paid=True)
    for user in (seller, manager, store_admin):
        client = browser(user, settings)
        assert client.get(reverse("staff_orders:order_list")).status_code == 200, user.email
        assert client.get(detail_url(order)).status_code == 200, user.email


def test_anonymous_visitors_go_to_login_and_customers_get_403(client, settings, customer, other_manager, store,
                                                              variant, method):
    order = place(store, variant, method, paid=True)
    urls = [reverse("staff_orders:order_list"), detail_url(order)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
    assert client.post(action_url(order, "process")).status_code == 302
    for user in (customer, other_manager):  # the other store's manager has no role here
        other = browser(user, settings)
        for url in urls:
            assert other.get(url).status_code == 403, (user.email, url)
        assert other.post(action_url(order, "process")).status_code == 403
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_another_stores_order_is_404(settings, staff_client, other_store, other_manager, store, variant, method):
    foreign_variant = factories.product(other_store, "Souris", stock=5, price="10").variants.get()
    foreign = place(other_store, foreign_variant, factories.shipping_method(other_store, price="5"), paid=True)
    assert staff_client.get(detail_url(foreign)).status_code == 404
    assert staff_client.get("/staff/orders/CMD%00/").status_code == 404
    assert staff_client.get(reverse("staff_orders:order_list"), {"q": "CMD\x00"}).status_code == 200
    assert staff_client.post(action_url(foreign, "process")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == Order.State.PAID
    # Numbers are per store: the same number in this store is this store's order.
    own = place(store, variant, method)
    assert own.number == foreign.number
    assert staff_client.get(detail_url(own)).context["order"] == own
    assert browser(other_manager, settings, host="b.test").get(detail_url(foreign)).context["order"] == foreign


def test_actions_need_post_and_csrf_and_a_known_name(manager, staff_client, store, variant, method):
    order = place(store, variant, method, paid=True)
    assert staff_client.get(action_url(order, "process")).status_code == 405
    assert staff_client.post(action_url(order, "explode")).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.post(action_url(order, "process")).status_code == 403
    order.refresh_from_db()
    assert order.state == Order.State.PAID


# --- the list ------------------------------------------------------------------------------

def numbers(response) -> list[str]:
    return [order.number for order in response.context["page"].object_list]


def test_list_filters_by_state_method_and_search(staff_client, store, variant, method):
    paid = place(store, variant, method, paid=True, email="moussa@example.com", first_name="Moussa",
                 last_name="Ndiaye")
    cash = place(store, variant, method, payment_method="cash_on_delivery", email="fatou@example.com",
                 first_name="Fatou", last_name="Sow")
    pending = place(store, variant, method, email="awa@example.com")
    url = reverse("staff_orders:order_list")
    assert numbers(staff_client.get(url)) == [pending.number, cash.number, paid.number]  # newest first
    assert numbers(staff_client.get(url, {"state": "paid"})) == [paid.number]
    assert numbers(staff_client.get(url, {"state": "awaiting_payment"})) == [cash.number]
    assert numbers(staff_client.get(url, {"payment_method": "cash_on_delivery"})) == [cash.number]
    assert numbers(staff_client.get(url, {"payment_method": "sandbox"})) == [pending.number, paid.number]
    assert numbers(staff_client.get(url, {"q": paid.number})) == [paid.number]
    assert numbers(staff_client.get(url, {"q": "FATOU@example"})) == [cash.number]
    assert numbers(staff_client.get(url, {"q": "moussa ndiaye"})) == [paid.number]
    assert numbers(staff_client.get(url, {"q": "ndiaye sow"})) == []
    response = staff_client.get(url, {"q": "sow"})
    assert cash.number in response.content.decode() and pending.number not in response.content.decode()


def test_list_date_filters_use_the_stores_time_zone(staff_client, store, variant, method):
    Store.objects.filter(pk=store.pk).update(timezone="Asia/Tokyo")  # UTC+9
    late = place(store, variant, method)
    early = place(store, variant, method)
    # 20:00 UTC on 1 March is already 2 March in Tokyo.
    Order.objects.filter(pk=late.pk).update(created_at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    Order.objects.filter(pk=early.pk).update(created_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    url = reverse("staff_orders:order_list")
    assert numbers(staff_client.get(url, {"date_from": "2026-03-02"})) == [late.number]
    assert numbers(staff_client.get(url, {"date_to": "2026-03-01"})) == [early.number]
    assert numbers(staff_client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-02"})) == [
        late.number, early.number]
    assert date(2026, 3, 2).isoformat() in staff_client.get(url, {"date_from": "2026-03-02"}).content.decode()


@pytest.mark.parametrize("params", [{"date_from": "yesterday"}, {"state": "lost"}, {"payment_method": "gold"},
                                    {"date_from": "2026-03-02", "date_to": "2026-03-01"}, {"page": "abc"}])
def test_bad_filters_are_a_notice_not_an_error(staff_client, store, variant, method, params):
    order = place(store, variant, method)
    response = staff_client.get(reverse("staff_orders:order_list"), params)
    assert response.status_code == 200
    assert order.number in response.content.decode()
    if "page" not in params:
        assert [message.level_tag for message in response.context["messages"]] == ["warning"]


def test_list_paginates_in_a_fixed_number_of_queries(staff_client, store, variant, method,
                                                     django_assert_max_num_queries):
    place(store, variant, method)
    with django_assert_max_num_queries(8) as one:
        staff_client.get(reverse("staff_orders:order_list"))
    for _ in range(26):
        place(store, variant, method, paid=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = staff_client.get(reverse("staff_orders:order_list"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 27
    assert len(staff_client.get(reverse("staff_orders:order_list"), {"page": 2}).context["page"].object_list) == 2


# --- the order page ------------------------------------------------------------------------

def test_detail_shows_lines_totals_addresses_payments_and_history(staff_client, store, variant, method):
    order = place(store, variant, method, paid=True, quantity=2, first_name="Moussa", city="Thiès")
    response = staff_client.get(detail_url(order))
    page = response.content.decode()
    payment = Payment.objects.get(order=order)
    for text in (variant.sku, "ThinkPad X1", "Moussa", "Thiès", "Succeeded",
                 "Pending payment", "Start preparing", "Mark as shipped", "Cancel the order"):
        assert text in page, text
    # The payment line names its provider and amount, never the internal or the provider's reference.
    assert payment.reference not in page and (payment.provider_reference or "sbx_") not in page
    assert "Mark as delivered" not in page and "Mark as paid" not in page
    assert response.context["order"].total == 2 * 10000 + 2000


def test_detail_offers_only_the_transitions_allowed_now(staff_client, store, variant, method):
    pending = place(store, variant, method)
    actions = staff_client.get(detail_url(pending)).context["actions"]
    assert actions == {"process": False, "ship": False, "deliver": False, "cancel": True, "mark_paid": False,
                       "tracking": False}
    transfer = place(store, variant, method, payment_method="bank_transfer")
    actions = staff_client.get(detail_url(transfer)).context["actions"]
    assert actions["mark_paid"] and actions["cancel"] and not actions["process"] and not actions["ship"]
    cash = place(store, variant, method, payment_method="cash_on_delivery")  # the courier collects: it may leave
    actions = staff_client.get(detail_url(cash)).context["actions"]
    assert actions["mark_paid"] and actions["cancel"] and actions["process"] and actions["ship"]


# --- actions -------------------------------------------------------------------------------

def test_prepare_ship_deliver_through_the_web(settings, seller, manager, store, variant, method):
    order = place(store, variant, method, paid=True)
    client = browser(seller, settings)
    response = client.post(action_url(order, "process"), {"process-note": "Au dépôt"}, follow=True)
    assert texts(response) == [f"Order {order.number} is being prepared."]
    response = client.post(action_url(order, "ship"), {
        "ship-carrier": "DHL", "ship-tracking_number": "JD0001", "ship-tracking_url": "https://dhl.example/JD0001"},
        follow=True)
    assert texts(response) == [f"Order {order.number} is marked as shipped."]
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number, order.tracking_url) == (
        Order.State.SHIPPED, "DHL", "JD0001", "https://dhl.example/JD0001")
    browser(manager, settings).post(action_url(order, "deliver"))
    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED and order.delivered_at is not None
    assert transitions(order)[-3:] == [("paid", "processing", seller.email), ("processing", "shipped", seller.email),
                                       ("shipped", "delivered", manager.email)]
    assert OrderEvent.objects.get(order=order, to_state="processing").note == "Au dépôt"


def test_ship_a_paid_order_directly(staff_client, manager, store, variant, method):
    order = place(store, variant, method, paid=True)
    staff_client.post(action_url(order, "ship"), {"ship-carrier": "Coursier"})
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED and order.carrier == "Coursier" and order.tracking_url == ""
    assert transitions(order)[-1] == ("paid", "shipped", manager.email)


def test_mark_as_paid_moves_awaiting_payment_to_paid(staff_client, manager, store, variant, method):
    order = place(store, variant, method, payment_method="cash_on_delivery")
    assert order.state == Order.State.AWAITING_PAYMENT
    response = staff_client.post(action_url(order, "mark-paid"), follow=True)
    assert texts(response) == [f"Order {order.number} is marked as paid."]
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.paid_at is not None
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
    assert transitions(order)[-1] == ("awaiting_payment", "paid", manager.email)
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT, user=manager).exists()
    # Twice is refused, and nothing changes.
    response = staff_client.post(action_url(order, "mark-paid"), follow=True)
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert len(transitions(order)) == 3


def test_cancel_a_paid_order_refunds_it_through_the_provider(staff_client, manager, store, variant, method):
    order = place(store, variant, method, paid=True, quantity=2)
    response = staff_client.post(action_url(order, "cancel"), {"cancel-note": "Client absent"}, follow=True)
    assert texts(response) == [f"Order {order.number} is cancelled."]
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED and not order.stock_consumed
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_amount == order.total
    assert transitions(order)[-1] == ("paid", "cancelled", manager.email)
    assert OrderEvent.objects.get(order=order, to_state="cancelled").note == "Client absent"


def test_cancel_a_cash_order_that_was_paid_asks_for_a_refund_by_hand(staff_client, store, variant, method):
    order = place(store, variant, method, payment_method="cash_on_delivery")
    payments.mark_paid_by_hand(order=order, user=None)
    response = staff_client.post(action_url(order, "cancel"), follow=True)
    assert "refund it by hand" in texts(response)[0]
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert OrderEvent.objects.filter(order=order, code="refund_by_hand").exists()


def test_a_disallowed_transition_is_a_message_and_changes_nothing(staff_client, store, variant, method):
    order = place(store, variant, method)
    before = transitions(order)
    for action in ("deliver", "process", "ship", "mark-paid", "tracking"):
        response = staff_client.post(action_url(order, action), follow=True)
        assert response.status_code == 200, action
        assert [message.level_tag for message in response.context["messages"]] == ["error"], action
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_PAYMENT and order.carrier == ""
    assert transitions(order) == before


@pytest.mark.parametrize(("action", "data", "field"), [
    ("ship", {"ship-tracking_url": "not a url"}, "tracking_url"),
    ("ship", {"ship-carrier": "x" * 81}, "carrier"),
    ("note", {"note-note": "   "}, "note"),
    ("process", {"process-note": "x" * 4001}, "note"),
])
def test_bad_input_is_a_400_with_the_form_and_changes_nothing(staff_client, store, variant, method, action, data,
                                                              field):
    order = place(store, variant, method, paid=True)
    events = OrderEvent.objects.filter(order=order).count()
    response = staff_client.post(action_url(order, action), data)
    assert response.status_code == 400
    assert field in response.context["forms"][action].errors
    order.refresh_from_db()
    assert order.state == Order.State.PAID and OrderEvent.objects.filter(order=order).count() == events


def test_tracking_correction_and_notes(staff_client, manager, store, variant, method):
    order = place(store, variant, method, paid=True)
    staff_client.post(action_url(order, "ship"), {"ship-carrier": "DHL", "ship-tracking_number": "WRONG"}, follow=True)
    response = staff_client.post(action_url(order, "tracking"), {
        "tracking-carrier": "DHL", "tracking-tracking_number": "JD0002",
        "tracking-tracking_url": "https://dhl.example/JD0002"}, follow=True)
    assert texts(response) == [f"The tracking details of order {order.number} are saved."]
    order.refresh_from_db()
    assert (order.state, order.tracking_number, order.tracking_url) == (
        Order.State.SHIPPED, "JD0002", "https://dhl.example/JD0002")
    response = staff_client.post(action_url(order, "note"), {"note-note": "Client prévenu par téléphone"}, follow=True)
    assert texts(response) == ["Note added."]
    notes = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.NOTE).order_by("id")
    assert [(event.text, event.user) for event in notes] == [
        ("Tracking changed: DHL JD0002 https://dhl.example/JD0002.", manager),
        ("Client prévenu par téléphone", manager)]
    assert "Client prévenu par téléphone" in response.content.decode()


def test_a_seller_cannot_cancel_a_paid_order(settings, seller, store, variant, method):
    order = place(store, variant, method, paid=True)
    response = browser(seller, settings).post(action_url(order, "cancel"), follow=True)
    assert "a manager or an admin cancels it" in texts(response)[0]
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED


def test_the_french_order_page_reads_as_french(manager, store, variant, method):
    """Long dates in words, countries by name (not "04/12/2026", not "SN")."""
    order = place(store, variant, method)
    client = Client()
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    page = client.get(detail_url(order)).content.decode()
    placed = timezone.localtime(order.created_at, ZoneInfo(store.timezone))
    with translation.override("fr"):
        month = date_format(placed, "F")
    assert f"{placed.day} {month} {placed.year}" in page
    assert "Sénégal" in page and ">SN<" not in page and "<br>SN" not in page


def test_the_order_prints_with_prices_and_the_packing_slip_without(manager, seller, other_manager, store, variant,
                                                                   method, settings):
    order = place(store, variant, method, quantity=3)
    client = Client()
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    detail = client.get(detail_url(order)).content.decode()
    sheet_url = reverse("staff_orders:order_print", args=[order.number])
    slip_url = reverse("staff_orders:packing_slip", args=[order.number])
    assert sheet_url in detail and slip_url in detail
    sheet = client.get(sheet_url)
    assert sheet.status_code == 200 and sheet.context["kind"] == "order"
    page = sheet.content.decode()
    assert order.number in page and "ThinkPad X1" in page and variant.sku in page
    assert format_money(order.total, "XOF", "fr") in page and "Sénégal" in page
    assert "<script src=" in page and "onclick" not in page  # the print button is wired by print.js (CSP)
    slip = client.get(slip_url).content.decode()
    assert slip.count('data-testid="packing-line"') == 1 and ">3</td>" in slip
    assert format_money(order.total, "XOF", "fr") not in slip and "Bon de préparation" in slip
    assert browser(seller, settings).get(slip_url).status_code == 200  # a vendeur prepares orders too
    assert browser(other_manager, settings).get(slip_url).status_code == 403  # no role in this store
    assert client.post(slip_url).status_code == 405  # a page, not an action
