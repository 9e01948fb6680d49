"""Load test: the app under gunicorn (4 workers) on PostgreSQL and on SQLite, 80 % reads / 20 % writes.

For each database the script creates a throw-away database (PostgreSQL: a new database on
127.0.0.1:5432 as user postgres, dropped afterwards; SQLite: a file in a temporary folder),
migrates it (``flask db upgrade``), loads the demo data (``flask seed-demo``) and starts
``gunicorn -w 4`` on a free port on 127.0.0.1. Simulated users (threads with urllib, one cookie
session each) log in as the demo staff users, find what they may open, and then, for the given
number of seconds, pick an action:

  reads (80 %)   start page, company list with a search, a company page, a borger's match page
                 (vejleder: one of their own borgere), Mine opgaver
  writes (20 %)  log a contact on a company, mark a task done/undone, edit a company with its
                 version (optimistic locking; a konsulent or admin, else a contact is logged)

Every write first GETs its form and posts it back with the CSRF token, like a browser. Alongside,
every user sometimes requests the trivial page GET /login (no session, no database work worth
mentioning); its p95 under the same load is the yardstick the mix is compared with.

Printed per database: requests, requests/s, p50/p95/p99 latency of the mix, count of 5xx, count of
responses containing "database is locked", the same figures for /login and the ratio of the p95s,
plus the outcomes of the writes and the tracebacks found in gunicorn's error log.

Run:  .venv/bin/python bench/load_test.py [--users 50] [--seconds 60] [--databases sqlite postgresql]
Only 127.0.0.1 is contacted. The run is bounded by --seconds and by --max-requests.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
DEMO_PASSWORD = "demo-adgang-2026"  # crm/demo.py DEMO_PASSWORD
# Staff demo users (crm/demo.py DEMO_USERS); simulated users are spread over them round-robin.
DEMO_STAFF = [
    "vejleder1@demo.fodfaeste.dk", "vejleder2@demo.fodfaeste.dk", "vejleder3@demo.fodfaeste.dk",
    "konsulent@demo.fodfaeste.dk", "konsulent2@demo.fodfaeste.dk", "admin@demo.fodfaeste.dk",
]
READS = ("start", "company_search", "company_page", "borger_match", "my_tasks")
WRITES = ("log_contact", "task_toggle", "edit_company")
READ_SHARE = 0.8
# Every user requests GET /login this often relative to its actions (its p95 is the yardstick).
TRIVIAL_SHARE = 0.1
SEARCH_WORDS = ("bager", "lager", "aps", "service", "køkken", "8000", "butik", "transport", "a/s", "it")
LOCKED_TEXT = b"database is locked"
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0
# Method, path, status and the time the worker spent on the request (µs; excludes the wait in the
# listen backlog, which the client-side latency includes).
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
COMPANY_LINK_RE = re.compile(r'href="/virksomheder/(\d+)"')
BORGER_LINK_RE = re.compile(r'href="/borgere/(\d+)"')
TASK_FORM_RE = re.compile(r'action="/opgaver/(\d+)/udfoert"')


# --- a tiny browser ---------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # every response is measured on its own; a 302 is an answer


class FormParser(HTMLParser):
    """Collect the fields of every form on a page, with the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            fields.append([name, a.get("value") or ("y" if kind == "checkbox" else "")])
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                fields.append([self._select, value])
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append([name, ""])

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1]["fields"].append([self._select, self._select_first])
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and self.forms:
            self.forms[-1]["fields"][-1][1] += data


