"""Readers never wait for a writer, and an import preview writes nothing (issue 10, point 5).

On SQLite there is one write lock per database: a transaction takes it at its first write and
keeps it to the end, and in WAL mode a reader needs no lock at all. Threads and events only, with
bounded waits; no sleeps.
"""

import io
import re
import sqlite3
import threading
from contextlib import closing

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company
from crm.services import company_import, job_kinds
from tests.crm.companies.test_company_import import CONFIRM_URL, PREVIEW_URL, TOKEN_RE, UPLOAD_URL, csv_bytes

WAIT_SECONDS = 10
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "REPLACE")


def _hold_a_write(app, company_id, locked: threading.Event, release: threading.Event, failures: list):
    """Change a company and keep the transaction open (and its lock) until ``release``."""
    try:
        with app.app_context():
            company = db.session.get(Company, company_id)
            company.description = "Under ændring"
            db.session.flush()
            locked.set()
            release.wait(WAIT_SECONDS)
            db.session.rollback()
    except Exception as exc:  # noqa: BLE001 (reported to the test thread)
        failures.append(exc)
        locked.set()


@pytest.mark.parametrize(("role", "url"), [
    ("vejleder", "/"),
    ("konsulent", "/virksomheder/{company_id}"),
    ("konsulent", "/virksomheder/kontakt-snart"),
])
def test_a_page_that_only_reads_answers_while_another_transaction_holds_the_write_lock(
        app, browser, make_user, make_partner, role, url):
    company_id = make_partner("Låst ApS")
    browser.login(make_user(role))
    locked, release, failures = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=_hold_a_write, args=(app, company_id, locked, release, failures))
    writer.start()
    try:
        assert locked.wait(WAIT_SECONDS) and not failures, failures
        response = browser.get(url.format(company_id=company_id))
    finally:
        release.set()
        writer.join(WAIT_SECONDS)
    assert response.status_code == 200
    assert not writer.is_alive() and not failures, failures


def _sqlite_path(app) -> str:
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    return url.database


def _write_lock_is_free(path: str) -> bool:
    """Whether another connection could take the write lock at once (no waiting)."""
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        other.execute("ROLLBACK")
        return True


@pytest.fixture
def konsulent(browser, make_user, run_jobs):
    browser.login(make_user("konsulent"))
    browser.run_jobs = run_jobs  # the preview and the import are jobs


def _upload(browser, rows=3):
    data = csv_bytes([[f"Firma {n} ApS", "", "8000", "", "", "", "", ""] for n in range(rows)])
    assert browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "f.csv")}).status_code == 302


def _companies(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Company))


def _spy_on_the_lock(monkeypatch, path, module, name) -> list[bool]:
    """Record, each time ``module.name`` is called, whether the write lock was free."""
    seen, original = [], getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(_write_lock_is_free(path))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_an_import_preview_never_holds_the_write_lock(app, browser, konsulent, monkeypatch):
    path = _sqlite_path(app)
    _upload(browser)
    while_parsing = _spy_on_the_lock(monkeypatch, path, job_kinds, "parse_upload")
    while_checking_rows = _spy_on_the_lock(monkeypatch, path, company_import, "_row_data")
    browser.run_jobs()
    assert browser.get(PREVIEW_URL).status_code == 200
    assert while_parsing == [True]
    assert while_checking_rows == [True, True, True]


def test_the_import_confirmation_does_not_hold_the_write_lock_while_it_reads_the_file(
        app, browser, konsulent, monkeypatch):
    path = _sqlite_path(app)
    _upload(browser)
    browser.run_jobs()
    token = TOKEN_RE.search(browser.get(PREVIEW_URL).get_data(as_text=True)).group(1)
    while_parsing = _spy_on_the_lock(monkeypatch, path, job_kinds, "parse_upload")
    response = browser.post_form(CONFIRM_URL, {"token": token}, form_page=PREVIEW_URL)
    assert response.status_code == 302
    browser.run_jobs()
    assert while_parsing == [True]  # the import job read the file with the lock free
    assert _companies(app) == 3


def test_an_import_preview_sends_no_write_to_the_database(app, browser, konsulent):
    _upload(browser)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        browser.run_jobs()
        page = browser.get(PREVIEW_URL).get_data(as_text=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert "3 oprettes" in " ".join(page.split())
    verbs = [(s.lstrip().split(None, 1)[0].upper(), s) for s in statements]
    assert any(verb == "SELECT" for verb, _ in verbs)
    # The job's own row (progress, result) is the only thing written.
    assert [s for verb, s in verbs if verb in WRITES and not re.search(r"\bjobs\b", s)] == []


def test_the_preview_without_writing_says_row_by_row_what_the_import_does(app):
    from crm.services.companies import create_company
    from tests.crm.companies.test_company_import import CVR_A, CVR_B, CVR_C

    with app.app_context():
        create_company({"name": "Bageriet ApS", "cvr": CVR_A, "postcode": "8000", "status": "partner"})
        create_company({"name": "Uændret ApS", "postcode": "8000", "phone": "12345678"})
        db.session.commit()
    header = ["navn", "cvr", "postnummer", "telefon", "status"]
    rows = [
        ["Bageriet ApS", CVR_A, "8000", "87654321", ""],  # updates the phone
        ["Bageriet Aps", CVR_B, "8000", "", ""],  # created; looks like Bageriet ApS
        ["Uændret ApS", "", "8000", "12345678", ""],  # unchanged
        ["Ny ApS", CVR_C, "8000", "", "partner"],  # created straight as partner
        ["Bageriet igen", CVR_A, "8000", "", ""],  # same CVR twice in the file
        ["Ugyldig", "12345678", "8000", "", ""],  # bad CVR
        ["Forkert status", "", "8000", "", "findes-ikke"],
    ]
    parsed = company_import.parse_upload("f.csv", csv_bytes(rows, header=header))

    def outcome(report):
        return [(r.number, r.action, r.changed_columns, r.errors, r.warnings) for r in report.rows]

    with app.app_context():
        previewed = outcome(company_import.preview_import(parsed))
        imported = outcome(company_import.run_import(parsed, filename="f.csv"))
        db.session.rollback()
    assert previewed == imported
    assert [action for _, action, *_ in previewed] == [
        "update", "create", "unchanged", "create", "reject", "reject", "reject"]
    assert previewed[0][2] == ["telefon"] and previewed[1][4], previewed
