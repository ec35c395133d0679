"""An export imported back changes nothing: every line unchanged, no stock movement, in both languages and formats."""

import pytest

from .conftest import export, snapshot, speak, statuses, upload

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["products", "stock"])
def test_an_export_imported_back_changes_nothing(staff_client, catalogue, foreign, language, file_format, kind):
    speak(staff_client, language)
    content = export(staff_client, kind, file_format)
    before = snapshot()
    response = upload(staff_client, kind, content, name=f"export.{file_format}")
    assert response.status_code == 200, response.content.decode()[:2000]
    lines = statuses(response)
    assert lines and all(status == "unchanged" for _number, status, _key in lines), lines
    assert len(lines) == 3, "store A's three variants, or its three stock rows; nothing of store B"
    assert snapshot() == before
