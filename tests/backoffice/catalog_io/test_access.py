"""Who may export and import: the store's catalogue managers and admins, only for their own store."""

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.backoffice.navigation import sections

from .conftest import csv_rows, export, snapshot, speak, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

STOCK_FILE = b"sku,warehouse,on_hand\nX1-16,main,1\n"


def urls():
    return [reverse("staff_catalog_io:index"), reverse("staff_catalog_io:export", args=["products", "csv"]),
            reverse("staff_catalog_io:export", args=["stock", "xlsx"])]


def test_managers_and_admins_get_in(client, manager, store_admin, catalogue):
    for user in (manager, store_admin):
        client.force_login(user)
        for url in urls():
            assert client.get(url).status_code == 200, url
        assert reverse("staff_catalog_io:index") in menu_urls(client)


def menu_urls(client):
    request = client.get(reverse("staff_home:home")).wsgi_request
    return [link.url for _heading, links in sections(request) for link in links]


def test_sellers_customers_and_other_stores_staff_get_403_and_change_nothing(client, seller, customer, other_manager,
                                                                           manager, catalogue):
    owner = Client()
    owner.force_login(manager)
    kept = upload(speak(owner, "en"), "stock", STOCK_FILE)
    before = snapshot()
    for user in (seller, customer, other_manager):
        client.force_login(user)
        for url in urls():
            response = client.get(url)
            assert response.status_code == 403, (user.email, url)
        assert upload(client, "stock", STOCK_FILE).status_code == 403
        confirm = client.post(reverse("staff_catalog_io:confirm"), {"token": kept.context["token"]})
        assert confirm.status_code == 403
    assert snapshot() == before
    client.force_login(seller)
    assert reverse("staff_catalog_io:index") not in menu_urls(client)


def test_anonymous_visitors_go_to_login(client, catalogue):
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_another_stores_manager_sees_and_changes_only_their_store(other_manager, manager, catalogue, foreign):
    paris = Client(HTTP_HOST="b.test")
    paris.force_login(other_manager)
    rows = csv_rows(export(speak(paris, "en"), "products", "csv"), ",")
    assert [row[0] for row in rows[1:]] == ["PAR-1"]
    stock = csv_rows(export(paris, "stock", "csv"), ",")
    assert stock[1:] == [["PAR-1", "paris", "4"]]
    response = upload(paris, "stock", STOCK_FILE)
    assert "sku" in dict(response.context["report"].lines[0].errors)
    # store A's upload token is worthless in store B, even for the member who made it
    dakar = Client()
    dakar.force_login(manager)
    kept = upload(speak(dakar, "en"), "stock", STOCK_FILE)
    before = snapshot()
    assert paris.post(reverse("staff_catalog_io:confirm"), {"token": kept.context["token"]}, follow=True) \
        .status_code == 200
    assert snapshot() == before


def test_unknown_export_kinds_and_formats_are_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("staff_catalog_io:export", args=["orders", "csv"])).status_code == 404
    assert client.get(reverse("staff_catalog_io:export", args=["stock", "pdf"])).status_code == 404
    assert client.get(reverse("staff_catalog_io:preview")).status_code == 405


def test_the_pages_render_in_french(client, manager, catalogue):
    client.force_login(manager)
    html = client.get(reverse("staff_catalog_io:index")).content.decode()
    assert "Importer / exporter" in html and "table-responsive" not in html
    assert "2\u202f000 lignes" in html or "2\xa0000 lignes" in html  # numbers in French typography
    preview = upload(speak(client, "fr"), "stock", STOCK_FILE).content.decode()
    assert "table-responsive" in preview and "Confirmer l’import" in preview


def test_pages_hold_no_inline_code_and_refusals_are_the_styled_403(client, manager, seller, catalogue):
    from tests.core.test_csp_header import inline_code

    client.force_login(manager)
    for response in (client.get(reverse("staff_catalog_io:index")), upload(client, "stock", STOCK_FILE),
                     upload(client, "stock", b"\x00junk")):
        assert not inline_code(response.content.decode())
    client.force_login(seller)
    refused = client.get(reverse("staff_catalog_io:index"))
    assert refused.status_code == 403 and "403.html" in [template.name for template in refused.templates]
