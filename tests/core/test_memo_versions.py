"""A change to a store, its tax rates or its shipping applies in every process from its next request (issue #10,
item 11).

The host → store map was memoised per process for 60 s and dropped only in the process that saved:
a reservation time saved in the admin gave holds of [60, 900, 900] s on the next three orders.
Here a real gunicorn worker (another process, on the test database and the test's cache
directory) serves the API; the test process changes the store and a tax rate between two of its
requests, and the worker's next request sees both.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.catalog import tree
from ashopy.core import cache as memo_cache
from ashopy.orders.models import Order
from ashopy.pricing.models import TaxRate
from ashopy.stores.models import StoreDomain
from ashopy.stores.selectors import store_for_host
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(store):
    """A gunicorn worker on the test database and this process's cache directory; its base URL."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=_database_url(), CACHE_DIR=settings.CACHES["default"]["LOCATION"], DEBUG="0",
               SECRET_KEY=settings.SECRET_KEY, ALLOWED_HOSTS="testserver,127.0.0.1,shop.test,new.test",
               SECURE_SSL_REDIRECT="0", CONN_MAX_AGE="0", LOG_LEVEL="WARNING", PAYMENT_SANDBOX="1")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "ashopy.wsgi", "-w", "1", "-k", "sync",
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _client(base, user) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30, headers={
        "Host": "testserver", "Accept-Language": "en",
        "Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"})


def _hold_seconds(client, method, key) -> float:
    response = client.post("/api/v1/checkout/", headers={"Idempotency-Key": key}, json={
        "billing_address": factories.address(), "shipping_method": method.pk, "payment_method": "sandbox"})
    assert response.status_code == 201, response.text
    order = Order.objects.get(number=response.json()["order"]["number"])
    return (order.expires_at - order.created_at).total_seconds()


def test_the_other_process_uses_a_saved_store_and_tax_rate_on_its_next_request(store, customer, worker):
    variant = factories.product(store, name="Lampe", stock=10, price="10000").variants.get()
    method = factories.shipping_method(store, price="2000")
    client = _client(worker, customer)
    line = client.post("/api/v1/cart/lines/", json={"variant": variant.pk, "quantity": 1})
    assert line.status_code == 200, line.text
    assert line.json()["lines"][0]["tax_rate"] == "18"  # the worker's memos are warm now
    assert _hold_seconds(client, method, "first") == pytest.approx(15 * 60, abs=2)

    store.reservation_minutes = 1
    store.save()  # as the admin does, in this process
    rate = TaxRate.objects.get(store=store)
    rate.rate = Decimal("10")
    rate.save()

    assert client.get("/api/v1/cart/").json()["lines"][0]["tax_rate"] == "10"
    assert _hold_seconds(client, method, "second") == pytest.approx(60, abs=2)
    assert _hold_seconds(client, method, "third") == pytest.approx(60, abs=2)


def test_a_renamed_domain_moves_the_store_at_once(store, worker):
    def status(host) -> int:
        return httpx.get(f"{worker}/api/v1/cart/", headers={"Host": host}, timeout=30).status_code

    domain = StoreDomain.objects.create(store=store, domain="shop.test")
    assert (status("shop.test"), status("new.test")) == (200, 404)
    domain.domain = "new.test"
    domain.save()
    assert (status("shop.test"), status("new.test")) == (404, 200)


def test_a_request_reads_the_generation_once_then_trusts_its_memos(store, client):
    """In one process: a request starts a unit of work; inside it a bump elsewhere is not seen, the next one sees it."""
    assert client.get("/healthz").status_code == 200  # a request: the thread's unit ended with it
    first = tree.category_tree(store)
    assert tree.category_tree(store) is first
    memo_cache.work_started()
    try:
        assert store_for_host("testserver") == store and tree.category_tree(store) is first
        # another process bumps the tree: it writes the key's version, then the generation
        from django.core.cache import cache

        cache.set(f"memo:category-tree:{store.pk}", "elsewhere", None)
        cache.set(memo_cache.GENERATION_KEY, "elsewhere", None)
        assert tree.category_tree(store) is first  # this request keeps what it started with
    finally:
        memo_cache.work_finished()
    memo_cache.work_started()
    try:
        assert tree.category_tree(store) is not first  # the next request reloads it
    finally:
        memo_cache.work_finished()
