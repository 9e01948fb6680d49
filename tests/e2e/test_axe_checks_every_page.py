"""The axe check every browser test gets (tests/e2e/axe.py) sees a page the test leaves at once,
and the page it ends on as the test left it."""

import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.e2e.axe import AxeAudit

pytestmark = pytest.mark.e2e

PAGES = {
    # An image without a text alternative: "image-alt", critical.
    "/a": '<img src="/favicon.ico"><a href="/b">Videre</a>',
    "/b": '<p>Ingen fejl her.</p><button type="button" onclick="document.body.append(document'
          '.createElement(\'input\'))">Tilføj felt</button>',
    # Its image is held back, so the page has not loaded when the form is sent.
    "/slow": '<img src="/held.png"><form method="post" action="/b"><button>Send</button></form>',
}
#: The held image's request waits for this (set at the end of the test), never for a clock.
HELD = threading.Event()


def tiny_site(environ, start_response):
    if environ["PATH_INFO"] == "/held.png":
        HELD.wait(timeout=30)
        return Response(b"", content_type="image/png")(environ, start_response)
    body = PAGES.get(environ["PATH_INFO"])
    if body is None:
        return Response("", status=404)(environ, start_response)
    html = f'<!doctype html><html lang="da"><head><title>Side</title></head><body><main>{body}</main></body></html>'
    return Response(html, content_type="text/html; charset=utf-8")(environ, start_response)


@pytest.fixture
def audited(chromium):
    audit = AxeAudit()
    server = make_server("127.0.0.1", 0, audit.wrap(tiny_site), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = chromium.new_context()
    audit.install(context)
    HELD.clear()
    yield audit, context.new_page(), f"http://127.0.0.1:{server.server_port}"
    HELD.set()
    context.close()
    server.shutdown()
    server.server_close()


def test_a_page_left_at_once_is_checked_and_the_last_page_as_the_test_left_it(audited):
    audit, page, base = audited
    page.goto(f"{base}/a")
    page.get_by_role("link", name="Videre").click()  # no pause: the check must still see /a
    page.get_by_role("button", name="Tilføj felt").click()  # an unlabelled field appears on /b
    audit.check_now(page)

    found = {(rule, path) for rule, path, _target in audit.findings}
    assert found == {("image-alt", "/a"), ("label", "/b")}
    assert not audit.errors
    assert "image-alt (critical) on /a" in audit.report()


def test_a_page_left_by_a_form_before_it_has_loaded_is_checked(audited):
    """Sending a form stops the page loading, so its load event never comes; the check must run anyway
    (a busy CI machine clicked "Slet" on a company page before its scripts had loaded)."""
    audit, page, base = audited
    page.goto(f"{base}/slow", wait_until="domcontentloaded")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Ingen fejl her.").wait_for()
    audit.check_now(page)

    assert not audit.errors, audit.report()
    assert {(rule, path) for rule, path, _target in audit.findings} == {("image-alt", "/slow")}
    assert audit.unchecked() == []
