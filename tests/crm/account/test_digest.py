"""The daily e-mail digest: what each role finds in it, opting out per kind, once per Danish day,
no empty mail, borgere by reference only; and the konsulent's task for an employer without portal users."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.formatting import long_date
from crm.models import Borger, Company, DigestKind, DigestRun, Placement, Task, User
from crm.services.contacts import create_task
from crm.services.digest import (
    UnsubscribeError,
    build_digest,
    read_unsubscribe_token,
    send_digests,
    set_digest_kind,
    unsubscribe_token,
)
from crm.services.placements import advance
from crm.services.proposals import answer_proposal
from crm.services.reminders import KONSULENT_TASK_TITLE, send_reminders
from crm.timeutil import today

BASE = "https://fodfaeste.example.dk"


@pytest.fixture
def outbox(app):
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def _user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _task(email, title, days, company_id=None):
    user = _user(email)
    create_task(title=title, due=today() + timedelta(days=days), assignee_id=user.id,
                company=db.session.get(Company, company_id) if company_id else None, actor=None)


def _sections(digest) -> dict[DigestKind, list[str]]:
    return {section.kind: section.lines for section in digest.sections}


def _send():
    report = send_digests(base_url=BASE)
    db.session.commit()
    return report


def test_a_vejleder_gets_due_and_overdue_tasks_but_not_later_ones(app, make_user, make_partner):
    email = make_user("vejleder")
    company_id = make_partner("Bageriet Aps")
    with app.app_context():
        _task(email, "Ring til bageren", -2, company_id)
        _task(email, "Send aftalen", 0)
        _task(email, "Næste måned", 30)
        db.session.commit()
        lines = _sections(build_digest(_user(email)))[DigestKind.TASKS]
    assert len(lines) == 2
    assert "Ring til bageren (Bageriet Aps)" in lines[0] and "overskredet" in lines[0]
    assert lines[1] == "i dag: Send aftalen"


def test_a_vejleder_gets_efterværn_follow_ups_and_employer_answers_by_reference_only(
        app, make_user, make_borger, make_partner, propose):
    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette")
    company_id = make_partner("Lager A/S")
    employer_email = make_user("employer", company_id=company_id)
    placement_id = propose(borger_id, company_id)
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        answer_proposal(placement, "interesseret", actor=_user(employer_email))
        # Started in job four days ago: the first follow-along contact was yesterday, the next in 3 days.
        advance(placement, "job", on_date=today() - timedelta(days=4), actor=_user(email), hours_per_week=10)
        db.session.commit()
        reference = db.session.get(Borger, borger_id).reference
        digest = build_digest(_user(email))
        sections = _sections(digest)
    assert sections[DigestKind.EFTERVAERN] == [
        f"{long_date(today() - timedelta(days=1))} (overskredet): efterværnsopfølgning med borger {reference}",
        f"{long_date(today() + timedelta(days=3))}: efterværnsopfølgning med borger {reference}"]
    assert all(f"borger {reference}" in line for line in sections[DigestKind.EFTERVAERN])
    assert sections[DigestKind.ANSWERS] == [
        f"Lager A/S har svaret «Interesseret – kontakt mig» på forslaget om borger {reference}"]
    # The answer's task for the vejleder is about the borger: listed by reference, without its title.
    assert f"i dag: Opgave om borger {reference} (Lager A/S)" in sections[DigestKind.TASKS]
    assert DigestKind.RENEWALS not in sections and DigestKind.OPENINGS not in sections
    assert "Mette" not in "\n".join(line for lines in sections.values() for line in lines)


def test_a_konsulent_gets_renewals_within_30_days_and_openings_to_confirm_of_own_companies(
        app, make_user, user_id, make_partner, make_opening):
    email = make_user("konsulent")
    other = make_user("konsulent")
    mine = make_partner("Min Partner ApS", konsulent_id=user_id(email),
                        agreement_renewal=today() + timedelta(days=30))
    make_partner("Senere ApS", konsulent_id=user_id(email),
                 agreement_renewal=today() + timedelta(days=31))
    theirs = make_partner("Andens ApS", konsulent_id=user_id(other),
                          agreement_renewal=today() + timedelta(days=3))
    make_opening(mine, title="Pakker", days_unconfirmed=40)
    make_opening(mine, title="Frisk", days_unconfirmed=2)
    make_opening(theirs, title="Andens stilling", days_unconfirmed=40)
    with app.app_context():
        sections = _sections(build_digest(_user(email)))
    assert sections[DigestKind.RENEWALS] == [
        f"Min Partner ApS: samarbejdsaftalen skal fornys senest {long_date(today() + timedelta(days=30))}"]
    assert sections[DigestKind.OPENINGS] == ["Min Partner ApS: «Pakker» er ikke bekræftet i 40 dage"]
    assert DigestKind.TASKS not in sections


def test_a_teamleder_and_an_admin_get_their_own_tasks(app, make_user, make_teamleder):
    teamleder, _ = make_teamleder()
    admin = make_user("admin")
    with app.app_context():
        _task(teamleder, "Forbered styregruppen", 0)
        _task(admin, "Opret de nye brugere", -1)
        db.session.commit()
        assert _sections(build_digest(_user(teamleder))) == {DigestKind.TASKS: ["i dag: Forbered styregruppen"]}
        assert list(_sections(build_digest(_user(admin)))) == [DigestKind.TASKS]


def test_the_mail_is_danish_with_an_unsubscribe_link_per_kind(app, outbox, make_user, make_partner):
    email = make_user("vejleder", name="Vera Vejleder")
    with app.app_context():
        _task(email, "Ring til bageren", 0)
        db.session.commit()
        report = _send()
    assert len(report.sent) == 1
    [message] = outbox
    assert message.to == [email]
    assert message.subject.startswith("Dit overblik fra Fodfæste")
    assert message.body.startswith("Kære Vera Vejleder")
    assert "- i dag: Ring til bageren" in message.body
    assert f"{BASE}/overblik/afmeld/" in message.body and f"{BASE}/opgaver/" in message.body
    assert f"{BASE}/konto" in message.body


def test_a_user_who_reads_english_gets_the_digest_in_english(app, outbox, make_user):
    email = make_user("vejleder", name="Vera Vejleder")
    with app.app_context():
        _user(email).language = "en"
        _task(email, "Ring til bageren", 0)
        _task(email, "Send aftalen", -3)
        db.session.commit()
        _send()
    [message] = outbox
    assert message.subject.startswith("Your overview from Fodfæste")
    assert message.body.startswith("Dear Vera Vejleder\n\nHere is your overview for")
    assert "Tasks due today or overdue:" in message.body
    assert "- today: Ring til bageren" in message.body  # the task's title as it was typed
    assert "(overdue): Send aftalen" in message.body
    assert "unsubscribe here:" in message.body and "Kind regards" in message.body
    assert "Kære" not in message.body and "i dag" not in message.body


def test_a_kind_turned_off_is_left_out_and_all_off_sends_nothing(app, outbox, make_user, make_partner, user_id):
    email = make_user("konsulent")
    make_partner("Min Partner ApS", konsulent_id=user_id(email),
                 agreement_renewal=today() + timedelta(days=5))
    with app.app_context():
        _task(email, "Ring til bageren", 0)
        user = _user(email)
        set_digest_kind(user, DigestKind.TASKS, enabled=False)
        db.session.commit()
        assert list(_sections(build_digest(user))) == [DigestKind.RENEWALS]
        set_digest_kind(user, DigestKind.RENEWALS, enabled=False)
        db.session.commit()
        report = _send()
    assert outbox == [] and report.sent == [] and report.empty == 1


def test_an_empty_digest_is_not_sent(app, outbox, make_user):
    make_user("vejleder")
    with app.app_context():
        report = _send()
    assert outbox == [] and report.empty == 1


def test_employers_and_inactive_staff_get_no_digest(app, outbox, make_user, employer):
    email = make_user("vejleder")
    employer_email, _ = employer
    with app.app_context():
        _task(email, "Ring", 0)
        _user(email).active = False
        db.session.commit()
        _send()
        runs = db.session.scalars(sa.select(DigestRun.user_id)).all()
    assert outbox == [] and runs == []


def test_a_second_run_the_same_danish_day_sends_nothing_and_the_next_day_sends_again(
        app, outbox, clock, make_user):
    email = make_user("vejleder")
    # 23:30 in Denmark (winter time, UTC+1) …
    clock.move_to(datetime(2026, 3, 10, 22, 30, tzinfo=UTC), tick=False)
    with app.app_context():
        _task(email, "Ring til bageren", 0)
        db.session.commit()
        assert len(_send().sent) == 1
    # … 23:50, the same Danish day: nothing.
    clock.move_to(datetime(2026, 3, 10, 22, 50, tzinfo=UTC), tick=False)
    with app.app_context():
        report = _send()
        assert report.sent == [] and report.already == 1
    # 00:10 in Denmark is a new day, though it is still 10 March in UTC: the overdue task again.
    clock.move_to(datetime(2026, 3, 10, 23, 10, tzinfo=UTC), tick=False)
    with app.app_context():
        [digest] = _send().sent
        assert "overskredet" in digest.sections[0].lines[0]
        days = sorted(db.session.scalars(sa.select(DigestRun.day)).all())
    assert len(outbox) == 2
    assert [d.isoformat() for d in days] == ["2026-03-10", "2026-03-11"]


def test_an_empty_first_run_is_the_day_s_digest_too(app, outbox, clock, make_user):
    """A run that found nothing counts for the day: what comes later waits for tomorrow's digest."""
    email = make_user("vejleder")
    clock.move_to(datetime(2026, 3, 10, 5, 0, tzinfo=UTC), tick=False)
    with app.app_context():
        assert _send().empty == 1
        _task(email, "Ny opgave", 0)
        db.session.commit()
    clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False)
    with app.app_context():
        assert _send().sent == []
    assert outbox == []


