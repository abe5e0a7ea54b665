"""Playwright driving Debian's chromium (never a downloaded browser) against a live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import missing_service

# pytest-django's live server with the synchronous Playwright API.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} is missing: run 'apt-get install chromium' (or make test as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []

    def on_console(msg):
        # Pages answer 400 (form errors), 410 (a used link) or 429 on purpose; Chromium logs
        # that status for the page itself. Any other error, or one for another resource, fails.
        expected = "status of 4" in msg.text and msg.location.get("url") == page.url
        if msg.type == "error" and not expected:
            problems.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems
    yield page
    context.close()
