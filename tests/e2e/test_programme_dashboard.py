"""An admin opens the Din vej i job dashboard, sees targets and fidelity figures, downloads the XLSX."""

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Programme
from crm.models.programme import OutcomeKind as K
from crm.services.programmes import load_demo_programmes

pytestmark = pytest.mark.e2e


def test_admin_opens_din_vej_i_job_and_downloads_the_xlsx(
    app, page, login, live_server, make_user, make_borger, tmp_path
):
    with app.app_context():
        load_demo_programmes()
        db.session.commit()
        pid = db.session.scalar(sa.select(Programme.id).where(Programme.name == "Din vej i job"))
    vejleder = make_user("vejleder")
    borger = make_borger(vejleder, programme_id=pid)
    with app.app_context():
        from crm.models import OutcomeEvent
        from crm.timeutil import today

        db.session.add(
            OutcomeEvent(borger_id=borger, programme_id=pid, kind=K.ORDINARY_JOB_START, on_date=today())
        )
        db.session.commit()

    login(make_user("admin"))
    page.get_by_role("link", name="Indsatser").click()
    page.get_by_role("link", name="Din vej i job").click()
    page.get_by_role("heading", name="Din vej i job", level=1).wait_for()
    targets = page.locator("#tabel-maal")
    assert "Borgere hjulpet i job eller uddannelse" in targets.inner_text()
    fidelity = page.locator("#tabel-fidelity").inner_text()
    assert "Konkurrenceudsatte job blandt jobstarter" in fidelity
    assert "100\N{NO-BREAK SPACE}%" in fidelity
    expect(page.get_by_role("img", name="Resultater pr. måned")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent som Excel (XLSX)").click()
    path = tmp_path / "dashboard.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["Mål"].iter_rows(values_only=True))
    workbook.close()
    assert rows[1][0] == "Borgere hjulpet i job eller uddannelse"
    assert rows[1][2] == 1  # a number, not the text "1" (issue 16)
