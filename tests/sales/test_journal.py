"""The sales journal and the VAT summary: they reconcile to the stored totals of the documents, keep to
the period and the store, never show drafts, and cost a fixed number of queries."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ashopy.core.errors import PermissionDenied
from ashopy.sales import journal
from ashopy.sales.models import Invoice
from tests import factories

from .journal_data import PERIOD, Dakar, Paris

ZERO = Decimal(0)


@pytest.fixture
def dakar(store, manager, customer):
    return Dakar(store, manager, customer)


@pytest.fixture
def paris(other_store):
    return Paris(other_store)


def rows(store, period=PERIOD):
    return journal.journal_rows(store=store, date_from=period[0], date_to=period[1])


def summary(store, period=PERIOD):
    return journal.vat_summary(store=store, date_from=period[0], date_to=period[1])


def signed(document, amount):
    return -amount if document.is_credit_note else amount


def test_each_document_s_rows_add_up_to_its_stored_totals(dakar, paris, store, other_store):
    for shop, documents in ((store, dakar.in_period), (other_store, [paris.invoice])):
        by_number = defaultdict(list)
        for row in rows(shop):
            by_number[row.number].append(row)
        assert sorted(by_number) == sorted(document.number for document in documents)
        for document in Invoice.objects.filter(pk__in=[document.pk for document in documents]):
            found = by_number[document.number]
            assert sum(row.net for row in found) == signed(document, document.total_net)
            assert sum(row.tax for row in found) == signed(document, document.total_tax)
            assert sum(row.gross for row in found) == signed(document, document.total)
            assert [row.rate for row in found] == [part["rate"] for part in document.vat_summary()]


def test_the_period_adds_up_to_its_invoices_less_its_credit_notes(dakar, store):
    issued = Invoice.objects.filter(store=store, state=Invoice.State.ISSUED, issue_date__range=PERIOD)
    invoices = sum(issued.filter(kind=Invoice.Kind.INVOICE).values_list("total", flat=True), ZERO)
    credit_notes = sum(issued.filter(kind=Invoice.Kind.CREDIT_NOTE).values_list("total", flat=True), ZERO)
    assert credit_notes > 0 and invoices > credit_notes
    assert sum(row.gross for row in rows(store)) == invoices - credit_notes
    total = summary(store).total
    assert total.net.gross == invoices - credit_notes
    assert (total.invoices.gross, total.credit_notes.gross) == (invoices, -credit_notes)


def test_the_vat_summary_is_the_sum_of_the_documents_summaries(dakar, paris, store, other_store):
    for shop, documents in ((store, dakar.in_period), (other_store, [paris.invoice])):
        expected = defaultdict(lambda: {"invoices": [ZERO, ZERO], "credit_notes": [ZERO, ZERO]})
        for document in documents:
            side = "credit_notes" if document.is_credit_note else "invoices"
            for part in document.vat_summary():
                expected[part["rate"]][side][0] += signed(document, part["net"])
                expected[part["rate"]][side][1] += signed(document, part["tax"])
        found = summary(shop)
        assert found.currency == shop.currency
        assert [row.rate for row in found.rates] == sorted(expected, reverse=True)
        for row in found.rates:
            assert [row.invoices.net, row.invoices.tax] == expected[row.rate]["invoices"]
            assert [row.credit_notes.net, row.credit_notes.tax] == expected[row.rate]["credit_notes"]
            assert row.net.gross == row.invoices.gross + row.credit_notes.gross
    assert [row.rate for row in summary(store).rates] == [Decimal(18), Decimal(10)]
    assert [row.rate for row in summary(other_store).rates] == [Decimal(20), Decimal("5.5")]


def test_rows_follow_the_issue_dates_and_say_who_bought_what(dakar, store):
    found = rows(store)
    assert [(row.issue_date, row.number) for row in found] == sorted((row.issue_date, row.number) for row in found)
    first = dakar.invoices[0]
    row = next(row for row in found if row.number == first.number)
    assert (row.customer, row.company, row.order_number) == ("Awa Diop", "Sonatel", first.order.number)
    assert (row.kind, row.kind_label, row.currency) == ("invoice", "Invoice", "XOF")
    assert (row.payment_method, row.payment_state_label) == (first.payment_method, "Paid")
    note = next(row for row in found if row.number == dakar.credit_note.number)
    assert note.kind_label == "Credit note" and note.corrected_invoice == first.number and note.gross < 0


def test_drafts_other_days_and_other_stores_stay_out(dakar, paris, store, other_store):
    numbers = {row.number for row in rows(store)}
    assert dakar.before.number not in numbers and dakar.after.number not in numbers
    assert dakar.late_credit.number in numbers, "credited in the period, its invoice issued before"
    assert not dakar.draft.is_issued and Invoice.objects.filter(store=store, state="draft").count() == 1
    assert not numbers & {row.number for row in rows(other_store)}
    assert {row.currency for row in rows(other_store)} == {"EUR"}
    one_day = (dakar.before.issue_date, dakar.before.issue_date)
    assert [row.number for row in rows(store, one_day)] == [dakar.before.number]
    assert summary(store, one_day).rates[0].invoices.gross == dakar.before.total
    assert rows(other_store, one_day) == [] and summary(other_store, one_day).rates == []


def test_a_period_runs_forwards_and_lasts_at_most_a_leap_year(store):
    start = date(2024, 1, 1)
    assert rows(store, (start, date(2024, 12, 31))) == []  # 366 days
    with pytest.raises(journal.PeriodTooLong):
        rows(store, (start, date(2025, 1, 1)))
    with pytest.raises(journal.InvalidPeriod):
        summary(store, (start, start - timedelta(days=1)))


@pytest.mark.parametrize("invoices", [3, 20])
def test_the_queries_do_not_grow_with_the_documents(store, manager, customer, invoices,
                                                    django_assert_num_queries):
    Dakar(store, manager, customer, invoices=invoices)
    with django_assert_num_queries(2):
        found = rows(store)
    assert len({row.number for row in found}) == invoices + 2
    with django_assert_num_queries(1):
        summary(store)


def test_only_admins_and_gestionnaires_export(store, manager, store_admin, seller, customer, other_manager):
    for allowed in (manager, store_admin, None):
        journal.authorize_export(user=allowed, store=store)
    for refused in (seller, customer, other_manager, factories.staff(store, "client", email="member@example.com")):
        with pytest.raises(PermissionDenied):
            journal.authorize_export(user=refused, store=store)
