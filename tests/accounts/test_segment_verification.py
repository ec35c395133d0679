"""A declared segment gives its discount once verified: by the store administrator from the customer page (or
the staff API), or — where the store says so — by the customer confirming their e-mail address. Until then the
cart, web and API, says the discount is awaiting verification. Partners are only ever given by staff."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.accounts import services
from ashopy.accounts.models import User
from ashopy.pricing.resolver import PricingPolicy
from ashopy.stores.selectors import clear_store_cache
from tests import factories
from tests.api import client_for

pytestmark = pytest.mark.django_db

PENDING_EN = "Student discount awaiting verification"
PENDING_FR = "Remise étudiant en attente de vérification"


@pytest.fixture(autouse=True)
def _student_discount(store):
    factories.segment_discount(store, "etudiant", 10)


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", price="500000", stock=5)


@pytest.fixture
def student(store):
    """Signed up on the store as a student; nobody has checked yet."""
    return services.register_user(email="etudiant@example.sn", password=factories.PASSWORD, first_name="Awa",
                                  last_name="Sow", segment="etudiant", store=store)


def api_cart(user, laptop) -> dict:
    api = client_for(user)
    api.post("/api/v1/cart/lines/", {"variant": laptop.variants.get().pk, "quantity": 1}, format="json")
    return api.get("/api/v1/cart/").json()


def web_cart(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("cart:detail")).content.decode()  # the store's language: French


def staff_browser(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_cart_says_the_discount_awaits_verification_until_the_admin_verifies_it(student, laptop, store_admin):
    cart = api_cart(student, laptop)
    assert Decimal(cart["lines"][0]["unit_price"]) == 500000
    assert cart["pending_discounts"] == [PENDING_EN]
    assert PENDING_FR in web_cart(student)

    page_url = reverse("staff_customers:customer_detail", args=[student.pk])
    page = staff_browser(store_admin).get(page_url).content.decode()
    assert "Verify: Student" in page
    response = staff_browser(store_admin).post(reverse("staff_customers:verify_segment", args=[student.pk]))
    assert response.status_code == 302 and response["Location"] == page_url

    student.refresh_from_db()
    assert (student.segment, student.segment_verified_by) == ("etudiant", store_admin)
    assert student.segment_verified_at is not None
    cart = api_cart(student, laptop)
    assert Decimal(cart["lines"][0]["unit_price"]) == 450000
    assert cart["pending_discounts"] == []
    assert [d["code"] for d in cart["lines"][0]["discounts"]] == ["segment"]
    html = web_cart(student)
    assert PENDING_FR not in html and "Remise Étudiant" in html
    page = staff_browser(store_admin).get(page_url).content.decode()
    assert f"verified by {store_admin.get_full_name()} on" in page and "Verify: Student" not in page


def test_a_seller_may_not_verify_nor_may_another_store(student, laptop, seller, store_admin, other_store):
    for staff in (seller,):
        response = staff_browser(staff).post(reverse("staff_customers:verify_segment", args=[student.pk]))
        assert response.status_code == 403
        assert "Verify: Student" not in staff_browser(staff).get(
            reverse("staff_customers:customer_detail", args=[student.pk])).content.decode()
        assert client_for(staff).post(f"/api/v1/staff/customers/{student.pk}/verify-segment/").status_code == 403
    paris_admin = factories.staff(other_store, "admin", email="admin@paris.example.com")
    with pytest.raises(services.AccountNotFound):  # not Paris's customer
        services.verify_segment(actor=paris_admin, store=other_store, user=student)
    student.refresh_from_db()
    assert student.segment == "" and student.segment_verified_by is None
    assert PricingPolicy(store_admin_store := student.registered_store, student).price(
        laptop.variants.get()).price == 500000
    response = client_for(store_admin).post(f"/api/v1/staff/customers/{student.pk}/verify-segment/")
    assert response.status_code == 200
    body = response.json()
    assert (body["segment"], body["effective_segment"], body["pending_segment"]) == ("etudiant", "etudiant", "")
    assert body["segment_verified_by"] == store_admin.pk
    student.refresh_from_db()
    assert PricingPolicy(store_admin_store, student).price(laptop.variants.get()).price == 450000


def test_nothing_to_verify_without_a_declared_segment(customer, store_admin):
    response = client_for(store_admin).post(f"/api/v1/staff/customers/{customer.pk}/verify-segment/")
    assert response.status_code == 400 and response.json()["code"] == "nothing_to_verify"
    customer.refresh_from_db()
    assert customer.segment == "" and customer.segment_verified_at is None


def test_setting_the_segment_through_the_api_records_who_verified_it(student, store_admin):
    response = client_for(store_admin).patch(f"/api/v1/staff/customers/{student.pk}/", {"segment": "etudiant"},
                                             format="json")
    assert response.status_code == 200 and response.json()["segment_verified_by"] == store_admin.pk
    response = client_for(store_admin).patch(f"/api/v1/staff/customers/{student.pk}/", {"segment": ""},
                                             format="json")
    assert response.json()["segment_verified_at"] is None and response.json()["segment_verified_by"] is None


def test_a_store_that_takes_a_confirmed_email_as_proof(student, laptop, store):
    store.segment_by_email = True
    store.save()
    clear_store_cache()
    cart = api_cart(student, laptop)
    assert Decimal(cart["lines"][0]["unit_price"]) == 500000
    assert cart["pending_discounts"] == [f"{PENDING_EN}: confirm your e-mail address to get it."]

    services.verify_email(token=services.email_verification_token(student))
    student = User.objects.get(pk=student.pk)
    cart = api_cart(student, laptop)
    assert Decimal(cart["lines"][0]["unit_price"]) == 450000 and cart["pending_discounts"] == []
    assert student.segment == ""  # nobody vouched for it: the store's setting makes it count

    store.segment_by_email = False  # the store stops taking an e-mail address as proof
    store.save()
    clear_store_cache()
    cart = api_cart(student, laptop)
    assert Decimal(cart["lines"][0]["unit_price"]) == 500000 and cart["pending_discounts"] == [PENDING_EN]


def test_no_notice_where_the_store_gives_that_segment_nothing(store, laptop):
    pro = services.register_user(email="pro@example.sn", password=factories.PASSWORD, segment="professionnel",
                                 store=store)
    assert api_cart(pro, laptop)["pending_discounts"] == []
    visitor_cart = client_for().post("/api/v1/cart/lines/", {"variant": laptop.variants.get().pk, "quantity": 1},
                                     format="json").json()
    assert visitor_cart["pending_discounts"] == []


def test_a_partner_is_only_ever_given_by_staff(store, laptop):
    partner = factories.PartnerFactory(store=store, name="UCAD", discount_percent=5)
    response = client_for().post("/api/v1/auth/register/", {
        "email": "malin@example.sn", "password": factories.PASSWORD, "partner": partner.pk, "segment": "etudiant"},
        format="json")
    assert response.status_code == 201
    user = User.objects.get(email="malin@example.sn")
    assert user.partner is None
    client_for(user).patch("/api/v1/me/", {"partner": partner.pk, "segment": "etudiant"}, format="json")
    user.refresh_from_db()
    assert (user.partner, user.segment) == (None, "")
    assert PricingPolicy(store, user).price(laptop.variants.get()).price == 500000


def test_the_gestionnaire_vouches_for_the_segment(student, laptop, manager):
    response = staff_browser(manager).post(reverse("staff_customers:verify_segment", args=[student.pk]))
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.segment, student.segment_verified_by) == ("etudiant", manager)
    assert PricingPolicy(student.registered_store, student).price(laptop.variants.get()).price == 450000
