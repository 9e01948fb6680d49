"""axe-core in every browser test: each page the browser shows is checked once it has loaded, and
the page a test ends on once more at its end (after what the test did on it, e.g. markers drawn).

How a check cannot be missed when a test moves on at once: the test server holds back the next
page (a navigation request) until the browser has reported the checks it started, so the old page
is still there, with its script running, while axe finishes on it. Playwright cannot
evaluate in a page whose navigation it is holding, so the page reports through an exposed binding.

axe-core itself (tests/e2e/vendor/axe-core, MPL-2.0) is a test tool only; the app never serves it.
"""

import threading
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")
BINDING = "__fodfaesteAxeReport"
LOAD_CHECK = "__fodfaesteAxeOnLoad"
# A check that never ends (axe hangs) holds the next page back this long, then fails the test.
REPORT_TIMEOUT_SECONDS = 8

# Runs in the page: axe over the whole document, only the findings that fail a test.
AXE_RUN = """async (impacts) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160) })),
  }));
}"""

# Added to every document of the test's browser context, after axe itself: on load, say that a
# check has started (so the next page waits for it), run it, report it.
CHECK_ON_LOAD = f"""(() => {{
  if (window.top !== window || !location.protocol.startsWith("http")) return;
  const run = {AXE_RUN};
  const token = String(Math.random()).slice(2);
  window.{LOAD_CHECK} = new Promise((checked) => window.addEventListener("load", () => {{
    window.{BINDING}("start", token, location.href, [], null);  // at once, before Playwright hears "load"
    checked(run({list(FAILING_IMPACTS)!r}).then(
      (findings) => window.{BINDING}("done", token, location.href, findings, null),
      (error) => window.{BINDING}("done", token, location.href, [], String(error)),
    ));
  }}, {{ once: true }}));
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
        self._pending = set()  # the checks running in the browser
        self._lock = threading.Condition()

    # The test server's side (its request threads).
    def wrap(self, wsgi_app):
        """The app as the test server serves it: a navigation waits for the checks still running."""

        def gated(environ, start_response):
            if environ.get("HTTP_SEC_FETCH_MODE") == "navigate" and environ.get("HTTP_SEC_FETCH_DEST") == "document":
                with self._lock:
                    if not self._lock.wait_for(lambda: not self._pending, timeout=REPORT_TIMEOUT_SECONDS):
                        self.errors.append((f"the page before {environ.get('PATH_INFO', '')}",
                                            f"its check did not end within {REPORT_TIMEOUT_SECONDS} s"))
                        self._pending.clear()
            return wsgi_app(environ, start_response)

        return gated

    # The browser's side (Playwright's thread).
    def install(self, context):
        context.expose_binding(BINDING, lambda _source, *report: self._report(*report))
        context.add_init_script(AXE_SOURCE)
        context.add_init_script(CHECK_ON_LOAD)
        context.on("page", lambda page: page.on("framenavigated", lambda frame: self._replaced(page, frame)))

    def _report(self, kind, token, url, findings, error):
        with self._lock:
            if kind == "start":
                self._pending.add(token)
                return
            self._pending.discard(token)
            self._add(url, findings, error)
            self._lock.notify_all()

    def _replaced(self, page, frame):
        # A new document in the tab: a check still running on the old one died with it.
        if frame == page.main_frame:
            with self._lock:
                self._pending.clear()
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
            self._add(page.url, findings, error)

    def _add(self, url, findings, error):
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url
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
        return "\n".join(lines)
