"""The server's request timeout and the app's own limits agree, and an import that is stopped or
killed half-way leaves nothing behind (issue 10, point 5)."""

import io
import re
import runpy
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db
from crm.models import Company, ImportBatch
from crm.services import company_import
from tests.conftest import csrf_token_from
from tests.crm.companies.test_company_import import CONFIRM_URL, PREVIEW_URL, TOKEN_RE, UPLOAD_URL, csv_bytes

ROOT = Path(__file__).resolve().parents[2]
ROWS = 10
IMPORT_LIMIT = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IMPORT_TIME_LIMIT_SECONDS": IMPORT_LIMIT}


def test_gunicorn_kills_requests_after_the_apps_request_timeout(monkeypatch, app_config):
    monkeypatch.setenv("REQUEST_TIMEOUT_SECONDS", "77")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    app = create_app({key: value for key, value in app_config.items() if key != "IMPORT_TIME_LIMIT_SECONDS"})
    assert settings["timeout"] == app.config["REQUEST_TIMEOUT_SECONDS"] == 77
    assert app.config["IMPORT_TIME_LIMIT_SECONDS"] < 77


def test_readme_runs_gunicorn_with_its_config_file():
    commands = [line for line in (ROOT / "README.md").read_text().splitlines()
                if re.search(r"gunicorn .*wsgi:app", line)]
    assert commands
    assert all("-c gunicorn.conf.py" in line for line in commands), commands


def test_an_import_limit_at_or_above_the_request_timeout_is_refused_at_start(app_config):
    with pytest.raises(RuntimeError, match="IMPORT_TIME_LIMIT_SECONDS"):
        create_app({**app_config, "REQUEST_TIMEOUT_SECONDS": 60, "IMPORT_TIME_LIMIT_SECONDS": 60})


@pytest.fixture
def konsulent(browser, make_user):
    browser.login(make_user("konsulent"))
    return browser


def _upload(browser):
    data = csv_bytes([[f"Firma {n} ApS", "", "8000", "", "", "", "", ""] for n in range(ROWS)])
    assert browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "f.csv")}).status_code == 302


def _slow_clock(monkeypatch):
    """Each look at the clock is one second later: the limit is passed after a few rows."""
    ticks = iter(range(10**6))
    monkeypatch.setattr(company_import, "monotonic", lambda: next(ticks))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _confirm(browser):
    """Post the confirmation of the previewed file (the preview itself is not run again)."""
    page = browser.get(PREVIEW_URL).get_data(as_text=True)
    data = {"token": TOKEN_RE.search(page).group(1), "csrf_token": csrf_token_from(page)}
    return lambda: browser.client.post(CONFIRM_URL, data=data, follow_redirects=True)


def test_an_import_that_runs_out_of_time_stops_with_a_danish_message_and_writes_nothing(
        app, konsulent, monkeypatch):
    _upload(konsulent)
    confirm = _confirm(konsulent)
    _slow_clock(monkeypatch)
    page = confirm().get_data(as_text=True)
    assert f"for stor til at blive gennemgået på én gang (mere end {IMPORT_LIMIT} sekunder)" in page
    assert _count(app, Company) == 0
    assert _count(app, ImportBatch) == 0


def test_a_preview_that_runs_out_of_time_stops_with_a_danish_message(app, konsulent, monkeypatch):
    _upload(konsulent)
    _slow_clock(monkeypatch)
    page = konsulent.get(PREVIEW_URL, follow_redirects=True).get_data(as_text=True)
    assert "for stor til at blive gennemgået på én gang" in page


@pytest.mark.parametrize("interruption", [SystemExit, RuntimeError])
def test_an_import_interrupted_inside_the_row_loop_leaves_no_rows(app, konsulent, monkeypatch, interruption):
    """gunicorn ends a timed-out worker with SystemExit wherever it is; any other crash is the same."""
    _upload(konsulent)
    confirm = _confirm(konsulent)
    created, original = [], company_import.create_company

    def create_then_die(data, **kwargs):
        if len(created) == ROWS // 2:
            raise interruption(1)
        created.append(original(data, **kwargs))
        return created[-1]

    monkeypatch.setattr(company_import, "create_company", create_then_die)
    with pytest.raises(interruption):
        confirm()
    assert len(created) == ROWS // 2  # half the rows had been written when it stopped
    assert _count(app, Company) == 0
    assert _count(app, ImportBatch) == 0
    monkeypatch.setattr(company_import, "create_company", original)
    assert confirm().status_code == 200  # the database is not left locked
    assert _count(app, Company) == ROWS
