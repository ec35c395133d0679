"""The staff home (/staff/): its figures against a recomputation from the orders, the lists they link to,
its query budget, its charts in French and English, and the login that leads staff to it."""

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ashopy.backoffice.home import charts
from ashopy.checkout import services as checkout
from ashopy.core.money import format_money, format_number, round_money
from ashopy.inventory import selectors as stock_selectors
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Stock
from ashopy.orders import selectors
from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderLine
from ashopy.stores.models import Store
from tests import factories
from tests.core.test_csp_header import inline_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

HOME = "/staff/"
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9, no summer time: local midnight is 15:00 UTC the day before
# Wednesday 4 March 2026, 16:00 UTC: already Thursday 5 March, 01:00, in Tokyo. Its week began on Monday 2 March.
NOW = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
TODAY, MONDAY = date(2026, 3, 5), date(2026, 3, 2)
# What the home counts as sales, restated here rather than imported: paid and kept.
SOLD = {"paid", "processing", "shipped", "delivered"}


def browser(user, language="fr", host="testserver") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def tokyo(store):
    Store.objects.filter(pk=store.pk).update(timezone="Asia/Tokyo")
    store.refresh_from_db()
    return store


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def products(store):
    names = [("ThinkPad X1", "350000"), ("Souris MX", "15000"), ("Écran 27 pouces", "120000"),
             ("Clavier <b>AZERTY</b>", "25000")]
    return [factories.product(store, name, stock=500, price=price).variants.get() for name, price in names]


def placed(store, variant, method, *, at: datetime, quantity=1, payment_method="sandbox", paid=False) -> Order:
    """An order placed (and paid) through the checkout, then dated `at` (placed and paid at that instant)."""
    order = factories.placed_order(store, variant, method, quantity=quantity, payment_method=payment_method,
                                   paid=paid)
    Order.objects.filter(pk=order.pk).update(created_at=at, paid_at=at if order.paid_at else None)
    order.refresh_from_db()
    return order


def tokyo_time(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TOKYO).astimezone(UTC)


@pytest.fixture
def history(tokyo, method, products, manager):
    """A month of orders of every kind, several just either side of a local midnight."""
    laptop, mouse, screen, keyboard = products
    with time_machine.travel(NOW, tick=False):
        made = {
            "first_minute_today": placed(tokyo, laptop, method, at=tokyo_time(TODAY, 0, 0, 0), paid=True),
            "last_second_yesterday": placed(tokyo, mouse, method, at=tokyo_time(TODAY - timedelta(days=1), 23, 59, 59),
                                            quantity=3, paid=True),
            "monday_midnight": placed(tokyo, screen, method, at=tokyo_time(MONDAY, 0, 0), paid=True),
            "sunday_before": placed(tokyo, keyboard, method, at=tokyo_time(MONDAY - timedelta(days=1), 23, 59),
                                    quantity=2, paid=True),
            "three_weeks_ago": placed(tokyo, laptop, method, at=tokyo_time(TODAY - timedelta(days=21), 12), paid=True),
            "forty_days_ago": placed(tokyo, laptop, method, at=tokyo_time(TODAY - timedelta(days=40), 12), paid=True),
            "processing": placed(tokyo, mouse, method, at=tokyo_time(TODAY, 0, 30), paid=True),
            "shipped": placed(tokyo, screen, method, at=tokyo_time(TODAY - timedelta(days=2), 9), paid=True),
            "delivered": placed(tokyo, keyboard, method, at=tokyo_time(TODAY - timedelta(days=9), 9), paid=True),
            "cancelled_after_paying": placed(tokyo, laptop, method, at=tokyo_time(TODAY, 0, 45), paid=True),
            "refund_needed": placed(tokyo, screen, method, at=tokyo_time(TODAY, 0, 50), paid=True),
            "cash": placed(tokyo, mouse, method, at=tokyo_time(TODAY, 0, 10), payment_method="cash_on_delivery"),
            "cash_older": placed(tokyo, keyboard, method, at=tokyo_time(TODAY - timedelta(days=3), 10),
                                 payment_method="cash_on_delivery"),
            "transfer": placed(tokyo, laptop, method, at=tokyo_time(TODAY - timedelta(days=1), 10),
                               payment_method="bank_transfer"),
            "pending": placed(tokyo, mouse, method, at=tokyo_time(TODAY, 0, 20)),
        }
        orders.process(order=made["processing"], user=manager)
        orders.ship(order=made["shipped"], user=manager)
        orders.ship(order=made["delivered"], user=manager)
        orders.deliver(order=made["delivered"], user=manager)
        checkout.cancel_order(order=made["cancelled_after_paying"], user=manager)
        # Paid after its hold lapsed and the units were gone: no service makes that on purpose.
        Order.objects.filter(pk=made["refund_needed"].pk).update(state=Order.State.REFUND_NEEDED)
    for variant, threshold in ((mouse, 600), (keyboard, 1)):  # 500 − what was sold: under 600 is low, 1 is not
        inventory.set_levels(stock=Stock.objects.get(variant=variant), low_stock_threshold=threshold)
    return made


