from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, OutcomeEvent
from crm.timeutil import today
from tests.conftest import danish_form_time


def _kinds(app, borger_id):
    with app.app_context():
        return db.session.scalars(sa.select(OutcomeEvent.kind).where(OutcomeEvent.borger_id == borger_id)
                                  .order_by(OutcomeEvent.id)).all()


def test_pipeline_records_first_contact_praktik_and_job_start(app, make_user, make_borger, make_partner):
    from crm.models import Company, User
    from crm.services.placements import advance, shortlist

    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        borger = db.session.get(Borger, borger_id)
        placement = shortlist(borger, company=db.session.get(Company, company_id), opening=None, score=None,
                              components={}, reasons=[], actor=actor)
        advance(placement, "kontakt", on_date=today() - timedelta(days=30), actor=actor)
        advance(placement, "moede", on_date=today() - timedelta(days=25), actor=actor)
        advance(placement, "praktik", on_date=today() - timedelta(days=20), actor=actor)
        advance(placement, "job", on_date=today() - timedelta(days=2), actor=actor, hours_per_week=15)
        db.session.commit()
        first = db.session.scalar(sa.select(OutcomeEvent).where(OutcomeEvent.kind == "first_employer_contact"))
        assert first.on_date == today() - timedelta(days=30)
    assert _kinds(app, borger_id) == ["first_employer_contact", "praktik_start", "ordinary_job_start"]


def test_vejleder_records_retention_and_ends_the_course(app, browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    browser.post_form(f"/borgere/{borger_id}/resultat",
                      {"kind": "retained_13w", "on_date": today().isoformat(), "note": ""},
                      form_page=f"/borgere/{borger_id}")
    browser.post_form(f"/borgere/{borger_id}/afslut",
                      {"on_date": today().isoformat(), "reason": "Fast job"}, form_page=f"/borgere/{borger_id}")
    assert _kinds(app, borger_id) == ["retained_13w", "course_ended"]
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        assert borger.phase == "afsluttet" and borger.end_reason == "Fast job"


def test_outcome_in_the_future_is_refused(app, browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    response = browser.post_form(f"/borgere/{borger_id}/resultat",
                                 {"kind": "retained_13w", "on_date": (today() + timedelta(days=5)).isoformat()},
                                 form_page=f"/borgere/{borger_id}", follow_redirects=True)
    assert "Datoen kan ikke ligge i fremtiden." in response.get_data(as_text=True)
    assert _kinds(app, borger_id) == []


def test_a_logged_meeting_about_a_borger_is_the_first_employer_contact(app, browser, make_user, make_borger,
                                                                        make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(email)
    page = browser.get(f"/virksomheder/{company_id}/kontaktlog/ny?borger_id={borger_id}").get_data(as_text=True)
    assert f'<option selected value="{borger_id}">' in page
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "meeting", "at": danish_form_time(), "summary": "Præsenterede Mette",
        "borger_id": str(borger_id), "contact_person_id": ""})
    assert response.status_code == 302
    assert _kinds(app, borger_id) == ["first_employer_contact"]


def test_a_contact_cannot_name_another_vejleders_borger(app, browser, make_user, make_borger, make_partner):
    other_borger = make_borger(make_user("vejleder"))
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(make_user("vejleder"))
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "meeting", "at": danish_form_time(), "summary": "x",
        "borger_id": str(other_borger), "contact_person_id": ""})
    assert response.status_code == 200  # the form again, nothing saved
    assert _kinds(app, other_borger) == []


def test_company_log_hides_a_borgers_contact_summary_from_other_staff(app, browser, make_user, make_borger,
                                                                      make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette")
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(email)
    browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "meeting", "at": danish_form_time(), "summary": "Hemmelig detalje om Mette",
        "borger_id": str(borger_id), "contact_person_id": ""})
    assert "Hemmelig detalje om Mette" in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    browser.logout()
    browser.login(make_user("konsulent"))
    html = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    with app.app_context():
        reference = db.session.get(Borger, borger_id).reference
    assert "Hemmelig detalje" not in html and reference in html
