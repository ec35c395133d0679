"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            and not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_refuses_to_start_without_secret_key_in_production():
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_has_no_warning_with_production_environment():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="k7#Gq2!vZp9@Lr4$Wm8^Xt1&Bn6*Hs3(Jd5)Fc0-Ye2+Ua7=Oi9_Ek4",
        ALLOWED_HOSTS="shop.example.sn", CSRF_TRUSTED_ORIGINS="https://shop.example.sn",
        DATABASE_URL="sqlite:////tmp/ashopy-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_redis_url_switches_cache_and_celery_to_redis():
    code = ("from django.conf import settings; import ashopy.celery as c;"
            "print(settings.CACHES['default']['BACKEND']); print(settings.CELERY_BROKER_URL);"
            "print(settings.CELERY_TASK_ALWAYS_EAGER); print(c.app.conf.broker_url)")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "ashopy.settings", "DEBUG": "1",
                                 "REDIS_URL": "redis://127.0.0.1:6379/3"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    backend, broker, eager, app_broker = result.stdout.split()
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert broker == app_broker == "redis://127.0.0.1:6379/3"
    assert eager == "False"


def test_without_redis_tasks_run_eagerly(settings):
    from ashopy.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER is True or os.environ.get("REDIS_URL")
    assert app.conf.task_always_eager == settings.CELERY_TASK_ALWAYS_EAGER