def recomputed_sales(store, first: date, last: date) -> tuple[Decimal, int]:
    chosen = [order for order in Order.objects.filter(store=store)
              if order.state in SOLD and order.paid_at is not None
              and first <= order.paid_at.astimezone(TOKYO).date() <= last]
    return sum((order.total for order in chosen), Decimal(0)), len(chosen)


def test_figures_equal_a_recomputation_from_the_orders(tokyo, history):
    with time_machine.travel(NOW, tick=False):
        periods = {"today": selectors.Period.of_days(TODAY, TODAY, TOKYO),
                   "week": selectors.Period.of_days(MONDAY, MONDAY + timedelta(days=6), TOKYO)}
        sales = selectors.sales_by_period(store=tokyo, periods=periods)
    for name, (first, last) in {"today": (TODAY, TODAY), "week": (MONDAY, MONDAY + timedelta(days=6))}.items():
        amount, count = recomputed_sales(tokyo, first, last)
        assert (sales[name].amount, sales[name].orders) == (amount, count), name
        assert sales[name].average == round_money(amount / count, "XOF")
    # The boundaries fell where the store's clock puts them.
    assert sales["today"].orders == 2  # first minute of today, processing; not the last second of yesterday
    assert sales["week"].orders == 5  # + yesterday's last second, Monday's midnight, shipped; not Sunday's

    everything = list(Order.objects.filter(store=tokyo).prefetch_related("lines"))
    work = selectors.open_work(store=tokyo)
    # Cash-on-delivery orders waiting for their money are prepared too: the courier collects it.
    assert work.to_prepare == sum(order.state in ("paid", "processing") or (
        order.state == "awaiting_payment" and order.pays_on_delivery) for order in everything) == 9
    assert (work.to_collect, work.to_collect_amount) == (0, 0)  # the delivered one was paid online
    waiting = Counter(order.payment_method for order in everything if order.state == "awaiting_payment")
    assert {w.payment_method: w.orders for w in work.awaiting_payment} == waiting == {
        "cash_on_delivery": 2, "bank_transfer": 1}
    assert work.awaiting_amount == sum(order.total for order in everything if order.state == "awaiting_payment")

    first = TODAY - timedelta(days=29)
    days = selectors.daily_sales(store=tokyo, first=first, last=TODAY, zone=TOKYO)
    assert [day.day for day in days] == [first + timedelta(days=n) for n in range(30)]
    for day in days:
        assert (day.amount, day.orders) == recomputed_sales(tokyo, day.day, day.day), day.day

    month = selectors.Period.of_days(first, TODAY, TOKYO)
    revenue, units = defaultdict(Decimal), Counter()
    for line in OrderLine.objects.filter(order__store=tokyo).select_related("order"):
        order = line.order
        if order.state in SOLD and first <= order.paid_at.astimezone(TOKYO).date() <= TODAY:
            revenue[line.product_name] += line.gross
            units[line.product_name] += line.quantity
    top = selectors.top_products(store=tokyo, period=month)
    assert [(row["name"], row["revenue"], row["units"]) for row in top] == sorted(
        ((name, revenue[name], units[name]) for name in revenue), key=lambda row: -row[1])

    by_method = Counter(order.payment_method for order in everything
                        if (order.state in SOLD or order.state == "awaiting_payment")
                        and first <= order.created_at.astimezone(TOKYO).date() <= TODAY)
    assert {row["payment_method"]: row["orders"]
            for row in selectors.orders_by_payment_method(store=tokyo, period=month)} == by_method

    low = [row for row in Stock.objects.filter(store=tokyo)
           if row.low_stock_threshold and row.on_hand - row.reserved <= row.low_stock_threshold]
    assert stock_selectors.low_stock_count(store=tokyo) == len(low) == 1


def figure(page: str, slug: str) -> tuple[str, str]:
    """(link, value) of the figure `slug` on the page."""
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*data-figure="{slug}">.*?fw-semibold[^>]*>([^<]+)<', page, re.S)
    if match is None:  # figures of the "waiting" cards carry the slug on their card
        match = re.search(rf'data-figure="{slug}">.*?<a [^>]*href="([^"]+)">.*?fw-semibold[^>]*>([^<]+)<', page,
                          re.S)
    return match.group(1).replace("&amp;", "&"), match.group(2)