def test_answers_are_those_since_the_previous_digest(app, outbox, clock, make_user, make_borger,
                                                     make_partner, propose):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Lager A/S")
    employer_email = make_user("employer", company_id=company_id)
    placement_id = propose(borger_id, company_id)
    clock.move_to(datetime(2026, 3, 10, 5, 0, tzinfo=UTC), tick=False)
    with app.app_context():
        set_digest_kind(_user(email), DigestKind.TASKS, enabled=False)
        answer_proposal(db.session.get(Placement, placement_id), "ikke_nu", actor=_user(employer_email))
        db.session.commit()
        clock.move_to(datetime(2026, 3, 10, 6, 0, tzinfo=UTC), tick=False)
        [first] = _send().sent
        assert len(first.sections[0].lines) == 1
    clock.move_to(datetime(2026, 3, 11, 6, 0, tzinfo=UTC), tick=False)
    with app.app_context():
        assert _send().sent == []  # yesterday's answer was in yesterday's digest


def test_the_unsubscribe_token_names_the_user_and_kind_and_refuses_tampering(app, make_user):
    email = make_user("vejleder")
    with app.app_context():
        user = _user(email)
        token = unsubscribe_token(user, DigestKind.EFTERVAERN)
        assert read_unsubscribe_token(token) == (user, DigestKind.EFTERVAERN)
        for bad in (token[:-2] + "xx", "", "abc.def.ghi"):
            with pytest.raises(UnsubscribeError):
                read_unsubscribe_token(bad)
        user.active = False
        db.session.commit()
        with pytest.raises(UnsubscribeError):
            read_unsubscribe_token(token)


