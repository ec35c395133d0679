"""A gestionnaire's day in real Chromium, without /admin/: sign in → the staff home (figures and charts)
→ a variant's price and stock → a stock file checked then imported → a student verified → a
cash-on-delivery order shipped, then its cash recorded."""

from decimal import Decimal

import pytest

from ashopy.accounts.models import User
from ashopy.catalog.models import Variant
from ashopy.inventory.models import Reason, Stock, StockMovement
from ashopy.orders.models import Order
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(store, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    method = factories.shipping_method(store, name="Livraison Dakar", price="2000", countries=["SN"])
    main = factories.warehouse(store, "main")
    lamp = factories.product(store, "Lampe Solaire", variants=[{"sku": "LAMP-1", "price": Decimal(15000)}])
    radio = factories.product(store, "Radio FM", variants=[{"sku": "RADIO-1", "price": Decimal(9000)}])
    factories.receive(lamp.variants.get(), 4, warehouse_=main)
    factories.receive(radio.variants.get(), 2, warehouse_=main)
    factories.placed_order(store, radio.variants.get(), method, paid=True)  # a sale for the figures
    cod = factories.placed_order(store, lamp.variants.get(), method, payment_method="cash_on_delivery")
    student = factories.UserFactory(email="awa.etudiante@example.com", first_name="Awa", last_name="Diop",
                                    registered_store=store, declared_segment="etudiant")
    return {"lamp": lamp, "cod": cod, "student": student, "main": main}


def _sign_in(page, live_server, email):  # noqa: F811
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/")


def test_a_gestionnaire_runs_the_day_from_the_back_office(page, live_server, store, manager, shop,  # noqa: F811
                                                          tmp_path):
    _sign_in(page, live_server, manager.email)

    # The home: figures linking to their lists, and the charts as accessible SVG.
    assert page.locator('[data-figure="to-prepare"]').count() == 1
    assert page.locator("figure svg").count() >= 4
    assert page.locator("figure table").count() >= 4  # the figures beside each chart

    # A variant's price, in the product page's variants table.
    lamp = shop["lamp"]
    page.goto(f"{live_server.url}/staff/catalog/products/{lamp.pk}/")
    page.fill("#id_variants-0-price", "16500")
    page.get_by_role("button", name="Save the variants").or_(
        page.get_by_role("button", name="Enregistrer les variantes")).click()
    page.wait_for_load_state()
    assert Variant.objects.get(sku="LAMP-1").price == Decimal(16500)

    # Its stock, through the adjustment page the variants table links to (4 received, 1 sold to the
    # cash-on-delivery order, which takes its units when placed).
    assert Stock.objects.get(variant__sku="LAMP-1").on_hand == 3
    page.locator('[data-testid="variant-row"] a[href*="adjust"]').first.click()
    page.wait_for_url("**/adjust/?variant=*")
    page.select_option("#id_warehouse", str(shop["main"].pk))
    page.fill("#id_quantity_change", "-1")
    page.select_option("#id_cause", index=1)
    page.fill("#id_note", "Vitre fendue")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert Stock.objects.get(variant__sku="LAMP-1").on_hand == 2

    # A stock file: checked first (nothing written), then imported.
    stock_file = tmp_path / "stock.csv"
    stock_file.write_text("sku;warehouse;on_hand\r\nLAMP-1;main;12\r\n", encoding="utf-8")
    page.goto(live_server.url + "/staff/catalog/io/")
    page.select_option("#id_dataset", "stock")
    page.set_input_files("#id_file", str(stock_file))
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert Stock.objects.get(variant__sku="LAMP-1").on_hand == 2  # the dry run wrote nothing
    page.locator("main form input[name=token] ~ button[type=submit]").click()
    page.wait_for_load_state()
    assert Stock.objects.get(variant__sku="LAMP-1").on_hand == 12
    assert StockMovement.objects.filter(variant__sku="LAMP-1", reason=Reason.IMPORT, quantity=10).count() == 1

    # A student verified from the customer page: the discount applies from now on.
    student = shop["student"]
    page.goto(f"{live_server.url}/staff/customers/{student.pk}/")
    page.locator(f'form[action$="/{student.pk}/verify-segment/"] button[type=submit]').click()
    page.wait_for_load_state()
    student = User.objects.get(pk=student.pk)
    assert student.segment == "etudiant" and student.segment_verified_by == manager

    # The cash-on-delivery order: prepared and shipped before payment, then its cash recorded.
    order = shop["cod"]
    page.goto(f"{live_server.url}/staff/orders/{order.number}/")
    page.locator('form[action$="/process/"] button[type=submit]').click()
    page.wait_for_load_state()
    page.locator('form[action$="/ship/"] button[type=submit]').click()
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED and order.paid_at is None
    page.locator('form[action$="/mark-paid/"] button[type=submit]').click()
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED and order.paid_at is not None
