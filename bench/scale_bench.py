"""Benchmark how the app's pages scale with the register: 10,000 and 100,000 companies.

Builds each register in a throw-away database (SQLite file, and PostgreSQL when reachable) with
SQLAlchemy core bulk inserts: companies with offers and contact dates (the generator of
``company_search_bench.py``), one opening per three companies, a vejleder per 330 companies with 10
borgere each, a programme, face-to-face contacts and tasks. Then it requests each page in-process
through Flask's test client, logged in as the role that uses it, and prints p50/p95 in milliseconds,
the ratio of each page's p50 to that of ``/login`` (the trivial page) and, at the end, each page's
p50 at the large register divided by its p50 at the small one (flat pages stay near 1; the target
of the scale issue is at most 2).

Run: .venv/bin/python bench/scale_bench.py [--sizes 10000 100000] [--repeat 15] [--no-pg]
It prints figures; it is not a test. After the pages it measures the shared match index: the full
build (time, CPU, bytes per target), the match page served from the mapped index, the first match
page of a started worker, and the time and CPU from a company edit to its effect (the delta).

Then it serves the same database through gunicorn (``gunicorn.conf.py``, 4 workers) and measures:
the company list's requests/s with wrk (c=20, as a logged-in konsulent) against a hello-world Flask
app (``bench/hello_app.py``) on the same gunicorn settings, and the ratio (the issue's target is
≥ 5 % on PostgreSQL); each worker's memory (RSS and PSS from /proc/<pid>/smaps_rollup) and how much
of it is the shared, memory-mapped index; and, after a company edit, the match pages of the next
requests (each worker folds the change in at its next request) with the CPU all workers spent on
them beyond the same number of warm match pages. ``--no-gunicorn`` leaves this out; it needs
``wrk`` (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import sqlalchemy as sa  # noqa: E402
from company_search_bench import SEED, p95, populate, throwaway_pg_databases  # noqa: E402

PASSWORD = "bench-adgang-2026-lang-nok"
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
GUNICORN_WORKERS = 4
WRK_CONNECTIONS = 20
WRK_SECONDS = 10
COMPANIES_PER_VEJLEDER = 330
BORGERE_PER_VEJLEDER = 10
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def add_people_and_work(size: int, rng: random.Random) -> dict:
    """Users, a programme, borgere, openings, contacts and tasks around the bulk-inserted companies."""
    from crm.extensions import db
    from crm.models import Borger, Company, ContactLogEntry, Opening, Programme, Task, User
    from crm.models.borger import IssuedReference
    from crm.services.users import create_user
    from crm.timeutil import today, utcnow

    now = utcnow()
    admin = create_user(email="admin@bench.invalid", name="Admin", role="admin", password=PASSWORD)
    konsulent = db.session.scalar(sa.select(User).where(User.role == "konsulent").order_by(User.id))
    konsulent.password_hash = admin.password_hash
    vejledere = [create_user(email=f"vejleder{i}@bench.invalid", name=f"Vejleder {i:03d}", role="vejleder",
                             password=PASSWORD) for i in range(max(1, size // COMPANIES_PER_VEJLEDER))]
    programme = Programme(name="Skala-indsats", municipality="Aarhus", starts_on=date(2025, 1, 1),
                          caseload_norm=20)
    db.session.add(programme)
    db.session.flush()
    # The borger list and the dashboard are a teamleder's pages (an admin opens no borger record).
    teamleder = create_user(email="teamleder@bench.invalid", name="Teamleder", role="teamleder", password=PASSWORD)
    teamleder.led_programmes.append(programme)
    borgere = []
    for vejleder in vejledere:
        for j in range(BORGERE_PER_VEJLEDER):
            borgere.append({"first_name": f"B{j}", "reference": f"S-{vejleder.id:04d}-{j:02d}",
                            "vejleder_id": vejleder.id, "programme_id": programme.id, "postcode": "8000",
                            "lat": 56.15, "lon": 10.2, "transport": "bike", "max_travel_minutes": 30,
                            "hours_min": 10, "hours_max": 20, "wishes": ["lager"], "phase": "virksomhedsmatch",
                            "enrolled_on": today() - timedelta(days=rng.randint(1, 300))})
    # Every reference is registered first (a reference is never handed out twice; issue of the erase branch).
    db.session.execute(sa.insert(IssuedReference), [{"reference": b["reference"]} for b in borgere])
    db.session.execute(sa.insert(Borger), borgere)
    company_ids = list(db.session.scalars(sa.select(Company.id)))
    db.session.execute(sa.insert(Opening), [
        {"company_id": cid, "title": "Lagermedarbejder", "kind": "job", "status": "aaben",
         "description": "Pluk og pak.", "hours_min": 10, "hours_max": 25,
         "confirmed_at": now - timedelta(days=rng.randint(0, 90))}
        for cid in company_ids[::3]])
    contacts = [{"company_id": rng.choice(company_ids), "user_id": v.id, "kind": "visit", "face_to_face": True,
                 "summary": "Besøg", "with_whom": "", "at": now - timedelta(days=rng.randint(0, 40))}
                for v in vejledere for _ in range(12)]
    db.session.execute(sa.insert(ContactLogEntry), contacts)
    db.session.execute(sa.insert(Task), [
        {"title": f"Ring {i}", "due": today() + timedelta(days=rng.randint(-30, 30)), "assignee_id": konsulent.id,
         "created_by_id": konsulent.id, "company_id": rng.choice(company_ids), "done": False, "note": ""}
        for i in range(max(20, size // 200))])
    db.session.commit()
    return {"admin": admin.email, "konsulent": konsulent.email, "vejleder": vejledere[0].email,
            "teamleder": teamleder.email,
            "programme_id": programme.id, "company_id": company_ids[len(company_ids) // 2]}


def logged_in(app, email):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"login failed for {email}"
    return client


def pages(people: dict) -> list[tuple[str, str, str]]:
    """(label, role, url) of the pages that grow with the register."""
    return [
        ("/login (yardstick)", None, "/login"),
        ("start page, admin", "admin", "/"),
        ("start page, konsulent", "konsulent", "/"),
        ("start page, vejleder", "vejleder", "/"),
        ("company list", "konsulent", "/virksomheder/"),
        ("company page", "konsulent", f"/virksomheder/{people['company_id']}"),
        ("Kontakt snart, all", "admin", "/virksomheder/kontakt-snart?konsulent=alle"),
        ("Mine opgaver, konsulent", "konsulent", "/opgaver/"),
        ("borger list, teamleder", "teamleder", "/borgere/"),
        ("dashboard", "teamleder", f"/indsatser/{people['programme_id']}"),
        ("openings list", "konsulent", "/stillinger/"),
    ]


def list_cpu_ms(client, requests: int = 200) -> tuple[float, float]:
    """The company list in-process, warm: (CPU ms, wall ms) per request over ``requests``."""
    for _ in range(10):
        assert client.get("/virksomheder/").status_code == 200
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        client.get("/virksomheder/")
    return (1000 * (time.process_time() - cpu) / requests, 1000 * (time.perf_counter() - wall) / requests)


def measure_wrk(url: str, people: dict) -> None:
    """Only the company list against hello-world with wrk, through gunicorn (``--only wrk``)."""
    if shutil.which("wrk") is None:
        print("\ngunicorn: skipped (wrk is not installed: apt-get install wrk)")
        return
    served = Served("wsgi:app", {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                                 "LOGIN_RATE_LIMIT": "100000 per minute"})
    try:
        _, konsulent_cookie = login_cookie(served.base, people["konsulent"])
        workers = served.workers()
        cpu = cpu_seconds(workers)
        company_list = wrk(served.base + "/virksomheder/", konsulent_cookie)
        worker_ms = 1000 * (cpu_seconds(workers) - cpu) / (company_list * WRK_SECONDS)
    finally:
        served.close()
    _hello_rate.clear()  # the yardstick right after, under the same load
    hello = hello_world_rate()
    print(f"\ngunicorn, {GUNICORN_WORKERS} workers, wrk c={WRK_CONNECTIONS} {WRK_SECONDS} s (load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}):")
    print(f"  company list {company_list:,.0f} req/s, hello-world Flask {hello:,.0f} req/s: "
          f"{100 * company_list / hello:.1f} % (target ≥ 5 %); the workers' CPU {worker_ms:.2f} ms per list request")


def measure(url: str, label: str, size: int, repeat: int, gunicorn: bool, only: str | None = None) -> dict[str, float]:
    from crm import create_app
    from crm.extensions import db
    from crm.services.reference import ensure_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_PROFILE": "cheapest",
                      "LOGIN_RATE_LIMIT": "100000 per minute",
                      "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.commit()
        start = time.perf_counter()
        rng = random.Random(SEED)
        populate(size, rng)
        people = add_people_and_work(size, rng)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load (a server may run without it):
            # statistics for the planner and a visibility map for index-only counts.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        print(f"\n== {label}: {size:,} companies and their work inserted in {time.perf_counter() - start:.1f} s ==")
    clients = {None: app.test_client()}
    for role in ("admin", "konsulent", "vejleder", "teamleder"):
        clients[role] = logged_in(app, people[role])
    cpu_ms, wall_ms = list_cpu_ms(clients["konsulent"])
    print(f"company list in-process, warm: {cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per request")
    if only == "wrk":
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        measure_wrk(url, people)
        return {}
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'× /login':>9} {'kB':>7}")
    p50s = {}
    login_p50 = None
    for name, role, page_url in pages(people):
        client = clients[role]
        times, size_kb = [], 0
        for _ in range(repeat):
            begin = time.perf_counter()
            response = client.get(page_url)
            times.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{page_url} answered {response.status_code}")
            size_kb = len(response.data) / 1024
        p50s[name] = statistics.median(times)
        login_p50 = login_p50 or p50s[name]
        print(f"{name:28} {p50s[name]:8.1f} {p95(times):8.1f} {p50s[name] / login_p50:8.1f}× {size_kb:7.0f}")
    borger_id = measure_matching(app, clients["vejleder"], repeat)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if gunicorn:
        measure_gunicorn(app, url, people, borger_id)
    return p50s


def measure_matching(app, client, repeat: int) -> None:
    """The shared match index (issue 12): the full build, the index's size, the match page served
    from the mapped index, a worker's cold start, and a company edit reaching a match list."""
    from crm.extensions import db
    from crm.models import Borger, Company, User
    from crm.services import matching

    with app.app_context():
        vejleder = db.session.scalar(sa.select(User).where(User.email == "vejleder0@bench.invalid"))
        borger_id = db.session.scalar(sa.select(Borger.id).where(Borger.vejleder_id == vejleder.id).limit(1))
        cpu, wall = time.process_time(), time.perf_counter()
        path = matching.build_index()
        build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.session.rollback()
        # The rows were bulk-inserted moments ago, within the delta's margin of this first build, so
        # they would sit in every delta until the next build: run that next (periodic) build as well.
        wait = matching.DELTA_MARGIN.total_seconds() - build_wall
        if wait > 0:
            time.sleep(wait)
        path = matching.build_index()
        db.session.rollback()
        index = matching.current_index()
        nbytes = index.base.nbytes()
        print(f"\nmatch index: {len(index.base):,} targets built in {build_wall:.1f} s ({build_cpu:.1f} s CPU), "
              f"{nbytes / 2**20:.1f} MB on disk and mapped once per machine = {nbytes / len(index.base):.0f} B/target")
        print(f"  folder: {path}")
    url = f"/borgere/{borger_id}/match"
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - begin) * 1000)
    print(f"  match page, warm: p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms")
    matching._bases.clear()
    matching._live.clear()
    begin = time.perf_counter()
    assert client.get(url).status_code == 200
    print(f"  match page, first request of a started worker (maps the newest build): "
          f"{(time.perf_counter() - begin) * 1000:.0f} ms, full builds: 0")
    with app.app_context():
        company = db.session.scalar(sa.select(Company).where(Company.status == "partner").limit(1))
        company.industry_text = "Lager og logistik (ændret)"
        db.session.commit()
        key = f"company:{company.id}"
        cpu, wall = time.process_time(), time.perf_counter()
        live = matching.current_index()
        delta_wall, delta_cpu = time.perf_counter() - wall, time.process_time() - cpu
        in_delta = live.delta is not None and key in live.delta.target_ids()
        print(f"  company edit -> its match list: next request applies the delta in {delta_wall * 1000:.0f} ms "
              f"({delta_cpu * 1000:.0f} ms CPU per worker; delta {len(live.delta) if live.delta else 0} targets, "
              f"edited target in it: {in_delta})")
        db.session.rollback()
    return borger_id


