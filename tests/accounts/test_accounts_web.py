"""Account pages on the web: sign-up, log-in, passwords, e-mail verification, profile, address book."""

import re

import pytest
from django.urls import reverse

from ashopy.accounts import services
from ashopy.accounts.models import Address, User
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-secret-42"


@pytest.fixture(autouse=True)
def _site(store, settings):
    """Every page needs the store answering on "testserver"."""
    return store


def _registration(**overrides):
    data = {"email": "Moussa.Ndiaye@Example.com", "first_name": "Moussa", "last_name": "Ndiaye",
            "phone": "77 123 45 67", "segment": "etudiant", "password": factories.PASSWORD,
            "password_confirm": factories.PASSWORD}
    data.update(overrides)
    return data


def _address(**overrides):
    data = {"label": "Maison", "first_name": "Awa", "last_name": "Diop", "company": "", "line1": "12 rue Carnot",
            "line2": "", "postal_code": "", "city": "Dakar", "country": "SN", "phone": "+221 77 123 45 67"}
    data.update(overrides)
    return data


def _link(mail, pattern):
    match = re.search(pattern, mail.body)
    assert match, mail.body
    return match.group(0)


def _logged_in_user(client):
    return client.session.get("_auth_user_id")


# Registration and e-mail verification ------------------------------------------------------------------------


def test_register_logs_in_and_the_mailed_link_verifies(client, mailoutbox):
    response = client.post(reverse("accounts:register"), _registration())

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user = User.objects.get(email="moussa.ndiaye@example.com")
    # the segment chosen at sign-up is declared; only the shop's verification makes it price
    assert (user.first_name, user.last_name) == ("Moussa", "Ndiaye")
    assert (user.declared_segment, user.segment) == ("etudiant", "")
    assert user.phone.as_e164 == "+221771234567"
    assert not user.email_verified
    assert _logged_in_user(client) == str(user.pk)
    assert [mail.to for mail in mailoutbox] == [["moussa.ndiaye@example.com"]]

    link = _link(mailoutbox[0], r"http://testserver/account/verify/[^/\s]+/")
    page = client.get(link)
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.email_verified
    assert "text-bg-success" in client.get(reverse("accounts:profile")).content.decode()  # the "confirmed" badge


