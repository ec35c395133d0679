"""Spreadsheet files as people open them: CSV in the reader's language, XLSX with real numbers and dates.

Shared by the catalogue's imports and exports (back office) and the accountant's exports (back office
and API), so that a file says the same whoever asks for it. French CSV is `;`-separated with a decimal
comma; English CSV uses `,` and a point; neither writes a thousands separator. XLSX cells hold native
values. Text a spreadsheet would run as a formula (a name starting with "=") is written as text.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": gettext_lazy("CSV"), "xlsx": gettext_lazy("Excel (XLSX)")}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class FileFormat:
    """The language numbers are written in, and whether cells may hold native numbers (XLSX)."""

    language: str = "fr"
    native: bool = False

    @property
    def decimal_separator(self) -> str:
        return "," if self.language.startswith("fr") else "."

    @property
    def other_separator(self) -> str:
        return "." if self.decimal_separator == "," else ","


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote (taken off again on import)."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def decimal_cell(value: Decimal | None, file_format: FileFormat, *, places: int | None = None, stored: int = 2):
    """A number as a cell: `places` decimals (a currency's: none for XOF, two for EUR), or `stored` ones when
    the value has more (12,50 in XOF); without `places`, as few as needed. Native in XLSX, text in CSV."""
    if value is None:
        return ""
    if places is None:
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    else:
        short = value.quantize(Decimal(1).scaleb(-places))
        value = short if short == value else value.quantize(Decimal(1).scaleb(-stored))
    if file_format.native:
        return value
    return format(value, "f").replace(".", file_format.decimal_separator)


def write_csv(dataset, file_format: FileFormat) -> bytes:
    """CSV in the file's language: `;` with a decimal comma in French, `,` in English; BOM for spreadsheets."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";" if file_format.decimal_separator == "," else ",",
                        lineterminator="\r\n")
    writer.writerow(dataset.headers)
    writer.writerows(dataset)
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def write_xlsx(dataset) -> bytes:
    """A tablib dataset as an XLSX workbook."""
    return dataset.export("xlsx")
