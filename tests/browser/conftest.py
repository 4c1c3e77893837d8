"""Real-browser tests: headless Chromium, driven by Playwright's sync API, against live_server.

Playwright's sync API runs an asyncio loop in the test thread, and Django refuses ORM calls from a
thread with a running loop unless told otherwise; the test code itself is synchronous, so that is
safe here. The variable must be set before Django handles the first query.
"""

import os
import re
import threading
from dataclasses import dataclass

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIServer  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402

from tests.conftest import baseline_missing, restore_baseline  # noqa: E402

from .ui import screenshot  # noqa: E402


class SerialLiveServer(WSGIServer):
    """The live server, answering one request at a time.

    On SQLite the suite's database lives in memory, and the live server's threads share the
    test's one connection to it. Wagtail's autosave posts while the editor clicks "Spara utkast",
    and two requests in one connection at once fail ("cannot start a transaction within a
    transaction"), which a real server, with a connection per thread, never meets.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        # The server thread already holds the overridden connections (LiveServerThread.run).
        super().__init__(*args, **kwargs)
        # Held while a request is handled: the test's teardown waits for it (wait_until_idle)
        # before the database is flushed on the same connection, which a request still reading
        # it would otherwise find locked ("database table is locked").
        self.handling = threading.Lock()

    def process_request(self, request, client_address):
        with self.handling:
            super().process_request(request, client_address)

    def get_request(self):
        """A connection that sends nothing is dropped after IDLE_CONNECTION_SECONDS.

        Chromium opens sockets ahead of need (preconnect). One request at a time means the
        server waits on such an idle socket while the real navigation queues behind it, until
        the browser gives up on it: a page load that hangs for half a minute now and then.
        """
        connection, address = super().get_request()
        connection.settimeout(IDLE_CONNECTION_SECONDS)
        return connection, address


# How long the one-at-a-time live server waits for a request on a connection (see above).
IDLE_CONNECTION_SECONDS = 2


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = SerialLiveServer

CHROMIUM = Path("/usr/bin/chromium")
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
# Playwright's timeouts are generous for a loaded CI machine but short enough that a broken step
# fails in seconds rather than minutes.
DEFAULT_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests after every other test in the session.

    live_server needs a transactional database, which is flushed after each test: that wipes the
    session baseline (setup_styrdok) the other tests rely on. pytest-django already runs
    live_server tests after the tests that ask for `db`, but before those that do not; this moves
    them to the very end, after pytest-django's own sort (trylast), so that nothing - not even a
    fixture that reaches the database through django_db_blocker - runs after a flush.

    A hook in this conftest receives the whole session's items, not only this directory's.
    The sort is stable: the order within each part is kept.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing; the browser tests need Debian's Chromium "
            "(apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Everything the tests load comes from the live server; anything else (Wagtail's Gravatar
# avatars, for one) is refused so that the tests neither wait for nor depend on the internet.
LOCAL_URL = re.compile(r"^(https?://([a-z0-9.-]+\.)?localhost(:\d+)?/|data:|blob:|about:)")


def _only_local(route):
    if LOCAL_URL.match(route.request.url):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.route("**/*", _only_local)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A tab that records uncaught JavaScript errors and is photographed if the test fails."""
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(f"{page.url}: {error}"))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = screenshot(page, f"{request.node.name}-failed")
        print(f"Screenshot of the failed test: {path} (at {page.url})")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def styrdok(live_server, baseline_snapshot):
    """The baseline on the live server's database, and the two hosts' base URLs.

    live_server's database is transactional and flushed after each test, so a test that follows
    another browser test finds it empty: the baseline is restored, and setup_styrdok (idempotent)
    makes sure it is complete.
    """
    if baseline_missing():
        restore_baseline(baseline_snapshot)
    call_command("setup_styrdok", verbosity=0)
    port = urlsplit(live_server.url).port
    yield Hosts(
        intranet=f"http://{settings.STYRDOK_INTRANET_HOSTNAME}:{port}",
        public=f"http://{settings.STYRDOK_PUBLIC_HOSTNAME}:{port}",
    )
    wait_until_idle(live_server)


def wait_until_idle(live_server):
    """Let a request the browser sent at the end of the test (a suggestion typed, a page still
    loading) finish before the database is flushed under it (SerialLiveServer only)."""
    handling = getattr(getattr(live_server.thread, "httpd", None), "handling", None)
    if handling is not None:
        with handling:
            pass


@dataclass(frozen=True)
class Hosts:
    """Base URLs on the live server: the intranet (which also serves the admin) and the website.

    Chromium resolves every *.localhost name to the loopback address itself, so the Host header
    picks the channel exactly as in production; no resolver rules are needed.
    """

    intranet: str
    public: str

    @property
    def admin(self):
        return f"{self.intranet}/admin"
