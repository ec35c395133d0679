"""Sign-ups and password-reset e-mails are limited per client address and per target e-mail, web and API alike.

One count is shared by the web pages and the API; past it the answer is a 429 with a message, and nothing
is created or sent. A password reset answers the same whether the e-mail has an account or not.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ashopy.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

REGISTER_API = "/api/v1/auth/register/"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_rates(settings, store):
    """Low rates so a test reaches them; the per-request API throttle ("anon-auth") stays out of the way."""
    rates = {"anon-auth": "1000/min", "registration": f"{LIMIT}/hour", "password-reset": f"{LIMIT}/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _web(address="127.0.0.1", **headers) -> Client:
    client = Client(REMOTE_ADDR=address, **headers)
    client.cookies["django_language"] = "en"
    return client


def _api(address="127.0.0.1", **headers) -> APIClient:
    return APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)


def _web_register(email, client=None):
    data = {"email": email, "first_name": "Moussa", "last_name": "Ndiaye", "phone": "77 123 45 67",
            "segment": "", "password": factories.PASSWORD, "password_confirm": factories.PASSWORD}
    return (client or _web()).post(reverse("accounts:register"), data)


def _api_register(email, client=None):
    return (client or _api()).post(REGISTER_API, {"email": email, "password": factories.PASSWORD}, format="json")


def _reset(email, client=None):
    return (client or _web()).post(reverse("accounts:password_reset"), {"email": email})


def _assert_web_refusal(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("Too many attempts.") and error in response.content.decode()


def _assert_api_refusal(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and body["detail"].startswith("Too many attempts.") and body["fields"] == {}
    assert int(response["Retry-After"]) > 0


# Registration -------------------------------------------------------------------------------------------------

def test_web_registration_is_limited_per_client_address():
    for n in range(LIMIT):
        assert _web_register(f"client{n}@example.com").status_code == 302
    refused = _web_register("one-more@example.com")
    _assert_web_refusal(refused)
    assert not User.objects.filter(email="one-more@example.com").exists()
    assert User.objects.count() == LIMIT
    assert _web_register("elsewhere@example.com", _web("10.0.0.9")).status_code == 302  # another address is free


def test_api_registration_is_limited_per_client_address(mailoutbox):
    for n in range(LIMIT):
        assert _api_register(f"client{n}@example.com").status_code == 201
    refused = _api_register("one-more@example.com")
    _assert_api_refusal(refused)
    assert not User.objects.filter(email="one-more@example.com").exists()
    assert len(mailoutbox) == LIMIT


def test_web_and_api_registrations_share_one_count():
    assert _web_register("web1@example.com").status_code == 302
    assert _api_register("api1@example.com").status_code == 201
    assert _web_register("web2@example.com").status_code == 302
    _assert_api_refusal(_api_register("api2@example.com"))
    _assert_web_refusal(_web_register("web3@example.com"))


def test_a_forged_forwarded_for_does_not_escape_the_limit():
    """Without proxies of ours (NUM_PROXIES=0) the connection's address counts, whatever X-Forwarded-For says."""
    for n in range(LIMIT):
        assert _web_register(f"client{n}@example.com", _web(HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")).status_code == 302
    _assert_web_refusal(_web_register("one-more@example.com", _web(HTTP_X_FORWARDED_FOR="10.1.1.99")))


def test_behind_our_proxy_each_forwarded_client_has_its_own_count(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(LIMIT + 2):
        response = _api_register(f"client{n}@example.com", _api(HTTP_X_FORWARDED_FOR=f"10.2.2.{n}"))
        assert response.status_code == 201
    for n in range(LIMIT):
        assert _api_register(f"same{n}@example.com", _api(HTTP_X_FORWARDED_FOR="10.2.2.77")).status_code == 201
    _assert_api_refusal(_api_register("same-last@example.com", _api(HTTP_X_FORWARDED_FOR="10.2.2.77")))


def test_one_email_from_many_addresses_is_limited():
    """Trying one e-mail over and over from ever new addresses (to probe or flood it) is refused too."""
    assert _web_register("cible@example.com", _web("10.3.0.1")).status_code == 302
    assert _api_register("Cible@Example.com", _api("10.3.0.2")).status_code == 400  # already exists
    assert _web_register("cible@example.com", _web("10.3.0.3")).status_code == 400
    _assert_api_refusal(_api_register("CIBLE@example.com ", _api("10.3.0.4")))
    _assert_web_refusal(_web_register("cible@example.com", _web("10.3.0.5")))
    assert _web_register("other@example.com", _web("10.3.0.6")).status_code == 302


# Password reset -----------------------------------------------------------------------------------------------

def test_password_reset_to_one_address_stops_sending(customer, mailoutbox):
    for n in range(LIMIT):
        assert _reset("client@example.com", _web(f"10.4.0.{n}")).status_code == 302
    assert len(mailoutbox) == LIMIT
    for n in range(LIMIT, LIMIT + 3):
        _assert_web_refusal(_reset("Client@Example.com", _web(f"10.4.0.{n}")))
    assert len(mailoutbox) == LIMIT


def test_password_reset_is_limited_per_client_address(mailoutbox):
    users = [factories.UserFactory(email=f"user{n}@example.com") for n in range(LIMIT + 1)]
    for user in users[:LIMIT]:
        assert _reset(user.email).status_code == 302
    _assert_web_refusal(_reset(users[-1].email))
    assert [mail.to for mail in mailoutbox] == [[user.email] for user in users[:LIMIT]]


def test_password_reset_answers_the_same_whether_the_account_exists(customer, mailoutbox):
    known = [_reset("client@example.com", _web("10.5.0.1")) for _ in range(LIMIT + 1)]
    unknown = [_reset("nobody@example.com", _web("10.5.0.2")) for _ in range(LIMIT + 1)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302] * LIMIT + [429]
    assert {r.url for r in known[:LIMIT]} == {r.url for r in unknown[:LIMIT]}
    assert known[-1].context["form"].errors == unknown[-1].context["form"].errors
    assert len(mailoutbox) == LIMIT and all(mail.to == ["client@example.com"] for mail in mailoutbox)


def test_a_bad_reset_form_is_a_400_and_costs_nothing(customer, mailoutbox):
    for _ in range(LIMIT + 2):
        assert _reset("not an e-mail").status_code == 400
    assert _reset("client@example.com").status_code == 302 and len(mailoutbox) == 1


# Configuration -------------------------------------------------------------------------------------------------

def test_rates_come_from_the_environment():
    root = Path(__file__).resolve().parents[2]
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])")
    environment = {**os.environ, "DEBUG": "1", "REGISTRATION_RATE": "7/day", "PASSWORD_RESET_RATE": "2/hour",
                   "TOKEN_RATE": "9/min", "DJANGO_SETTINGS_MODULE": "ashopy.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'anon-auth': '9/min', 'registration': '7/day', 'password-reset': '2/hour'}"
