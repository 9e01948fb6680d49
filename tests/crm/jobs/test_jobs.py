"""Jobs: long work runs outside the request, in the local worker or on RQ; its page shows the
progress and the result; a failure says why in Danish and keeps nothing."""

import io
import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Job, User
from crm.services import jobs
from crm.services.companies import create_company
from crm.services.jobs import JobFailed, create_job, dispatch, job_kind, run_one_pending, try_claim
from tests.conftest import fresh_redis, worker_redis_url

UPLOAD_URL = "/virksomheder/import"
CSV = b"navn;postnummer\nBageriet ApS;8000\nSmedien A/S;7500\n"
REDIS_URL = worker_redis_url(os.environ.get("TEST_JOB_REDIS_URL", "redis://127.0.0.1:6379/14"))


@job_kind("test.creates_then_fails")
def _creates_then_fails(job, progress):
    progress(50, "Halvvejs …")
    create_company({"name": "Halvt Skrevet ApS", "postcode": "8000"})
    raise JobFailed("Kørslen kunne ikke gøres færdig, fordi testen siger stop.")


@job_kind("test.creates_then_crashes")
def _creates_then_crashes(job, progress):
    create_company({"name": "Halvt Skrevet ApS", "postcode": "8000"})
    raise RuntimeError("boom")


@job_kind("test.counts")
def _counts(job, progress):
    return {"lines": [f"Talt til {job.params['n']}."]}


@pytest.fixture
def konsulent(browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    return email


def _queue(app, kind, params=None, *, email=None) -> int:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
        job = create_job(kind, params or {}, user=user)
        db.session.commit()
        return job.id


def _job(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _upload(browser) -> str:
    response = browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(CSV), "firmaer.csv")})
    assert response.status_code == 302
    return response.headers["Location"]


def _count_companies(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Company))


def test_upload_sends_the_user_to_a_job_page_with_a_progress_bar(app, browser, konsulent):
    page = browser.get(_upload(browser)).get_data(as_text=True)
    assert "<progress" in page and "Venter" in page
    assert "js/job.js" in page


def test_preview_job_run_by_the_local_worker_shows_the_preview(app, browser, konsulent):
    location = _upload(browser)
    with app.app_context():
        assert run_one_pending(worker="w1") is not None
    done = browser.get(location)
    assert done.status_code == 302 and "forhaandsvisning" in done.headers["Location"]
    page = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 oprettes" in page and "Bageriet ApS" in page
    assert _count_companies(app) == 0


