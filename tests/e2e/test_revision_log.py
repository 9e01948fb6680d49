"""An admin narrows the revision log down in a real browser (issue 16, capability 7): by user,
action, company and period, is told in Danish when a filter is wrong, and exports what is shown."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import User
from crm.services.companies import create_company
from crm.timeutil import today

pytestmark = pytest.mark.e2e


@pytest.fixture
def register(app, make_user):
    email = make_user("konsulent", name="Karl Konsulent")
    with app.app_context():
        konsulent = db.session.scalar(sa.select(User).where(User.email == email))
        create_company({"name": "Hansens Bageri ApS", "postcode": "8000", "cvr": "10000009"}, actor=konsulent)
        create_company({"name": "Smedien A/S", "postcode": "7500"}, actor=konsulent)
        db.session.commit()


def _actions(page) -> list[str]:
    return page.locator("table.audit-log tbody tr td:nth-child(3)").all_inner_texts()


def test_admin_filters_the_revision_log_and_exports_it(page, login, live_server, make_user, register):
    login(make_user("admin", name="Anna Admin"))
    page.get_by_role("link", name="Revisionslog").click()
    page.wait_for_url(re.compile(r"/admin/revisionslog"))
    assert "Login" in _actions(page)

    page.get_by_label("Bruger").select_option(label="Karl Konsulent (Virksomhedskonsulent)")
    page.get_by_label("Handling").select_option(label="Virksomheden oprettet")
    page.get_by_label("Fra dato").fill(today().isoformat())
    page.get_by_label("Til dato").fill(today().isoformat())
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"action=company.create"))
    assert _actions(page) == ["Virksomheden oprettet", "Virksomheden oprettet"]
    assert page.get_by_role("status").inner_text().startswith("2 hændelser")

    page.get_by_label("Virksomhed (navn eller CVR)").fill("10000009")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"company=10000009"))
    row = page.locator("table.audit-log tbody tr")
    assert row.count() == 1
    expect(row.get_by_role("link", name="Virksomhed: Hansens Bageri ApS")).to_be_visible()
    assert "CVR: 10000009" in row.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    data = Path(download_info.value.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["Virksomheden oprettet"]

    page.get_by_label("Borger (reference)").fill("B-FINDESIKKE")
    page.get_by_role("button", name="Filtrér").click()
    error = page.locator("#borger-error")
    assert error.inner_text() == "Ingen borger har referencen «B-FINDESIKKE»."
    assert page.get_by_label("Borger (reference)").get_attribute("aria-invalid") == "true"
    assert page.locator("table.audit-log").count() == 0

    page.get_by_role("link", name="Nulstil").click()
    page.wait_for_url(re.compile(r"/admin/revisionslog$"))
    assert len(_actions(page)) >= 3
