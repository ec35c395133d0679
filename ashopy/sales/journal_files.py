"""The sales journal and the VAT summary as files, for the back office's accounting page and the API alike.

CSV is in the page's language (French: `;` and a decimal comma, dates 31/03/2026; English: `,`
and a point, ISO dates), with translated headers. XLSX cells hold real numbers and dates, the
amounts rounded to the currency's decimals and shown with them (`#,##0` for XOF, `#,##0.00` for
EUR). Text a spreadsheet would run as a formula (a buyer named "=…") is written as text.
"""

import io
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from tablib import Dataset

from ashopy.core.money import quantum
from ashopy.core.spreadsheets import CONTENT_TYPES, FileFormat, decimal_cell, escape_formula, write_csv, write_xlsx
from ashopy.stores.models import Store

from . import journal
from .journal import Amounts, JournalRow, VatRate, VatSummary

__all__ = ["CONTENT_TYPES", "DOCUMENTS", "ExportFile", "journal_file", "period_file", "vat_summary_file"]

DOCUMENTS = ("journal", "vat-summary")

DATE_FORMATS = {",": ("%d/%m/%Y", "dd/mm/yyyy"), ".": ("%Y-%m-%d", "yyyy-mm-dd")}  # CSV text, XLSX display


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str


class Cells:
    """How one file writes amounts, rates, dates and text: native values in XLSX, the language's in CSV."""

    def __init__(self, file_format: FileFormat, currency: str):
        self.file_format, self.places = file_format, -quantum(currency).as_tuple().exponent

    def amount(self, value):
        return decimal_cell(value, self.file_format, places=self.places)

    def rate(self, value):
        return decimal_cell(value, self.file_format)

    def date(self, value: date):
        return value if self.file_format.native else value.strftime(DATE_FORMATS[self.file_format.decimal_separator][0])

    @staticmethod
    def text(value: str) -> str:
        return escape_formula(value or "")

    @property
    def amount_format(self) -> str:
        return "#,##0" + ("." + "0" * self.places if self.places else "")

    @property
    def date_format(self) -> str:
        return DATE_FORMATS[self.file_format.decimal_separator][1]


def _file(dataset: Dataset, cells: Cells, *, amounts: range, dates: range = range(0)) -> ExportFile:
    if not cells.file_format.native:
        return ExportFile(write_csv(dataset, cells.file_format), CONTENT_TYPES["csv"])
    formats = {**dict.fromkeys(amounts, cells.amount_format), **dict.fromkeys(dates, cells.date_format)}
    return ExportFile(_with_number_formats(write_xlsx(dataset), formats), CONTENT_TYPES["xlsx"])


def _with_number_formats(content: bytes, formats: dict[int, str]) -> bytes:
    """The workbook with its columns (0-based) shown in the given number formats, below the header."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
        sheet.column_dimensions[get_column_letter(column + 1)].width = 14
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def journal_file(rows: list[JournalRow], *, currency: str, file_format: FileFormat) -> ExportFile:
    """One line per document and VAT rate: the journal an accountant imports."""
    cells = Cells(file_format, currency)
    dataset = Dataset(title=_("Sales journal"), headers=[
        _("Issue date"), _("Number"), _("Kind"), _("Customer"), _("Company"), _("Order"), _("Corrected invoice"),
        _("Currency"), _("VAT rate (%)"), _("Excl. tax"), _("VAT"), _("Incl. tax"), _("Payment method"),
        _("Payment")])
    for row in rows:
        dataset.append([cells.date(row.issue_date), cells.text(row.number), row.kind_label, cells.text(row.customer),
                        cells.text(row.company), cells.text(row.order_number), cells.text(row.corrected_invoice),
                        row.currency, cells.rate(row.rate), cells.amount(row.net), cells.amount(row.tax),
                        cells.amount(row.gross), cells.text(row.payment_method), row.payment_state_label])
    return _file(dataset, cells, amounts=range(9, 12), dates=range(0, 1))


def _amounts(cells: Cells, amounts: Amounts) -> list:
    return [cells.amount(amounts.net), cells.amount(amounts.tax), cells.amount(amounts.gross)]


def vat_summary_file(summary: VatSummary, *, file_format: FileFormat) -> ExportFile:
    """Per VAT rate, then the total: invoices, credit notes (negative) and the net of both."""
    cells = Cells(file_format, summary.currency)
    headers = [_("VAT rate (%)"), _("Currency")]
    for side in (_("Invoices"), _("Credit notes"), _("Net")):
        headers += [f"{side}: {_('excl. tax')}", f"{side}: {_('VAT')}", f"{side}: {_('incl. tax')}"]
    dataset = Dataset(title=_("VAT summary"), headers=headers)

    def line(first, row: VatRate) -> list:
        return [first, summary.currency, *_amounts(cells, row.invoices), *_amounts(cells, row.credit_notes),
                *_amounts(cells, row.net)]

    for row in summary.rates:
        dataset.append(line(cells.rate(row.rate), row))
    dataset.append(line(_("Total"), summary.total))
    return _file(dataset, cells, amounts=range(2, 11))


def period_file(*, store: Store, document: str, date_from: date, date_to: date,
                file_format: FileFormat) -> ExportFile:
    """The store's journal or VAT summary of the period as a file (InvalidPeriod / PeriodTooLong refused)."""
    if document == "journal":
        rows = journal.journal_rows(store=store, date_from=date_from, date_to=date_to)
        return journal_file(rows, currency=store.currency, file_format=file_format)
    if document == "vat-summary":
        return vat_summary_file(journal.vat_summary(store=store, date_from=date_from, date_to=date_to),
                                file_format=file_format)
    raise ValueError(f"no such export: {document!r}")


def file_name(*, store: Store, document: str, date_from: date, date_to: date, extension: str) -> str:
    return f"{document}-{store.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension}"