def test_an_employer_without_portal_users_gives_the_konsulent_one_task_per_confirmation_due(
        app, runner, outbox, make_user, user_id, make_partner, make_opening):
    konsulent = make_user("konsulent", name="Karl Konsulent")
    company_id = make_partner("Uden Portal ApS", konsulent_id=user_id(konsulent))
    make_opening(company_id, title="Pakker", days_unconfirmed=35)
    first = runner.invoke(args=["openings", "remind"])
    second = runner.invoke(args=["openings", "remind"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "opgave til Karl Konsulent om at ringe om: Pakker" in first.output
    assert "Ingen stillinger skal bekræftes" in second.output
    assert outbox == []
    with app.app_context():
        [task] = db.session.scalars(sa.select(Task).where(Task.assignee_id == user_id(konsulent))).all()
        assert task.title == KONSULENT_TASK_TITLE and task.company_id == company_id and task.due == today()
        assert "Pakker" in task.note
        # The task reaches the konsulent's digest among the due tasks.
        assert _sections(build_digest(_user(konsulent)))[DigestKind.TASKS] == [
            f"i dag: {KONSULENT_TASK_TITLE} (Uden Portal ApS)"]


def test_a_company_with_neither_portal_user_nor_konsulent_is_listed_each_run(app, make_partner, make_opening):
    company_id = make_partner("Ingen ApS")
    make_opening(company_id, days_unconfirmed=35)
    with app.app_context():
        [reminder] = send_reminders(link="x")
        db.session.commit()
        assert reminder.task is None and not reminder.sent
        assert len(send_reminders(link="x")) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
