"""The tasks a step in a placement makes for the borger's vejleder are worded in the vejleder's
language, whoever records the step and in whatever language."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Company, Task, User
from crm.timeutil import today


def _job_start_tasks(app, make_user, make_borger, make_partner, *, language):
    from crm.services.placements import advance, shortlist

    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette")
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        vejleder = db.session.scalar(sa.select(User).where(User.email == email))
        vejleder.language = language
        borger = db.session.get(Borger, borger_id)
        placement = shortlist(borger, company=db.session.get(Company, company_id), opening=None, score=None,
                              components={}, reasons=[], actor=vejleder)
        advance(placement, "job", on_date=today() - timedelta(days=2), actor=vejleder, hours_per_week=15)
        db.session.commit()
        return db.session.scalars(sa.select(Task.title).where(Task.borger_id == borger_id)
                                  .order_by(Task.due, Task.id)).all()


def test_an_english_speaking_vejleder_gets_the_efterværn_tasks_in_english(app, make_user, make_borger,
                                                                         make_partner):
    titles = _job_start_tasks(app, make_user, make_borger, make_partner, language="en")
    assert "Efterværn: follow-up with Mette" in titles
    assert any(t.startswith("Efterværn: is Mette still in the job after 13 weeks?") for t in titles)
    assert not any("opfølgning" in t for t in titles)


def test_a_danish_speaking_vejleder_gets_them_in_danish(app, make_user, make_borger, make_partner):
    titles = _job_start_tasks(app, make_user, make_borger, make_partner, language="")  # not chosen
    assert "Efterværn: opfølgning med Mette" in titles
