"""Online backup and restore of the whole database, with a manifest of row counts.

SQLite uses its online backup API (consistent while the app keeps writing). PostgreSQL uses
pg_dump in custom format on a snapshot exported from a REPEATABLE READ transaction, so the row
counts in the manifest are from exactly the data in the dump. Restore goes into an empty
database and checks integrity and the row counts against the manifest.
"""

import json
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are called with fixed argument lists
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class RestoreReport:
    integrity_ok: bool
    counts: dict[str, int]
    expected: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.counts == self.expected


def _tables(conn) -> list[str]:
    return sorted(t for t in sa.inspect(conn).get_table_names() if t != "alembic_version")


def _counts(conn) -> dict[str, int]:
    return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in _tables(conn)}  # noqa: S608


def _libpq_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.URL) -> str:
    return url.database


def backup(url: str, target: Path) -> dict[str, int]:
    """Write a backup of the database at ``url`` to ``target`` (+ manifest); return its row counts."""
    url = sa.make_url(url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(_sqlite_path(url))) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        engine = sa.create_engine(f"sqlite:///{target}")
        with engine.connect() as conn:
            counts = _counts(conn)
        engine.dispose()
    else:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                counts = _counts(conn)
                subprocess.run(  # noqa: S603
                    [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                     f"--file={target}", f"--dbname={_libpq_url(url)}"],
                    check=True, capture_output=True)
        engine.dispose()
    Path(f"{target}{MANIFEST_SUFFIX}").write_text(json.dumps({"counts": counts}, indent=2))
    return counts


def restore(source: Path, url: str) -> RestoreReport:
    """Restore a backup into the EMPTY database at ``url``; check integrity and row counts."""
    url = sa.make_url(url)
    source = Path(source)
    expected = json.loads(Path(f"{source}{MANIFEST_SUFFIX}").read_text())["counts"]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        not_empty = bool(_tables(conn))
    if not_empty:
        engine.dispose()
        raise ValueError("Databasen, der skal gendannes til, er ikke tom.")
    if url.get_backend_name() == "sqlite":
        engine.dispose()
        with closing(sqlite3.connect(source)) as backup_db, closing(sqlite3.connect(_sqlite_path(url))) as target:
            backup_db.backup(target)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            integrity_ok = conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
            counts = _counts(conn)
    else:
        subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={_libpq_url(url)}", str(source)],
            check=True, capture_output=True)
        with engine.connect() as conn:
            # PostgreSQL checks every constraint as it restores; re-check foreign keys are valid.
            invalid = conn.execute(sa.text(
                "SELECT count(*) FROM pg_constraint WHERE NOT convalidated")).scalar_one()
            integrity_ok = invalid == 0
            counts = _counts(conn)
    engine.dispose()
    return RestoreReport(integrity_ok, counts, expected)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} blev ikke fundet; installer PostgreSQL-klientværktøjerne.")
    return path
