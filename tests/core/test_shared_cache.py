"""Without Redis, every process of the machine shares one cache (issue #10, item 9).

With a local-memory cache each gunicorn worker counted on its own: two workers let 40 token
requests a minute through a limit of 20. Now the cache is a directory shared by the processes
(`core.filecache.SharedFileCache`), and its `add`/`incr` are atomic across them, so sign-up counts
stay exact even when the processes count at the same instant.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/api/v1/auth/token/"


def _environment(**extra) -> dict:
    base = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CACHE_DIR"}}
    return {**base, "DJANGO_SETTINGS_MODULE": "ashopy.settings", **extra}


def _python(code: str, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", f"import django; django.setup()\n{code}"], cwd=ROOT,
                            env=_environment(**env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return out


def _shared_directory() -> dict:
    """The processes started here use this process's cache directory, which each test starts empty."""
    return {"CACHE_DIR": settings.CACHES["default"].get("LOCATION", "")}


SETTINGS = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"


def test_without_redis_the_cache_is_a_directory_per_database():
    first = _finish(_python(SETTINGS, DATABASE_URL="postgres://ashopy@db.example:5432/shop_a")).split()
    second = _finish(_python(SETTINGS, DATABASE_URL="postgres://ashopy@db.example:5432/shop_b")).split()
    assert first[0] == second[0] == "ashopy.core.filecache.SharedFileCache"
    assert first[1] == str(ROOT / "tmp" / "cache" / "db.example_5432_shop_a")
    assert second[1] != first[1]
    chosen = _finish(_python(SETTINGS, CACHE_DIR="/var/cache/ashopy")).split()
    assert chosen == ["ashopy.core.filecache.SharedFileCache", "/var/cache/ashopy"]


COUNT = """
import sys
from django.core.cache import cache
from django.test import RequestFactory
from ashopy.accounts import limits

request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
print("ready", flush=True)
sys.stdin.readline()
passed = 0
for n in range({attempts}):
    try:
        limits.check(limits.REGISTRATION, request=request, email=f"{index}-{{n}}@example.com")
        passed += 1
    except limits.TooManyAttempts:
        pass
print(passed)
"""


def test_processes_counting_at_once_let_exactly_the_rate_through():
    """Three processes ask for sign-ups at the same instant: 150 a day from one address get through, not more."""
    processes = [_python(COUNT.format(attempts=100, index=index), REGISTRATION_RATE="150/day", **_shared_directory())
                 for index in range(3)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:  # all of them start counting now
        process.stdin.write("go\n")
        process.stdin.flush()
    assert sum(int(_finish(process)) for process in processes) == 150


TOKENS = """
from django.test import Client

client = Client(HTTP_HOST="testserver", REMOTE_ADDR="198.51.100.7")
print(" ".join(str(client.post("{url}", {{"email": f"nobody{{n}}@example.com", "password": "wrong"}},
                               content_type="application/json").status_code) for n in range({requests})))
"""


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_token_throttle(store):
    """Two workers of the API: the second one's requests count after the first one's (4 a minute in all)."""
    env = {**_shared_directory(), "DATABASE_URL": _database_url(), "TOKEN_RATE": "4/min", "DEBUG": "0",
           "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "0", "LOG_LEVEL": "WARNING"}
    first = _finish(_python(TOKENS.format(url=TOKEN, requests=3), **env)).split()
    second = _finish(_python(TOKENS.format(url=TOKEN, requests=3), **env)).split()
    assert first == ["401", "401", "401"]
    assert second == ["401", "429", "429"]
