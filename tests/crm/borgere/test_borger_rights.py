"""Right of access (data + who looked) and erasure on request or after the retention period."""

import json
from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger, OutcomeEvent, Placement, Task
from crm.timeutil import today


def test_vejleder_exports_the_borgers_data_and_access_log(app, browser, make_user, make_borger, user_id):
    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette", wishes=["gartner"])
    browser.login(email)
    browser.get(f"/borgere/{borger_id}")
    response = browser.get(f"/borgere/{borger_id}/indsigt.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["borger"]["first_name"] == "Mette" and data["borger"]["wishes"] == ["gartner"]
    whats = [row["what"] for row in data["access_log"]]
    assert whats == ["borger.create", "borger.view", "borger.export"]
    assert {row["who"] for row in data["access_log"]} == {"Test Vejleder 1"}


def test_another_vejleder_cannot_export(browser, make_user, make_borger):
    borger_id = make_borger(make_user("vejleder"))
    browser.login(make_user("vejleder"))
    assert browser.get(f"/borgere/{borger_id}/indsigt.json").status_code == 403


def _borger_with_history(app, make_user, make_borger, make_partner, **fields):
    from crm.models import Company, User
    from crm.services.placements import advance, shortlist

    email = make_user("vejleder")
    borger_id = make_borger(email, **fields)
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        borger = db.session.get(Borger, borger_id)
        placement = shortlist(borger, company=db.session.get(Company, company_id), opening=None, score=0.5,
                              components={}, reasons=[], actor=actor)
        advance(placement, "job", on_date=today() - timedelta(days=10), actor=actor, hours_per_week=10,
                log_contact="meeting", note="Mette startede")
        db.session.commit()
    return borger_id


def test_a_teamleder_erases_a_borger_and_only_a_bare_audit_row_remains(app, browser, make_user, make_borger,
                                                                      make_partner, make_teamleder):
    teamleder, programme_id = make_teamleder()
    borger_id = _borger_with_history(app, make_user, make_borger, make_partner, first_name="Mette",
                                     programme_id=programme_id)
    browser.login(teamleder)
    response = browser.post_form(f"/borgere/{borger_id}/slet", {}, form_page=f"/borgere/{borger_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Borger, borger_id) is None
        for model in (Placement, OutcomeEvent, Task):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        erase = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "borger.erase"))
        assert erase.details == {"reason": "request"}
        from crm.models import ContactLogEntry

        assert "Mette" not in " ".join(db.session.scalars(sa.select(ContactLogEntry.summary)))


def test_vejleder_cannot_erase(browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    assert browser.post_form(f"/borgere/{borger_id}/slet", {}, form_page=f"/borgere/{borger_id}").status_code == 403


def test_purge_erases_only_courses_ended_before_the_retention_period(app, runner, make_user, make_borger):
    from crm.models import User
    from crm.services.outcomes import end_course

    email = make_user("vejleder")
    old = make_borger(email, first_name="Gammel", enrolled_on=today() - timedelta(days=900))
    recent = make_borger(email, first_name="Ny", enrolled_on=today() - timedelta(days=900))
    active = make_borger(email, first_name="Aktiv")
    retention = app.config["BORGER_RETENTION_DAYS"]
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        end_course(db.session.get(Borger, old), on_date=today() - timedelta(days=retention + 1),
                   reason="Job", actor=actor)
        end_course(db.session.get(Borger, recent), on_date=today() - timedelta(days=retention - 1),
                   reason="Job", actor=actor)
        db.session.commit()
    dry = runner.invoke(args=["borgere", "purge", "--dry-run"])
    assert "Ville slette B-" in dry.output
    with app.app_context():
        assert db.session.get(Borger, old) is not None
    result = runner.invoke(args=["borgere", "purge"])
    assert result.exit_code == 0 and "1 borgere er slettet" in result.output
    with app.app_context():
        assert db.session.get(Borger, old) is None
        assert db.session.get(Borger, recent) is not None and db.session.get(Borger, active) is not None
        row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "borger.erase"))
        assert row.details == {"reason": "retention"} and row.actor_id is None
