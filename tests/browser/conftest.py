"""End-to-end fixtures: one headless Chromium per test session, a new browser context per
test, pointed at pytest-django's live server.

Chromium is Debian's (`make browser` installs it). Without it the browser tests are skipped
with the reason, except in CI (CI=true), where a missing browser is a failure.

`tour` wraps the page: `tour.check("step")` saves a full-page screenshot to
artifacts/screenshots/<test name>-<step>.png and runs the accessibility smoke checks
(one <h1>, a <main>, a <nav>, <html lang>, a label for every form control, no console
errors) on whatever page is showing.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach Google's hosts, which a closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}
# The site's pages link their icon, but Django's admin pages link none, so Chromium asks
# for /favicon.ico there; its 404 is not an error of the page being checked.
IGNORED_MISSING_FILES = ("/favicon.ico",)

# Runs in the page: the landmarks and labels every page needs.
PAGE_AUDIT = """() => {
  const controls = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type)
  );
  const named = (el) =>
    (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) ||
    el.closest("label") ||
    (el.getAttribute("aria-label") || "").trim() ||
    (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some(
      (id) => id && document.getElementById(id)
    ) ||
    (el.getAttribute("title") || "").trim();
  return {
    lang: document.documentElement.getAttribute("lang") || "",
    h1: document.querySelectorAll("h1").length,
    main: document.querySelectorAll("main, [role=main]").length,
    nav: document.querySelectorAll("nav, [role=navigation]").length,
    unlabelled: controls.filter((el) => !named(el)).map(
      (el) => el.outerHTML.slice(0, 160)
    ),
  };
}"""


def chromium_or_skip():
    if CHROMIUM.exists():
        return
    reason = (
        f"Chromium is not installed at {CHROMIUM}: run `make browser` (Debian's chromium) "
        "or set CHROMIUM to its path"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI must run the browser tests.", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def django_alongside_playwright():
    """Keep Django's database layer working as it was while Playwright's sync API runs.

    Playwright leaves its asyncio loop registered in this thread, and to Django a thread with
    a running loop is async code: the ORM would refuse to run (SynchronousOnlyOperation), and
    `django.db.connections`, thread-local in sync code and per-context in async code, would
    hand out new connection objects, without the state pytest-django keeps on the originals
    (the serialized data that `serialized_rollback` restores). So allow the ORM's blocking
    calls, which is what they are, and put the same connection objects back in place.
    """
    from django.db import connections

    originals = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in originals.items():
                connections[alias] = connection
            yield playwright
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One Chromium for the session, started once the test database exists."""
    chromium_or_skip()
    with django_alongside_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Opens browser contexts on the live server; all are closed after the test."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", DESKTOP)
        # The interface language follows Accept-Language until the reader picks one.
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


class Tour:
    """A page being visited by one test, with its console errors and screenshots."""

    def __init__(self, page, test_name):
        self.page = page
        self.test_name = test_name
        self.console_errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_console(self, message):
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith(IGNORED_MISSING_FILES):
            self.console_errors.append(f"{message.text} ({url})")

    def __getattr__(self, name):
        return getattr(self.page, name)

    def screenshot(self, step):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def audit(self, admin=False):
        """The accessibility smoke checks on the page as it is now.

        On the admin's pages (`admin=True`), whose markup is Django's own, only <html lang>
        and the console are checked: its login page has no <h1> and no <nav>, its tabular
        inlines label their inputs by column headers alone, and select2's search box has no
        label at all.
        """
        self.page.wait_for_load_state("load")
        where = self.page.url
        found = self.page.evaluate(PAGE_AUDIT)
        assert found["lang"], f"{where}: <html> has no lang"
        if not admin:
            assert found["h1"] == 1, f"{where}: {found['h1']} <h1> elements, expected one"
            assert found["main"] == 1, f"{where}: {found['main']} <main> elements, expected one"
            assert found["nav"] >= 1, f"{where}: no <nav>"
            assert not found["unlabelled"], f"{where}: form controls without a label:\n" + (
                "\n".join(found["unlabelled"])
            )
        assert not self.console_errors, f"{where}: console errors: {self.console_errors}"

    def check(self, step, admin=False):
        """Screenshot, then audit: the screenshot is there even when the audit fails."""
        self.screenshot(step)
        self.audit(admin=admin)

    def has_horizontal_scroll(self):
        return self.page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def screenshot_prefix(request):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")


@pytest.fixture
def open_tour(new_context, request):
    """open_tour(**context options) -> a Tour on a new page in a new context."""

    def open_page(**options):
        page = new_context(**options).new_page()
        return Tour(page, screenshot_prefix(request))

    return open_page


@pytest.fixture
def tour(open_tour):
    """A desktop-sized page on the live server."""
    return open_tour()


@pytest.fixture
def phone_tour(open_tour):
    """A page on a small phone's screen (375 × 812, touch)."""
    return open_tour(viewport=MOBILE, is_mobile=True, has_touch=True)


@pytest.fixture
def demo(transactional_db):
    """The demo record (20 published meetings), committed so the live server sees it.

    Tests using it carry `django_db(transaction=True, serialized_rollback=True)`: the flush
    after a transactional test would otherwise take the countries and the Editors group that
    the migrations load away from the tests after it.
    """
    call_command("load_demo", verbosity=0)
