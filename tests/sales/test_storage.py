"""Each store's documents are filed in a folder of their own: two stores both print FAC-2026-000001 and
keep their own file under that very name, never a renamed copy or one another's.

The files go to a temporary MEDIA_ROOT: the suite never writes into the repository's media/."""

from pathlib import PurePosixPath

import pytest

from ashopy.sales import services
from tests import factories
from tests.sales.test_invoices import complete_profile
from tests.sales.test_issue_queries import paid_order


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The default storage reads MEDIA_ROOT again when the setting changes (Django's setting_changed)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_two_stores_first_invoices_keep_their_own_file_names(store, other_store, media_root):
    invoices = []
    for shop in (store, other_store):
        complete_profile(shop)
        invoices.append(services.invoice_order(order=paid_order(shop, factories.UserFactory(), lines=1)))
    assert {invoice.number for invoice in invoices} == {invoices[0].number}, "both stores start their series"
    for invoice in invoices:
        path = PurePosixPath(invoice.pdf.name)
        assert path.parts[:2] == ("invoices", str(invoice.store_id)) and path.name == f"{invoice.number}.pdf"
        with invoice.pdf.open("rb") as stored:
            assert stored.read().startswith(b"%PDF")
        assert (media_root / invoice.pdf.name).is_file(), "written under the temporary MEDIA_ROOT"
