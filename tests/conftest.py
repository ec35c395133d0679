"""Shared fixtures: two stores (A answers on "testserver", B on "b.test"), users of each role."""

import os

import pytest
from django.db import connection
from django.utils import translation

from tests import factories


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    if not on_postgres and os.environ.get("CI", "").lower() == "true":
        pytest.exit("CI=true but the test database is not PostgreSQL: refusing to skip PostgreSQL tests.", 2)
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a reachable server)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render without `collectstatic` having run (the manifest storage needs it)."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(scope="session")
def _test_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_outside_the_checkout(settings, _test_media_root):
    """Uploads and generated PDFs go to a temporary folder, never into the repository's media/
    (a test that looks at its files sets its own MEDIA_ROOT)."""
    settings.MEDIA_ROOT = str(_test_media_root)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request (services, commands) speaks English in tests, which the assertions
    read; requests still get the store's language (French) unless they ask for another."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_memos(settings):
    """Each test starts with empty per-process caches (store hosts, trees, rates)."""
    from django.core.cache import cache

    from ashopy.stores.selectors import clear_store_cache

    cache.clear()
    clear_store_cache()
    yield
    clear_store_cache()


@pytest.fixture
def store(db):
    return factories.StoreFactory(slug="dakar", currency="XOF", country="SN", domain="testserver")


@pytest.fixture
def other_store(db):
    return factories.StoreFactory(slug="paris", currency="EUR", country="FR", domain="b.test",
                                  timezone="Europe/Paris", prices_include_tax=True)


@pytest.fixture
def customer(store):
    """A customer of store A (registered on it): the store's staff deal with them."""
    return factories.UserFactory(email="client@example.com", registered_store=store)


@pytest.fixture
def manager(store):
    return factories.staff(store, "gestionnaire", email="gestionnaire@example.com")


@pytest.fixture
def seller(store):
    return factories.staff(store, "vendeur", email="vendeur@example.com")


@pytest.fixture
def store_admin(store):
    return factories.staff(store, "admin", email="admin@example.com")


@pytest.fixture
def other_manager(other_store):
    return factories.staff(other_store, "gestionnaire", email="gestionnaire@paris.example.com")


BANK_ACCOUNT = {"holder": "Boutique Test SARL", "bank": "Banque Atlantique Sénégal",
                "rib": "SN012 01001 012345678901 23", "bic": "ATBKSNDA"}


@pytest.fixture(autouse=True)
def _payment_providers(settings):
    """Every store offers the sandbox and the offline methods unless a test configures others."""
    settings.PAYMENT_PROVIDERS = {"*": {"sandbox": {}, "cash_on_delivery": {}, "bank_transfer": BANK_ACCOUNT}}


@pytest.fixture
def both_store_hosts(settings):
    """Requests may name store B's domain ("b.test") as well as "testserver"."""
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]
