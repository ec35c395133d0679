# ruff: noqa: F811 (the till's fixtures of tests/pos/conftest.py are imported, then asked for by name)
"""The point of sale's staff pages: who opens which (vendeurs: tickets and receipts; gestionnaires and
admins: everything), another store's objects a 404, what each page shows, and lists whose queries do
not grow with their rows."""

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from ashopy.pos import archive, closures, selling, services
from ashopy.pos.models import ChainRecord
from ashopy.pos.selling import RefundLine
from tests.backoffice.sales.conftest import browser
from tests.pos.conftest import _signing_key, sell, session, shop, till, variant  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

DAKAR = ZoneInfo("Africa/Dakar")


@pytest.fixture
def day(session, seller, variant, manager):
    """A session of two sales, a refund, a cash movement, closed with a count 100 F short."""
    first = sell(session, seller, variant, 2)
    sell(session, seller, variant, 1, cash="10000")
    refund = selling.record_refund(user=seller, session=session, ticket=first,
                                   lines=[RefundLine(first.lines.get().pk, 1)], method="cash")
    services.move_cash(user=manager, session=session, direction="out", amount="5000", reason="Dépôt banque")
    expected = services.expected_amounts(session)["cash"]
    closed = services.close_session(user=manager, session=session, counted={"cash": expected - 100}, note="Pièce")
    return {"first": first, "refund": refund, "session": closed}


def urls(day) -> dict[str, str]:
    ticket, session = day["first"], day["session"]
    return {
        "tickets": reverse("staff_pos:ticket_list"),
        "ticket": reverse("staff_pos:ticket_detail", args=[ticket.pk]),
        "receipt": reverse("staff_pos:receipt", args=[ticket.pk]),
        "receipt_pdf": reverse("staff_pos:receipt_pdf", args=[ticket.pk]),
        "sessions": reverse("staff_pos:session_list"),
        "session": reverse("staff_pos:session_detail", args=[session.pk]),
        "report": reverse("staff_pos:session_report", args=[session.pk]),
        "report_pdf": reverse("staff_pos:session_report_pdf", args=[session.pk]),
        "closures": reverse("staff_pos:closure_list"),
        "chain": reverse("staff_pos:chain_check"),
    }


SELLER_PAGES = {"tickets", "ticket", "receipt", "receipt_pdf"}


def test_roles(day, customer, seller, manager, store_admin):
    pages = urls(day)
    for name, url in pages.items():
        assert browser(customer).get(url).status_code == 403, name
        assert browser(seller).get(url).status_code == (200 if name in SELLER_PAGES else 403), name
        assert browser(manager).get(url).status_code == 200, name
        assert browser(store_admin).get(url).status_code == 200, name
    assert browser(None).get(pages["tickets"]).status_code == 302  # to the login page
    assert browser(seller).post(reverse("staff_pos:archive_download"), {"year": 2026}).status_code == 403


def test_the_sections_address_leads_to_the_tickets(day, seller):
    answer = browser(seller).get("/staff/pos/")
    assert answer.status_code == 302 and answer["Location"] == reverse("staff_pos:ticket_list")


def test_the_menu_follows_the_role(day, seller, manager):
    seller_menu = browser(seller).get(reverse("staff_home:home")).content.decode()
    assert reverse("staff_pos:ticket_list") in seller_menu
    assert reverse("staff_pos:session_list") not in seller_menu and reverse("staff_pos:chain_check") not in seller_menu
    manager_menu = browser(manager).get(reverse("staff_home:home")).content.decode()
    for name in ("ticket_list", "session_list", "closure_list", "chain_check"):
        assert reverse(f"staff_pos:{name}") in manager_menu


def test_another_store_s_objects_are_a_404(day, other_manager):
    client = browser(other_manager, host="b.test")
    for name, url in urls(day).items():
        if name not in {"tickets", "sessions", "closures", "chain"}:
            assert client.get(url).status_code == 404, name
    assert client.post(reverse("staff_pos:reprint", args=[day["first"].pk])).status_code == 404
    assert not client.get(reverse("staff_pos:ticket_list")).context["page"].object_list
    assert ChainRecord.objects.filter(kind="duplicate").count() == 0


def test_ticket_search_by_number_day_and_customer(day, seller, store):
    client = browser(seller)
    found = client.get(reverse("staff_pos:ticket_list"), {"q": "C1-000002"}).context["page"].object_list
    assert [t.number for t in found] == [2]
    found = client.get(reverse("staff_pos:ticket_list"), {"q": "3"}).context["page"].object_list
    assert [t.number for t in found] == [3]
    today = datetime.now(DAKAR).date().isoformat()
    assert len(client.get(reverse("staff_pos:ticket_list"), {"day": today}).context["page"].object_list) == 3
    assert not client.get(reverse("staff_pos:ticket_list"), {"day": "2001-01-01"}).context["page"].object_list
    response = client.get(reverse("staff_pos:ticket_list"), {"day": "not-a-date", "q": "x" * 500})
    assert response.status_code == 200  # bad filters are dropped and said so, never a 500


