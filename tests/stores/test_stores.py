"""Stores: the Host header chooses the store; roles are per store."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from ashopy.stores.middleware import StoreMiddleware
from ashopy.stores.models import Membership, StoreDomain
from ashopy.stores.selectors import staff_role, store_for_host
from tests import factories


def _through_middleware(host, cookies=None):
    request = RequestFactory().get("/", HTTP_HOST=host)
    request.COOKIES.update(cookies or {})
    seen = {}

    def view(req):
        seen["store"], seen["language"] = req.store, translation.get_language()
        return HttpResponse("ok")

    response = StoreMiddleware(view)(request)
    return response, seen


@pytest.mark.django_db
def test_host_selects_the_store_and_port_is_ignored(store, other_store, settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert _through_middleware("b.test:8000")[1]["store"] == other_store
    assert _through_middleware("testserver")[1]["store"] == store
    StoreDomain.objects.create(store=other_store, domain="Shop.Example.FR")
    assert _through_middleware("shop.example.fr")[1]["store"] == other_store


@pytest.mark.django_db
def test_unknown_host_is_404_and_local_hosts_get_the_default_store(store, other_store, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response, seen = _through_middleware("nowhere.example")
    assert response.status_code == 404 and "store" not in seen
    assert _through_middleware("localhost")[1]["store"] == store  # lowest id
    settings.ASHOPY_DEFAULT_STORE = "paris"
    from ashopy.stores.selectors import clear_store_cache

    clear_store_cache()
    assert _through_middleware("127.0.0.1:8000")[1]["store"] == other_store


@pytest.mark.django_db
def test_inactive_store_is_not_served(store, settings):
    settings.ALLOWED_HOSTS = ["*"]
    store.is_active = False
    store.save()
    assert store_for_host("testserver") is None


@pytest.mark.django_db
def test_language_is_the_cookie_or_the_store_default_never_accept_language(store, other_store, settings):
    settings.ALLOWED_HOSTS = ["*"]
    other_store.default_language = "en"
    other_store.save()
    assert _through_middleware("testserver")[1]["language"] == "fr"
    assert _through_middleware("b.test")[1]["language"] == "en"
    response, seen = _through_middleware("testserver", {settings.LANGUAGE_COOKIE_NAME: "en"})
    assert seen["language"] == "en" and response["Content-Language"] == "en"
    assert _through_middleware("testserver", {settings.LANGUAGE_COOKIE_NAME: "xx"})[1]["language"] == "fr"


@pytest.mark.django_db
def test_roles_are_per_store(store, other_store, manager):
    assert staff_role(manager, store) == "gestionnaire"
    assert staff_role(manager, other_store) is None
    superuser = factories.UserFactory(email="root@example.com", is_superuser=True)
    assert staff_role(superuser, other_store) == "admin"
    assert manager.is_staff


@pytest.mark.django_db
def test_setup_roles_is_idempotent_and_grants_by_role(store):
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert first == second
    assert set(first) == {"client", "vendeur", "gestionnaire", "admin"}
    assert first["client"] == set()
    assert {"change_product", "add_variant", "change_category"} <= first["gestionnaire"]
    assert "view_user" in first["vendeur"] and "change_product" not in first["vendeur"]
    assert "delete_store" in first["admin"] and "delete_store" not in first["gestionnaire"]


@pytest.mark.django_db
def test_assign_role_moves_between_roles(store):
    from ashopy.accounts.services import assign_role

    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = factories.UserFactory()
    assign_role(user=user, store=store, role="vendeur")
    assert Membership.objects.get(user=user, store=store).role == "vendeur"
    assert list(user.groups.values_list("name", flat=True)) == ["vendeur"]
    assign_role(user=user, store=store, role="client")
    assert not Membership.objects.filter(user=user).exists() and not user.is_staff


@pytest.mark.django_db
def test_the_api_follows_accept_language_and_pages_do_not(client, store):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert client.get("/api/v1/nothing/", **headers)["Content-Language"] == "en"
    assert client.get("/api/v1/nothing/")["Content-Language"] == "fr"
    assert client.get("/search/", **headers)["Content-Language"] == "fr"
