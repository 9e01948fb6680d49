"""axe-core in every browser test: each page the browser shows is checked once it has loaded, and
the page a test ends on once more at its end (after what the test did on it, e.g. markers drawn).

How a check cannot be missed when a test moves on at once: each page says so as soon as it exists,
and the test server holds back the next page (a navigation request) until the page the tab shows
has loaded and reported its check, so the old page is still there, with its script running, while
axe finishes on it (also when a test leaves a page before it has loaded, as from "Log ud" straight
to the login form). Playwright cannot evaluate in a page whose navigation it is holding, so the page
reports through an exposed binding. A page shown but never checked fails the test like a finding.

axe-core itself (tests/e2e/vendor/axe-core, MPL-2.0) is a test tool only; the app never serves it.
"""

import threading
from collections import Counter
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")
BINDING = "__fodfaesteAxeReport"
LOAD_CHECK = "__fodfaesteAxeOnLoad"
# A check that never ends (axe hangs) holds the next page back this long, then fails the test.
# Generous: on a busy machine (two test workers) the check of a match page with its map has taken
# more than 8 s.
REPORT_TIMEOUT_SECONDS = 45

# Runs in the page: axe over the whole document, only the findings that fail a test.
AXE_RUN = """async (impacts) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160) })),
  }));
}"""

# Added to every document of the test's browser context, after axe itself: say at once that a
# page is there to check (so the next page waits for it), and on load run the check and report it.
CHECK_ON_LOAD = f"""(() => {{
  if (window.top !== window || !location.protocol.startsWith("http")) return;
  const run = {AXE_RUN};
  const token = String(Math.random()).slice(2);
  window.{BINDING}("shown", token, location.href, [], null);
  // On load; or when the page is left before it has loaded: a link or form followed then stops the
  // page loading, so "load" never comes, but the page lives on (its script running) while the test
  // server holds the next page back.
  window.{LOAD_CHECK} = new Promise((checked) => {{
    const start = () => checked(run({list(FAILING_IMPACTS)!r}).then(
      (findings) => window.{BINDING}("done", token, location.href, findings, null),
      (error) => window.{BINDING}("done", token, location.href, [], String(error)),
    ));
    let started = false;
    const once = () => {{ if (!started) {{ started = true; start(); }} }};
    window.addEventListener("load", once, {{ once: true }});
    window.addEventListener("beforeunload", once, {{ once: true }});
  }});
}})();"""
# The check of the page as it is at the end of a test, after its check on load (one axe run at a time).
CHECK_AGAIN = f"""async (impacts) => {{
  await Promise.race([window.{LOAD_CHECK}, new Promise((later) => setTimeout(later, 5000))]);
  return ({AXE_RUN})(impacts);
}}"""


class AxeAudit:
    """The serious and critical axe findings on the pages one test showed, each once."""

    def __init__(self):
        self.findings = {}  # (rule id, path, CSS target) -> (impact, help text, HTML excerpt)
        self.errors = []  # (url, message) where axe itself failed
        self.shown = Counter()  # path -> pages the tab showed at that address
        self.checked = Counter()  # path -> checks that ended there (on load, and the one at the end)
        self._pending = {}  # tab -> its page's token, until that page's check on load has ended
        self._served = 0  # HTML pages the test server sent for a navigation
        self._announced = 0  # pages that said they are there (a served page's word may be on its way)
        self._lock = threading.Condition()

    # The test server's side (its request threads).
    def wrap(self, wsgi_app):
        """The app as the test server serves it: a navigation waits for the checks still running."""

        def gated(environ, start_response):
            if environ.get("HTTP_SEC_FETCH_MODE") != "navigate" or environ.get("HTTP_SEC_FETCH_DEST") != "document":
                return wsgi_app(environ, start_response)
            with self._lock:
                if not self._lock.wait_for(lambda: not self._pending and self._announced >= self._served,
                                           timeout=REPORT_TIMEOUT_SECONDS):
                    self.errors.append((f"the page before {environ.get('PATH_INFO', '')}",
                                        f"its check did not end within {REPORT_TIMEOUT_SECONDS} s"))
                    self._pending.clear()
                    self._announced = self._served

            def counted(status, headers, *args):
                content_type = dict((k.lower(), v) for k, v in headers).get("content-type", "")
                if content_type.startswith("text/html") and not status.startswith("3"):
                    with self._lock:
                        self._served += 1
                return start_response(status, headers, *args)

            return wsgi_app(environ, counted)

        return gated

    # The browser's side (Playwright's thread).
    def install(self, context):
        context.expose_binding(BINDING, lambda source, *report: self._report(source["page"], *report))
        context.add_init_script(AXE_SOURCE)
        context.add_init_script(CHECK_ON_LOAD)
        context.on("page", lambda page: page.on("close", lambda closed: self._closed(closed)))

    def _report(self, tab, kind, token, url, findings, error):
        with self._lock:
            if kind == "shown":
                # A new page in the tab: a check still running on the old one died with it.
                self._pending[tab] = token
                self._announced += 1
                self.shown[_path(url)] += 1
                self._lock.notify_all()
                return
            if self._pending.get(tab) == token:
                del self._pending[tab]
            self.checked[_path(url)] += 1
            self._add(url, findings, error)
            self._lock.notify_all()

    def _closed(self, tab):
        with self._lock:
            self._pending.pop(tab, None)
            self._lock.notify_all()

    def check_now(self, page):
        """Check the page as it is now (the test's last page, after what the test did on it)."""
        if not page.url.startswith("http"):
            return
        try:
            findings, error = page.evaluate(CHECK_AGAIN, list(FAILING_IMPACTS)), None
        except Exception as exc:  # noqa: BLE001 - reported with the findings, never swallowed
            findings, error = [], str(exc)
        with self._lock:
            if error is None:
                self.checked[_path(page.url)] += 1
            self._add(page.url, findings, error)

    def unchecked(self):
        """The pages the tab showed that no check saw."""
        with self._lock:
            return sorted((self.shown - self.checked).elements())

    def _add(self, url, findings, error):
        path = _path(url)
        if error:
            self.errors.append((path, error))
        for finding in findings:
            for node in finding["nodes"]:
                self.findings.setdefault((finding["id"], path, node["target"]),
                                         (finding["impact"], finding["help"], node["html"]))

    def report(self):
        lines = [f"axe-core: {len(self.findings)} serious/critical finding(s) on the pages this test showed:"]
        for (rule, path, target), (impact, help_text, html) in sorted(self.findings.items()):
            lines.append(f"  {rule} ({impact}) on {path}: {help_text}\n      {target}  {html}")
        for path, error in self.errors:
            lines.append(f"  axe could not check {path}: {error}")
        for path in self.unchecked():
            lines.append(f"  {path} was shown but never checked")
        return "\n".join(lines)


def _path(url):
    """The page's address without scheme, host and fragment: "/virksomheder/?q=bageri"."""
    return ("/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url).split("#", 1)[0]
