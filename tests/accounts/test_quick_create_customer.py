"""Quick-create at the till: a store's sellers make a customer account (no usable password) that is then a
customer of that store for the staff list and the till; an e-mail already taken answers 409, naming the
account only when it is a customer of the store; everyone else is refused and nothing is made."""

import pytest

from ashopy.accounts import selectors, services
from ashopy.accounts.models import User
from ashopy.core.errors import PermissionDenied
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]
CUSTOMERS = "/api/v1/staff/customers/"


def test_a_seller_makes_a_customer_of_the_store_without_a_usable_password(store, other_store, seller):
    made = client_for(seller).post(CUSTOMERS, {"email": " Awa.Diop@Example.com ", "first_name": "Awa",
                                               "last_name": "Diop", "phone": "+221 77 123 45 67"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["email"], body["first_name"], body["last_name"]) == ("awa.diop@example.com", "Awa", "Diop")
    user = User.objects.get(pk=body["id"])
    assert not user.has_usable_password() and user.registered_store == store
    assert selectors.is_customer_of(store=store, user=user) and not selectors.is_customer_of(store=other_store,
                                                                                            user=user)
    listed = client_for(seller).get(CUSTOMERS, {"q": "awa.diop"}).json()
    assert [row["id"] for row in listed["results"]] == [user.pk]


def test_an_email_taken_answers_409_with_the_store_s_customer_only(store, other_store, seller, customer):
    taken = client_for(seller).post(CUSTOMERS, {"email": "CLIENT@example.com"}, format="json")
    assert taken.status_code == 409
    body = taken.json()
    assert body["code"] == "email_taken" and body["fields"] == {"email": [body["detail"]]}
    assert body["customer"] == {"id": customer.pk, "email": customer.email, "first_name": customer.first_name,
                                "last_name": customer.last_name}
    factories.UserFactory(email="paris@example.com", registered_store=other_store)
    elsewhere = client_for(seller).post(CUSTOMERS, {"email": "paris@example.com"}, format="json")
    assert elsewhere.status_code == 409 and elsewhere.json()["customer"] is None
    assert User.objects.filter(email__iexact="client@example.com").count() == 1


@pytest.mark.parametrize("body", [{}, {"email": "pas-un-email"}, {"email": "a@example.com", "phone": "abc"},
                                  {"email": "a@example.com", "first_name": "x" * 151},
                                  {"email": "a@example.com", "last_name": "A\x00"}])
def test_bad_input_is_a_400_and_makes_nothing(seller, body):
    before = User.objects.count()
    answer = client_for(seller).post(CUSTOMERS, body, format="json")
    assert answer.status_code == 400, answer.content
    assert User.objects.count() == before


def test_only_the_store_s_sellers_make_customers(store, other_store, customer):
    stranger = factories.staff(other_store, "vendeur", email="vendeur@paris.example")
    body = {"email": "nouveau@example.com"}
    assert client_for().post(CUSTOMERS, body, format="json").status_code == 401
    assert client_for(customer).post(CUSTOMERS, body, format="json").status_code == 403
    assert client_for(stranger).post(CUSTOMERS, body, format="json").status_code == 403  # on store A's host
    with pytest.raises(PermissionDenied):
        services.quick_create_customer(actor=stranger, store=store, email="nouveau@example.com")
    assert not User.objects.filter(email="nouveau@example.com").exists()
