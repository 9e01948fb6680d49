"""Backup under write load, then restore into an empty database: integrity and row counts.

For each database (SQLite file, and PostgreSQL when reachable) this script builds a fresh database,
loads the demo data, starts writer threads that keep logging contacts through the app's own
service for the whole backup, takes `backup()` (the code behind `flask backup`), restores it into
an empty database with `restore()` (the code behind `flask restore`) and prints the integrity
check, the rows per table and whether they match the backup's manifest.

Run: .venv/bin/python bench/backup_restore.py [--writers 4] [--no-pg]
"""

import argparse
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.services.backup import backup, restore  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _make_database(kind: str, workdir: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        path = workdir / f"{uuid.uuid4().hex}.db"
        return f"sqlite:///{path}", lambda: None
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{PG_SERVER}/{name}", drop


def _writer(app, stop: threading.Event, counter: list[int]) -> None:
    from crm.models import Company, User
    from crm.services.contacts import log_contact

    with app.app_context():
        company_ids = db.session.scalars(sa.select(Company.id)).all()
        actor = db.session.scalar(sa.select(User).where(User.role == "konsulent"))
        i = 0
        while not stop.is_set():
            company = db.session.get(Company, company_ids[i % len(company_ids)])
            log_contact(company, {"kind": "phone", "summary": f"Belastning {i}"}, actor=actor)
            db.session.commit()
            counter[0] += 1
            i += 1


def run(kind: str, writers: int, workdir: Path) -> bool:
    source_url, drop_source = _make_database(kind, workdir)
    target_url, drop_target = _make_database(kind, workdir)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": source_url, "SECRET_KEY": "x" * 64,
                          "PASSWORD_HASH_PROFILE": "cheapest"})
        with app.app_context():
            from flask_migrate import upgrade

            from crm.demo import load_demo_data

            upgrade()
            load_demo_data()
            db.session.commit()
        stop, counter = threading.Event(), [0]
        threads = [threading.Thread(target=_writer, args=(app, stop, counter)) for _ in range(writers)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # the writers are going
        before = counter[0]
        started = time.perf_counter()
        counts = backup(source_url, workdir / f"{kind}.backup")
        took = time.perf_counter() - started
        during = counter[0] - before
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        with app.app_context():
            db.engine.dispose()
        started = time.perf_counter()
        report = restore(workdir / f"{kind}.backup", target_url)
        restore_took = time.perf_counter() - started
        print(f"\n=== {kind}: backup while {writers} writers logged contacts ===")
        print(f"backup took {took * 1000:.0f} ms; {during} writes committed during it; "
              f"{counter[0]} writes in all")
        print(f"restore into an empty database took {restore_took * 1000:.0f} ms")
        print(f"integrity check: {'ok' if report.integrity_ok else 'FAILED'}")
        print(f"{'table':<26}{'backup':>9}{'restored':>10}")
        for table in sorted(report.expected):
            print(f"{table:<26}{report.expected[table]:>9}{report.counts.get(table, 0):>10}")
        print(f"row counts match: {'yes' if report.counts == report.expected else 'NO'}")
        return report.ok and counts == report.expected
    finally:
        drop_source()
        drop_target()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as workdir:
        ok &= run("sqlite", args.writers, Path(workdir))
        if not args.no_pg:
            try:
                sa.create_engine(f"{PG_SERVER}/postgres").connect().close()
            except sa.exc.OperationalError:
                print("\nPostgreSQL not reachable at 127.0.0.1:5432; skipped.")
            else:
                ok &= run("postgresql", args.writers, Path(workdir))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
