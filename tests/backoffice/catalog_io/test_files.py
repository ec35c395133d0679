"""Files that cannot be imported are refused with a message, never a server error, and change nothing."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from ashopy.backoffice.catalog_io.files import MAX_BYTES, MAX_ROWS, read_table

from .conftest import snapshot, speak, upload

pytestmark = [pytest.mark.django_db]


def refusal(response) -> str:
    assert response.status_code == 400
    assert "report" not in response.context
    return " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize(("content", "name", "says"), [
    (b"\x00\x01\x02\xff\xfe binary junk \x00", "junk.csv", "not a CSV or XLSX"),
    (b"sku,warehouse,on_hand\nX1-16,caf\xe9,1\n", "latin1.csv", "not UTF-8"),
    (b"PK\x03\x04 this is no workbook", "fake.xlsx", "could not be read as an XLSX"),
    (b"not a workbook", "fake.xlsx", "could not be read as an XLSX"),
    (b"", "empty.csv", "empty"),
    (b"\r\n\r\n", "blank.csv", "empty"),
    (b'sku,warehouse,on_hand\nX1-16,"main,1\n', "open-quote.csv", "malformed"),
    (b"sku,warehouse,stock\nX1-16,main,1\n", "columns.csv", "unknown columns: stock; missing columns: on_hand"),
    (b"sku,sku,warehouse,on_hand\nX1-16,X1-16,main,1\n", "twice.csv", "repeated columns: sku"),
])
def test_unreadable_files_are_refused_with_a_message(staff_client, catalogue, content, name, says):
    before = snapshot()
    assert says in refusal(upload(speak(staff_client, "en"), "stock", content, name=name))
    assert snapshot() == before


def test_a_zip_that_is_not_a_workbook_is_refused(staff_client, catalogue):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "hello")
    assert "XLSX" in refusal(upload(speak(staff_client, "en"), "stock", archive.getvalue(), name="a.xlsx"))


def test_a_file_over_two_megabytes_is_refused(staff_client, catalogue):
    content = b"sku,warehouse,on_hand\n" + b"X1-16,main,1\n" * (MAX_BYTES // 13 + 1)
    assert len(content) > MAX_BYTES
    assert "at most 2 MB and 2000 lines" in refusal(upload(speak(staff_client, "en"), "stock", content))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_more_than_two_thousand_lines_are_refused(staff_client, catalogue, file_format):
    lines = [["sku", "warehouse", "on_hand"]] + [["X1-16", "main", 1]] * (MAX_ROWS + 1)
    if file_format == "csv":
        content = "\n".join(",".join(map(str, line)) for line in lines).encode()
    else:
        book = Workbook()
        for line in lines:
            book.active.append(line)
        output = io.BytesIO()
        book.save(output)
        content = output.getvalue()
    before = snapshot()
    assert "2000 lines" in refusal(upload(speak(staff_client, "en"), "stock", content, name=f"big.{file_format}"))
    assert snapshot() == before


def test_two_thousand_lines_are_read():
    content = ("sku,warehouse,on_hand\r\n" + "X1-16,main,1\r\n" * MAX_ROWS).encode()
    table = read_table(content, "ok.csv")
    assert len(table.rows) == MAX_ROWS and table.lines[-1] == MAX_ROWS + 1


def test_line_numbers_are_the_files_own():
    table = read_table(b"\xef\xbb\xbfsku;warehouse;on_hand\r\n\r\nA;main;1\r\n;;\r\nB;main;2", "x.csv")
    assert table.headers == ["sku", "warehouse", "on_hand"]
    assert table.rows == [["A", "main", "1"], ["B", "main", "2"]] and table.lines == [3, 5]


def test_the_page_says_in_french_what_is_wrong(staff_client, catalogue):
    message = refusal(upload(speak(staff_client, "fr"), "stock", b"\x00junk"))
    assert "Ce fichier n’est ni un CSV ni un XLSX." in message