def post_form_fields(html: str, action: str, *, page: str) -> list[list[str]] | None:
    """The fields of the POST form on ``page`` that submits to ``action`` (no action: the page)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and (form["action"] or page).split("?")[0] == action:
            return form["fields"]
    return None


@dataclass
class Sample:
    kind: str
    status: int
    seconds: float
    locked: bool


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    write_outcomes: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Session:
    """One simulated user: a cookie jar, a CSRF-aware form poster, and timing of every request."""

    def __init__(self, base: str, results: Results | None):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.results = results
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, kind: str, path: str, data: list | None = None, *, cookies=True) -> tuple[int, str]:
        body = urllib.parse.urlencode([tuple(pair) for pair in data]).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        if cookies and self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        started = time.perf_counter()
        try:
            response = self.opener.open(req, timeout=REQUEST_TIMEOUT)
        except urllib.error.HTTPError as exc:
            response = exc
        status = response.status if hasattr(response, "status") else response.code
        raw = response.read()
        elapsed = time.perf_counter() - started
        if cookies:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        response.close()
        if self.results is not None and kind:
            self.results.add(Sample(kind, status, elapsed, LOCKED_TEXT in raw))
        return status, raw.decode("utf-8", "replace")

    def post_form(self, kind: str, form_path: str, action: str, overrides: dict) -> int | None:
        _, html = self.request(kind + "_form", form_path)
        fields = post_form_fields(html, action, page=form_path)
        if fields is None:
            return None
        data = [[k, v] for k, v in fields if k not in overrides] + [[k, v] for k, v in overrides.items()]
        status, _ = self.request(kind, action, data)
        return status


# --- one simulated user -------------------------------------------------------------------------

class User:
    def __init__(self, number: int, base: str, results: Results, seed: int):
        self.email = DEMO_STAFF[number % len(DEMO_STAFF)]
        self.session = Session(base, results)
        self.results = results
        self.random = random.Random(seed)
        self.companies: list[int] = []
        self.borgere: list[int] = []
        self.tasks: list[int] = []
        self.can_edit = not self.email.startswith("vejleder")

    def setup(self) -> None:
        """Log in and find what this user may open (not measured)."""
        setup = Session(self.session.base, None)
        _, html = setup.request("", "/login")
        fields = post_form_fields(html, "/login", page="/login") or []
        data = [f for f in fields if f[0] not in ("email", "password")]
        status, _ = setup.request("", "/login", data + [["email", self.email], ["password", DEMO_PASSWORD]])
        if status != 302:
            raise RuntimeError(f"login as {self.email} gave {status}")
        self.session.cookies = setup.cookies
        _, html = setup.request("", "/virksomheder/")
        self.companies = sorted({int(x) for x in COMPANY_LINK_RE.findall(html)})
        _, html = setup.request("", "/borgere/")
        self.borgere = sorted({int(x) for x in BORGER_LINK_RE.findall(html)})
        _, html = setup.request("", "/opgaver/")
        self.tasks = sorted({int(x) for x in TASK_FORM_RE.findall(html)})
        if not self.companies:
            raise RuntimeError(f"{self.email} sees no companies")

    def act(self) -> None:
        if self.random.random() < TRIVIAL_SHARE:
            self.session.request("trivial_login", "/login", cookies=False)
            return
        if self.random.random() < READ_SHARE:
            getattr(self, "read_" + self.random.choice(READS))()
        else:
            getattr(self, "write_" + self.random.choice(WRITES))()

    # reads
    def read_start(self):
        self.session.request("start", "/")

    def read_company_search(self):
        self.session.request("company_search", "/virksomheder/?q=" + urllib.parse.quote(
            self.random.choice(SEARCH_WORDS)))

    def read_company_page(self):
        self.session.request("company_page", f"/virksomheder/{self.random.choice(self.companies)}")

    def read_borger_match(self):
        if not self.borgere:
            return self.read_company_page()
        self.session.request("borger_match", f"/borgere/{self.random.choice(self.borgere)}/match")

    def read_my_tasks(self):
        self.session.request("my_tasks", "/opgaver/")

    # writes
    def _outcome(self, kind: str, status: int | None) -> None:
        with self.results.lock:
            self.results.write_outcomes[(kind, status)] += 1

    def write_log_contact(self):
        company = self.random.choice(self.companies)
        path = f"/virksomheder/{company}/kontaktlog/ny"
        status = self.session.post_form("log_contact", path, path, {
            "kind": "phone", "at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
            "summary": f"Belastningstest: opkald {self.random.randrange(10**6)}",
        })
        self._outcome("log_contact", status)

    def write_task_toggle(self):
        if not self.tasks:
            return self.write_log_contact()
        task = self.random.choice(self.tasks)
        action = f"/opgaver/{task}/udfoert"
        status = self.session.post_form("task_toggle", "/opgaver/", action, {
            "done": self.random.choice(("0", "1")), "next": "/opgaver/"})
        self._outcome("task_toggle", status)

    def write_edit_company(self):
        if not self.can_edit:
            return self.write_log_contact()
        company = self.random.choice(self.companies)
        path = f"/virksomheder/{company}/rediger"
        # The form carries the version it was loaded at; a concurrent save makes this one a conflict
        # (the form comes back with a message, status 200), never a lost update or a 5xx.
        status = self.session.post_form("edit_company", path, path, {
            "description": f"Redigeret under belastningstest {self.random.randrange(10**6)}."})
        self._outcome("edit_company", status)


# --- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_gunicorn(env: dict, port: int, workdir: Path, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}",
         "--error-logfile", str(workdir / "gunicorn-error.log"), "--timeout", "60",
         "--access-logfile", str(workdir / "gunicorn-access.log"), "--access-logformat", ACCESS_FORMAT,
         "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {workdir}/gunicorn-error.log")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not answer in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def pg(sql: str) -> None:
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
                   check=True, capture_output=True, timeout=60)


# --- running and reporting --------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def drive(base: str, users: int, seconds: float, max_requests: int, seed: int, think: float,
          access_log: Path) -> tuple[Results, float, int]:
    """Run the users; returns the results, the elapsed seconds and where the access log stood at the start."""
    results = Results()
    simulated = [User(n, base, results, seed + n) for n in range(users)]
    for user in simulated:
        user.setup()
    start = threading.Barrier(users + 1)
    stop_at: list[float] = []

    def loop(user: User):
        start.wait()
        while time.monotonic() < stop_at[0] and len(results.samples) < max_requests:
            try:
                user.act()
                if think:
                    time.sleep(user.random.uniform(0, 2 * think))
            except (OSError, TimeoutError) as exc:  # connection refused/reset: counted as a failure
                results.add(Sample("connection_error:" + type(exc).__name__, 599, 0.0, False))

    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in simulated]
    for thread in threads:
        thread.start()
    log_start = access_log.stat().st_size if access_log.exists() else 0
    stop_at.append(time.monotonic() + seconds)
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT * 3)
    return results, time.monotonic() - began, log_start


def server_times(access_log: Path, start: int) -> tuple[list[float], list[float]]:
    """Worker time in ms of the timed run's requests: (the mix, GET /login)."""
    mix, trivial = [], []
    with access_log.open("rb") as handle:
        handle.seek(start)
        for line in handle.read().decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) != 4 or not parts[3].isdigit():
                continue
            (trivial if parts[:2] == ["GET", "/login"] else mix).append(int(parts[3]) / 1000)
    return mix, trivial


