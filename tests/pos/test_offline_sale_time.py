"""A sale the till kept offline and sent later: the ticket takes the server's time and number when it
arrives (the chain's order is the server's) and keeps the moment it was made at the till, checked (between
the session's opening and now, give or take the clock skew, with its offset) and chained only when present,
so that the records written before it existed still verify. The receipt, its PDF, the staff page and the
API show both times in the store's clock."""

import io
import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ashopy.inventory.models import Stock
from ashopy.pos import selling, services
from ashopy.pos.errors import OfflineTimeRefused
from ashopy.pos.models import ChainRecord, Ticket
from ashopy.pos.selling import SaleLine, Tender
from ashopy.pos.verification import verify_till
from tests.api.test_pos_api import POS, client_for, is_error, post_sale, sale_body
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
PARIS = ZoneInfo("Europe/Paris")
OPENED = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)
MADE = datetime(2026, 3, 14, 10, 5, 9, 400000, tzinfo=PARIS)  # 09:05:09 UTC, at the till in Paris
ARRIVED = datetime(2026, 3, 14, 12, 9, 26, tzinfo=UTC)  # the network came back three hours later


@pytest.fixture
def paris(store):
    store.timezone = "Europe/Paris"
    store.save(update_fields=["timezone"])
    return store


@pytest.fixture
def morning(till, seller, paris):
    """A session opened at 09:00 UTC."""
    with time_machine.travel(OPENED, tick=False):
        return services.open_session(user=seller, till=till, opening_float={})


def online(morning, seller, variant):
    with time_machine.travel(OPENED + timedelta(minutes=30), tick=False):
        return sell(morning, seller, variant)


def synced(morning, seller, variant, made=MADE, **options):
    with time_machine.travel(ARRIVED, tick=False):
        return sell(morning, seller, variant, made_offline_at=made, **options)


def test_the_ticket_keeps_the_servers_time_and_number_and_the_tills_moment(morning, seller, variant, till):
    first = online(morning, seller, variant)
    ticket = synced(morning, seller, variant)
    ticket.refresh_from_db()
    assert ticket.number == first.number + 1, "numbered when it arrives"
    assert ticket.created_at == ARRIVED
    assert ticket.made_offline_at == datetime(2026, 3, 14, 9, 5, 9, tzinfo=UTC), "to the second, offset applied"
    record = ChainRecord.objects.get(kind="sale", object_id=ticket.pk)
    assert json.loads(record.canonical)["made_offline_at"] == "2026-03-14T09:05:09Z"
    assert record.created_at == ARRIVED
    assert verify_till(till).ok


def test_a_sale_made_online_has_no_offline_time_in_its_record(session, seller, variant, till):
    ticket = sell(session, seller, variant)
    assert Ticket.objects.get(pk=ticket.pk).made_offline_at is None
    record = ChainRecord.objects.get(kind="sale", object_id=ticket.pk)
    assert "made_offline_at" not in json.loads(record.canonical), "the records made before it still verify"
    assert verify_till(till).ok


@pytest.mark.parametrize("made", [
    ARRIVED + selling.CLOCK_SKEW + timedelta(seconds=1),  # in the future
    OPENED - selling.CLOCK_SKEW - timedelta(seconds=1),  # before the session was opened
    datetime(2026, 3, 14, 10, 5, 9),  # no offset: which 10:05?
    "2026-03-14T10:05:09+01:00",  # a string is the API's to parse
], ids=["future", "before-opening", "naive", "text"])
def test_an_impossible_offline_time_is_refused_and_records_nothing(morning, seller, variant, till, made):
    with pytest.raises(OfflineTimeRefused):
        synced(morning, seller, variant, made=made)
    assert not Ticket.objects.exists() and not ChainRecord.objects.exists()
    assert Stock.objects.get(variant=variant, warehouse=till.warehouse).on_hand == 50


@pytest.mark.parametrize("made", [ARRIVED + selling.CLOCK_SKEW, OPENED - selling.CLOCK_SKEW],
                         ids=["clock-ahead", "clock-behind"])
def test_a_till_clock_a_little_off_is_accepted(morning, seller, variant, made):
    assert synced(morning, seller, variant, made=made).made_offline_at == made


