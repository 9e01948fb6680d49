"""End-to-end fixtures: the app served on 127.0.0.1 by a real WSGI server in a thread, and
Debian's Chromium driven by Playwright (no browser download). Every page a browser test shows is
checked with axe-core (tests/e2e/axe.py): a serious or critical finding fails the test at its end,
with the list of what was found where, so a new browser test gets the check without asking.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.axe import AxeAudit

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's background services try to reach the internet; this machine has none.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# When the browser drops a connection mid-download (a map tile, say), the development server's
# thread leaves the static file for the garbage collector; that is the test server, not the app.
DROPPED_STATIC_FILE = pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*/static/:pytest.PytestUnraisableExceptionWarning")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(DROPPED_STATIC_FILE)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("FODFAESTE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Browser tests required, but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def axe_audit():
    """The axe findings of this test's browser pages (see tests/e2e/axe.py)."""
    return AxeAudit()


@pytest.fixture
def live_server(app, axe_audit):
    """Serve the test app on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, axe_audit.wrap(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def job_worker(app):
    """The local job worker beside the live server, as `make run` starts it (a thread here)."""
    from crm.extensions import db
    from crm.services.jobs import run_one_pending

    stop = threading.Event()

    def work():
        with app.app_context():
            while not stop.is_set():
                if run_one_pending(worker="e2e-worker") is None:
                    stop.wait(0.1)  # the worker's poll interval, not a test wait
            db.session.remove()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def viewport():
    """The browser window's size; a test module overrides it for phone layouts."""
    return {"width": 1280, "height": 720}


@pytest.fixture
def page(chromium, viewport, axe_audit):
    """A fresh browser tab; every page it shows must be checked and free of serious and critical axe findings."""
    context = chromium.new_context(locale="da-DK", viewport=viewport)
    context.set_default_timeout(10_000)
    axe_audit.install(context)
    page = context.new_page()
    yield page
    if not page.is_closed():
        axe_audit.check_now(page)
    context.close()
    if axe_audit.findings or axe_audit.errors or axe_audit.unchecked():
        pytest.fail(axe_audit.report(), pytrace=False)


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form."""
    from tests.conftest import TEST_PASSWORD

    def _login(email, password=TEST_PASSWORD):
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()

    return _login
