"""The journal and the VAT summary as files: French CSV with `;` and decimal commas, English CSV with `,`,
XLSX with real numbers and dates in the currency's decimals, and files that add up like the documents."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from ashopy.sales import journal
from ashopy.sales.models import Invoice
from tests.sales.journal_data import MIDDLE, PERIOD, on, sale

from .conftest import browser, csv_rows, download, xlsx_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

NET, TAX, GROSS = 9, 10, 11  # the journal's amount columns


def paris_browser(other_manager, language):
    return browser(other_manager, language, host="b.test")


def test_the_french_journal_uses_semicolons_decimal_commas_and_french_dates(paris, other_manager):
    response = download(paris_browser(other_manager, "fr"), "journal", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="journal-paris-20260301-20260331.csv"'
    header, *rows = csv_rows(response.content, ";")
    with translation.override("fr"):
        assert header[:4] == [translation.gettext("Issue date"), "Numéro", translation.gettext("Kind"), "Client"]
    assert len(header) == 14 and all(len(row) == 14 for row in rows)
    assert [(row[0], row[1], row[8]) for row in rows] == [("12/03/2026", paris.invoice.number, "20"),
                                                          ("12/03/2026", paris.invoice.number, "5,5")]
    assert rows[0][NET:GROSS + 1] == ["1234,50", "246,90", "1481,40"]
    assert rows[1][NET:GROSS + 1] == ["6,00", "0,33", "6,33"]
    assert rows[0][7] == "EUR" and rows[0][5] == paris.invoice.order.number


def test_the_english_journal_uses_commas_and_points(paris, other_manager):
    header, *rows = csv_rows(download(paris_browser(other_manager, "en"), "journal", "csv").content, ",")
    assert header == ["Issue date", "Number", "Kind", "Customer", "Company", "Order", "Corrected invoice",
                      "Currency", "VAT rate (%)", "Excl. tax", "VAT", "Incl. tax", "Payment method", "Payment"]
    assert rows[0][:3] == ["2026-03-12", paris.invoice.number, "Invoice"]
    assert rows[0][8:GROSS + 1] == ["20", "1234.50", "246.90", "1481.40"]
    assert rows[0][-1] == "Paid"


def test_the_journal_file_adds_up_to_the_invoices_less_the_credit_notes(dakar, store, manager):
    _header, *rows = csv_rows(download(browser(manager), "journal", "csv").content, ";")
    issued = Invoice.objects.filter(store=store, state="issued", issue_date__range=PERIOD)
    expected = (sum(issued.filter(kind="invoice").values_list("total", flat=True))
                - sum(issued.filter(kind="credit_note").values_list("total", flat=True)))
    assert sum(Decimal(row[GROSS]) for row in rows) == expected
    assert all("," not in row[GROSS] for row in rows), "XOF has no decimals"
    credit = [row for row in rows if row[1] == dakar.credit_note.number]
    assert credit and all(row[GROSS].startswith("-") and row[6] == dakar.invoices[0].number for row in credit)
    found = journal.journal_rows(store=store, date_from=PERIOD[0], date_to=PERIOD[1])
    assert [row[1] for row in rows] == [row.number for row in found]


def test_the_xlsx_journal_holds_numbers_and_dates_in_the_currency_s_decimals(dakar, paris, store, manager,
                                                                             other_manager):
    for client, shop, number_format in ((browser(manager), store, "#,##0"),
                                        (paris_browser(other_manager, "fr"), paris.invoice.store, "#,##0.00")):
        response = download(client, "journal", "xlsx")
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = xlsx_sheet(response.content)
        lines = list(sheet.iter_rows(min_row=2))
        found = journal.journal_rows(store=shop, date_from=PERIOD[0], date_to=PERIOD[1])
        assert len(lines) == len(found) > 0
        for cells, row in zip(lines, found, strict=True):
            assert isinstance(cells[0].value, datetime) and cells[0].value.date() == row.issue_date
            assert cells[0].number_format == "dd/mm/yyyy"
            for index, amount in ((NET, row.net), (TAX, row.tax), (GROSS, row.gross)):
                assert isinstance(cells[index].value, int | float), cells[index].value
                assert Decimal(str(cells[index].value)) == amount
                assert cells[index].number_format == number_format
            assert Decimal(str(cells[8].value)) == row.rate and cells[1].value == row.number


def test_the_vat_summary_file_has_each_rate_and_the_total(dakar, store, manager):
    summary = journal.vat_summary(store=store, date_from=PERIOD[0], date_to=PERIOD[1])
    header, *rows = csv_rows(download(browser(manager, "en"), "vat-summary", "csv").content, ",")
    assert header[:5] == ["VAT rate (%)", "Currency", "Invoices: excl. tax", "Invoices: VAT", "Invoices: incl. tax"]
    assert [row[0] for row in rows] == ["18", "10", "Total"]
    for row, rate in zip(rows, [*summary.rates, summary.total], strict=True):
        amounts = [rate.invoices.net, rate.invoices.tax, rate.invoices.gross, rate.credit_notes.net,
                   rate.credit_notes.tax, rate.credit_notes.gross, rate.net.net, rate.net.tax, rate.net.gross]
        assert [Decimal(cell) for cell in row[2:]] == amounts and row[1] == "XOF"
    assert Decimal(rows[-1][-1]) == sum(line.gross for line in journal.journal_rows(
        store=store, date_from=PERIOD[0], date_to=PERIOD[1]))
    sheet = xlsx_sheet(download(browser(manager), "vat-summary", "xlsx").content)
    assert [sheet.cell(row=index, column=1).value for index in (2, 3, 4)] == [18, 10, "Total"]
    assert Decimal(str(sheet.cell(row=4, column=11).value)) == summary.total.net.gross


def test_a_buyer_written_as_a_formula_stays_text(store, manager, customer, dakar):
    with on(MIDDLE):
        sale(store, dakar.method, customer, [(dakar.book, 1)], company='=HYPERLINK("http://evil")')
    rows = csv_rows(download(browser(manager), "journal", "csv").content, ";")
    assert "'=HYPERLINK(\"http://evil\")" in [row[4] for row in rows]
    sheet = xlsx_sheet(download(browser(manager), "journal", "xlsx").content)
    cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=HYPERLINK(\"http://evil\")" in [cell.value for cell in cells]


def test_an_empty_period_gives_files_with_headers_only(store, manager):
    client = browser(manager, "en")
    quiet = (date(2020, 1, 1), date(2020, 1, 31))
    assert len(csv_rows(download(client, "journal", "csv", quiet).content, ",")) == 1
    assert [row[0] for row in csv_rows(download(client, "vat-summary", "csv", quiet).content, ",")[1:]] == ["Total"]