def report(name: str, results: Results, elapsed: float, log: Path, server: tuple[list, list]) -> dict:
    mix = [s for s in results.samples if s.kind != "trivial_login"]
    trivial = [s for s in results.samples if s.kind == "trivial_login"]
    ms = [s.seconds * 1000 for s in mix]
    trivial_ms = [s.seconds * 1000 for s in trivial]
    p95, trivial_p95 = percentile(ms, 0.95), percentile(trivial_ms, 0.95)
    figures = {
        "requests": len(results.samples),
        "errors_5xx": sum(1 for s in results.samples if s.status >= 500),
        "locked": sum(1 for s in results.samples if s.locked),
    }
    log_text = log.read_text(errors="replace") if log.exists() else ""
    tracebacks = log_text.count("Traceback (most recent call last)")
    print(f"\n=== {name} ===")
    print(f"requests (all)            {figures['requests']:>8}   in {elapsed:.1f} s = "
          f"{figures['requests'] / elapsed:.1f} requests/s")
    print(f"mix requests              {len(mix):>8}   {len(mix) / elapsed:.1f} requests/s")
    print(f"mix latency ms            p50 {percentile(ms, .5):7.1f}   p95 {p95:7.1f}   "
          f"p99 {percentile(ms, .99):7.1f}   max {max(ms, default=0):7.1f}")
    print(f"GET /login latency ms     p50 {percentile(trivial_ms, .5):7.1f}   p95 {trivial_p95:7.1f}   "
          f"p99 {percentile(trivial_ms, .99):7.1f}   ({len(trivial)} requests)")
    print(f"p95 ratio mix / /login    {p95 / trivial_p95:7.2f}   (client side: includes the wait for a free worker)")
    server_mix, server_trivial = server
    print(f"worker time ms, mix       p50 {percentile(server_mix, .5):7.1f}   p95 {percentile(server_mix, .95):7.1f}   "
          f"p99 {percentile(server_mix, .99):7.1f}")
    print(f"worker time ms, /login    p50 {percentile(server_trivial, .5):7.1f}   "
          f"p95 {percentile(server_trivial, .95):7.1f}   p99 {percentile(server_trivial, .99):7.1f}")
    print(f"p95 ratio mix / /login    {percentile(server_mix, .95) / percentile(server_trivial, .95):7.2f}"
          f"   (worker time, from gunicorn's access log)")
    print(f"5xx responses             {figures['errors_5xx']:>8}")
    print(f"'database is locked'      {figures['locked']:>8}")
    print(f"tracebacks in error log   {tracebacks:>8}")
    print("per kind: count  p50 ms  p95 ms  statuses")
    for kind in sorted({s.kind for s in results.samples}):
        rows = [s for s in results.samples if s.kind == kind]
        kms = [s.seconds * 1000 for s in rows]
        statuses = Counter(s.status for s in rows)
        print(f"  {kind:<22} {len(rows):>6} {percentile(kms, .5):7.1f} {percentile(kms, .95):7.1f}  "
              + " ".join(f"{code}:{n}" for code, n in sorted(statuses.items())))
    print("write outcomes (302 = saved, 200 = form shown again, e.g. a version conflict):")
    for (kind, status), count in sorted(results.write_outcomes.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"  {kind:<22} {status}: {count}")
    if tracebacks:
        last = log_text[log_text.rfind("Traceback (most recent call last)"):]
        print("last traceback in the error log:\n" + "\n".join(last.splitlines()[-25:]))
    return figures


