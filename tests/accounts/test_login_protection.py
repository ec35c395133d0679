"""Brute-force protection: repeated failures lock one e-mail out, on the web and through the API."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(store, settings):
    settings.AXES_FAILURE_LIMIT = 3
    return factories.UserFactory(email="cible@example.com")


def test_web_login_locks_after_repeated_failures(client, target):
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": "cible@example.com", "password": "wrong-password"})
    response = client.post(url, {"username": "cible@example.com", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_api_token_locks_after_repeated_failures(client, target):
    url = reverse("api:token")
    statuses = [client.post(url, {"email": "cible@example.com", "password": "nope"}).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # the third failure reaches the limit
    response = client.post(url, {"email": "cible@example.com", "password": factories.PASSWORD})
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert "access" not in response.content.decode()


def test_a_success_before_the_limit_resets_the_count(client, target):
    url = reverse("accounts:login")
    for _ in range(2):
        client.post(url, {"username": "cible@example.com", "password": "wrong-password"})
    assert client.post(url, {"username": "cible@example.com", "password": factories.PASSWORD}).status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lock(client, target):
    """Lock-outs are per e-mail and address; the address is the connection's, whatever X-Forwarded-For says."""
    url = reverse("accounts:login")
    for n in range(3):
        client.post(url, {"username": "cible@example.com", "password": "wrong-password"},
                    HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")
    response = client.post(url, {"username": "cible@example.com", "password": factories.PASSWORD},
                           HTTP_X_FORWARDED_FOR="10.1.1.200")
    assert response.status_code == 429
