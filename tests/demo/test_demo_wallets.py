"""The demo wallet server (ashopy/demo/wallets.py): Wave and Orange Money paid for real over HTTP against
the app's own /demo/wallets/ API, with the real notification checks; never there when DEBUG is off."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import clear_url_caches

import ashopy.urls
from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.demo import wallets
from ashopy.orders.models import Order
from ashopy.payments import providers, services
from ashopy.payments.models import Payment
from ashopy.payments.providers.base import InvalidNotification, ProviderError
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko",
        "notify": "http://testserver/api/v1/payments/webhooks/x/"}
ACCOUNTS = django_settings.DEMO_WALLETS_ACCOUNTS


def _reload_urls():
    importlib.reload(ashopy.urls)
    clear_url_caches()


@pytest.fixture
def demo(settings, live_server, store):
    """DEBUG on, the demo wallet URLs mounted, both wallets configured against the live server."""
    settings.DEBUG = True
    settings.DEMO_WALLETS = True
    base = live_server.url + "/demo/wallets"
    settings.PAYMENT_PROVIDERS = {"*": {
        "wave": {**ACCOUNTS["wave"], "api_base": base, "label": "Wave (demo)"},
        "orange_money": {**ACCOUNTS["orange_money"], "api_base": base},
    }}
    _reload_urls()
    yield base
    with override_settings(DEBUG=False, DEMO_WALLETS=False):
        _reload_urls()


def _order(store, customer, provider):
    variant = factories.product(store, stock=3, price="10000").variants.get()
    method = factories.shipping_method(store, price="2000")
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method, payment_method=provider))
    return order, checkout.start_payment(order=order, payment=payment, urls=URLS)


@pytest.mark.parametrize("wallet", ["wave", "orange_money"])
def test_paid_through_the_demo_wallet_page(client, demo, store, customer, wallet):
    order, payment = _order(store, customer, wallet)
    assert payment.status == Payment.Status.PENDING
    assert payment.redirect_url.startswith(f"{demo}/pay/{wallet}/")
    page = httpx.get(payment.redirect_url, headers={"Cookie": "django_language=fr"})
    assert page.status_code == 200
    name = "Wave" if wallet == "wave" else "Orange Money"
    assert f"{name} — démonstration (aucun argent réel)" in page.text
    assert "22\u202f000" in page.text or "22 000" in page.text or "22\u00a0000" in page.text
    path = urlsplit(payment.redirect_url).path
    response = client.post(path, {"action": "pay"})
    assert response.status_code == 302 and response["Location"] == URLS["success"]
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert client.post(path, {"action": "pay"}).status_code == 409  # a replayed Pay changes nothing
    assert client.post(path, {"action": "cancel"}).status_code == 409
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("wallet", ["wave", "orange_money"])
def test_cancel_leaves_the_order_unpaid(client, demo, store, customer, wallet):
    order, payment = _order(store, customer, wallet)
    response = client.post(urlsplit(payment.redirect_url).path, {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == URLS["cancel"]
    order.refresh_from_db()
    assert order.state != Order.State.PAID


def test_the_shop_checks_the_wave_signature(client, demo, settings, store, customer):
    """The demo signs with the wallet account's secret: a shop configured with another secret refuses it."""
    order, payment = _order(store, customer, "wave")
    settings.PAYMENT_PROVIDERS = {"*": {"wave": {**settings.PAYMENT_PROVIDERS["*"]["wave"],
                                                 "webhook_secret": "not-the-wallet-secret"}}}
    response = client.post(urlsplit(payment.redirect_url).path, {"action": "pay"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state != Order.State.PAID
    session = httpx.get(f"{demo}/v1/checkout/sessions/{payment.provider_reference}",
                        headers={"Authorization": f"Bearer {ACCOUNTS['wave']['api_key']}"}).json()
    body = json.dumps({"id": "EV_forged", "type": "checkout.session.completed",
                       "data": {**session, "payment_status": "succeeded"}}).encode()
    with pytest.raises(InvalidNotification):
        services.handle_notification(store=store, provider_code="wave", body=body,
                                     headers={"Wave-Signature": wallets.wave_signature(body, "wrong-secret")})


def test_the_shop_checks_the_orange_money_token(demo, store, customer):
    order, _payment = _order(store, customer, "orange_money")
    body = json.dumps({"status": "SUCCESS", "notif_token": "not-the-token", "txnid": "MP1"}).encode()
    with pytest.raises(InvalidNotification):
        services.handle_notification(store=store, provider_code="orange_money", body=body, headers={})
    order.refresh_from_db()
    assert order.state != Order.State.PAID


def test_wave_api_wants_its_key_and_a_whole_amount(demo):
    url = f"{demo}/v1/checkout/sessions"
    good = {"amount": "1000", "currency": "XOF", "success_url": URLS["success"], "error_url": URLS["cancel"]}
    assert httpx.post(url, json=good).status_code == 401
    assert httpx.post(url, json=good, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(f"{url}/cos-x", headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {ACCOUNTS['wave']['api_key']}"}
    for amount in ("12.5", 1000, "-3", "0", ""):
        assert httpx.post(url, json={**good, "amount": amount}, headers=auth).status_code == 400
    assert httpx.post(url, json={**good, "currency": "EUR"}, headers=auth).status_code == 400
    assert httpx.post(url, content=b"{not json", headers={**auth, "Content-Type": "application/json"}
                      ).status_code == 400
    assert httpx.post(url, content=b"[1]", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    assert httpx.get(f"{url}/cos-unknown", headers=auth).status_code == 404
    session = httpx.post(url, json=good, headers=auth)
    assert session.status_code == 200 and session.json()["checkout_status"] == "open"
    again = httpx.get(f"{url}/{session.json()['id']}", headers=auth)
    assert again.status_code == 200 and again.json()["amount"] == "1000"


def test_orange_money_api_wants_its_credentials_and_a_whole_amount(demo):
    account = ACCOUNTS["orange_money"]
    token_url, pay_url = f"{demo}/oauth/v3/token", f"{demo}/orange-money-webpay/{account['country_path']}/v1/webpayment"
    assert httpx.post(token_url, data={"grant_type": "client_credentials"}).status_code == 401
    assert httpx.post(token_url, data={"grant_type": "client_credentials"},
                      auth=(account["client_id"], "wrong")).status_code == 401
    token = httpx.post(token_url, data={"grant_type": "client_credentials"},
                       auth=(account["client_id"], account["client_secret"])).json()["access_token"]
    good = {"merchant_key": account["merchant_key"], "currency": "XOF", "order_id": "PAY-om-1", "amount": 500,
            "return_url": URLS["success"], "cancel_url": URLS["cancel"], "notif_url": URLS["notify"], "lang": "fr",
            "reference": "A-1"}
    assert httpx.post(pay_url, json=good).status_code == 401
    assert httpx.post(pay_url, json=good, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    for amount in ("500", 12.5, 0, -1, True):
        assert httpx.post(pay_url, json={**good, "amount": amount}, headers=auth).status_code == 400
    assert httpx.post(pay_url, content=b"{oops", headers=auth).status_code == 400
    answer = httpx.post(pay_url, json=good, headers=auth)
    assert answer.status_code == 201 and {"pay_token", "notif_token", "payment_url"} <= answer.json().keys()
    assert httpx.post(pay_url, json=good, headers=auth).status_code == 400  # order_id used once


def test_a_provider_with_a_wrong_key_gets_a_provider_error(demo, store, customer):
    with pytest.raises(ProviderError):
        providers.build("wave", {"api_key": "wrong", "api_base": demo}).start(
            _payment_request())


def _payment_request():
    from decimal import Decimal

    from ashopy.payments.providers.base import PaymentRequest

    return PaymentRequest(payment_id=1, reference="PAY-x", amount=Decimal("1000"), currency="XOF",
                          order_number="A-1", description="A-1", customer_email="a@example.com",
                          success_url=URLS["success"], cancel_url=URLS["cancel"], notify_url=URLS["notify"])


def test_bad_input_to_the_pay_page(client, demo, store, customer):
    assert client.get("/demo/wallets/pay/wave/cos-unknown/").status_code == 404
    assert client.post("/demo/wallets/pay/wave/cos-unknown/", {"action": "pay"}).status_code == 404
    assert client.get("/demo/wallets/pay/paypal/x/").status_code == 404
    _placed, payment = _order(store, customer, "wave")
    assert client.post(urlsplit(payment.redirect_url).path, {"action": "steal"}).status_code == 400


def test_the_label_says_demo(demo, store):
    assert [str(provider.label) for provider in providers.offered(store)][:2] == ["Wave (demo)", "Orange Money"]


DEMO_URLS = ["/demo/wallets/v1/checkout/sessions", "/demo/wallets/v1/checkout/sessions/cos-1",
             "/demo/wallets/oauth/v3/token", "/demo/wallets/orange-money-webpay/sn/v1/webpayment",
             "/demo/wallets/pay/wave/cos-1/", "/demo/wallets/pay/orange_money/v1abc/"]


@pytest.mark.parametrize("url", DEMO_URLS)
def test_nothing_when_debug_is_off(client, settings, store, url):
    settings.DEBUG = False
    assert client.get(url).status_code == 404  # not mounted (ashopy/urls.py read with DEBUG off)
    assert client.post(url).status_code == 404
    try:
        with override_settings(DEBUG=True, DEMO_WALLETS=True):
            _reload_urls()  # mounted as in the demo…
        assert client.get(url).status_code == 404  # …yet every view refuses while DEBUG is off
        assert client.post(url).status_code == 404
        settings.DEBUG, settings.DEMO_WALLETS = True, False
        assert client.post(url).status_code == 404
    finally:
        with override_settings(DEBUG=False, DEMO_WALLETS=False):
            _reload_urls()


def _demo_settings(**env) -> dict:
    script = ("import json; from django.conf import settings; from django.utils import translation; "
              "translation.activate('fr'); p = settings.PAYMENT_PROVIDERS; "
              "print(json.dumps({s: {c: {k: str(v) for k, v in o.items()} for c, o in p[s].items()} "
              "for s in ('dakar', 'paris')}))")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ashopy.settings", "DEBUG": "1",
                   "PAYMENT_PROVIDERS": "", **env}
    environment.pop("PAYMENT_PROVIDERS")
    run = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {script}"], env=environment,
                         cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_the_demo_offers_wave_and_orange_money_in_dakar_only():
    found = _demo_settings()
    assert {"sandbox", "wave", "orange_money", "cash_on_delivery"} <= found["dakar"].keys()
    assert "wave" not in found["paris"] and "orange_money" not in found["paris"]
    assert found["dakar"]["wave"]["api_base"] == "http://127.0.0.1:8000/demo/wallets"
    assert found["dakar"]["wave"]["label"] == "Wave (démonstration)"
    assert found["dakar"]["orange_money"]["label"] == "Orange Money (démonstration)"
    moved = _demo_settings(DEMO_WALLETS_URL="http://127.0.0.1:8123/demo/wallets/")
    assert moved["dakar"]["orange_money"]["api_base"] == "http://127.0.0.1:8123/demo/wallets"
    assert "wave" not in _demo_settings(DEMO_WALLETS="0")["dakar"]