def run_database(kind: str, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"fodfaeste-load-{kind}-"))
    database = None
    if kind == "postgresql":
        database = f"fodfaeste_load_{os.getpid()}"
        pg(f"CREATE DATABASE {database}")
        url = f"{PG_ADMIN_URL}/{database}"
    else:
        url = f"sqlite:///{workdir / 'load.db'}"
    instance = workdir / "instance"
    instance.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret-key-" + os.urandom(16).hex(),
        "FODFAESTE_INSTANCE_PATH": str(instance),
        "FODFAESTE_ENV": "development",
        "TOTP_REQUIRED": "0",
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    env.pop("MAIL_SERVER", None)  # mail is written to files in the instance folder
    process = None
    keep = args.keep
    try:
        run_flask(env, "db", "upgrade")
        print(run_flask(env, "seed-demo").splitlines()[0])
        port = free_port()
        process = start_gunicorn(env, port, workdir, args.workers)
        access_log = workdir / "gunicorn-access.log"
        results, elapsed, log_start = drive(f"http://{HOST}:{port}", args.users, args.seconds,
                                            args.max_requests, args.seed, args.think, access_log)
        stop(process)
        process = None
        figures = report(f"{kind}: {args.users} users, {args.seconds:g} s, think {args.think:g} s, "
                         f"gunicorn -w {args.workers}", results, elapsed, workdir / "gunicorn-error.log",
                         server_times(access_log, log_start))
        if figures["errors_5xx"] or figures["locked"]:
            keep = True
        return figures
    finally:
        if process is not None:
            stop(process)
        if database:
            pg(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        if keep:
            print(f"(kept {workdir} with gunicorn-error.log)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--databases", nargs="+", choices=("postgresql", "sqlite"),
                        default=["postgresql", "sqlite"])
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause in seconds between a user's actions (0: flat out)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args()
    failed = False
    for kind in args.databases:
        figures = run_database(kind, args)
        failed |= bool(figures["errors_5xx"] or figures["locked"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
