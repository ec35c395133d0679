"""Fixtures of the catalogue back-office tests: a stock manager's browser in English, another store's
manager on store B's host."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image


@pytest.fixture
def staff_client(client, manager, settings, both_store_hosts):
    """A stock manager's browser, in English so that messages can be asserted whatever the store's language."""
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def other_client(other_manager, both_store_hosts):
    """Store B's manager, on store B's host: store A's ids are unknown there."""
    client = Client(HTTP_HOST="b.test")
    client.force_login(other_manager)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="photo.png", size=(4, 3), colour=(200, 30, 30)) -> SimpleUploadedFile:
    """A real, small PNG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
