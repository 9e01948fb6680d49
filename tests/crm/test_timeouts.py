"""The server's request timeout is the app's, and an import that is stopped or killed half-way
leaves nothing behind (issue 10, point 5). Imports run as jobs, outside any request."""

import re
import runpy
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db
from crm.models import Company, ImportBatch
from crm.services import company_import
from tests.crm.companies.test_company_import import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
ROWS = 10
IMPORT_LIMIT = 5


def test_gunicorn_kills_requests_after_the_apps_request_timeout(monkeypatch, app_config):
    monkeypatch.setenv("REQUEST_TIMEOUT_SECONDS", "77")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    app = create_app(app_config)
    assert settings["timeout"] == app.config["REQUEST_TIMEOUT_SECONDS"] == 77


def test_readme_runs_gunicorn_with_its_config_file():
    commands = [line for line in (ROOT / "README.md").read_text().splitlines()
                if re.search(r"gunicorn .*wsgi:app", line)]
    assert commands
    assert all("-c gunicorn.conf.py" in line for line in commands), commands


@pytest.mark.parametrize("interruption", [SystemExit, RuntimeError])
def test_an_import_interrupted_half_way_through_writing_leaves_no_rows(app, monkeypatch, interruption):
    """A job worker killed mid-import (SystemExit, as gunicorn or systemd stop it) or crashing
    keeps nothing: the import writes in one transaction that commits only at the end."""
    data = csv_bytes([[f"Firma {n} ApS", "", "8000", "", "", "", "", ""] for n in range(ROWS)])
    monkeypatch.setattr(company_import, "BATCH_SIZE", 2)
    written, original = [], company_import._insert

    def insert_then_die(table, rows):
        if table.name == "companies" and written:
            raise interruption(1)
        original(table, rows)
        if table.name == "companies":
            written.extend(rows)

    monkeypatch.setattr(company_import, "_insert", insert_then_die)
    with app.app_context(), pytest.raises(interruption):
        company_import.run_import(company_import.parse_upload("f.csv", data), filename="f.csv")
    assert written  # a batch had been written when it stopped
    assert _count(app, Company) == 0
    assert _count(app, ImportBatch) == 0
    monkeypatch.setattr(company_import, "_insert", original)
    with app.app_context():  # the database is not left locked
        report = company_import.run_import(company_import.parse_upload("f.csv", data), filename="f.csv")
        db.session.commit()
        assert report.batch is not None
    assert _count(app, Company) == ROWS


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))
