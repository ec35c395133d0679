"""Fixtures of the accounting page's tests: the journal's documents in Dakar and Paris, and readers of its files."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.sales.journal_data import PERIOD, Dakar, Paris

INDEX = "/staff/accounting/"


@pytest.fixture
def dakar(store, manager, customer):
    return Dakar(store, manager, customer)


@pytest.fixture
def paris(other_store):
    return Paris(other_store)


def browser(user, language="fr", host="testserver") -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def period_query(period=PERIOD) -> dict:
    return {"date_from": period[0].isoformat(), "date_to": period[1].isoformat()}


def download(client, document, file_format, period=PERIOD):
    response = client.get(reverse("staff_accounting:export", args=[document, file_format]), period_query(period))
    assert response.status_code == 200, response.content[:500]
    return response


def csv_rows(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def xlsx_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]
