"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Every browser test uses pytest-django's `live_server` (a real HTTP server in a thread, with
`transactional_db`, serving static files through StaticFilesHandler) and the `page` fixture,
a fresh browser context per test. Every page opened through these fixtures records console
errors and uncaught exceptions; a Content-Security-Policy violation shows up there (Chromium
logs "... violates the following Content Security Policy directive ..."), and the test fails
at teardown if any was seen.

Chromium is never downloaded (`playwright install` does not work here): Debian's package is
used. Without it the tests skip, unless RUNG_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

CHROMIUM = Path(os.environ.get("RUNG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Playwright's default is 30 s; a page of this site answers in milliseconds, so fail sooner, with
# room for `make test`, which runs the PostgreSQL suite beside this one on the same two cores.
TIMEOUT_MS = 20_000

# Chromium logs every HTTP error response as a console error, including the document itself.
# Rung answers a form with errors with 400 (and a throttled log-in with 429) on purpose, so
# those are expected for the page's own document. Rung has no favicon yet and Chromium asks
# for /favicon.ico on its own (reported as a UX issue). Anything else (CSP violations,
# JavaScript errors, missing stylesheets or scripts) fails the test.
_HTTP_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3}) ")


def _is_expected(page_url: str, source: str, text: str) -> bool:
    match = _HTTP_ERROR.match(text)
    if not match:
        return False
    status = match.group(1)
    if source == page_url and status in {"400", "429"}:
        return True
    return source.endswith("/favicon.ico") and status == "404"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package (never `playwright install`)."
    if os.environ.get("RUNG_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " RUNG_REQUIRE_BROWSER=1, so the browser tests may not be skipped.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    _require_chromium()
    # Playwright's sync API keeps an asyncio event loop marked as running in the main thread
    # for as long as it is started, so Django would refuse every ORM call made by the test
    # itself (creating users, reading the outbox's data) with SynchronousOnlyOperation. The
    # ORM is only ever used synchronously here, so allowing it is safe; the variable is set
    # for Playwright's lifetime only and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
    )
    yield browser
    browser.close()


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions seen on every page of one test."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: uncaught {exc}"))

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url") or page.url
        if _is_expected(page.url, source, message.text):
            return
        self.errors.append(f"on {page.url}: {source}: {message.text}")

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


@pytest.fixture
def console_log() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def new_page(
    browser: Browser, django_db_setup: None, live_server, console_log: ConsoleLog
) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context: a separate person with their own cookies."""
    # `django_db_setup` comes before `live_server` on purpose. Both are session-scoped, so
    # pytest would otherwise start the server first, before the in-memory SQLite test database
    # exists; the server would then not share the test's connection, and every request thread
    # would open (and leak, as a ResourceWarning) a connection of its own.
    contexts: list[BrowserContext] = []

    def make(*, width: int = 1280, height: int = 800, bypass_csp: bool = False, javascript: bool = True) -> Page:
        # bypass_csp only for pages where axe-core is injected (tests/browser/support.py: axe_violations).
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console_log.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()  # a no-op if the test closed it already
    assert not console_log.errors, "The browser reported errors:\n" + "\n".join(console_log.errors)


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def site_url_is_live_server(settings, live_server) -> str:
    """Links in e-mails are built from SITE_URL; point them at the live server."""
    settings.SITE_URL = live_server.url
    return live_server.url
