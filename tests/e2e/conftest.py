"""A live server on loopback and Debian's Chromium driven by Playwright.

`playwright install` cannot download browsers here, so the tests launch /usr/bin/chromium.
Without it they skip, except where REQUIRE_BROWSER=1 (CI), where a missing browser fails.
Each test saves screenshots under test-artifacts/; when one fails, every browser window it
still has open (`page`, or each of `windows`) is saved there as FAILED-<test>[-<window>].html
and .png, so the state each person saw at the failure can be read after the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

# The hiring factories, for journeys that start from an opening with candidates.
from tests.hiring.conftest import make_candidate, make_opening, write_card  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _closed_at_once(app):
    """`app` with each response read whole and closed before werkzeug's development server
    writes it. That server closes a response (a static file's open file, say) only after it
    has drained the socket, which raises when the browser has already dropped the connection
    (as it does for a favicon when a test moves on): the file was then left to the garbage
    collector, whose ResourceWarning failed whichever test was running. gunicorn, which
    serves the app for real, closes responses itself."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve `app` over real HTTP on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, _closed_at_once(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test's app served over real HTTP on a free loopback port."""
    with serve(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Windows:
    """Browser windows (one context each, so one logged-in person each) opened by one test.

    Every window records its page's JavaScript errors in `page.js_errors`. When the test's call
    phase fails, `save_failure` keeps each window still open: its HTML and a screenshot, so the
    state the person saw at the failure can be read after the run.
    """

    def __init__(self, browser) -> None:
        self.browser = browser
        self.opened: list[tuple[str, object]] = []

    def open(self, label: str):
        """A new window (fresh cookies) whose page the test drives."""
        context = self.browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.js_errors = errors
        self.opened.append((label, page))
        return page

    def save_failure(self, test_name: str) -> list[Path]:
        """Save every open window's HTML and a full-page screenshot; return the files."""
        ARTIFACTS.mkdir(exist_ok=True)
        saved: list[Path] = []
        single = len(self.opened) == 1
        for label, page in self.opened:
            if page.is_closed():
                continue
            stem = f"FAILED-{test_name}" if single else f"FAILED-{test_name}-{label}"
            try:
                page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
                saved.append(ARTIFACTS / f"{stem}.png")
                (ARTIFACTS / f"{stem}.html").write_text(f"<!-- {page.url} -->\n" + page.content())
                saved.append(ARTIFACTS / f"{stem}.html")
            except Exception as error:  # noqa: BLE001 - a failed save must not hide the failure
                print(f"could not save {stem}: {error}")
        return saved

    def close_all(self) -> None:
        """Close every window's context (closing an already closed one does nothing)."""
        for _label, page in self.opened:
            page.context.close()
        self.opened.clear()


def _failed(request) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is not None and report.failed


@pytest.fixture
def windows(browser, request) -> Iterator[Windows]:
    """Windows for a journey with several people; on failure each open one is saved."""
    opened = Windows(browser)
    yield opened
    if _failed(request):
        opened.save_failure(request.node.name)
    opened.close_all()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; on failure its page's HTML and a screenshot are kept."""
    opened = Windows(browser)
    page = opened.open("page")
    yield page
    if _failed(request):
        opened.save_failure(request.node.name)
    opened.close_all()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def shot(page, name: str) -> None:
    """Save a full-page screenshot for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, base: str, email: str, password: str) -> None:
    """Log in through the login form, and check it worked (the navbar then offers Log out)."""
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {email} failed: still on {page.url}"
    assert page.get_by_role("button", name="Log out").is_visible()
