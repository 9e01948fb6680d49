"""Benchmark the company search (``crm.services.company_search``) on 100,000 companies.

Creates synthetic companies (names from Danish trades and surnames, positions scattered around
every postcode in seeds/postcodes.csv, random status, offers, konsulent, tags and contact dates)
with SQLAlchemy core bulk inserts in a throw-away SQLite file and a throw-away PostgreSQL
database (created and dropped here; skipped with a message when PostgreSQL is not reachable).
It then times several filtered searches and prints the median and p95 in milliseconds, and the
ratio against a naive baseline in the same process: load every company as an ORM object with
its offers, then filter, measure (geopy geodesic) and fuzzy-match (rapidfuzz) row by row.

Run: .venv/bin/python bench/company_search_bench.py [--size 100000] [--repeat 15] [--no-pg]
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402
from geopy.distance import geodesic  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
SEED = 20260501
TRADES = ["Bageri", "Tømrer", "Murer", "VVS", "Auto", "Cykler", "Café", "Restaurant", "Kro", "Blomster",
          "Frisør", "Maskinfabrik", "Træindustri", "Rengøring", "Anlægsgartner", "Vognmand", "Elektro",
          "Malerfirma", "Boghandel", "Supermarked", "Køkken", "Lager", "Logistik", "Tekstil", "Møbler",
          "Slagter", "Fiskehandel", "Isenkram", "Byggemarked", "Plejehjem", "Hotel", "Kantine", "Trykkeri",
          "IT", "Revision", "Dyrlæge", "Genbrug", "Planteskole", "Smedie", "Autoophug"]
SURNAMES = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
            "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
            "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Østergaard", "Holm",
            "Lund", "Bach", "Dam", "Friis", "Kjær", "Bruun"]
PREFIXES = ["Nordisk", "Vestjysk", "Midtjysk", "Østjysk", "Dansk", "Grøn", "Ny", "Gamle", "Byens", "Havnens"]
LEGAL = ["", "", " ApS", " A/S", " I/S", " IVS"]
STATUS_WEIGHTS = {"emne": 40, "dialog": 20, "partner": 25, "pause": 8, "ophoert": 7}
OFFERS = ["low_hours_start", "gradual_increase", "flexible_hours", "mentor", "ambassador", "quiet",
          "praktik", "loentilskud", "flexjob", "light_work", "step_free"]
FREE_TAGS = ["CSR-pris 2024", "Morgenhold", "Sæsonarbejde", "Weekendarbejde", "Socialøkonomisk"]

QUERIES = {
    "typo search only": dict(q="Hasnens bageri"),
    "status + offers": dict(statuses=("partner", "dialog"), offers=("mentor", "flexjob")),
    "distance 25 km from 8000": dict(postcode="8000", radius_km=25.0),
    "typo + status + offers + 25 km": dict(q="bagrei hansen", statuses=("partner", "dialog"),
                                           offers=("mentor",), postcode="8000", radius_km=25.0),
    "no filter, page 1 by name": dict(),
}


def load_postcodes() -> list[tuple[str, str, float, float]]:
    with (REPO / "seeds" / "postcodes.csv").open(encoding="utf-8") as handle:
        return [(r["postcode"], r["city"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)]


def company_name(rng: random.Random, city: str) -> str:
    pattern = rng.random()
    if pattern < 0.4:
        name = f"{rng.choice(SURNAMES)}s {rng.choice(TRADES)}"
    elif pattern < 0.65:
        name = f"{rng.choice(TRADES)} {city.split()[0]}"
    elif pattern < 0.85:
        name = f"{rng.choice(PREFIXES)} {rng.choice(TRADES)}"
    else:
        name = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    return name + rng.choice(LEGAL)


def populate(size: int, rng: random.Random) -> None:
    """Bulk insert ``size`` companies, their offers and five konsulenter with SQLAlchemy core."""
    from crm.extensions import db
    from crm.models import Company, User
    from crm.models.company import company_offers
    from crm.sorting import sort_key
    from crm.timeutil import utcnow
    from crm.validators import normalize_company_name

    now = utcnow()
    db.session.execute(sa.insert(User), [
        {"email": f"konsulent{i}@bench.invalid", "name": f"Konsulent {i}", "role": "konsulent",
         "password_hash": "x"} for i in range(5)
    ])
    konsulent_ids = list(db.session.scalars(sa.select(User.id)))
    postcodes = load_postcodes()
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    chunk = 10_000
    for start in range(0, size, chunk):
        rows, offers = [], []
        for i in range(start, min(size, start + chunk)):
            code, city, lat, lon = rng.choice(postcodes)
            name = company_name(rng, city)
            rows.append({
                "id": i + 1, "name": name, "name_key": (key := normalize_company_name(name)),
                "sort_key": sort_key(key), "postcode": code,
                "city": city, "address": f"{rng.choice(SURNAMES)}svej {rng.randint(1, 120)}",
                "lat": lat + rng.gauss(0, 0.012), "lon": lon + rng.gauss(0, 0.02),
                "geo_precision": "postcode",
                "status": rng.choices(statuses, weights)[0], "industry_code": rng.choice("ACFGHIJMNQ"),
                "konsulent_id": rng.choice(konsulent_ids + [None]),
                "tags": rng.sample(FREE_TAGS, k=1) if rng.random() < 0.1 else [],
                "last_contact_at": now - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.7 else None,
                "version": 1, "status_changed_at": now, "created_at": now, "updated_at": now,
            })
            offers += [{"company_id": i + 1, "tag_code": t} for t in rng.sample(OFFERS, k=rng.randint(0, 4))]
        db.session.execute(sa.insert(Company), rows)
        db.session.execute(sa.insert(company_offers), offers)
    # One well-known company for the typo queries to find.
    db.session.execute(sa.update(Company).where(Company.id == 1).values(
        name="Hansens Bageri ApS", name_key="hansens bageri", sort_key=sort_key("hansens bageri"),
        postcode="8000", city="Aarhus C",
        lat=56.1535, lon=10.2034, status="partner"))
    db.session.execute(sa.delete(company_offers).where(company_offers.c.company_id == 1))
    db.session.execute(sa.insert(company_offers),
                       [{"company_id": 1, "tag_code": t} for t in ("mentor", "flexjob")])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The ids were given explicitly; move the sequence past them, then refresh the statistics.
        db.session.execute(sa.text("SELECT setval('companies_id_seq', (SELECT max(id) FROM companies))"))
        db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))


@contextmanager
def throwaway_pg_databases():
    """Yield a function that creates a PostgreSQL database for a bench run and returns its URL; every
    database made is dropped afterwards. Yields None (with a message) when PostgreSQL is not reachable."""
    server = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect():
            pass
    except sa.exc.OperationalError as exc:
        print(f"\nPostgreSQL skipped: not reachable at {PG_SERVER} ({exc.orig.__class__.__name__}).")
        server.dispose()
        yield None
        return
    made = []

    def create(suffix: str) -> str:
        name = f"fodfaeste_bench_{os.getpid()}_{suffix}"
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return f"{PG_SERVER}/{name}"

    try:
        yield create
    finally:
        with server.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def to_search(spec: dict):
    from crm.services.company_search import CompanySearch
    from crm.services.geocoding import lookup_postcode

    spec = dict(spec)
    if spec.get("postcode"):
        place = lookup_postcode(spec["postcode"])
        spec["origin"] = (place.lat, place.lon)
    return CompanySearch(**spec)


def naive_search(spec: dict) -> list[int]:
    """The baseline: every company as an ORM object, then Python checks one row at a time."""
    from crm.extensions import db
    from crm.models import Company
    from crm.services.company_search import SCORE_CUTOFF
    from crm.services.geocoding import lookup_postcode
    from crm.validators import normalize_company_name

    origin = None
    if spec.get("postcode"):
        place = lookup_postcode(spec["postcode"])
        origin = (place.lat, place.lon)
    query = normalize_company_name(spec.get("q", ""))
    hits = []
    for company in db.session.scalars(sa.select(Company).options(selectinload(Company.offers))):
        if spec.get("statuses") and company.status not in spec["statuses"]:
            continue
        if spec.get("offers") and not set(spec["offers"]) <= company.offer_codes:
            continue
        distance = None
        if origin is not None:
            distance = geodesic(origin, (company.lat, company.lon)).km
            if spec.get("radius_km") is not None and distance > spec["radius_km"]:
                continue
        score = 0.0
        if query:
            score = max(fuzz.WRatio(query, normalize_company_name(company.name)),
                        fuzz.WRatio(query, normalize_company_name(company.city)))
            if score < SCORE_CUTOFF:
                continue
        hits.append((-score, distance or 0.0, company.name, company.id))
    hits.sort()
    return [h[3] for h in hits[:50]]


def timed(fn, repeat: int) -> list[float]:
    from crm.extensions import db

    times = []
    for _ in range(repeat):
        db.session.remove()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    db.session.remove()
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(url: str, label: str, size: int, repeat: int, naive_repeat: int) -> None:
    from crm import create_app
    from crm.extensions import db
    from crm.services.company_search import _TEXT_INDEXES, search_companies, text_index
    from crm.services.reference import ensure_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789"})
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.commit()
        start = time.perf_counter()
        populate(size, random.Random(SEED))
        print(f"\n== {label}: {size:,} companies inserted in {time.perf_counter() - start:.1f} s ==")
        build = timed(lambda: (_TEXT_INDEXES.clear(), text_index()), 3)
        print(f"text index (re)built after a change: median {statistics.median(build):.0f} ms "
              "(paid once by the first text search after a company changes)")
        print(f"{'search':34} {'hits':>7} {'median ms':>10} {'p95 ms':>9} {'naive median ms':>16} "
              f"{'ratio':>7}")
        for name, spec in QUERIES.items():
            search = to_search(spec)
            result = search_companies(search, page=1, per_page=50)
            times = timed(lambda search=search: search_companies(search, page=1, per_page=50), repeat)
            naive = statistics.median(timed(lambda spec=spec: naive_search(spec), naive_repeat))
            median = statistics.median(times)
            print(f"{name:34} {result.total:7d} {median:10.1f} {p95(times):9.1f} {naive:16.0f} "
                  f"{naive / median:6.0f}x")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per search")
    parser.add_argument("--naive-repeat", type=int, default=2, help="timed runs of the naive baseline")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fodfaeste-bench-") as tmp:
        os.environ["FODFAESTE_INSTANCE_PATH"] = tmp
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.size, args.repeat, args.naive_repeat)
        if args.no_pg:
            return
        with throwaway_pg_databases() as create_database:
            if create_database is not None:
                run(create_database("search"), "PostgreSQL", args.size, args.repeat, args.naive_repeat)

if __name__ == "__main__":
    main()