def test_register_page_labels_every_input(client):
    html = client.get(reverse("accounts:register")).content.decode()
    for name in ("email", "first_name", "last_name", "phone", "segment", "password", "password_confirm"):
        assert f'for="id_{name}"' in html
        assert f'id="id_{name}"' in html


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": "client@example.com"}, "email"),
    ({"password": "12345678", "password_confirm": "12345678"}, "password"),
    ({"phone": "123"}, "phone"),
    ({"phone": "+1 " + "9" * 5000}, "phone"),
    ({"email": "a" * 5000 + "@example.com"}, "email"),
    ({"first_name": "x" * 5000}, "first_name"),
    ({"segment": "astronaut"}, "segment"),
    ({"password_confirm": "not-the-same-password"}, "password_confirm"),
])
def test_register_refuses_bad_input_next_to_the_field(client, mailoutbox, customer, overrides, field):
    users_before = User.objects.count()

    response = client.post(reverse("accounts:register"), _registration(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert User.objects.count() == users_before
    assert mailoutbox == []
    assert _logged_in_user(client) is None


def test_bad_verification_token_is_a_clear_400(client, customer):
    token = services.email_verification_token(customer)
    for bad in ("not-a-token", token[:-2] + "xx"):
        response = client.get(reverse("accounts:verify_email", args=[bad]))
        assert response.status_code == 400
        assert "accounts/verify_email_invalid.html" in [t.name for t in response.templates]
    customer.refresh_from_db()
    assert not customer.email_verified


def test_resend_verification_mails_once_a_minute_and_only_to_unverified(client, customer, mailoutbox):
    client.force_login(customer)
    url = reverse("accounts:resend_verification")

    assert client.get(url).status_code == 405
    assert client.post(url).url == reverse("accounts:profile")
    client.post(url)
    assert len(mailoutbox) == 1
    client.get(_link(mailoutbox[0], r"http://testserver/account/verify/[^/\s]+/"))
    customer.refresh_from_db()
    assert customer.email_verified


def test_resend_verification_to_a_verified_user_sends_nothing(client, customer, mailoutbox):
    services.verify_email(token=services.email_verification_token(customer))
    client.force_login(customer)
    client.post(reverse("accounts:resend_verification"))
    assert mailoutbox == []


# Log-in, log-out, passwords ----------------------------------------------------------------------------------


def test_login_with_email_and_logout_by_post(client, customer):
    page = client.get(reverse("accounts:login"))
    assert 'for="id_username"' in page.content.decode() and 'type="email"' in page.content.decode()

    response = client.post(reverse("accounts:login"), {"username": "CLIENT@example.com",
                                                       "password": factories.PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    assert _logged_in_user(client) == str(customer.pk)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _logged_in_user(client) == str(customer.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("catalog:home")
    assert _logged_in_user(client) is None


@pytest.mark.parametrize("credentials", [
    {"username": "client@example.com", "password": "wrong-password"},
    {"username": "x" * 5000, "password": "whatever"},
    {"username": "", "password": ""},
])
def test_login_refuses_bad_credentials(client, customer, credentials):
    response = client.post(reverse("accounts:login"), credentials)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert _logged_in_user(client) is None


def test_password_change(client, customer):
    client.force_login(customer)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    wrong = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 400 and "old_password" in wrong.context["form"].errors

    response = client.post(url, {"old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert _logged_in_user(client) == str(customer.pk)


def test_password_reset_mail_and_confirm_change_the_password(client, customer, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "client@example.com"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert [mail.to for mail in mailoutbox] == [["client@example.com"]]
    link = _link(mailoutbox[0], r"http://testserver/account/password/reset/[^/\s]+/[^/\s]+/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 400  # a used link does not work twice


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []
    bad = client.post(reverse("accounts:password_reset"), {"email": "y" * 5000})
    assert bad.status_code == 400 and "email" in bad.context["form"].errors


# Profile -----------------------------------------------------------------------------------------------------


def test_profile_shows_the_account_and_saves_the_edit(client, customer, store):
    partner = factories.PartnerFactory(store=store, name="UCAD")
    customer.partner, customer.segment = partner, "etudiant"
    customer.save()
    client.force_login(customer)

    page = client.get(reverse("accounts:profile")).content.decode()
    assert "client@example.com" in page and "UCAD" in page and "Awa Diop" in page
    assert reverse("accounts:resend_verification") in page  # not verified yet

    response = client.post(reverse("accounts:profile"), {"first_name": "Fatou", "last_name": "Sall",
                                                         "phone": "+33 6 12 34 56 78"})
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone.as_e164) == ("Fatou", "Sall", "+33612345678")
    assert customer.email == "client@example.com" and customer.partner == partner


@pytest.mark.parametrize(("data", "field"), [
    ({"first_name": "Fatou", "last_name": "Sall", "phone": "not a phone"}, "phone"),
    ({"first_name": "F" * 5000, "last_name": "Sall", "phone": ""}, "first_name"),
    ({"first_name": "", "last_name": "Sall", "phone": ""}, "first_name"),
])
def test_profile_refuses_bad_input(client, customer, data, field):
    client.force_login(customer)
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name) == ("Awa", "Diop")


# Address book ------------------------------------------------------------------------------------------------


def test_address_crud(client, customer):
    client.force_login(customer)
    assert client.get(reverse("accounts:address_create")).status_code == 200

    response = client.post(reverse("accounts:address_create"), _address())
    assert response.status_code == 302 and response.url == reverse("accounts:address_list")
    address = customer.addresses.get()
    assert (address.city, address.country.code, address.phone.as_e164) == ("Dakar", "SN", "+221771234567")
    assert address.is_default_shipping and address.is_default_billing  # the first address is the default

    assert "12 rue Carnot" in client.get(reverse("accounts:address_list")).content.decode()

    edit_url = reverse("accounts:address_update", args=[address.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, _address(city="Thiès"))  # the default boxes are not offered any more
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.city == "Thiès"
    assert address.is_default_shipping and address.is_default_billing

    assert client.get(reverse("accounts:address_delete", args=[address.pk])).status_code == 405
    response = client.post(reverse("accounts:address_delete", args=[address.pk]))
    assert response.status_code == 302 and not customer.addresses.exists()


def test_a_second_default_shipping_address_replaces_the_first(client, customer):
    client.force_login(customer)
    client.post(reverse("accounts:address_create"), _address(label="Maison"))
    client.post(reverse("accounts:address_create"), _address(label="Bureau", is_default_shipping="on"))

    home, office = customer.addresses.get(label="Maison"), customer.addresses.get(label="Bureau")
    assert office.is_default_shipping and not home.is_default_shipping
    assert home.is_default_billing and not office.is_default_billing

    response = client.post(reverse("accounts:address_set_default", args=[office.pk, "billing"]))
    assert response.status_code == 302
    home.refresh_from_db(), office.refresh_from_db()
    assert office.is_default_billing and not home.is_default_billing
    assert client.post(reverse("accounts:address_set_default", args=[office.pk, "nonsense"])).status_code == 404


@pytest.mark.parametrize(("overrides", "field"), [
    ({"country": "XX"}, "country"),
    ({"phone": "12"}, "phone"),
    ({"city": "c" * 5000}, "city"),
    ({"line1": ""}, "line1"),
])
def test_address_form_refuses_bad_input(client, customer, overrides, field):
    client.force_login(customer)
    response = client.post(reverse("accounts:address_create"), _address(**overrides))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Address.objects.exists()


def test_another_users_address_is_a_404_and_stays_unchanged(client, customer):
    stranger = factories.UserFactory(email="stranger@example.com")
    theirs = services.save_address(user=stranger, **_address(label="Chez moi"))
    client.force_login(customer)

    assert client.get(reverse("accounts:address_update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:address_update", args=[theirs.pk]),
                       _address(city="Ailleurs")).status_code == 404
    assert client.post(reverse("accounts:address_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:address_set_default", args=[theirs.pk, "shipping"])).status_code == 404

    theirs.refresh_from_db()
    assert (theirs.user, theirs.city, theirs.label) == (stranger, "Dakar", "Chez moi")
    assert "Chez moi" not in client.get(reverse("accounts:address_list")).content.decode()


# Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "name", "args"), [
    ("get", "accounts:profile", []),
    ("post", "accounts:profile", []),
    ("get", "accounts:password_change", []),
    ("get", "accounts:address_list", []),
    ("get", "accounts:address_create", []),
    ("get", "accounts:address_update", [1]),
    ("post", "accounts:address_delete", [1]),
    ("post", "accounts:address_set_default", [1, "shipping"]),
    ("post", "accounts:resend_verification", []),
])
def test_anonymous_visitors_are_sent_to_login(client, method, name, args):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_logged_in_visitors_skip_login_and_register(client, customer):
    client.force_login(customer)
    assert client.get(reverse("accounts:login")).url == reverse("accounts:profile")
    assert client.get(reverse("accounts:register")).url == reverse("accounts:profile")
