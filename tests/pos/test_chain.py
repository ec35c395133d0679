"""The chain on PostgreSQL: the database refuses to change a record, a row changed behind its back
is named by the check, the command exits non-zero, the archive's manifest verifies."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from ashopy.pos import selling, services, signing
from ashopy.pos.archive import verify_archive
from ashopy.pos.models import ChainRecord, Ticket, TicketLine
from ashopy.pos.selling import RefundLine
from ashopy.pos.verification import verify_till
from tests.pos.conftest import sell

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def day(session, seller, variant):
    """A day at the till: three sales, a duplicate, a refund, the closing."""
    tickets = [sell(session, seller, variant, quantity) for quantity in (1, 2, 3)]
    services.print_duplicate(user=seller, ticket=tickets[0])
    selling.record_refund(user=seller, session=session, ticket=tickets[1],
                          lines=[RefundLine(tickets[1].lines.get().pk, 1)], method="cash")
    services.close_session(user=seller, session=session, counted={"cash": 0})
    return tickets


def _tamper(sql, params):
    """Change a stored row the way someone with database access would: triggers off for the statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_the_day_chains_and_verifies(day, till):
    report = verify_till(till)
    assert report.ok and report.records == 6
    kinds = list(ChainRecord.objects.order_by("sequence").values_list("kind", flat=True))
    assert kinds == ["sale", "sale", "sale", "duplicate", "refund", "closing"]
    out = io.StringIO()
    call_command("verify_pos_chain", "--till", "c1", stdout=out)
    assert "6 records, chain valid" in out.getvalue()


@pytest.mark.parametrize("table", ["pos_ticket", "pos_ticketline", "pos_ticketpayment", "pos_chainrecord"])
def test_the_database_refuses_update_and_delete(day, table):
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    ticket = Ticket.objects.first()
    with pytest.raises(Exception, match="append-only"):
        ticket.save()


def test_a_line_changed_with_sql_is_named_by_the_check(day, till):
    line = day[2].lines.get()
    _tamper("UPDATE pos_ticketline SET gross = gross - 1000, net = net - 1000 WHERE id = %s", [line.pk])
    record = ChainRecord.objects.get(kind="sale", object_id=day[2].pk)
    report = verify_till(till)
    assert not report.ok and report.failure.sequence == record.sequence == 3
    assert "differs from what was recorded" in report.failure.reason
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_pos_chain", stdout=out)
    assert "record #3" in out.getvalue()


def test_a_record_rewritten_without_the_key_is_named(day, till):
    record = ChainRecord.objects.get(sequence=4)
    _tamper("UPDATE pos_chainrecord SET hash = %s WHERE id = %s", ["f" * 64, record.pk])
    assert verify_till(till).failure.sequence == 4
    _tamper("UPDATE pos_chainrecord SET hash = %s WHERE id = %s", [record.hash, record.pk])
    assert verify_till(till).ok
    _tamper("DELETE FROM pos_chainrecord WHERE id = %s", [record.pk])
    assert verify_till(till).failure.sequence == 5  # the next one no longer follows


def test_a_ticket_slipped_in_without_a_record_is_named(day, till):
    ticket = day[0]
    _tamper("INSERT INTO pos_ticket (store_id, till_id, session_id, number, kind, cashier_id, currency, "
            "discount_reason, total_discount, total_net, total_tax, total, vat, created_at) "
            "SELECT store_id, till_id, session_id, 99, kind, cashier_id, currency, discount_reason, total_discount, "
            "total_net, total_tax, total, vat, created_at FROM pos_ticket WHERE id = %s", [ticket.pk])
    report = verify_till(till)
    assert not report.ok and "C1-000099 has no chain record" in str(report.failure)


def test_the_archive_is_signed_and_its_export_is_chained(day, till, store, tmp_path):
    out = io.StringIO()
    call_command("export_pos_archive", "--year", str(day[0].created_at.year), "--output", str(tmp_path), stdout=out)
    path = next(tmp_path.glob("pos-archive-dakar-*.zip"))
    assert verify_archive(path) == []
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        tickets = archive.read("tickets.csv").decode().splitlines()
    assert set(manifest["files"]) == {"tickets.csv", "lines.csv", "payments.csv", "closures.csv", "chain.csv",
                                      "public_key.pem", f"public_keys/{signing.key_id(signing.public_key(store))}.pem"}
    assert len(tickets) == 1 + Ticket.objects.count() and TicketLine.objects.count() == 4
    assert ChainRecord.objects.filter(till=till, kind="export").count() == 1 and verify_till(till).ok
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(forged, "w") as copy:
        for item in original.infolist():
            content = original.read(item.filename)
            copy.writestr(item, content.replace(b"sale", b"SALE") if item.filename == "tickets.csv" else content)
    assert verify_archive(forged) == ["tickets.csv does not match its hash"]
