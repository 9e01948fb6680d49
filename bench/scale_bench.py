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
(Gunicorn worker memory belongs to the same issue and is not measured here yet.)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import sqlalchemy as sa  # noqa: E402
from company_search_bench import SEED, p95, populate, throwaway_pg_databases  # noqa: E402

PASSWORD = "bench-adgang-2026-lang-nok"
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
        ("borger list, admin", "admin", "/borgere/"),
        ("dashboard", "admin", f"/indsatser/{people['programme_id']}"),
        ("openings list", "konsulent", "/stillinger/"),
    ]


def measure(url: str, label: str, size: int, repeat: int) -> dict[str, float]:
    from crm import create_app
    from crm.extensions import db
    from crm.services.reference import ensure_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_PROFILE": "cheapest",
                      "LOGIN_RATE_LIMIT": "100000 per minute",
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789"})
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.commit()
        start = time.perf_counter()
        rng = random.Random(SEED)
        populate(size, rng)
        people = add_people_and_work(size, rng)
        print(f"\n== {label}: {size:,} companies and their work inserted in {time.perf_counter() - start:.1f} s ==")
    clients = {None: app.test_client()}
    for role in ("admin", "konsulent", "vejleder"):
        clients[role] = logged_in(app, people[role])
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
    measure_matching(app, clients["vejleder"], repeat)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
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


def run_all(url_for_size, label: str, sizes: list[int], repeat: int) -> None:
    results = {size: measure(url_for_size(size), label, size, repeat) for size in sizes}
    small, large = min(sizes), max(sizes)
    if small == large:
        return
    print(f"\n{label}: p50 at {large:,} ÷ p50 at {small:,} companies (flat ≈ 1, target ≤ 2)")
    for name in results[small]:
        print(f"  {name:28} {results[large][name] / results[small][name]:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fodfaeste-scale-") as tmp:
        os.environ["FODFAESTE_INSTANCE_PATH"] = tmp
        run_all(lambda size: f"sqlite:///{Path(tmp) / f'scale-{size}.db'}", "SQLite", args.sizes, args.repeat)
        if args.no_pg:
            return
        with throwaway_pg_databases() as create_database:
            if create_database is not None:
                run_all(lambda size: create_database(f"scale_{size}"), "PostgreSQL", args.sizes, args.repeat)

if __name__ == "__main__":
    main()
