"""The stock commands and the Celery task that cron and beat run: check_stock, cleanup_reservations."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class
from django.db.models import F

from ashopy.celery import app
from ashopy.inventory import reservations, tasks
from ashopy.inventory.models import Reservation, Stock
from ashopy.inventory.reservations import Line
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(store):
    """Two variants in stock in two warehouses, one of them held by a running reservation."""
    main = factories.warehouse(store, "main")
    shop = factories.warehouse(store, "shop", priority=2, kind="shop")
    first = factories.product(store, "Routeur", price="30000").variants.get()
    second = factories.product(store, "Switch", price="45000").variants.get()
    factories.receive(first, 6, warehouse_=main)
    factories.receive(second, 4, warehouse_=shop)
    reservations.reserve(store=store, lines=[Line(first.pk, 2), Line(second.pk, 1)], owner="order:1")
    reservations.deduct(store=store, lines=[Line(second.pk, 1)], reference="POS-1")
    return first, second


def check_stock() -> str:
    out = io.StringIO()
    call_command("check_stock", stdout=out)
    return out.getvalue()


def refused_check() -> tuple[str, str]:
    """Run check_stock as `manage.py check_stock` would, expecting it to fail: (its report, its error)."""
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_stock", stdout=out)
    return out.getvalue(), str(error.value)


def test_check_stock_passes_on_consistent_data(stocked):
    assert "stock, ledger and reservations agree" in check_stock()


def test_check_stock_fails_and_names_the_row_when_on_hand_was_tampered_with(stocked):
    first, _second = stocked
    row = Stock.objects.get(variant=first)
    Stock.objects.filter(pk=row.pk).update(on_hand=F("on_hand") + 3)
    report, error = refused_check()
    assert f"stock {row.pk} (variant {first.pk}, warehouse {row.warehouse_id})" in report
    assert "on_hand 9 vs ledger 6" in report and "reserved 2 vs active reservations 2" in report
    assert "1 stock row(s) disagree" in error
    assert report.count("stock ") == 1  # only the tampered row


def test_check_stock_fails_when_reserved_disagrees_with_the_active_reservations(stocked):
    first, second = stocked
    Reservation.objects.update(state=Reservation.State.RELEASED)  # closed behind the services' back
    report, error = refused_check()
    assert "reserved 2 vs active reservations 0" in report and "reserved 1 vs active reservations 0" in report
    assert "2 stock row(s) disagree" in error
    for variant in (first, second):
        assert f"variant {variant.pk}," in report


def test_check_stock_exits_non_zero_from_the_command_line(stocked, capsys):
    Stock.objects.filter(variant=stocked[0]).update(reserved=0)
    with pytest.raises(SystemExit) as exit_:  # what `manage.py check_stock` does with the CommandError
        load_command_class("ashopy.inventory", "check_stock").run_from_argv(["manage.py", "check_stock"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert "reserved 0 vs active reservations 2" in captured.out
    assert "disagree" in captured.err


def test_cleanup_reservations_releases_only_the_expired_ones(store, stocked):
    first, _second = stocked
    running = Reservation.objects.get(owner="order:1")
    lapsed = [reservations.reserve(store=store, lines=[Line(first.pk, 1)], owner=f"cart:{n}",
                               ttl=timedelta(seconds=-1)) for n in range(2)]
    later = reservations.reserve(store=store, lines=[Line(first.pk, 1)], owner="cart:later", ttl=timedelta(minutes=5))
    out = io.StringIO()
    call_command("cleanup_reservations", stdout=out)
    assert "released 2 expired reservation(s)" in out.getvalue()
    states = dict(Reservation.objects.values_list("pk", "state"))
    assert [states[r.pk] for r in lapsed] == ["expired", "expired"]
    assert states[running.pk] == states[later.pk] == "active"
    assert Stock.objects.get(variant=first).reserved == 3  # 2 (order:1) + 1 (cart:later)
    assert "agree" in check_stock()
    out = io.StringIO()
    call_command("cleanup_reservations", stdout=out)
    assert "released 0 expired reservation(s)" in out.getvalue()


def test_beat_runs_the_expiry_task_every_minute():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "ashopy.inventory.tasks.expire_reservations"]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    seconds = schedule if isinstance(schedule, int | float) else schedule.run_every.total_seconds()
    assert seconds == 60
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert "ashopy.inventory.tasks.expire_reservations" in app.tasks


def test_the_expiry_task_runs_eagerly(store, stocked):
    first, _second = stocked
    lapsed = reservations.reserve(store=store, lines=[Line(first.pk, 3)], owner="cart:x", ttl=timedelta(seconds=-1))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # what the settings give without REDIS_URL
    try:
        result = tasks.expire_reservations.delay()
    finally:
        app.conf.task_always_eager = eager
    assert result.get() == 1
    lapsed.refresh_from_db()
    assert lapsed.state == "expired" and Stock.objects.get(variant=first).reserved == 2
