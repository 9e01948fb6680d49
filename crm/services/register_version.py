"""The register's version: a number that moves at every commit that changes what the company list
shows, so a page can cache what it computed from the register and know, with one indexed read,
whether it is still current (``crm.page_cache``).

The one home of that signal is the database (table ``register_version``, one row), so it holds
for every worker and app machine and for every way in: a form, the API, an import, a merge, a job,
the CLI. It is bumped at the commit of any transaction that wrote a watched table, whatever wrote
it (ORM flush, bulk ``insert``/``update``, ``executemany``): SQLAlchemy's connection events see
each statement (``before_cursor_execute``) and, just before the commit, the counter is raised in
the same transaction (``commit``). Raising it last keeps its row lock for the commit only, so
writers never wait on each other for long and never deadlock over it; a rolled-back transaction
raises nothing.

Watched: the companies and everything the list shows of them or offers in its filters: offers
(``company_offers``, ``offer_tags``), industries, status changes, contacts and contact persons,
and the users' names, roles and active flag (the konsulent column and filter), and the openings'
status and confirmation (the register's counts, ``crm.page_cache.REGISTER_COUNTS``). Any other
change of ``users`` (a login's time, a password) does not move it.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from crm.extensions import db

#: table -> the columns whose update matters (None: every write of the table).
WATCHED: dict[str, frozenset[str] | None] = {
    "companies": None,
    "company_offers": None,
    "offer_tags": None,
    "industries": None,
    "company_status_changes": None,
    "contact_log": None,
    "contact_persons": None,
    "users": frozenset({"name", "role", "active"}),
    "openings": frozenset({"status", "confirmed_at", "company_id"}),  # the start page's openings to confirm
}
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SET = re.compile(r"\bSET\s+(.*?)(?:\bWHERE\b|\bFROM\b|$)", re.IGNORECASE | re.DOTALL)
_SET_COLUMN = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')
#: Key in a connection's ``info``: this transaction wrote a watched table.
CHANGED = "register_changed"
_BUMP = "UPDATE register_version SET version = version + 1 WHERE id = 1"
_TABLE_EXISTS = {
    "sqlite": "SELECT max(name) FROM sqlite_master WHERE type = 'table' AND name = 'register_version'",
    "postgresql": "SELECT to_regclass('register_version')",
}


def first_version() -> int:
    """Where a new counter starts: at random, so a register emptied and begun again (a test's
    truncate, a new database at the same URL) never comes back to a version a cache has seen."""
    return secrets.randbits(52)


def current() -> int | None:
    """The register's version as committed now; None while the row is missing (nothing may be
    cached then: the next write makes the row)."""
    return db.session.execute(sa.text("SELECT version FROM register_version WHERE id = 1")).scalar()


def changes_pending() -> bool:
    """Whether this request's session holds register changes not yet committed (its own writes
    are then newer than any version, so nothing cached may stand in for them)."""
    session = db.session()
    return bool(session.new or session.dirty or session.deleted or session.connection().info.get(CHANGED))


def writes_register(statement: str) -> bool:
    """Whether one SQL statement writes what the register version watches."""
    found = _WRITE.match(statement)
    if found is None:
        return False
    table = found.group(1).lower()
    if table not in WATCHED:
        return False
    columns = WATCHED[table]
    if columns is None or not statement.lstrip()[:6].upper().startswith("UPDATE"):
        return True  # an insert or delete of a user adds or takes a konsulent
    assignments = _SET.search(statement)
    if assignments is None:
        return True
    return bool(columns & {c.lower() for c in _SET_COLUMN.findall(assignments.group(1))})


@sa.event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
    if not conn.info.get(CHANGED) and writes_register(statement):
        conn.info[CHANGED] = True


@sa.event.listens_for(Engine, "commit")
def _bump_before_commit(conn):
    if not conn.info.pop(CHANGED, False):
        return
    # The DBAPI cursor, not conn.execute: the transaction is committing and must not restart.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_TABLE_EXISTS[conn.dialect.name])
        if cursor.fetchone()[0] is None:
            return  # a migration older than 0022 is running: there is no version (and no cache) yet
        cursor.execute(_BUMP)
        if cursor.rowcount == 0:  # the row is gone (the tables were emptied): begin again
            cursor.execute(f"INSERT INTO register_version (id, version) VALUES (1, {int(first_version())})")  # noqa: S608 (a number)
    finally:
        cursor.close()


@sa.event.listens_for(Engine, "rollback")
def _forget_writes(conn):
    conn.info.pop(CHANGED, None)
