"""Playwright on Debian's /usr/bin/chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"


def screenshot_path(name: str) -> str:
    """Where a test's screenshot goes: the README's docs/screenshots/ when UPDATE_SCREENSHOTS=1 (run the browser
    tests with it to refresh them), else a temporary folder, so that a test run never changes the checkout."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    else:
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / "ashopy-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def page(live_server, settings, monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    # The live server runs in a thread of this process while Playwright's sync API runs an event loop here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()
        # Under Playwright's event loop the test's queries ran on a connection of their own (Django
        # keys connections by async context): close it here, or dropping the test database fails.
        connections.close_all()


def check_out_with_the_sandbox(page) -> None:
    """From the cart page to the payment page: address (a guest's e-mail when asked), the "Livraison Dakar"
    method, the sandbox, then "Procéder au paiement"."""
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/checkout/address/")
    if page.locator("#id_email").count():
        page.fill("#id_email", "invite@example.com")
    page.fill("#id_ship-first_name", "Awa")
    page.fill("#id_ship-last_name", "Ndiaye")
    page.fill("#id_ship-line1", "Cité Keur Gorgui, villa 24")
    page.fill("#id_ship-city", "Dakar")
    page.select_option("#id_ship-country", "SN")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/shipping/")
    page.get_by_label("Livraison Dakar").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/payment/")
    page.locator("#pay-sandbox").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/checkout/review/")
    page.get_by_role("button", name="Procéder au paiement").click()
    page.wait_for_url("**/checkout/pay/**")
