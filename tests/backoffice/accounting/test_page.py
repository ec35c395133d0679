"""The accounting page: who may open it, its period (presets, bad dates as form errors), the VAT summary
in French formats, and a query budget that does not grow with the documents."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ashopy.backoffice.navigation import sections
from ashopy.core.money import currency_symbol, format_amount
from ashopy.sales import journal
from tests.core.test_csp_header import inline_code
from tests.sales.journal_data import MIDDLE, PERIOD, Dakar, on

from .conftest import INDEX, browser, download, period_query

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]


def urls():
    return [INDEX, *(reverse("staff_accounting:export", args=[document, file_format])
                     for document in ("journal", "vat-summary") for file_format in ("csv", "xlsx"))]


def menu_urls(client):
    request = client.get(reverse("staff_home:home")).wsgi_request
    return [link.url for _heading, links in sections(request) for link in links]


def test_admins_and_gestionnaires_get_in_and_see_it_in_the_menu(store, manager, store_admin):
    for user in (manager, store_admin):
        client = browser(user)
        for url in urls():
            assert client.get(url, period_query()).status_code == 200, url
        assert INDEX in menu_urls(client)


def test_sellers_customers_and_other_stores_staff_get_403(store, seller, customer, other_manager):
    for user in (seller, customer, other_manager):
        client = browser(user)
        for url in urls():
            response = client.get(url, period_query())
            assert response.status_code == 403, (user.email, url)
            assert "403.html" in [template.name for template in response.templates]
    assert INDEX not in menu_urls(browser(seller))
    for url in urls():
        response = browser(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_another_stores_manager_exports_only_their_own_store(dakar, paris, other_manager):
    rows = download(browser(other_manager, "en", host="b.test"), "journal", "csv").content.decode("utf-8-sig")
    assert paris.invoice.number in rows
    assert not any(document.number in rows for document in dakar.in_period)


def test_the_page_shows_this_month_s_vat_summary_in_french(dakar, store, manager):
    with on(MIDDLE):
        response = browser(manager).get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert not inline_code(page)
    summary = journal.vat_summary(store=store, date_from=PERIOD[0], date_to=PERIOD[1])
    assert response.context["summary"] == summary and response.context["period"] == PERIOD
    assert "1 mars 2026" in page and "31 mars 2026" in page
    table = page[page.index('id="vat-summary"'):page.index("</table>", page.index('id="vat-summary"'))]
    with translation.override("fr"):
        caption = table[table.index("<caption"):table.index("</caption>")]
        assert currency_symbol("XOF") in caption  # named once, then each amount without it: 2 473 729
        for rate in summary.rates:
            assert f"{rate.rate:.0f}\u00a0%" in table
            for amounts in (rate.invoices, rate.credit_notes, rate.net):
                for amount in (amounts.net, amounts.tax, amounts.gross):
                    assert f">{format_amount(amount, 'XOF')}</td>" in table
        assert f">{format_amount(summary.total.net.gross, 'XOF')}</td>" in table
    export = reverse("staff_accounting:export", args=["journal", "csv"])
    assert f'href="{export}?date_from=2026-03-01&amp;date_to=2026-03-31"' in page


def test_the_presets_are_whole_periods_on_the_store_s_calendar(store, manager):
    with on(date(2026, 1, 15)):
        presets = [(preset.date_from, preset.date_to) for preset, _query in
                   browser(manager).get(INDEX).context["presets"]]
    assert presets == [(date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31)),
                       (date(2026, 1, 1), date(2026, 12, 31))]


@pytest.mark.parametrize("query", [
    {"date_from": "2026-02-30", "date_to": "2026-03-31"},
    {"date_from": "mars", "date_to": "2026-03-31"},
    {"date_from": "2026-03-01"},
    {"date_from": "2026-03-31", "date_to": "2026-03-01"},
    {"date_from": "2025-01-01", "date_to": "2026-03-31"},
    {"date_from": "99999-01-01", "date_to": "2026-03-31"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
])
def test_a_bad_period_is_a_form_error_never_a_server_error(store, manager, query):
    client = browser(manager, "en")
    for url in urls():
        response = client.get(url, query)
        assert response.status_code == 400, (url, query)
        assert response.context["form"].errors and response.context["summary"] is None
        assert "invalid-feedback" in response.content.decode()
    too_long = client.get(INDEX, {"date_from": "2025-01-01", "date_to": "2026-01-02"}).context["form"]
    assert too_long.errors["date_to"] == ["Choose a period of at most 366 days."]


def test_unknown_documents_and_formats_are_404(store, manager):
    client = browser(manager)
    assert client.get(reverse("staff_accounting:export", args=["orders", "csv"])).status_code == 404
    assert client.get(reverse("staff_accounting:export", args=["journal", "pdf"])).status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, period_query()).status_code == 200
    return len(queries)


@pytest.mark.parametrize("invoices", [3, 20])
def test_the_page_and_the_files_cost_the_same_queries_for_3_or_20_invoices(store, manager, customer, invoices):
    Dakar(store, manager, customer, invoices=invoices)
    client = browser(manager)
    client.get(INDEX)  # the session's first read of the member and the store
    # session, member, role in the store, then the summary (1) or the documents and their lines (2)
    assert [count_queries(client, url) for url in urls()] == [4, 5, 5, 4, 4]
