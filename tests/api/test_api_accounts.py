"""Accounts over the API: sign-up, JWT life cycle, the caller's profile and address book, throttling."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from ashopy.accounts.models import Address, User
from ashopy.accounts.services import save_address
from tests import factories

REGISTER, TOKEN, REFRESH, LOGOUT, ME = ("/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/token/refresh/",
                                        "/api/v1/auth/logout/", "/api/v1/me/")
ADDRESSES = "/api/v1/me/addresses/"


def bearer(client: APIClient, access: str) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def tokens(client, email="client@example.com", password=factories.PASSWORD) -> dict:
    response = client.post(TOKEN, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def api(store):
    return APIClient()


@pytest.mark.django_db
def test_register_creates_a_customer_and_mails_the_link(api, mailoutbox):
    response = api.post(REGISTER, {"email": "Fatou@Example.com", "password": "un-mot-de-passe-solide",
                                   "first_name": "Fatou", "phone": "77 123 45 67",
                                   "segment": "etudiant", "role": "admin"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "fatou@example.com" and body["phone"] == "+221771234567"
    assert body["role"] == "client" and body["segment"] == "" and body["email_verified"] is False
    assert "password" not in body
    user = User.objects.get(email="fatou@example.com")
    assert user.check_password("un-mot-de-passe-solide") and not user.is_staff
    [mail] = mailoutbox
    assert mail.to == ["fatou@example.com"] and "http://testserver/account/verify/" in mail.body


@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "fields"), [
    ({"email": "client@example.com", "password": "un-mot-de-passe-solide"}, {"email"}),
    ({"email": "new@example.com", "password": "123"}, {"password"}),
    ({"email": "new@example.com", "password": "un-mot-de-passe-solide", "phone": "12"}, {"phone"}),
    ({"email": "not-an-email", "password": "un-mot-de-passe-solide"}, {"email"}),
    ({"email": "new@example.com"}, {"password"}),
])
def test_register_errors_name_their_fields(api, customer, payload, fields):
    before = User.objects.count()
    response = api.post(REGISTER, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == fields and body["detail"]
    assert User.objects.count() == before


@pytest.mark.django_db
def test_token_obtain_refresh_rotation_and_logout(api, customer):
    assert api.post(TOKEN, {"email": "client@example.com", "password": "wrong"}, format="json").status_code == 401
    pair = tokens(api, email="CLIENT@example.com")
    assert bearer(APIClient(), pair["access"]).get(ME).json()["email"] == "client@example.com"
    rotated = api.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert rotated.status_code == 200 and rotated.json()["refresh"] != pair["refresh"]
    reused = api.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert reused.status_code == 401 and reused.json()["code"] == "token_not_valid"
    current = rotated.json()["refresh"]
    assert api.post(LOGOUT, {"refresh": current}, format="json").status_code == 204
    after = api.post(REFRESH, {"refresh": current}, format="json")
    assert after.status_code == 401
    assert api.post(LOGOUT, {"refresh": current}, format="json").status_code == 401
    assert api.post(LOGOUT, {"refresh": "garbage"}, format="json").status_code == 401
    assert bearer(APIClient(), "garbage").get(ME).status_code == 401


@pytest.mark.django_db
def test_register_and_token_are_throttled(api, customer, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "anon-auth", "3/min")
    for _ in range(3):
        api.post(TOKEN, {"email": "client@example.com", "password": "wrong"}, format="json")
    limited = api.post(TOKEN, {"email": "client@example.com", "password": factories.PASSWORD}, format="json")
    assert limited.status_code == 429 and limited.json()["code"] == "throttled"
    blocked = api.post(REGISTER, {"email": "x@example.com", "password": "un-mot-de-passe-solide"}, format="json")
    assert blocked.status_code == 429 and not User.objects.filter(email="x@example.com").exists()
    assert api.get("/api/v1/products/").status_code == 200


@pytest.mark.django_db
def test_me_reads_and_changes_only_names_and_phone(api, customer):
    assert api.get(ME).status_code == 401
    client = bearer(APIClient(), tokens(api)["access"])
    assert client.get(ME).json()["role"] == "client"
    changed = client.patch(ME, {"first_name": "Aïssatou", "phone": "+33612345678", "role": "admin",
                                "segment": "entreprise", "email_verified": True, "email": "x@example.com"},
                           format="json")
    assert changed.status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, str(customer.phone)) == ("Aïssatou", "Diop", "+33612345678")
    assert (customer.role, customer.segment, customer.email_verified, customer.email) == (
        "client", "", False, "client@example.com")
    bad = client.patch(ME, {"phone": "not a phone", "first_name": "Changé"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["fields"]
    customer.refresh_from_db()
    assert customer.first_name == "Aïssatou"


ADDRESS = {"first_name": "Awa", "last_name": "Diop", "line1": "12 rue Carnot", "city": "Dakar", "country": "SN"}


@pytest.mark.django_db
def test_address_book_crud(api, customer):
    client = bearer(APIClient(), tokens(api)["access"])
    home = client.post(ADDRESSES, {**ADDRESS, "label": "Maison", "phone": "771234567"}, format="json")
    assert home.status_code == 201, home.json()
    assert home.json()["is_default_shipping"] is True and home.json()["phone"] == "+221771234567"
    office = client.post(ADDRESSES, {**ADDRESS, "label": "Bureau", "is_default_shipping": True}, format="json").json()
    listed = client.get(ADDRESSES).json()
    assert [a["label"] for a in listed] == ["Bureau", "Maison"]
    assert client.patch(f"{ADDRESSES}{home.json()['id']}/", {"city": "Thiès"}, format="json").json()["city"] == "Thiès"
    bad = client.post(ADDRESSES, {**ADDRESS, "country": "XX"}, format="json")
    assert bad.status_code == 400 and "country" in bad.json()["fields"]
    assert client.delete(f"{ADDRESSES}{office['id']}/").status_code == 204
    assert Address.objects.get(pk=home.json()["id"]).is_default_shipping is True
    assert APIClient().get(ADDRESSES).status_code == 401


@pytest.mark.django_db
def test_another_users_address_is_404_and_untouched(api, customer):
    other = factories.UserFactory(email="autre@example.com")
    theirs = save_address(user=other, **ADDRESS)
    client = bearer(APIClient(), tokens(api)["access"])
    assert client.get(ADDRESSES).json() == []
    url = f"{ADDRESSES}{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"city": "Volé"}, format="json").status_code == 404
    assert client.put(url, {**ADDRESS, "city": "Volé"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == "Dakar" and theirs.user == other


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_throttle(api, customer, monkeypatch):
    """Without proxies of ours (NUM_PROXIES=0), X-Forwarded-For is ignored: a client cannot pick its throttle key."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "anon-auth", "3/min")
    for n in range(3):
        api.post(TOKEN, {"email": "client@example.com", "password": "wrong"}, format="json",
                 HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    limited = api.post(TOKEN, {"email": "client@example.com", "password": factories.PASSWORD}, format="json",
                       HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert limited.status_code == 429


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_saw_is_the_key(api, customer, monkeypatch, settings):
    """With NUM_PROXIES=1, the last X-Forwarded-For entry (written by our proxy) tells clients apart."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "anon-auth", "3/min")
    for _ in range(3):
        api.post(TOKEN, {"email": "client@example.com", "password": "wrong"}, format="json",
                 HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.1")
    assert api.post(TOKEN, {"email": "client@example.com", "password": "wrong"}, format="json",
                    HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.1").status_code == 429
    other = api.post(TOKEN, {"email": "client@example.com", "password": factories.PASSWORD}, format="json",
                     HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert other.status_code == 200


@pytest.mark.django_db
def test_a_token_of_a_deactivated_or_deleted_account_is_refused(api, customer):
    access = tokens(api)["access"]
    assert bearer(APIClient(), access).get(ME).status_code == 200
    User.objects.filter(pk=customer.pk).update(is_active=False)
    inactive = bearer(APIClient(), access).get(ME)
    assert inactive.status_code == 401 and inactive.json()["code"] == "user_inactive"
    User.objects.filter(pk=customer.pk).delete()
    gone = bearer(APIClient(), access).get(ME)
    assert gone.status_code == 401 and gone.json()["code"] == "user_not_found"
