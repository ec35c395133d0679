"""A French merchant's walk through the back office on a phone: signed in as a gestionnaire, every page
the navigation offers, and one detail page of each kind, opened at 390 px. None is wider than the
window, none shows an English UI word, an internal snake_case code, a payment provider's reference
or Django's "---------" empty choice."""

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client

from ashopy.promotions import staff as promotions
from ashopy.purchasing import services as purchasing
from ashopy.sales import services as sales
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)
from tests.sales.test_invoices import complete_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = ("Save", "Cancel", "Delete", "Search", "Filter", "Change", "None", "True", "False")
ENGLISH_WORD = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b")
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
PROVIDER_REF = re.compile(r"sbx_|sandbox PAY|\bPAY-[0-9a-f]{6,}", re.IGNORECASE)
DASHES = "---------"


@pytest.fixture
def shop(store, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    complete_profile(store)
    method = factories.shipping_method(store, name="Livraison Dakar", price="2000", countries=["SN"])
    main = factories.warehouse(store, "main", name="Entrepôt de Mbao")
    computers = factories.category(store, "Informatique")
    laptops = factories.category(store, "Ordinateurs portables", parent=computers)
    laptop = factories.product(store, "Latitude 5440 — édition professionnelle 14 pouces", category_=laptops,
                               brand_=factories.brand(store, "Dell"), variants=[
                                   {"sku": f"LAT-{n}", "price": Decimal(17500000), "options": {"RAM": f"{8 * n} Go"}}
                                   for n in (1, 2)])
    for variant in laptop.variants.all():
        factories.receive(variant, 3, warehouse_=main, threshold=5)
    customer = factories.UserFactory(email="awa.diop@example.com", first_name="Awa", last_name="Diop",
                                     registered_store=store, phone="+221781234567")
    order = factories.placed_order(store, laptop.variants.first(), method, user=customer, paid=True,
                                   phone="+221781234567")
    invoice = sales.invoice_order(order=order)
    supplier = purchasing.save_supplier(store=store, name="Dakar Distribution", phone="338601234")
    purchase = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=main,
                                                lines=[(laptop.variants.first(), 5, Decimal(12000000))])
    factories.laptop_type(store)
    promotion = promotions.save_promotion(store=store, user=None, name="Rentrée", kind="percent", value=Decimal(10),
                                          categories=[computers])
    code = promotions.save_code(store=store, user=None, code="BIENVENUE10", kind="order_percent",
                                value=Decimal(10), minimum_amount=Decimal(13000), max_uses=100)
    return {"promotion": promotion, "code": code,
            "order": order, "invoice": invoice, "customer": customer, "product": laptop, "supplier": supplier,
            "purchase": purchase, "category": laptops}


def _sign_in(page, live_server, user) -> None:  # noqa: F811
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([
        {"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url},
        {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}])
    page.set_extra_http_headers({"Accept-Language": "fr-FR,fr;q=0.9"})


def _problems(page, path: str) -> list[str]:  # noqa: F811
    width = page.evaluate("document.documentElement.scrollWidth")
    text = page.inner_text("main")
    problems = [f"{path} is {width} px wide in a 390-px window"] if width > 390 else []
    problems += [f"{path} shows the English word {word!r}" for word in sorted(set(ENGLISH_WORD.findall(text)))]
    problems += [f"{path} shows the code {code!r}" for code in sorted(set(SNAKE_CASE.findall(text)))]
    problems += [f"{path} shows a provider reference {ref!r}" for ref in sorted(set(PROVIDER_REF.findall(text)))]
    if DASHES in text or page.locator(f'option:text-is("{DASHES}")').count():
        problems.append(f"{path} shows Django's {DASHES!r} empty choice")
    return problems


def test_every_staff_page_reads_as_french_and_fits_a_phone(page, live_server, store, manager, shop):  # noqa: F811
    _sign_in(page, live_server, manager)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/staff/")
    menu = page.locator("#staff-menu a[href^='/staff/']")
    paths = list(dict.fromkeys(menu.nth(index).get_attribute("href") for index in range(menu.count())))
    assert "/staff/orders/" in paths and "/staff/inventory/suppliers/" in paths and len(paths) >= 15
    details = [f"/staff/orders/{shop['order'].number}/", f"/staff/invoices/{shop['invoice'].pk}/",
               f"/staff/customers/{shop['customer'].pk}/", f"/staff/catalog/products/{shop['product'].pk}/",
               f"/staff/catalog/categories/{shop['category'].pk}/", "/staff/catalog/products/new/",
               f"/staff/inventory/suppliers/{shop['supplier'].pk}/", "/staff/inventory/suppliers/new/",
               f"/staff/inventory/purchase-orders/{shop['purchase'].pk}/", "/staff/inventory/adjust/",
               f"/staff/inventory/variants/{shop['product'].variants.first().pk}/movements/",
               f"/staff/promotions/{shop['promotion'].pk}/", "/staff/promotions/new/",
               f"/staff/promotions/codes/{shop['code'].pk}/", f"/staff/promotions/codes/{shop['code'].pk}/usage/",
               "/staff/promotions/codes/new/", "/staff/promotions/codes/batch/"]
    problems = []
    for path in paths + details:
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        problems += _problems(page, path)
    assert not problems, "\n".join(problems)

    # What the fixes show: the phone written for a person, the provider by its name, the store's clock.
    page.goto(live_server.url + f"/staff/orders/{shop['order'].number}/")
    assert "+221\u00a078\u00a0123\u00a045\u00a067" in page.inner_text("main")
    page.goto(live_server.url + "/staff/")
    assert "heure de Dakar" in page.inner_text("main") and "Africa/Dakar" not in page.content()