def test_a_replay_answers_the_first_ticket_unchanged(morning, seller, variant):
    key = uuid.uuid4()
    first = synced(morning, seller, variant, idempotency_key=key)
    with time_machine.travel(ARRIVED + timedelta(minutes=1), tick=False):
        again = selling.record_sale(user=seller, session=morning, lines=[SaleLine(variant.pk, 1)],
                                    payments=[Tender("cash", variant.price)], idempotency_key=key,
                                    made_offline_at=ARRIVED + timedelta(hours=1))  # refused, yet a replay
    assert again.pk == first.pk and Ticket.objects.get().made_offline_at == MADE.replace(microsecond=0)


@pytest.mark.postgres
def test_an_offline_time_changed_with_sql_is_named_by_the_check(morning, seller, variant, till):
    from tests.pos.test_chain import _tamper

    ticket = synced(morning, seller, variant)
    _tamper("UPDATE pos_ticket SET made_offline_at = made_offline_at - interval '1 hour' WHERE id = %s", [ticket.pk])
    report = verify_till(till)
    assert not report.ok and report.failure.sequence == 1
    assert "differs from what was recorded" in report.failure.reason


# --- what is printed and shown ------------------------------------------------------------------

def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


SAID = "Sale made offline on 14/03/2026 10:05:09 (recorded on 14/03/2026 13:09:26)"  # in Paris


def test_the_receipt_and_its_pdf_say_when_it_was_made_and_recorded(morning, seller, variant):
    ticket = synced(morning, seller, variant)
    client = english(seller)
    html = client.get(reverse("staff_pos:receipt", args=[ticket.pk])).content.decode()
    assert SAID in html
    pdf = client.get(reverse("staff_pos:receipt_pdf", args=[ticket.pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sale made offline on 14/03/2026 10:05:09" in " ".join(text.split())
    made_online = online(morning, seller, variant)
    assert "made offline" not in client.get(reverse("staff_pos:receipt", args=[made_online.pk])).content.decode()


def test_the_staff_ticket_page_shows_it(morning, seller, variant):
    ticket = synced(morning, seller, variant)
    html = english(seller).get(reverse("staff_pos:ticket_detail", args=[ticket.pk])).content.decode()
    assert SAID in html and 'data-testid="made-offline"' in html


# --- the API ------------------------------------------------------------------------------------

def test_the_api_records_the_offline_time_and_shows_it(morning, seller, variant, till):
    key = uuid.uuid4()
    body = sale_body(till, variant, made_offline_at="2026-03-14T10:05:09.400+01:00")
    with time_machine.travel(ARRIVED, tick=False):
        api = client_for(seller)  # a token of that morning
        made = post_sale(api, body, key)
        replayed = post_sale(api, dict(body, made_offline_at="2026-03-14T11:00:00+01:00"), key)
        detail = api.get(f"{POS}tickets/{made.json()['ticket']['id']}/").json()
        listed = api.get(f"{POS}tickets/").json()["results"]
    assert (made.status_code, replayed.status_code) == (201, 200)
    assert made.json() == replayed.json(), "a replay stays identical"
    ticket = made.json()["ticket"]
    assert ticket["made_offline_at"] == "2026-03-14T09:05:09Z" and ticket["created_at"] == "2026-03-14T12:09:26Z"
    assert detail["ticket"]["made_offline_at"] == "2026-03-14T09:05:09Z"
    assert [row["made_offline_at"] for row in listed] == ["2026-03-14T09:05:09Z"]


@pytest.mark.parametrize("value", ["yesterday", "2026-03-14T10:05:09", "2026-03-14", "2026-02-30T10:05:09+01:00",
                                   "2026-03-14T25:05:09+01:00", 1773479109, ["2026-03-14T10:05:09+01:00"],
                                   "2026-03-14T13:20:00+01:00", "2026-03-14T09:50:00+01:00"],
                         ids=["word", "no-offset", "date-only", "no-such-day", "no-such-hour", "number", "list",
                              "future", "before-opening"])
def test_a_bad_offline_time_is_a_400_that_records_nothing(morning, seller, variant, till, value):
    with time_machine.travel(ARRIVED, tick=False):
        api = client_for(seller)
        body = is_error(post_sale(api, sale_body(till, variant, made_offline_at=value)), 400)
    assert "made_offline_at" in body["fields"]
    assert not Ticket.objects.exists() and not ChainRecord.objects.exists()
    assert Stock.objects.get(variant=variant, warehouse=till.warehouse).on_hand == 50
