"""The placement timeline speaks Danish (issue 16: it showed "moede", "foreslaaet", "kortliste")."""

import re
from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Company, User
from crm.models.borger import STAGE_LABELS, Stage
from crm.timeutil import today


def test_every_stage_has_a_danish_label():
    assert set(STAGE_LABELS) == set(Stage)


def test_placement_timeline_shows_stage_labels_not_codes(app, browser, make_user, make_borger, make_partner):
    from crm.services.placements import advance, propose, shortlist

    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        placement = shortlist(db.session.get(Borger, borger_id), company=db.session.get(Company, company_id),
                              opening=None, score=None, components={}, reasons=[], actor=actor)
        propose(placement, actor=actor)
        advance(placement, "moede", on_date=today() - timedelta(days=1), actor=actor)
        db.session.commit()
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert "Kortliste" in timeline and "Foreslået" in timeline and "Møde/samtale" in timeline
    assert not re.search(r"\b(kortliste|foreslaaet|moede)\b", timeline)