def test_the_page_shows_each_figure_linking_to_the_orders_it_counts(tokyo, history, manager):
    client = browser(manager)
    with time_machine.travel(NOW, tick=False):
        page = client.get(HOME).content.decode()
        for slug, (first, last) in {"today": (TODAY, TODAY), "week": (MONDAY, MONDAY + timedelta(days=6))}.items():
            amount, count = recomputed_sales(tokyo, first, last)
            with translation.override("fr"):
                assert figure(page, f"{slug}-sales")[1] == format_money(amount, "XOF")
                assert figure(page, f"{slug}-orders")[1] == format_number(count)
                assert figure(page, f"{slug}-average")[1] == format_money(round_money(amount / count, "XOF"), "XOF")
            listed = client.get(figure(page, f"{slug}-orders")[0])
            assert listed.status_code == 200 and not list(listed.context["messages"])
            assert listed.context["page"].paginator.count == count, slug
        expected = {"to-prepare": 9, "awaiting": 3, "awaiting-cash_on_delivery": 2}
        for slug, count in expected.items():
            link, value = figure(page, slug) if slug != "awaiting-cash_on_delivery" else (
                re.search(r'data-figure="awaiting-cash_on_delivery"><a href="([^"]+)"', page).group(1)
                .replace("&amp;", "&"), "2")
            assert value == str(count), slug
            listed = client.get(link)
            assert listed.context["page"].paginator.count == count, slug
        link, value = figure(page, "low-stock")
        assert value == "1" and link == reverse("inventory:low_stock")
        assert client.get(link).context["page"].paginator.count == 1
    assert "14:59" not in page and "heure de Tokyo" in page and "Asia/Tokyo" not in page  # the store's clock, in words


def test_the_order_list_filters_by_paid_date_on_the_stores_clock_and_by_state_group(tokyo, history, manager):
    client, url = browser(manager, "en"), reverse("staff_orders:order_list")

    def listed(**params) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200 and not list(response.context["messages"]), params
        return {order.number for order in response.context["page"].object_list}

    def numbers(*names) -> set[str]:
        return {history[name].number for name in names}

    today = TODAY.isoformat()
    assert listed(paid_from=today, paid_to=today) == numbers(
        "first_minute_today", "processing", "cancelled_after_paying", "refund_needed")
    assert listed(state="sold", paid_from=today, paid_to=today) == numbers("first_minute_today", "processing")
    assert listed(paid_to=(TODAY - timedelta(days=1)).isoformat(), paid_from=MONDAY.isoformat()) == numbers(
        "last_second_yesterday", "monday_midnight", "shipped")
    assert listed(state="to_prepare") == {order.number for order in Order.objects.filter(
        store=tokyo, state__in=("paid", "processing"))} | numbers("cash", "cash_older")
    backwards = client.get(url, {"paid_from": today, "paid_to": MONDAY.isoformat()})
    assert [message.level_tag for message in backwards.context["messages"]] == ["warning"]


def test_the_home_costs_the_same_queries_whatever_the_number_of_orders(store, method, products, store_admin,
                                                                      django_assert_max_num_queries):
    client = browser(store_admin)
    factories.placed_order(store, products[0], method, paid=True)
    client.get(HOME)  # the per-process caches (the store's host, its categories) are filled once
    with django_assert_max_num_queries(12) as one:
        assert client.get(HOME).status_code == 200
    for index in range(30):
        payment_method = ("sandbox", "sandbox", "cash_on_delivery", "bank_transfer")[index % 4]
        factories.placed_order(store, products[index % 4], method, quantity=1 + index % 3,
                               payment_method=payment_method, paid=payment_method == "sandbox" and index % 5 != 0)
    with django_assert_max_num_queries(len(one.captured_queries)) as thirty:
        assert client.get(HOME).status_code == 200
    assert len(thirty.captured_queries) == len(one.captured_queries)


# --- roles: the menu and the 403 ------------------------------------------------------------

STOCK_PAGES = ["inventory:stock_list", "inventory:low_stock", "inventory:stock_value", "inventory:movements",
               "purchasing:supplier_list", "purchasing:purchase_order_list", "purchasing:reorder_suggestions"]


def menu(page: str) -> list[str]:
    nav = re.search(r'<div [^>]*id="staff-menu">(.*?)</div>', page, re.S).group(1)
    return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav)


@pytest.mark.parametrize(("role", "sees_stock"), [("vendeur", False), ("gestionnaire", True), ("admin", True)])
def test_each_role_sees_in_the_menu_exactly_the_pages_it_opens(store, role, sees_stock):
    client = browser(factories.staff(store, role, email=f"{role}@example.com"))
    links = menu(client.get(HOME).content.decode())
    assert links[:2] == [HOME, reverse("staff_orders:order_list")]
    assert all((reverse(name) in links) == sees_stock for name in STOCK_PAGES)
    for name in ["staff_orders:order_list", *STOCK_PAGES]:
        status = client.get(reverse(name)).status_code
        assert status == (200 if reverse(name) in links else 403), (role, name, status)
    page = client.get(HOME).content.decode()
    assert ('data-figure="low-stock"' in page) == sees_stock
    assert ('id="chart-stock"' in page) == sees_stock
    assert 'id="chart-sales"' in page and 'data-figure="today-sales"' in page