def test_the_ticket_page_lists_lines_payments_refunds_and_duplicates(day, seller):
    ticket = day["first"]
    services.print_duplicate(user=seller, ticket=ticket)
    html = browser(seller).get(reverse("staff_pos:ticket_detail", args=[ticket.pk])).content.decode()
    assert "C1-000001" in html and "Clé USB 32 Go" in html
    assert reverse("staff_pos:ticket_detail", args=[day["refund"].pk]) in html and "C1-000003" in html
    assert "DUPLICATA n°1" in html
    assert reverse("staff_pos:receipt", args=[ticket.pk]) in html


def test_the_session_page_and_its_closing_report(day, manager):
    session = day["session"]
    client = browser(manager)
    response = client.get(reverse("staff_pos:session_detail", args=[session.pk]))
    report = response.context["report"]
    assert report.sales == (2, Decimal(17700)) and report.refunds == (1, Decimal(-5900))
    html = response.content.decode()
    assert "Dépôt banque" in html and "Pièce" in html
    closing = {method: (counted, expected, difference)
               for method, counted, expected, difference in response.context["closing"]}
    assert closing["cash"][2] == Decimal(-100)
    assert closing["cash"][1] == session.opening_total + Decimal(17700 - 5900 - 5000)
    pdf = client.get(reverse("staff_pos:session_report_pdf", args=[session.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Caisse 1" in text and "Dépôt banque" in text
    listing = client.get(reverse("staff_pos:session_list")).context["page"].object_list
    assert [s.difference_total for s in listing] == [Decimal(-100)]


def test_z_reports(day, manager, till):
    with time_machine.travel(datetime.now(DAKAR).replace(year=datetime.now(DAKAR).year + 1, month=1, day=2)):
        made = closures.close_due()
    assert made
    client = browser(manager)
    rows = client.get(reverse("staff_pos:closure_list")).context["page"].object_list
    assert rows and {c.kind for c in made} == {"daily", "monthly", "yearly"}
    (yearly,) = client.get(reverse("staff_pos:closure_list"), {"kind": "yearly"}).context["page"].object_list
    response = client.get(reverse("staff_pos:closure_detail", args=[yearly.pk]))
    assert response.status_code == 200 and yearly.perpetual_total == Decimal(11800)
    ((_rate, amounts),) = response.context["vat"]
    assert amounts["gross"] == Decimal(11800)


def test_the_chain_check_names_the_first_mismatch(day, manager, till):
    client = browser(manager)
    html = client.get(reverse("staff_pos:chain_check")).content.decode()
    assert 'data-testid="chain-ok"' in html and 'data-testid="chain-broken"' not in html
    records = ChainRecord.objects.filter(till=till).count()
    assert f'<td class="text-end">{records}</td>' in html
    with connection.cursor() as cursor:  # an edit behind the application's back, triggers off
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE pos_ticketline SET gross = gross - 1000, net = net - 1000 WHERE ticket_id = %s",
                       [day["first"].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    sequence = ChainRecord.objects.get(till=till, kind="sale", object_id=day["first"].pk).sequence
    html = client.get(reverse("staff_pos:chain_check")).content.decode()
    assert 'data-testid="chain-broken"' in html and f"Record n°{sequence} does not match" in html


def test_the_archive_download_is_a_signed_zip_and_is_logged(day, manager, till, store, tmp_path):
    year = datetime.now(DAKAR).year
    response = browser(manager).post(reverse("staff_pos:archive_download"), {"year": year})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pos-archive-dakar-')
    content = response.content
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        assert {"tickets.csv", "manifest.json", "manifest.sig"} <= set(zipped.namelist())
    saved = tmp_path / "archive.zip"
    saved.write_bytes(content)
    assert archive.verify_archive(saved) == []  # signed, every file's hash as the manifest says
    assert ChainRecord.objects.filter(till=till, kind="export").count() == 1
    assert browser(manager).post(reverse("staff_pos:archive_download"), {"year": "1"}).status_code == 302
    assert ChainRecord.objects.filter(till=till, kind="export").count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_whatever_their_rows(session, seller, variant, manager, till):
    client = browser(manager)
    sell(session, seller, variant, 1)
    client.get(reverse("staff_pos:ticket_list"))  # the store's domain and menu memos are warm from here on
    few = {name: _queries(client, reverse(f"staff_pos:{name}")) for name in ("ticket_list", "session_list")}
    for _ in range(4):
        sell(session, seller, variant, 1)
    services.close_session(user=manager, session=session, counted={"cash": 0})
    for _ in range(3):
        other = services.open_session(user=seller, till=till, opening_float={})
        services.close_session(user=manager, session=other, counted={})
    many = {name: _queries(client, reverse(f"staff_pos:{name}")) for name in ("ticket_list", "session_list")}
    assert many == few
    assert few == {"ticket_list": 5, "session_list": 6}  # session, user, role, count, rows (+ the tills' filter)
