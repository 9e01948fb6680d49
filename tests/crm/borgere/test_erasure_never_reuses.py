"""Erasure erases: a borger created after another was erased never inherits the erased person's
id, reference or audit trail (issue 10, part 3)."""

import json

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger


def _erase(browser, borger_id):
    """Erase as the teamleder of the borger's programme (the borger must be in "Teamets indsats")."""
    response = browser.post_form(f"/borgere/{borger_id}/slet", {}, form_page=f"/borgere/{borger_id}")
    assert response.status_code == 302


def test_a_borger_created_after_an_erasure_gets_a_new_id_and_reference(app, browser, make_user,
                                                                       make_borger, make_teamleder):
    teamleder, programme_id = make_teamleder()
    vejleder = make_user("vejleder")
    make_borger(vejleder, first_name="Anna")
    erased_id = make_borger(vejleder, first_name="Mette", programme_id=programme_id)
    with app.app_context():
        erased_reference = db.session.get(Borger, erased_id).reference
    browser.login(teamleder)
    _erase(browser, erased_id)

    new_id = make_borger(vejleder, first_name="Jonas")

    with app.app_context():
        new = db.session.get(Borger, new_id)
        assert new.id != erased_id and new.reference != erased_reference


def test_the_new_borgers_access_log_holds_nothing_of_the_erased_person(app, browser, make_user,
                                                                       make_borger, make_teamleder):
    vejleder = make_user("vejleder")
    teamleder, programme_id = make_teamleder(name="Tina Teamleder")
    other_vejleder = make_user("vejleder", name="Ole Anden")
    erased_id = make_borger(other_vejleder, first_name="Mette", programme_id=programme_id)
    browser.login(teamleder)
    browser.get(f"/borgere/{erased_id}")
    _erase(browser, erased_id)
    browser.logout()

    new_id = make_borger(vejleder, first_name="Jonas")
    browser.login(vejleder)
    data = json.loads(browser.get(f"/borgere/{new_id}/indsigt.json").get_data(as_text=True))

    assert [row["what"] for row in data["access_log"]] == ["borger.create", "borger.export"]
    assert {row["who"] for row in data["access_log"]} == {"Test Vejleder 1"}


def _audit_dump(app):
    with app.app_context():
        return [(e.action, e.object_type, e.object_id, e.details) for e in db.session.scalars(sa.select(AuditEvent))]


def test_an_erased_borgers_audit_rows_keep_who_and_when_under_a_pseudonym(app, browser, make_user,
                                                                          make_borger, user_id, make_teamleder):
    teamleder, programme_id = make_teamleder()
    vejleder = make_user("vejleder")
    erased_id = make_borger(vejleder, first_name="Mette", programme_id=programme_id)
    with app.app_context():
        reference = db.session.get(Borger, erased_id).reference
    browser.login(vejleder)
    browser.get(f"/borgere/{erased_id}")
    browser.logout()
    browser.login(teamleder)
    _erase(browser, erased_id)

    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_id)
                                  .where(AuditEvent.object_type == "borger").order_by(AuditEvent.id)).all()
    assert [(action, actor) for action, actor, _ in rows][:2] == [
        ("borger.create", user_id(vejleder)), ("borger.view", user_id(vejleder))]
    assert rows[-1][0] == "borger.erase"
    keys = {object_id for _, _, object_id in rows}
    assert len(keys) == 1 and str(erased_id) not in keys  # one pseudonym for all the person's rows
    assert reference not in str(_audit_dump(app))


def test_nothing_in_the_audit_log_names_an_erased_borger(app, browser, make_user, make_borger, make_partner,
                                                         make_teamleder):
    from crm.models import Company, Task, User
    from crm.services.contacts import set_task_done
    from crm.services.placements import advance, shortlist
    from crm.timeutil import today

    teamleder, programme_id = make_teamleder()
    vejleder = make_user("vejleder")
    erased_id = make_borger(vejleder, first_name="Mettelise", programme_id=programme_id)
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == vejleder))
        placement = shortlist(db.session.get(Borger, erased_id), company=db.session.get(Company, company_id),
                              opening=None, score=0.5, components={}, reasons=[], actor=actor)
        advance(placement, "job", on_date=today(), actor=actor, hours_per_week=10)
        db.session.flush()
        # Efterværn tasks are titled with the borger's first name; doing one audits the title.
        set_task_done(db.session.scalars(sa.select(Task).where(Task.borger_id == erased_id)).first(), True,
                      actor=actor)
        db.session.commit()
    assert "Mettelise" in str(_audit_dump(app))
    browser.login(teamleder)
    _erase(browser, erased_id)

    assert "Mettelise" not in str(_audit_dump(app))


def test_purge_leaves_no_audit_row_under_the_erased_borgers_id(app, runner, make_user, make_borger):
    from datetime import timedelta

    from crm.models import User
    from crm.services.outcomes import end_course
    from crm.timeutil import today

    vejleder = make_user("vejleder")
    old_id = make_borger(vejleder, first_name="Gammel", enrolled_on=today() - timedelta(days=900))
    with app.app_context():
        end_course(db.session.get(Borger, old_id), on_date=today() - timedelta(days=800), reason="Job",
                   actor=db.session.scalar(sa.select(User).where(User.email == vejleder)))
        db.session.commit()
    assert runner.invoke(args=["borgere", "purge"]).exit_code == 0

    new_id = make_borger(vejleder, first_name="Ny")
    with app.app_context():
        assert db.session.get(Borger, old_id) is None and new_id != old_id
        ids = set(db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.object_type == "borger")))
    assert str(old_id) not in ids and str(new_id) in ids


def test_a_reference_is_never_issued_twice(app, make_user, make_borger, monkeypatch):
    """Even when the random draw repeats an erased borger's reference, the next one is drawn."""
    from crm.services import borgere as service
    from crm.services.borger_rights import erase_borger

    vejleder = make_user("vejleder")
    draws = iter("2222" + "2222" + "3333")
    monkeypatch.setattr(service.secrets, "choice", lambda alphabet: next(draws))
    first_id = make_borger(vejleder)
    with app.app_context():
        erase_borger(db.session.get(Borger, first_id), actor=None, reason="request")
        db.session.commit()
    second_id = make_borger(vejleder)
    with app.app_context():
        assert db.session.get(Borger, second_id).reference == "B-3333"
