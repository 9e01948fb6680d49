"""Online backup and restore of the whole database, with a manifest of row counts, and of the
attachments' files.

SQLite uses its online backup API (consistent while the app keeps writing). PostgreSQL uses
pg_dump in custom format on a snapshot exported from a REPEATABLE READ transaction, so the row
counts in the manifest are from exactly the data in the dump. Restore goes into an empty
database and checks integrity and the row counts against the manifest.

With ``files_dir`` (the attachments' folder, ``ATTACHMENT_DIR``) the backup also writes
``<target>.files.tar``: the file of every attachment row in the backed-up data, each checked against
its SHA-256 as it is copied (a missing or damaged one is named in the manifest, not copied). Restore
unpacks it into ``files_dir`` (only names that are storage keys, so a tampered archive cannot write
elsewhere) and checks every restored attachment row's file against its size and checksum.
"""

import hashlib
import io
import json
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are called with fixed argument lists
import tarfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

MANIFEST_SUFFIX = ".manifest.json"
FILES_SUFFIX = ".files.tar"
# An archive member is "<two hex digits>/<storage key>" (crm.services.attachments.path_for).
MEMBER_RE = re.compile(r"([0-9a-f]{2})/(\1[0-9a-f]{30})")
ATTACHMENT_ROWS = sa.text("SELECT storage_key, sha256, size FROM attachments ORDER BY id")


@dataclass(frozen=True)
class RestoreReport:
    integrity_ok: bool
    counts: dict[str, int]
    expected: dict[str, int]
    files_restored: int = 0
    file_problems: tuple[str, ...] = ()  # Danish, one line per attachment whose file is wrong

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.counts == self.expected and not self.file_problems


def _attachment_rows(conn) -> list[tuple[str, str, int]]:
    if "attachments" not in _tables(conn):
        return []
    return [tuple(row) for row in conn.execute(ATTACHMENT_ROWS)]


def _member(key: str) -> str:
    return f"{key[:2]}/{key}"


def _pack_files(rows, files_dir: Path, archive: Path) -> dict:
    """Copy the rows' files into ``archive``, each checked; what was copied and what was wrong."""
    missing, damaged, total = [], [], 0
    with tarfile.open(archive, "w") as tar:
        for key, sha256, size in rows:
            try:
                content = (Path(files_dir) / _member(key)).read_bytes()
            except FileNotFoundError:
                missing.append(key)
                continue
            if len(content) != size or hashlib.sha256(content).hexdigest() != sha256:
                damaged.append(key)
                continue
            info = tarfile.TarInfo(_member(key))
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
            total += len(content)
    return {"archive": archive.name, "count": len(rows) - len(missing) - len(damaged), "bytes": total,
            "missing": missing, "damaged": damaged}


def _unpack_files(archive: Path, files_dir: Path) -> int:
    """Write the archive's attachment files into ``files_dir``; other members are ignored."""
    restored = 0
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            if not member.isfile() or not MEMBER_RE.fullmatch(member.name):
                continue
            path = Path(files_dir) / member.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(tar.extractfile(member).read())
            restored += 1
    return restored


def _check_files(rows, files_dir: Path) -> tuple[str, ...]:
    problems = []
    for key, sha256, size in rows:
        path = Path(files_dir) / _member(key)
        if not path.is_file():
            problems.append(f"Bilagsfilen {key} mangler.")
            continue
        content = path.read_bytes()
        if len(content) != size or hashlib.sha256(content).hexdigest() != sha256:
            problems.append(f"Bilagsfilen {key} passer ikke med sin kontrolsum.")
    return tuple(problems)


def _tables(conn) -> list[str]:
    return sorted(t for t in sa.inspect(conn).get_table_names() if t != "alembic_version")


def _counts(conn) -> dict[str, int]:
    return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in _tables(conn)}  # noqa: S608


def _libpq_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.URL) -> str:
    return url.database


def backup(url: str, target: Path, *, files_dir: Path | None = None) -> dict[str, int]:
    """Write a backup of the database at ``url`` to ``target`` (+ manifest), and with ``files_dir``
    the attachments' files beside it; return its row counts."""
    url = sa.make_url(url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(_sqlite_path(url))) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        engine = sa.create_engine(f"sqlite:///{target}")
        with engine.connect() as conn:
            counts = _counts(conn)
            rows = _attachment_rows(conn)
        engine.dispose()
    else:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                counts = _counts(conn)
                rows = _attachment_rows(conn)
                subprocess.run(  # noqa: S603
                    [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                     f"--file={target}", f"--dbname={_libpq_url(url)}"],
                    check=True, capture_output=True)
        engine.dispose()
    manifest = {"counts": counts}
    if files_dir is not None:
        manifest["files"] = _pack_files(rows, files_dir, Path(f"{target}{FILES_SUFFIX}"))
    Path(f"{target}{MANIFEST_SUFFIX}").write_text(json.dumps(manifest, indent=2))
    return counts


def backup_file_problems(target: Path) -> list[str]:
    """What a backup's manifest says could not be copied of the attachments' files (Danish)."""
    files = json.loads(Path(f"{target}{MANIFEST_SUFFIX}").read_text()).get("files") or {}
    return ([f"Bilagsfilen {key} manglede og er ikke med i backuppen." for key in files.get("missing", [])]
            + [f"Bilagsfilen {key} passede ikke med sin kontrolsum og er ikke med i backuppen."
               for key in files.get("damaged", [])])


def restore(source: Path, url: str, *, files_dir: Path | None = None) -> RestoreReport:
    """Restore a backup into the EMPTY database at ``url``; check integrity and row counts. With
    ``files_dir`` the attachments' files are restored there too and checked against their rows."""
    url = sa.make_url(url)
    source = Path(source)
    manifest = json.loads(Path(f"{source}{MANIFEST_SUFFIX}").read_text())
    expected = manifest["counts"]
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
            rows = _attachment_rows(conn)
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
            rows = _attachment_rows(conn)
    engine.dispose()
    if files_dir is None:
        return RestoreReport(integrity_ok, counts, expected)
    archive = Path(f"{source}{FILES_SUFFIX}")
    restored = _unpack_files(archive, files_dir) if archive.exists() else 0
    return RestoreReport(integrity_ok, counts, expected, files_restored=restored,
                         file_problems=_check_files(rows, files_dir))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} blev ikke fundet; installer PostgreSQL-klientværktøjerne.")
    return path