def test_import_job_imports_and_the_job_page_leads_to_the_batch(app, browser, konsulent, run_jobs):
    _upload(browser)
    run_jobs()
    preview = browser.get("/virksomheder/import/forhaandsvisning").get_data(as_text=True)
    token = preview.split('name="token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    confirmed = browser.post_form("/virksomheder/import/bekraeft", {"token": token}, form_page=UPLOAD_URL)
    assert _count_companies(app) == 0  # the request only enqueued the import
    run_jobs()
    done = browser.get(confirmed.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Importen er gennemført: 2 oprettet, 0 opdateret." in done
    assert _count_companies(app) == 2


def test_job_page_shows_the_progress_the_job_reported(app, browser, konsulent):
    job_id = _queue(app, "test.counts", {"n": 3}, email=konsulent)
    with app.app_context():
        assert try_claim(job_id, worker="w1")
        jobs._progress_reporter(job_id, 1)(40, "Kontrollerer række 400 af 1.000 …")
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert 'value="40"' in page and "Kontrollerer række 400 af 1.000" in page
    status = browser.get(f"/koersel/{job_id}/status").get_json()
    assert status == {"status": "running", "progress": 40, "percent": "40\N{NO-BREAK SPACE}%",
                      "text": "Kontrollerer række 400 af 1.000 …", "finished": False}


def test_finished_job_page_shows_the_result(app, browser, konsulent):
    job_id = _queue(app, "test.counts", {"n": 3}, email=konsulent)
    with app.app_context():
        run_one_pending(worker="w1")
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert "Færdig" in page and "Talt til 3." in page and "<progress" not in page


def test_failed_job_shows_its_danish_reason_and_keeps_nothing(app, browser, konsulent):
    job_id = _queue(app, "test.creates_then_fails", email=konsulent)
    with app.app_context():
        run_one_pending(worker="w1")
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert "Mislykket" in page and "Kørslen kunne ikke gøres færdig, fordi testen siger stop." in page
    assert _count_companies(app) == 0


def test_crashed_job_says_so_in_danish_and_keeps_nothing(app, browser, konsulent):
    job_id = _queue(app, "test.creates_then_crashes", email=konsulent)
    with app.app_context():
        run_one_pending(worker="w1")
    assert _job(app, job_id).error == jobs.UNEXPECTED_ERROR
    assert str(jobs.UNEXPECTED_ERROR) in browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert _count_companies(app) == 0


def test_import_that_fails_while_writing_keeps_no_company(app, browser, konsulent, run_jobs, monkeypatch):
    from crm.services import company_import

    monkeypatch.setattr(company_import, "BATCH_SIZE", 1)
    original = company_import._insert

    def _insert_then_fail(table, rows):
        original(table, rows)
        if table.name == "import_changes":
            raise RuntimeError("disk full")  # after the first batch of one company is written

    monkeypatch.setattr(company_import, "_insert", _insert_then_fail)
    _upload(browser)
    run_jobs()
    preview = browser.get("/virksomheder/import/forhaandsvisning").get_data(as_text=True)
    token = preview.split('name="token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    confirmed = browser.post_form("/virksomheder/import/bekraeft", {"token": token}, form_page=UPLOAD_URL)
    run_jobs()
    page = browser.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Intet er gemt" in page
    assert _count_companies(app) == 0


def test_another_konsulent_cannot_see_the_job(app, browser, konsulent, make_user, client):
    job_id = _queue(app, "test.counts", {"n": 1}, email=konsulent)
    browser.logout()
    browser.login(make_user("konsulent"))
    assert browser.get(f"/koersel/{job_id}").status_code == 404
    assert browser.get(f"/koersel/{job_id}/status").status_code == 404


def test_admin_can_see_a_konsulents_job(app, browser, konsulent, make_user):
    job_id = _queue(app, "test.counts", {"n": 1}, email=konsulent)
    browser.logout()
    browser.login(make_user("admin"))
    assert browser.get(f"/koersel/{job_id}").status_code == 200


def test_job_survives_a_restart_of_the_web_worker(app, make_app, konsulent):
    job_id = _queue(app, "test.counts", {"n": 7}, email=konsulent)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the web worker that enqueued it is gone
    restarted = make_app()
    with restarted.app_context():
        assert run_one_pending(worker="after-restart") == job_id
    assert _job(restarted, job_id).result == {"lines": ["Talt til 7."]}


def test_a_claimed_job_cannot_be_claimed_again(app):
    job_id = _queue(app, "test.counts", {"n": 1})
    with app.app_context():
        assert try_claim(job_id, worker="w1")
        assert not try_claim(job_id, worker="w2")


def test_two_workers_claiming_at_once_get_different_jobs(app, make_app):
    first, second = _queue(app, "test.counts", {"n": 1}), _queue(app, "test.counts", {"n": 2})
    workers = [make_app(), make_app()]
    # Both see the same oldest job before either claims it: the guard must send one on to the next.
    for worker in workers:
        with worker.app_context():
            assert jobs.queued_job_ids()[0] == first
            db.session.commit()
    start = threading.Barrier(2)
    claimed, errors = [], []

    def claim(worker, name):
        try:
            with worker.app_context():
                start.wait(timeout=10)
                claimed.append(jobs.claim_next(worker=name))
                db.session.remove()
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(worker, f"w{n}")) for n, worker in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(claimed) == [first, second]
    assert {_job(app, first).worker, _job(app, second).worker} == {"w0", "w1"}


def test_work_command_runs_the_queued_jobs_in_burst_mode(app, runner):
    job_id = _queue(app, "test.counts", {"n": 5})
    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code == 0, result.output
    assert f"Kørsel {job_id} er afsluttet." in result.output
    assert _job(app, job_id).status == "done"


def test_remind_command_is_recorded_as_a_job(app, runner):
    result = runner.invoke(args=["openings", "remind"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        job = db.session.scalar(sa.select(Job))
        assert (job.kind, job.status, job.result["lines"]) == (
            "openings.remind", "done", ["Ingen stillinger skal bekræftes."])


# --- RQ on Redis ------------------------------------------------------------------------------

@pytest.fixture
def redis_url():
    return fresh_redis(REDIS_URL)


def test_rq_worker_runs_an_enqueued_job_to_done(make_app, redis_url):
    import rq

    queued_app = make_app(JOB_QUEUE_URL=redis_url)
    with queued_app.app_context():
        job = create_job("test.counts", {"n": 9})
        db.session.commit()
        job_id = job.id
        dispatch(job)
        assert job.backend == "rq" and run_one_pending(worker="local") is None  # not the local worker's
        queue = jobs._rq_queue()
        assert queue.count == 1
        rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.remove()
        done = db.session.get(Job, job_id)
        assert (done.status, done.result) == ("done", {"lines": ["Talt til 9."]})


def test_job_that_cannot_reach_the_queue_fails_with_a_danish_reason(make_app):
    unreachable = make_app(JOB_QUEUE_URL="redis://127.0.0.1:1/0")
    with unreachable.app_context():
        job = create_job("test.counts", {"n": 1})
        db.session.commit()
        job_id = job.id
        dispatch(job)
        db.session.remove()
        failed = db.session.get(Job, job_id)
        assert (failed.status, failed.error) == ("failed", jobs.QUEUE_DOWN)


# --- a worker that dies: the lease runs out and the job is queued again -------------------------

def _claimed_by_a_worker_that_dies(app, kind="test.counts", params=None) -> int:
    job_id = _queue(app, kind, params or {"n": 3})
    with app.app_context():
        assert try_claim(job_id, worker="died")
    return job_id


def test_a_job_left_running_by_a_dead_worker_is_queued_again_and_run(app, clock):
    job_id = _claimed_by_a_worker_that_dies(app)
    clock.shift(timedelta(minutes=app.config["JOB_LEASE_MINUTES"] + 1))
    with app.app_context():
        assert jobs.requeue_stale_jobs() == {"requeued": [job_id], "failed": []}
        queued = db.session.get(Job, job_id)
        assert (queued.status, queued.worker, queued.progress_text) == ("queued", "", jobs.RESTARTING)
        assert run_one_pending(worker="alive") == job_id
    done = _job(app, job_id)
    assert (done.status, done.attempts, done.worker, done.result) == ("done", 2, "alive", {"lines": ["Talt til 3."]})


def test_a_running_job_within_its_lease_is_left_alone(app, clock):
    job_id = _claimed_by_a_worker_that_dies(app)
    clock.shift(timedelta(minutes=app.config["JOB_LEASE_MINUTES"] - 1))
    with app.app_context():
        assert jobs.requeue_stale_jobs() == {"requeued": [], "failed": []}
    assert (_job(app, job_id).status, _job(app, job_id).worker) == ("running", "died")


def test_progress_reports_renew_the_lease(app, clock):
    lease = app.config["JOB_LEASE_MINUTES"]
    job_id = _queue(app, "test.counts", {"n": 1})
    with app.app_context():
        assert try_claim(job_id, worker="w")
        report = jobs._progress_reporter(job_id, 1)
        for _ in range(3):  # three lease-lengths in all, each step reported, the same text each time
            clock.shift(timedelta(minutes=lease - 1))
            report(10, "Arbejder …")
            assert jobs.requeue_stale_jobs() == {"requeued": [], "failed": []}
        clock.shift(timedelta(minutes=lease + 1))
        assert jobs.requeue_stale_jobs()["requeued"] == [job_id]


def test_a_job_whose_worker_keeps_dying_fails_with_a_danish_reason(app, browser, konsulent, clock):
    job_id = _queue(app, "test.counts", {"n": 1}, email=konsulent)
    attempts = app.config["JOB_MAX_ATTEMPTS"]
    with app.app_context():
        for attempt in range(1, attempts + 1):
            assert try_claim(job_id, worker=f"dies-{attempt}")
            clock.shift(timedelta(minutes=app.config["JOB_LEASE_MINUTES"] + 1))
            outcome = jobs.requeue_stale_jobs()
            assert outcome == ({"requeued": [job_id], "failed": []} if attempt < attempts
                               else {"requeued": [], "failed": [job_id]})
    failed = _job(app, job_id)
    assert (failed.status, failed.attempts) == ("failed", attempts)
    assert failed.error == jobs.GAVE_UP.format(attempts=attempts)
    browser.login(konsulent)  # the half hour of dying workers outlasted the session
    page = browser.get(f"/koersel/{job_id}").get_data(as_text=True)
    assert f"afbrudt {attempts} gange" in page


def test_a_slow_worker_that_finishes_after_the_takeover_does_not_overwrite_it(app, make_app, clock):
    other = make_app()

    @job_kind("test.outlived_its_lease")
    def _outlived(job, progress):
        # While this start is silent, its lease runs out and another worker takes the job over.
        clock.shift(timedelta(minutes=app.config["JOB_LEASE_MINUTES"] + 1))
        with other.app_context():
            assert jobs.requeue_stale_jobs()["requeued"] == [job.id]
            assert try_claim(job.id, worker="took-over")
            db.session.remove()
        create_company({"name": "Skrevet To Gange ApS", "postcode": "8000"})
        return {"lines": ["Den gamle kørsel."]}

    job_id = _queue(app, "test.outlived_its_lease")
    with app.app_context():
        assert run_one_pending(worker="slow") == job_id
    job = _job(app, job_id)
    assert (job.status, job.worker, job.attempts, job.result) == ("running", "took-over", 2, None)
    assert _count_companies(app) == 0


def test_work_command_queues_a_dead_workers_job_again_and_runs_it(app, runner, clock):
    job_id = _claimed_by_a_worker_that_dies(app)
    clock.shift(timedelta(minutes=app.config["JOB_LEASE_MINUTES"] + 1))
    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code == 0, result.output
    assert f"Kørsel {job_id} mistede sin arbejder og er sat i kø igen." in result.output
    assert _job(app, job_id).status == "done"


def test_rq_job_of_a_dead_worker_is_put_on_the_queue_again(make_app, redis_url, clock):
    queued_app = make_app(JOB_QUEUE_URL=redis_url)
    with queued_app.app_context():
        job = create_job("test.counts", {"n": 4})
        db.session.commit()
        job_id = job.id
        assert try_claim(job_id, worker="rq-died", backend="rq")
        clock.shift(timedelta(minutes=queued_app.config["JOB_LEASE_MINUTES"] + 1))
        assert jobs.requeue_stale_jobs()["requeued"] == [job_id]
        queue = jobs._rq_queue()
        assert queue.job_ids == [f"fodfaeste-job-{job_id}-2"]
