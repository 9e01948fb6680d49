"""Benchmark the company import (``crm.services.company_import``): preview and confirm at 1k, 10k
and 100k rows on SQLite and PostgreSQL.

For each size it writes a CSV like the export's (name, CVR, postcode, address, phone, offers,
tags, status), then times, on an emptied register: parse + preview, parse + import (all rows
created, committed), and a second import of the same file with a changed phone number on every
row (all rows updated). It prints seconds, rows/s and this process's CPU seconds for each (on a
shared machine the wall time waits for other work; PostgreSQL's own CPU is not in the CPU column).
Throw-away databases: a SQLite file in a temporary folder and a PostgreSQL database created and
dropped here (skipped with a message when PostgreSQL is not reachable). The app's row limit per
file (MAX_ROWS) is lifted for the run, as the 100k size is above it.

Run: .venv/bin/python bench/import_bench.py [--sizes 1000 10000 100000] [--no-pg] [--no-sqlite]
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

import sqlalchemy as sa  # noqa: E402
from company_search_bench import LEGAL, SURNAMES, TRADES, throwaway_pg_databases  # noqa: E402

SEED = 20261201
STATUSES = ["emne", "dialog", "partner"]
HEADER = ["navn", "cvr", "postnummer", "adresse", "telefon", "tilbud", "tags", "status"]


def cvr_numbers(count: int, rng: random.Random) -> list[str]:
    """Distinct valid CVR numbers (modulus 11)."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    found: set[str] = set()
    while len(found) < count:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        check = (11 - remainder) % 11
        if check < 10:
            found.add("".join(map(str, digits)) + str(check))
    return sorted(found)


def csv_file(size: int, postcodes: list[str], offers: list[str], *, phone_suffix: str) -> bytes:
    rng = random.Random(SEED + size)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for index, cvr in enumerate(cvr_numbers(size, rng)):
        name = f"{rng.choice(TRADES)} {rng.choice(SURNAMES)} {index}{rng.choice(LEGAL)}"
        writer.writerow([name, cvr, rng.choice(postcodes), f"Vestergade {rng.randint(1, 200)}",
                         f"86 {index % 100:02d} {phone_suffix}", "|".join(rng.sample(offers, 2)),
                         "Bench", rng.choice(STATUSES)])
    return buffer.getvalue().encode("utf-8")


def run(url: str, label: str, sizes: list[int]) -> None:
    from crm import create_app
    from crm.extensions import db
    from crm.models import Company, OfferTag
    from crm.services import company_import
    from crm.services.geocoding import postcodes
    from crm.services.reference import ensure_reference_data

    company_import.MAX_ROWS = max(sizes)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789"})
    print(f"\n== {label} == (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(f"{'rows':>8} {'step':28} {'seconds':>8} {'rows/s':>8} {'CPU s':>7}")
    def analyze() -> None:
        """Fresh planner statistics after each step, as autovacuum keeps them (a server may run
        without it; the plans of the next step's lookups would then assume empty tables)."""
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")

    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.commit()
        codes = sorted(postcodes())
        offers = list(db.session.scalars(sa.select(OfferTag.code)))
        for size in sizes:
            tables = [t for t in reversed(db.metadata.sorted_tables)
                      if t.name in ("audit_events", "import_changes", "import_batches", "company_offers",
                                    "company_status_changes", "companies")]
            for table in tables:
                db.session.execute(table.delete())
            db.session.commit()
            analyze()
            first = csv_file(size, codes, offers, phone_suffix="12 34")
            second = csv_file(size, codes, offers, phone_suffix="56 78")
            steps = {
                "preview (all new)": lambda data=first: company_import.preview_import(
                    company_import.parse_upload("bench.csv", data)),
                "confirm (all created)": lambda data=first: company_import.run_import(
                    company_import.parse_upload("bench.csv", data), filename="bench.csv"),
                "preview (all changed)": lambda data=second: company_import.preview_import(
                    company_import.parse_upload("bench.csv", data)),
                "confirm (all updated)": lambda data=second: company_import.run_import(
                    company_import.parse_upload("bench.csv", data), filename="bench.csv"),
            }
            changed_wall = changed_cpu = 0.0
            for step, fn in steps.items():
                start, cpu = time.perf_counter(), time.process_time()
                report = fn()
                db.session.commit()
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                analyze()
                assert report.ok, report.errors[:3]
                db.session.expunge_all()
                print(f"{size:8,} {step:28} {seconds:8.2f} {size / seconds:8,.0f} {cpu:7.1f}")
                if "changed" in step or "updated" in step:
                    changed_wall, changed_cpu = changed_wall + seconds, changed_cpu + cpu
            print(f"{size:8,} {'changed: preview + confirm':28} {changed_wall:8.2f} {size / changed_wall:8,.0f} "
                  f"{changed_cpu:7.1f}   (load average {os.getloadavg()[0]:.2f})")
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Company))
            assert count == size, (count, size)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fodfaeste-bench-") as tmp:
        os.environ["FODFAESTE_INSTANCE_PATH"] = tmp
        if not args.no_sqlite:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.sizes)
        if args.no_pg:
            return
        with throwaway_pg_databases() as create_database:
            if create_database is not None:
                run(create_database("import"), "PostgreSQL", args.sizes)

if __name__ == "__main__":
    main()