# --- through gunicorn -------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """A gunicorn (gunicorn.conf.py, GUNICORN_WORKERS workers) serving ``module`` until closed."""

    def __init__(self, module: str, env: dict, *, pythonpath: str | None = None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--workers",
                   str(GUNICORN_WORKERS), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        if pythonpath:
            command += ["--pythonpath", pythonpath]
        self.process = subprocess.Popen([*command, module], cwd=BENCH.parent, env={**os.environ, **env})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=5)  # noqa: S310 (our own local server)
                break
            except urllib.error.HTTPError:
                break  # it answers (a redirect to /login ends in 200 anyway)
            except OSError:
                time.sleep(0.3)
        while len(self.workers()) < GUNICORN_WORKERS and time.monotonic() < deadline:
            time.sleep(0.3)

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def login_cookie(base: str, email: str) -> tuple[object, str]:
    """Log in over HTTP; the opener keeps the session, the string is the Cookie header for wrk."""
    opener = _opener()
    html = opener.open(base + "/login").read().decode()
    token = CSRF_RE.search(html).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token}).encode())
    jar = next(h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
    return opener, "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def wrk(url: str, cookie: str | None = None) -> float:
    """Requests/s that wrk reaches on ``url`` with WRK_CONNECTIONS connections."""
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--timeout", "10s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"wrk on {url}: {non_2xx.group(1)} failed responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def memory_kb(pid: int, index_dir: str) -> dict[str, int]:
    """RSS and PSS of a process (smaps_rollup), and the part of each that maps the index's files."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    figures = {key: int(re.search(rf"^{key}:\s+(\d+) kB", rollup, re.M).group(1)) for key in ("Rss", "Pss")}
    index = {"Rss": 0, "Pss": 0}
    in_index = False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if len(head) >= 5 and re.fullmatch(r"[0-9a-f]+-[0-9a-f]+", head[0]):
            in_index = len(head) >= 6 and head[5].startswith(index_dir)
        elif in_index and head and head[0].rstrip(":") in index:
            index[head[0].rstrip(":")] += int(head[1])
    return {"rss": figures["Rss"], "pss": figures["Pss"], "index_rss": index["Rss"], "index_pss": index["Pss"]}


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU of the processes so far (seconds)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


_hello_rate: dict[str, float] = {}


def hello_world_rate() -> float:
    """Requests/s of the hello-world app on the same gunicorn settings (measured once per run)."""
    if "rate" not in _hello_rate:
        served = Served("hello_app:app", {}, pythonpath=str(BENCH))
        try:
            _hello_rate["rate"] = wrk(served.base + "/")
        finally:
            served.close()
    return _hello_rate["rate"]


def measure_gunicorn(app, url: str, people: dict, borger_id: int) -> None:
    """The company list against hello-world with wrk, worker memory, and a company edit reaching the
    match pages, all through gunicorn with GUNICORN_WORKERS workers on this database."""
    from crm.extensions import db
    from crm.models import Company

    if shutil.which("wrk") is None:
        print("\ngunicorn: skipped (wrk is not installed: apt-get install wrk)")
        return
    index_dir = str(Path(os.environ["FODFAESTE_INSTANCE_PATH"]) / "match-index")
    served = Served("wsgi:app", {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "MATCH_INDEX_DIR": index_dir,
                                 "LOGIN_RATE_LIMIT": "100000 per minute"})
    try:
        _, konsulent_cookie = login_cookie(served.base, people["konsulent"])
        vejleder, _ = login_cookie(served.base, people["vejleder"])
        match_url = f"{served.base}/borgere/{borger_id}/match"
        company_list = wrk(served.base + "/virksomheder/", konsulent_cookie)
        hello = hello_world_rate()
        print(f"\ngunicorn, {GUNICORN_WORKERS} workers, wrk c={WRK_CONNECTIONS} {WRK_SECONDS} s:")
        print(f"  company list {company_list:,.0f} req/s, hello-world Flask {hello:,.0f} req/s: "
              f"{100 * company_list / hello:.1f} % (target ≥ 5 %)")
        workers = served.workers()
        for _ in range(4 * len(workers)):  # every worker serves match pages, so each maps the index
            vejleder.open(match_url).read()
        rows = [memory_kb(pid, index_dir) for pid in workers]
        print("  worker memory (MB)   RSS    PSS   of which the mapped index: RSS   PSS")
        for pid, row in zip(workers, rows, strict=True):
            print(f"    worker {pid:<8} {row['rss'] / 1024:6.0f} {row['pss'] / 1024:6.0f} "
                  f"{row['index_rss'] / 1024:26.1f} {row['index_pss'] / 1024:5.1f}")
        print(f"    shared index: {max(r['index_rss'] for r in rows) / 1024:.1f} MB mapped by each worker, "
              f"{sum(r['index_pss'] for r in rows) / 1024:.1f} MB in all (one copy per machine)")
        requests = 3 * len(workers)

        def match_pages() -> tuple[float, list[float]]:
            before, times = cpu_seconds(workers), []
            for _ in range(requests):
                begin = time.perf_counter()
                vejleder.open(match_url).read()
                times.append((time.perf_counter() - begin) * 1000)
            return cpu_seconds(workers) - before, times

        warm_cpu, warm_times = match_pages()
        with app.app_context():
            company = db.session.scalar(sa.select(Company).where(Company.status == "partner")
                                        .order_by(Company.id.desc()).limit(1))
            company.industry_text = "Lager og logistik (ændret over gunicorn)"
            db.session.commit()
            db.session.remove()
        edit_cpu, edit_times = match_pages()
        print(f"  company edit -> match pages: the next {requests} match pages took p50 "
              f"{statistics.median(edit_times):.0f} ms, max {max(edit_times):.0f} ms (warm: p50 "
              f"{statistics.median(warm_times):.0f} ms, max {max(warm_times):.0f} ms); the workers spent "
              f"{(edit_cpu - warm_cpu) * 1000:.0f} ms CPU more than on as many warm pages "
              f"({(edit_cpu - warm_cpu) * 1000 / len(workers):.0f} ms per worker, each folding the change in once)")
    finally:
        served.close()


def run_all(url_for_size, label: str, sizes: list[int], repeat: int, gunicorn: bool, only: str | None) -> None:
    results = {size: measure(url_for_size(size), label, size, repeat, gunicorn, only) for size in sizes}
    small, large = min(sizes), max(sizes)
    if small == large or only:
        return
    print(f"\n{label}: p50 at {large:,} ÷ p50 at {small:,} companies (flat ≈ 1, target ≤ 2)")
    for name in results[small]:
        print(f"  {name:28} {results[large][name] / results[small][name]:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-gunicorn", action="store_true", help="skip wrk, worker memory and the edit over gunicorn")
    parser.add_argument("--only", choices=["wrk"], help="wrk: build the registers, then only the company list "
                        "(in-process CPU per request, and wrk through gunicorn against hello-world)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    gunicorn = not args.no_gunicorn

    with tempfile.TemporaryDirectory(prefix="fodfaeste-scale-") as tmp:
        os.environ["FODFAESTE_INSTANCE_PATH"] = tmp
        if not args.no_sqlite:
            run_all(lambda size: f"sqlite:///{Path(tmp) / f'scale-{size}.db'}", "SQLite", args.sizes, args.repeat,
                    gunicorn, args.only)
        if args.no_pg:
            return
        with throwaway_pg_databases() as create_database:
            if create_database is not None:
                run_all(lambda size: create_database(f"scale_{size}"), "PostgreSQL", args.sizes, args.repeat, gunicorn,
                        args.only)

if __name__ == "__main__":
    main()
