"""Date-sensitive behaviour at the instants where UTC and Danish time disagree.

CI runs at any hour and season. Each test here stops the suite's clock at one of these instants:
early morning, the half hour after midnight in Denmark while UTC is still on the day before (in
winter, in summer, at a week's and a month's turn), and the two nights the clocks change.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Company, ContactLogEntry, OutcomeEvent, Programme, User
from crm.models.programme import OutcomeKind
from crm.services import ValidationError
from crm.timeutil import DANISH_TZ, local_now, to_local, today, utcnow

INSTANTS = {
    "winter-morning": "2026-01-13T05:30:00+00:00",  # 06:30 in Denmark, before the working day
    "monday-0030": "2026-01-18T23:30:00+00:00",  # Monday 00:30 in Denmark, Sunday in UTC
    "summer-0030": "2026-07-14T22:30:00+00:00",  # 00:30 in Danish summer time, the day before in UTC
    "spring-forward": "2026-03-29T01:30:00+00:00",  # 03:30 CEST, half an hour after 02:00 became 03:00
    "fall-back": "2026-10-25T01:30:00+00:00",  # 02:30 CET, the second 02:30 of that night
    "month-turn": "2026-01-31T23:30:00+00:00",  # 00:30 on 1 February in Denmark
}


@pytest.fixture(params=list(INSTANTS), ids=list(INSTANTS))
def instant(request, clock):
    """Stop the clock at the instant; yields it (time zone aware)."""
    moment = datetime.fromisoformat(INSTANTS[request.param])
    clock.move_to(moment, tick=False)
    return moment


def _get(model, object_id):
    return db.session.get(model, object_id)


def _actor(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_the_clock_is_at_the_instant_and_today_is_the_danish_date(app, instant):
    with app.app_context():
        assert today() == instant.astimezone(DANISH_TZ).date()
        assert abs(utcnow() - instant.astimezone(UTC).replace(tzinfo=None)) < timedelta(seconds=1)


def test_a_contact_logged_with_the_forms_default_time_is_accepted_and_dated_today(
        app, browser, make_user, make_partner, instant):
    company_id = make_partner("Lager A/S")
    browser.login(make_user("konsulent"))
    form_page = browser.get(f"/virksomheder/{company_id}/kontaktlog/ny").get_data(as_text=True)
    default_at = re.search(r'name="at"[^>]*value="([^"]+)"', form_page).group(1)
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny",
                                 {"kind": "visit", "at": default_at, "summary": "Besøg på lageret"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(ContactLogEntry))
        assert to_local(entry.at).date() == today()
        from crm.services.contacts import staleness
        company = _get(Company, company_id)
        assert company.last_contact_at == entry.at and staleness(company) is None


def test_a_contact_a_minute_ago_is_accepted_and_one_an_hour_ahead_is_refused(
        app, make_user, make_partner, instant):
    from crm.services.contacts import log_contact

    company_id = make_partner("Lager A/S")
    email = make_user("konsulent")
    with app.app_context():
        company, actor = _get(Company, company_id), _actor(email)
        entry = log_contact(company, {"kind": "phone", "at": local_now() - timedelta(minutes=1),
                                      "summary": "Kort opringning"}, actor=actor)
        assert utcnow() - entry.at < timedelta(minutes=2)
        with pytest.raises(ValidationError, match="fremtiden"):
            log_contact(company, {"kind": "phone", "at": local_now() + timedelta(hours=1),
                                  "summary": "For tidligt"}, actor=actor)


def test_a_meeting_about_a_borger_is_their_first_employer_contact_on_the_danish_date(
        app, make_user, make_borger, make_partner, instant):
    from crm.services.contacts import log_contact

    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Lager A/S")
    with app.app_context():
        log_contact(_get(Company, company_id), {"kind": "meeting", "at": None, "summary": "Præsenterede Mette",
                                                "borger_id": borger_id}, actor=_actor(email))
        db.session.commit()
        first = db.session.scalar(sa.select(OutcomeEvent).where(
            OutcomeEvent.kind == OutcomeKind.FIRST_EMPLOYER_CONTACT))
        assert first.on_date == today()


def test_staleness_counts_whole_danish_days(app, make_partner, instant):
    from crm.services.contacts import stale_partners, staleness

    def last_contact(days_ago, hour, minute):
        local = datetime.combine(today() - timedelta(days=days_ago), datetime.min.time()).replace(
            hour=hour, minute=minute, tzinfo=DANISH_TZ)
        return local.astimezone(UTC).replace(tzinfo=None)

    thirty = make_partner("Tredive Dage ApS")
    twenty_nine = make_partner("Niogtyve Dage ApS")
    with app.app_context():
        _get(Company, thirty).last_contact_at = last_contact(30, 23, 59)  # late on the day 30 days ago
        _get(Company, twenty_nine).last_contact_at = last_contact(29, 0, 1)  # early on the day after
        db.session.commit()
        assert staleness(_get(Company, thirty)).days == 30
        assert staleness(_get(Company, twenty_nine)) is None
        assert [c.id for c, _ in stale_partners()] == [thirty]


def test_an_outcome_may_be_dated_today_but_not_tomorrow(app, make_user, make_borger, instant):
    from crm.services.outcomes import record_outcome

    email = make_user("vejleder")
    borger_id = make_borger(email)
    with app.app_context():
        borger, actor = _get(Borger, borger_id), _actor(email)
        assert record_outcome(borger, OutcomeKind.RETAINED_13W, on_date=today(), actor=actor).on_date == today()
        with pytest.raises(ValidationError, match="fremtiden"):
            record_outcome(borger, OutcomeKind.RETAINED_26W, on_date=today() + timedelta(days=1), actor=actor)


def test_an_opening_is_reminded_once_after_thirty_days_unconfirmed(
        app, make_user, employer, make_opening, instant):
    from crm.services.reminders import send_reminders

    _email, company_id = employer
    due = make_opening(company_id, title="Pakker", days_unconfirmed=30)
    make_opening(company_id, title="Chauffør", days_unconfirmed=29)
    outbox = app.extensions["mailman"].outbox = []
    with app.app_context():
        first = send_reminders(link="https://fodfaeste.example/portal")
        db.session.commit()
        again = send_reminders(link="https://fodfaeste.example/portal")
        assert [[o.id for o in r.openings] for r in first] == [[due]]
        assert again == [] and len(outbox) == 1


def test_retention_erases_the_day_after_the_period_ends(app, make_user, make_borger, instant):
    from crm.services.borger_rights import due_for_erasure
    from crm.services.outcomes import end_course

    email = make_user("vejleder")
    retention = app.config["BORGER_RETENTION_DAYS"]
    due = make_borger(email, first_name="Udløbet", enrolled_on=today() - timedelta(days=retention + 100))
    kept = make_borger(email, first_name="Bevares", enrolled_on=today() - timedelta(days=retention + 100))
    with app.app_context():
        actor = _actor(email)
        end_course(_get(Borger, due), on_date=today() - timedelta(days=retention + 1), reason="Job", actor=actor)
        end_course(_get(Borger, kept), on_date=today() - timedelta(days=retention), reason="Job", actor=actor)
        db.session.commit()
        assert [b.id for b in due_for_erasure()] == [due]


def test_an_outcome_today_is_counted_in_this_danish_month(app, make_user, make_borger, instant):
    from crm.services.outcomes import record_outcome
    from crm.services.reports import outcomes_by_month

    email = make_user("vejleder")
    with app.app_context():
        programme = Programme(name="Testindsats", municipality="Aarhus", starts_on=date(2025, 1, 1),
                              caseload_norm=20)
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    borger_id = make_borger(email, programme_id=programme_id)
    with app.app_context():
        record_outcome(_get(Borger, borger_id), OutcomeKind.ORDINARY_JOB_START, on_date=today(),
                       actor=_actor(email))
        db.session.commit()
        months, series = outcomes_by_month(_get(Programme, programme_id))
        assert months[-1] == today().replace(day=1)
        assert sum(counts[-1] for counts in series.values()) >= 1
        assert all(sum(counts[:-1]) == 0 for counts in series.values())


def test_a_meeting_logged_now_counts_in_the_vejleders_week(app, browser, make_user, make_partner, instant):
    from crm.services.contacts import log_contact

    email = make_user("vejleder")
    company_id = make_partner("Lager A/S")
    with app.app_context():
        log_contact(_get(Company, company_id), {"kind": "meeting", "at": None, "summary": "Møde"},
                    actor=_actor(email))
        db.session.commit()
    browser.login(email)
    html = browser.get("/min-uge").get_data(as_text=True)
    assert "<strong>1</strong> af 6 i denne uge" in html


def test_an_overdue_task_is_one_due_before_the_danish_today(app, make_user, make_partner, instant):
    from crm.services.contacts import create_task, is_overdue

    email = make_user("konsulent")
    company_id = make_partner("Lager A/S")
    with app.app_context():
        actor = _actor(email)
        company = _get(Company, company_id)
        due_today = create_task(title="I dag", due=today(), assignee_id=actor.id, company=company, actor=actor)
        # Set by the system: a person may not give a task a due date before today.
        yesterday = create_task(title="I går", due=today() - timedelta(days=1), assignee_id=actor.id,
                                company=company)
        assert not is_overdue(due_today) and is_overdue(yesterday)
