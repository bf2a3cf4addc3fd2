"""Playwright driving Debian's Chromium against pytest-django's live server.

Reusable by any browser test: the ``page`` fixture (a fresh browser context at desktop
size, pointed at the live server) and ``login(page, user)``, which logs in through the
real log-in form. Tests are skipped when Chromium is missing, unless REQUIRE_BROWSER=1.
"""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

# The live server runs in a thread beside Playwright's sync API, which Django's async
# safety check would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse"  # the personas' password in tests/conftest.py
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


def _chromium_or_skip() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        message = "Chromium not found (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and REQUIRE_BROWSER=1")
        pytest.skip(message)
    return path


HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # On a loaded two-core machine Chromium now and then loses a race between a click or
    # a keystroke and the page's own work (a test then waits for an answer that never
    # comes). A browser test that fails runs once more: a race passes the second time, a
    # regression fails both, and pytest's summary counts every rerun, so none is hidden.
    # BROWSER_RERUNS=0 turns it off, to hunt a race.
    reruns = int(os.environ.get("BROWSER_RERUNS", "1"))
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.flaky(reruns=reruns))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report carries what the page showed: its URL, console
    errors and focused element, and a screenshot in /tmp, so a failure seen only in CI
    can be understood from its log."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        path = f"/tmp/failed-{item.name}.png"
        try:
            page.screenshot(path=path, full_page=True)
            focused = page.evaluate(
                "document.activeElement ? document.activeElement.outerHTML.slice(0, 300) : ''"
            )
        except Exception as error:  # the page may be what broke; the report must not
            focused, path = f"(page unreadable: {error})", "(none)"
        report.sections.append(
            (
                "browser page",
                f"url: {page.url}\nconsole errors: {page.console_errors}\n"
                f"focused: {focused}\nscreenshot: {path}",
            )
        )
    return report


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


class ServerRequests:
    """Counts the requests the live server is handling, whatever the browser thinks.

    The browser forgets a request htmx aborts (``hx-sync`` replace while typing in the
    speaker autocomplete), but the server thread still runs its query; a flush issued then
    deadlocks with it in PostgreSQL. Django's request signals see the server's side.
    """

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def started(self, **kwargs):
        with self._lock:
            self.count += 1

    def finished(self, **kwargs):
        with self._lock:
            self.count -= 1

    def wait_until_idle(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            if self.count > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 0.2:
                return  # idle for a while: nothing accepted but not yet started either
            time.sleep(0.02)


@pytest.fixture
def server_requests():
    requests = ServerRequests()
    request_started.connect(requests.started, dispatch_uid="browser-tests-started")
    request_finished.connect(requests.finished, dispatch_uid="browser-tests-finished")
    yield requests
    request_started.disconnect(dispatch_uid="browser-tests-started")
    request_finished.disconnect(dispatch_uid="browser-tests-finished")


@pytest.fixture
def page(browser, live_server, server_requests):
    """A new page at desktop size; ``page.goto("/path")`` is relative to the live server."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []

    def on_console(message):
        # Browsers ask for /favicon.ico on their own; the app has none and needs none.
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            page.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    # Stop the browser asking for more, then let the live server finish what it was asked
    # (htmx prefetches, polls, aborted autocompletes) before the test database is flushed.
    context.close()
    server_requests.wait_until_idle()


def login(page, user, password: str = PASSWORD, next_url: str = "/"):
    """Log ``user`` in through the log-in form, then land on ``next_url``."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def screenshot(page, name: str, *, narrow: bool = False):
    """Save /tmp/<name>.png (full page) for a person to look at."""
    if narrow:
        page.set_viewport_size(NARROW)
    page.screenshot(path=f"/tmp/{name}.png", full_page=True)
    if narrow:
        page.set_viewport_size(DESKTOP)
