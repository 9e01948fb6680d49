"""`flask openings remind`: one e-mail per employer about stale openings, sent once."""

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.models import Opening
from crm.services.openings import confirm_opening
from crm.services.reminders import send_reminders
from crm.timeutil import utcnow


@pytest.fixture
def outbox(app):
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def test_remind_run_twice_sends_each_reminder_once(runner, outbox, employer, make_opening):
    email, company_id = employer
    make_opening(company_id, title="Lagermedarbejder", days_unconfirmed=35)
    first = runner.invoke(args=["openings", "remind"])
    second = runner.invoke(args=["openings", "remind"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert [m.to for m in outbox] == [[email]]
    assert "Påmindelse sendt til" in first.output
    assert "Ingen stillinger skal bekræftes" in second.output


def test_reminder_lists_the_stale_openings_and_links_to_the_portal(runner, outbox, employer, make_opening):
    _, company_id = employer
    make_opening(company_id, title="Lagermedarbejder", days_unconfirmed=35)
    make_opening(company_id, title="Chauffør", days_unconfirmed=40)
    make_opening(company_id, title="Frisk stilling", days_unconfirmed=3)
    runner.invoke(args=["openings", "remind", "--base-url", "https://fodfaeste.example.dk"])
    [message] = outbox
    assert "Lagermedarbejder" in message.body and "Chauffør" in message.body
    assert "Frisk stilling" not in message.body
    assert "https://fodfaeste.example.dk/portal/stillinger" in message.body


def test_each_employer_user_of_the_company_gets_one_email(runner, outbox, employer, make_user, make_opening):
    email, company_id = employer
    second = make_user("employer", company_id=company_id)
    make_opening(company_id, days_unconfirmed=35)
    make_opening(company_id, title="Chauffør", days_unconfirmed=35)
    runner.invoke(args=["openings", "remind"])
    assert sorted(m.to[0] for m in outbox) == sorted([email, second])


def test_an_opening_confirmed_since_its_reminder_is_reminded_again_when_stale_again(
        app, outbox, employer, make_opening):
    _, company_id = employer
    opening_id = make_opening(company_id, days_unconfirmed=35)
    with app.app_context():
        send_reminders(link="x")
        db.session.commit()
        opening = db.session.get(Opening, opening_id)
        confirm_opening(opening)
        db.session.commit()
        assert send_reminders(link="x", now=utcnow() + timedelta(days=10)) == []
        again = send_reminders(link="x", now=utcnow() + timedelta(days=31))
        db.session.commit()
    assert len(again) == 1 and len(outbox) == 2


def test_a_company_without_portal_users_is_listed_but_not_marked_reminded(
        app, runner, outbox, make_partner, make_opening):
    company_id = make_partner("Uden Portal ApS", "8000")
    opening_id = make_opening(company_id, days_unconfirmed=35)
    result = runner.invoke(args=["openings", "remind"])
    assert "Ingen portalbruger hos Uden Portal ApS" in result.output
    assert outbox == []
    with app.app_context():
        assert db.session.get(Opening, opening_id).reminded_at is None


def test_paused_and_closed_openings_are_not_reminded(runner, outbox, employer, make_opening):
    _, company_id = employer
    make_opening(company_id, status="pause", days_unconfirmed=90)
    make_opening(company_id, status="lukket", days_unconfirmed=90)
    runner.invoke(args=["openings", "remind"])
    assert outbox == []