def test_a_page_the_role_may_not_open_is_a_styled_403_in_the_shops_language(store, seller, customer, other_manager):
    response = browser(seller).get(reverse("inventory:stock_list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert [template.name for template in response.templates][:2] == ["403.html", "base.html"]
    assert '<html lang="fr">' in page and "Accès refusé" in page and "ne donne pas accès" in page
    assert inline_code(page) == []
    assert f'href="{HOME}"' in page  # back to what the seller may open
    english = browser(seller, language="en").get(reverse("inventory:stock_list")).content.decode()
    assert "Access denied" in english and "does not give access" in english
    for outsider in (customer, other_manager):  # no role in this store: no way into its back office
        response = browser(outsider).get(HOME)
        assert response.status_code == 403 and "Accès refusé" in response.content.decode()
        assert f'href="{HOME}"' not in response.content.decode()
    assert Client().get(HOME).status_code == 302


def test_a_refused_csrf_token_is_the_styled_403_too(store, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(reverse("accounts:profile"), {"first_name": "X"})
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode() and "a expiré" in response.content.decode()


# --- charts -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "texts"), [
    ("fr", ["Ventes par jour, 30 derniers jours", "5 mars", "Les chiffres", "Valeur du stock par entrepôt",
            "Commandes par moyen de paiement", "Paiement à la livraison"]),
    ("en", ["Sales per day, last 30 days", "Mar 5", "The figures", "Stock value per warehouse",
            "Orders by payment method", "Cash on delivery"]),
])
def test_charts_are_accessible_svg_with_their_figures_in_the_pages_language(tokyo, history, manager, language,
                                                                             texts):
    with time_machine.travel(NOW, tick=False):
        page = browser(manager, language).get(HOME).content.decode()
    for text in texts:
        assert text in page, text
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        slug = re.search(r'id="chart-(\w+)"', svg).group(1)
        assert 'role="img"' in svg and f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in svg
        assert re.search(rf'<title id="chart-{slug}-title">[^<]+</title><desc id="chart-{slug}-desc">[^<]+</desc>',
                         svg)
        assert "<script" not in svg and "<style" not in svg and "style=" not in svg  # the CSP forbids them
        assert f'data-chart-table="{slug}"' in page
    assert inline_code(page) == []
    assert len(set(re.findall(r'\sid="([^"]+)"', page))) == len(re.findall(r'\sid="([^"]+)"', page))
    assert "Clavier &lt;b&gt;AZERTY&lt;/b&gt;" in page and "<b>AZERTY" not in page
    amount, _count = recomputed_sales(tokyo, TODAY - timedelta(days=29), TODAY)
    with translation.override(language):
        assert format_money(amount, "XOF") in page  # the sales table's total
    if language == "fr":
        assert re.search(r"\d\u202f\d{3}\xa0F\u202fCFA", page)  # 1 234 567 F CFA: amounts never wrap


def test_the_charts_stylesheet_is_pygals_for_our_style():
    committed = Path(charts.__file__).parents[1] / "static" / "backoffice" / "charts.css"
    assert committed.read_text() == charts.stylesheet(), (
        "Regenerate it: DJANGO_SETTINGS_MODULE=ashopy.settings .venv/bin/python -c \"import django; django.setup(); "
        "from ashopy.backoffice.home.charts import stylesheet; print(stylesheet(), end='')\" "
        "> ashopy/backoffice/static/backoffice/charts.css")


def test_charts_say_when_there_is_nothing_to_draw(store, store_admin):
    page = browser(store_admin).get(HOME).content.decode()
    assert page.count('role="img"') == 4
    assert "Aucune vente sur ces 30 jours." in page and "Aucune donnée" in page


# --- where people land after logging in -------------------------------------------------------

@pytest.mark.parametrize(("who", "lands"), [("manager", HOME), ("seller", HOME), ("store_admin", HOME),
                                             ("customer", "/account/"), ("other_manager", "/account/")])
def test_staff_land_on_the_back_office_and_customers_on_their_account(request, client, store, who, lands):
    user = request.getfixturevalue(who)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == lands
    assert client.get(reverse("accounts:login"))["Location"] == lands  # already logged in


def test_a_safe_next_wins_over_the_back_office(client, manager):
    url = reverse("accounts:login")
    response = client.post(f"{url}?next=/staff/orders/", {"username": manager.email, "password": factories.PASSWORD})
    assert response["Location"] == "/staff/orders/"
    client.logout()
    response = client.post(f"{url}?next=https://evil.example/", {"username": manager.email,
                                                                  "password": factories.PASSWORD})
    assert response["Location"] == HOME
