"""Big exports run as jobs: the job's page offers the file, to the user who asked, while still allowed."""

import csv
import io
import os

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Job, User
from crm.services import job_kinds
from crm.services.companies import create_company
from crm.services.company_search import CompanySearch

EXPORT_URL = "/virksomheder/eksport.csv"


@pytest.fixture
def big_register(app, monkeypatch):
    """Three companies, and a limit of two for an export in the request."""
    monkeypatch.setattr("crm.companies.listing.COMPANY_EXPORT_INLINE_ROWS", 2)
    with app.app_context():
        for name in ("Bageriet ApS", "Smedien A/S", "Lageret I/S"):
            create_company({"name": name, "postcode": "8000", "status": "partner"})
        db.session.commit()


def _start_export(browser, url=EXPORT_URL) -> int:
    response = browser.get(url)
    assert response.status_code == 302 and "/koersel/" in response.headers["Location"]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _set_role(app, email, role):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == email).values(role=role))
        db.session.commit()


def test_an_export_above_the_limit_is_a_job_whose_page_offers_the_file(app, browser, make_user, big_register,
                                                                        run_jobs):
    email = make_user("vejleder")
    browser.login(email)
    job_id = _start_export(browser)
    assert "Fremskridt" in browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    run_jobs()
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert "Eksporten af 3 virksomheder er klar." in page and f"/koersel/{job_id}/fil" in page
    response = browser.get(f"/koersel/{job_id}/fil")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    names = [row[0] for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")][1:]
    assert sorted(names) == ["Bageriet ApS", "Lageret I/S", "Smedien A/S"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company.export"))
        assert event.details["count"] == 3 and event.actor.email == email


def test_an_export_below_the_limit_stays_in_the_request(app, browser, make_user, big_register, monkeypatch):
    monkeypatch.setattr("crm.companies.listing.COMPANY_EXPORT_INLINE_ROWS", 3)
    browser.login(make_user("konsulent"))
    response = browser.get(EXPORT_URL)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_only_the_user_who_asked_may_download_the_file(app, browser, make_user, big_register, run_jobs):
    browser.login(make_user("konsulent"))
    job_id = _start_export(browser)
    run_jobs()
    browser.logout()
    browser.login(make_user("konsulent"))
    assert browser.get(f"/koersel/{job_id}/fil").status_code == 404
    browser.logout()
    browser.login(make_user("admin"))  # an admin may see the job, not take the file
    assert f"/koersel/{job_id}/fil" not in browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert browser.get(f"/koersel/{job_id}/fil").status_code == 404


def test_a_user_who_is_no_longer_staff_cannot_download_their_export(app, browser, make_user, big_register,
                                                                     run_jobs):
    email = make_user("konsulent")
    browser.login(email)
    job_id = _start_export(browser)
    run_jobs()
    _set_role(app, email, "employer")
    assert browser.get(f"/koersel/{job_id}/fil").status_code in (403, 404)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert not job_kinds.may_download(user, db.session.get(Job, job_id))


def test_an_export_whose_file_is_gone_says_so_in_danish(app, browser, make_user, big_register, run_jobs):
    browser.login(make_user("konsulent"))
    job_id = _start_export(browser)
    run_jobs()
    with app.app_context():
        os.remove(job_kinds.export_path(db.session.get(Job, job_id)))
    response = browser.get(f"/koersel/{job_id}/fil")
    assert response.status_code == 302
    assert "Lav eksporten igen" in browser.get(response.headers["Location"]).get_data(as_text=True)


def test_the_export_job_reports_its_progress_by_rows(app, make_user, big_register, monkeypatch):
    monkeypatch.setattr("crm.services.company_export.PROGRESS_ROWS", 1)
    reports = []
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == make_user("konsulent")))
        job = job_kinds.request_company_export(
            CompanySearch(statuses=("partner",)), fmt="xlsx", criteria={}, user=user)
        db.session.commit()
        job_kinds.company_export_job(job, lambda percent, text: reports.append((percent, text)))
    assert "Skriver række 3 af 3 …" in [text for _, text in reports]
    assert [percent for percent, _ in reports] == sorted(percent for percent, _ in reports)
