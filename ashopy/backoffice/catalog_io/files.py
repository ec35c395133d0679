"""Reading an uploaded file into rows, and writing a dataset as a file.

A file is XLSX when its name says so or it is a zip archive; otherwise it must be UTF-8 CSV
(with or without BOM, CRLF or LF line ends) separated by commas or semicolons, whichever its
header line uses. Limits are checked while reading, so a large file is refused before it is read
whole; what cannot be read is refused with a message (`FileRefused`), never a server error.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ashopy.backoffice.text import join_list

from .widgets import plain_text

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_BLANK_LINES = 10 * MAX_ROWS  # a sheet of endless formatted-but-empty rows is refused, not walked
ZIP_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The file cannot be imported; the message says why, for the person who sent it."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list]
    lines: list[int]  # the file line (or sheet row) each of `rows` came from


def read_table(content: bytes, filename: str) -> Table:
    if len(content) > MAX_BYTES:
        raise FileRefused(too_large_message())
    if not content.strip():
        raise FileRefused(_("The file is empty."))
    if filename.lower().endswith(".xlsx") or content.startswith(ZIP_MAGIC):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    return _table(rows)


def too_large_message() -> str:
    return _("The file is too large: at most %(megabytes)s MB and %(rows)s lines.") % {
        "megabytes": MAX_BYTES // (1024 * 1024), "rows": MAX_ROWS}


def _csv_rows(content: bytes):
    if b"\x00" in content:
        raise FileRefused(_("This is not a CSV or XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The CSV file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise FileRefused(_("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}) from error


def _xlsx_rows(content: bytes):
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception as error:  # openpyxl and zipfile raise many kinds on a damaged or foreign file
        raise FileRefused(_("The file could not be read as an XLSX workbook.")) from error


def _table(numbered_rows) -> Table:
    headers, rows, lines = None, [], []
    for line, values in numbered_rows:
        if line > MAX_ROWS + MAX_BLANK_LINES:
            raise FileRefused(too_large_message())
        values = list(values)
        if not any(plain_text(value) for value in values):
            continue  # blank lines and formatted-but-empty sheet rows
        if headers is None:
            headers = [plain_text(value).lower() for value in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRefused(too_large_message())
        values = (values + [None] * len(headers))[:len(headers)]
        rows.append(values)
        lines.append(line)
    if headers is None:
        raise FileRefused(_("The file is empty."))
    return Table(headers, rows, lines)


def check_columns(headers: list[str], *, known: list[str], required: list[str]) -> None:
    """Refuse unknown, missing or repeated columns, naming them."""
    problems = []
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    unknown = [name for name in headers if name not in known]
    missing = [name for name in required if name not in headers]
    if repeated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(repeated)})
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(name[:40] or "?" for name in unknown)})
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if problems:
        raise FileRefused(_("This file does not have the expected columns (%(problems)s). Expected: %(known)s.") % {
            "problems": join_list(problems), "known": ", ".join(known)})
