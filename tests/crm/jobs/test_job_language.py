"""A job runs outside the request that started it, in the language of the person who started it:
its progress texts, result lines and error read in that language on its page."""

import io

import openpyxl
import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import Job, Programme, User
from crm.services.job_kinds import REPORT_EXPORT, export_path
from crm.services.jobs import create_job, job_kind, run_one_pending, try_claim


@job_kind("test.speaks")
def _speaks(job, progress):
    progress(50, _("Skriver filen …"))
    return {"lines": [_("Kørslen er færdig.")]}


def _user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_a_job_started_in_an_english_request_runs_in_english(app, browser, make_user):
    email = make_user("admin")
    browser.login(email)
    browser.client.set_cookie("sprog", "en")
    with app.test_request_context("/", headers={"Cookie": "sprog=en"}):
        job = create_job("test.speaks", user=_user(email))
        db.session.commit()
        assert (job.language, job.progress_text) == ("en", "Waiting to be started …")
        job_id = job.id
    with app.app_context():  # the worker: no request, no cookie
        run_one_pending(worker="w1")
        job = db.session.get(Job, job_id)
        assert (job.progress_text, job.result["lines"]) == ("Done.", ["The run is finished."])
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert "The run is finished." in page and "Done" in page


def test_a_job_started_in_danish_stays_danish_whoever_reads_it(app, make_user):
    email = make_user("admin")
    with app.test_request_context("/", headers={"Accept-Language": "da"}):
        job_id = create_job("test.speaks", user=_user(email)).id
        db.session.commit()
    with app.app_context():
        run_one_pending(worker="w1")
        job = db.session.get(Job, job_id)
        assert (job.language, job.progress_text, job.result["lines"]) == ("da", "Færdig.", ["Kørslen er færdig."])


def test_a_report_export_job_writes_its_result_and_file_in_the_starters_language(app, make_user):
    email = make_user("admin")
    with app.app_context():
        programme = Programme(name="Testindsats")
        db.session.add(programme)
        db.session.flush()
        pid = programme.id
        user = _user(email)
        user.language = "en"  # outside a request the job takes the user's own choice
        job = create_job(REPORT_EXPORT, {"programme_id": pid, "fmt": "xlsx", "masked": False, "token": "t0k3n"},
                         user=user)
        db.session.commit()
        run_one_pending(worker="w1")
        job = db.session.get(Job, job.id)
        assert job.status == "done"
        assert job.result["lines"] == ["The export of “Testindsats” is ready."]
        workbook = openpyxl.load_workbook(io.BytesIO(export_path(job).read_bytes()))
    assert workbook.sheetnames[0] == "Overview"
    assert next(workbook["Overview"].iter_rows(values_only=True)) == ("Figure", "Number of borgere")


def test_a_failing_job_says_why_in_the_starters_language(app, make_user):
    email = make_user("admin")
    with app.app_context():
        user = _user(email)
        user.language = "en"
        job = create_job(REPORT_EXPORT, {"programme_id": 999_999, "fmt": "csv", "masked": True, "token": "x"},
                         user=user)
        db.session.commit()
        run_one_pending(worker="w1")
        job = db.session.get(Job, job.id)
        assert (job.status, job.error, job.progress_text) == ("failed", "The programme no longer exists.", "Failed.")


def test_a_claimed_job_says_it_has_started_in_the_starters_language(app, make_user):
    email = make_user("admin")
    with app.app_context():
        user = _user(email)
        user.language = "en"
        job_id = create_job("test.speaks", user=user).id
        db.session.commit()
        assert try_claim(job_id, worker="w1")
        assert db.session.get(Job, job_id).progress_text == "Started …"
