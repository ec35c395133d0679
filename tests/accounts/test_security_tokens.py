"""API tokens die with the password or the account that earned them, whatever changed it.

A refresh token issued before a password change, a reset or a deactivation is refused (401) and so
is every access token issued before it, on the next request; a deleted user's token is a 401, not a 500.
"""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.accounts import services
from ashopy.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN, REFRESH, ME = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/me/"
NEW_PASSWORD = "another-long-secret-42"


@pytest.fixture
def api(store):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _pair(api, email="client@example.com") -> dict:
    response = api.post(TOKEN, {"email": email, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _me(access: str):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {access}").get(ME)


def _refresh(api, refresh: str):
    return api.post(REFRESH, {"refresh": refresh}, format="json")


def _assert_revoked(api, pair: dict) -> None:
    """Neither the refresh token nor the access token of `pair` works any more: both are a 401."""
    refreshed = _refresh(api, pair["refresh"])
    assert refreshed.status_code == 401, refreshed.content
    assert "access" not in refreshed.json() and refreshed.json()["code"]
    me = _me(pair["access"])
    assert me.status_code == 401, me.content


def _assert_blacklisted(user) -> None:
    """The hook ran: no refresh token of `user` is left off the blacklist (it outlives a reactivation)."""
    assert OutstandingToken.objects.filter(user=user).exists()
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


def _two_sessions(api) -> list[dict]:
    """Two devices signed in, one of which has already rotated its refresh token once."""
    first, second = _pair(api), _pair(api)
    rotated = _refresh(api, second["refresh"])
    assert rotated.status_code == 200
    return [first, rotated.json()]


def test_tokens_work_until_something_changes(api, customer):
    """The baseline the other tests break: a pair works, and a profile edit (no password) keeps it working."""
    pair = _pair(api)
    assert _me(pair["access"]).status_code == 200
    services.update_profile(user=customer, first_name="Fatou", last_name="Diop", phone="")
    customer.last_login = None
    customer.save(update_fields=["last_login"])
    assert _me(pair["access"]).status_code == 200
    rotated = _refresh(api, pair["refresh"])
    assert rotated.status_code == 200 and _me(rotated.json()["access"]).status_code == 200


def test_web_password_change_revokes_every_api_token(api, client, customer):
    sessions = _two_sessions(api)
    client.force_login(customer)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    for pair in sessions:
        _assert_revoked(api, pair)
    _assert_blacklisted(customer)
    fresh = api.post(TOKEN, {"email": "client@example.com", "password": NEW_PASSWORD}, format="json").json()
    assert _me(fresh["access"]).status_code == 200 and _refresh(api, fresh["refresh"]).status_code == 200


def test_web_password_reset_revokes_every_api_token(api, client, customer, mailoutbox):
    sessions = _two_sessions(api)
    assert client.post(reverse("accounts:password_reset"), {"email": "client@example.com"}).status_code == 302
    [mail] = mailoutbox
    link = next(word for word in mail.body.split() if "/account/password/reset/" in word)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                             "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    for pair in sessions:
        _assert_revoked(api, pair)
    _assert_blacklisted(customer)


def test_admin_password_change_revokes_every_api_token(api, client, customer):
    call_command("setup_roles", stdout=io.StringIO())
    sessions = _two_sessions(api)
    client.force_login(User.objects.create_superuser("root@example.com", factories.PASSWORD))
    response = client.post(reverse("admin:auth_user_password_change", args=[customer.pk]),
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    for pair in sessions:
        _assert_revoked(api, pair)
    _assert_blacklisted(customer)


def test_set_password_in_code_revokes_every_api_token(api, customer):
    sessions = _two_sessions(api)
    user = User.objects.get(pk=customer.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    for pair in sessions:
        _assert_revoked(api, pair)
    _assert_blacklisted(customer)


def test_a_password_written_by_a_bulk_update_still_revokes(api, customer):
    """No save() and no signal: the password claim inside the tokens no longer matches, which is enough."""
    sessions = _two_sessions(api)
    User.objects.filter(pk=customer.pk).update(password=make_password(NEW_PASSWORD))
    for pair in sessions:
        _assert_revoked(api, pair)


def test_deactivation_revokes_every_api_token_for_good(api, customer):
    """Staff deactivate an account by saving is_active alone (accounts.services.update_account) or the whole row."""
    sessions = _two_sessions(api)
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    for pair in sessions:
        _assert_revoked(api, pair)
    _assert_blacklisted(customer)
    customer.is_active = True  # reactivated later: the old refresh tokens stay dead
    customer.save()
    for pair in sessions:
        assert _refresh(api, pair["refresh"]).status_code == 401
    assert _me(_pair(api)["access"]).status_code == 200


def test_a_deleted_users_refresh_token_is_a_401(api, customer):
    pair = _pair(api)
    customer.delete()
    refreshed = _refresh(api, pair["refresh"])
    assert refreshed.status_code == 401, refreshed.content
    assert refreshed.json()["detail"] == "User not found" and "access" not in refreshed.json()
    assert refreshed.json()["code"] == "user_not_found"
    assert _me(pair["access"]).status_code == 401


def test_a_refresh_token_without_the_password_claim_is_refused(api, customer):
    """Tokens minted before the claim existed (or forged without it) cannot outlive a password change."""
    token = RefreshToken.for_user(customer)
    token.payload.pop("hash_password", None)
    refreshed = _refresh(api, str(token))
    assert refreshed.status_code == 401 and "access" not in refreshed.json()
