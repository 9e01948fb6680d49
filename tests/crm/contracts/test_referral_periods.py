"""Job in mind: a borger is referred for at most half a year at a time; the vejleder is reminded 14
days before a referral ends (a task, made once by the daily reminders job); renewals are counted."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Programme, Task
from crm.models.contract import ReferralPeriod
from tests.crm.reports.report_tables import page_tables, row_by_label


def _at(day: date, clock) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def job_in_mind(app, make_user, make_borger, clock):
    _at(date(2026, 1, 5), clock)
    with app.app_context():
        programme = Programme(name="Job in mind", municipality="Holstebro", starts_on=date(2022, 1, 1),
                              referral_months=6)
        db.session.add(programme)
        db.session.commit()
        pid = programme.id
    vejleder = make_user("vejleder")
    borger = make_borger(vejleder, programme_id=pid, first_name="Signe", enrolled_on=date(2026, 1, 5))
    return {"pid": pid, "vejleder": vejleder, "borger": borger}


def _refer(browser, w, **data):
    url = f"/borgere/{w['borger']}/henvisning"
    return browser.post_form(url, data, form_page=f"/borgere/{w['borger']}", follow_redirects=True)


def test_a_referral_lasts_at_most_half_a_year(app, browser, job_in_mind):
    browser.login(job_in_mind["vejleder"])
    page = browser.get(f"/borgere/{job_in_mind['borger']}").get_data(as_text=True)
    assert "Registrér henvisning" in page and 'value="2026-07-04"' in page  # the longest, suggested
    too_long = _refer(browser, job_in_mind, starts_on="2026-01-05", ends_on="2026-07-05").get_data(as_text=True)
    assert "højst henvises 6 måneder ad gangen (senest til 4. juli 2026)" in too_long
    assert "Henvisningen er gemt." in _refer(browser, job_in_mind, starts_on="2026-01-05", ends_on="").get_data(
        as_text=True)
    with app.app_context():
        referral = db.session.scalar(sa.select(ReferralPeriod))
        assert (referral.starts_on, referral.ends_on, referral.renewal) == (date(2026, 1, 5), date(2026, 7, 4), False)


def test_a_renewal_needs_a_new_plan_and_follows_the_last_period(app, browser, job_in_mind):
    browser.login(job_in_mind["vejleder"])
    _refer(browser, job_in_mind, starts_on="2026-01-05")
    overlap = _refer(browser, job_in_mind, starts_on="2026-07-01", plan="Praktik i butik").get_data(as_text=True)
    assert "Den nye henvisning skal begynde efter den forrige slutter (4. juli 2026)." in overlap
    no_plan = _refer(browser, job_in_mind, starts_on="2026-07-05").get_data(as_text=True)
    assert "Beskriv den nye plan for borgeren." in no_plan
    done = _refer(browser, job_in_mind, starts_on="2026-07-05", plan="Praktik i butik").get_data(as_text=True)
    assert "Henvisningen er gemt." in done and "(fornyelse)" in done
    with app.app_context():
        periods = db.session.scalars(sa.select(ReferralPeriod).order_by(ReferralPeriod.starts_on)).all()
        assert [(p.starts_on, p.ends_on, p.renewal) for p in periods] == [
            (date(2026, 1, 5), date(2026, 7, 4), False), (date(2026, 7, 5), date(2027, 1, 4), True)]


def test_the_vejleder_gets_one_task_14_days_before_the_referral_ends(app, browser, runner, clock, job_in_mind):
    browser.login(job_in_mind["vejleder"])
    _refer(browser, job_in_mind, starts_on="2026-01-05")  # ends 4 July 2026
    _at(date(2026, 6, 19), clock)  # 15 days before: not yet
    assert runner.invoke(args=["openings", "remind"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    _at(date(2026, 6, 20), clock)  # 14 days before
    first = runner.invoke(args=["openings", "remind"])
    second = runner.invoke(args=["openings", "remind"])
    assert first.exit_code == second.exit_code == 0
    with app.app_context():
        borger = db.session.get(Borger, job_in_mind["borger"])
        tasks = db.session.scalars(sa.select(Task)).all()
        assert [(t.title, t.due, t.assignee_id, t.borger_id) for t in tasks] == [
            ("Henvisningen udløber 4. juli 2026: læg en ny plan", date(2026, 6, 20), borger.vejleder_id, borger.id)]
    assert f"udløber 04.07.2026: {borger.reference}" in first.output
    assert "udløber" not in second.output


def test_the_dashboard_counts_referrals_and_renewals(app, browser, make_user, clock, job_in_mind):
    browser.login(job_in_mind["vejleder"])
    _refer(browser, job_in_mind, starts_on="2026-01-05")
    _refer(browser, job_in_mind, starts_on="2026-07-05", plan="Ny plan: løntilskud")
    browser.logout()
    browser.login(make_user("admin"))
    tables = page_tables(browser.get(f"/indsatser/{job_in_mind['pid']}").get_data(as_text=True))
    rows = tables["henvisninger"]
    assert row_by_label(rows, "Borgere henvist nu")[1] == "1"
    assert row_by_label(rows, "Fornyelser (ny plan)")[1] == "1"
    assert row_by_label(rows, "Borgere med mindst én fornyelse")[1] == "1"
    assert row_by_label(rows, "Aktive borgere uden løbende henvisning")[1] == "0"
    browser.logout()
    browser.login(make_user("konsulent"))
    tables = page_tables(browser.get(f"/indsatser/{job_in_mind['pid']}").get_data(as_text=True))
    assert row_by_label(tables["henvisninger"], "Fornyelser (ny plan)")[1] == "<5"


def test_programmes_without_a_referral_limit_show_no_referral_table(app, browser, make_user):
    with app.app_context():
        programme = Programme(name="Din vej i job", municipality="Aarhus")
        db.session.add(programme)
        db.session.commit()
        pid = programme.id
    browser.login(make_user("admin"))
    assert "henvisninger" not in page_tables(browser.get(f"/indsatser/{pid}").get_data(as_text=True))
