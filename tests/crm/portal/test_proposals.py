"""Proposals: the employer sees exactly what the borger consented to share, and answers."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, ContactLogEntry, Placement, Task
from crm.timeutil import today


@pytest.fixture
def vejleder(make_user):
    return make_user("vejleder")


@pytest.fixture
def proposed(employer, make_borger, make_opening, propose, vejleder):
    """A borger sharing first name and wishes, proposed to the employer's opening."""
    email, company_id = employer
    borger_id = make_borger(
        vejleder, first_name="Mette", wishes=["lagerarbejde"], strengths=["grundig og stabil"],
        hours_min=12, hours_max=18, postcode="8200", notes="Fortrolig note om forløbet",
        shared_fields=["first_name", "wishes"],
    )
    opening_id = make_opening(company_id, title="Lagermedarbejder")
    placement_id = propose(borger_id, company_id, opening_id)
    return {"email": email, "borger_id": borger_id, "placement_id": placement_id, "company_id": company_id}


def test_proposal_shows_only_the_fields_the_borger_consented_to_share(app, browser, proposed):
    browser.login(proposed["email"])
    html = browser.get(f"/portal/forslag/{proposed['placement_id']}").get_data(as_text=True)
    assert "Mette" in html and "lagerarbejde" in html
    with app.app_context():
        reference = db.session.get(Placement, proposed["placement_id"]).borger.reference
    for secret in ("grundig og stabil", "12–18", "Timer om ugen", "Styrker", reference,
                   "Fortrolig note", "8200"):
        assert secret not in html, secret


def test_proposal_list_shows_only_the_shared_first_name(browser, proposed):
    browser.login(proposed["email"])
    html = browser.get("/portal/forslag").get_data(as_text=True)
    assert "Mette" in html and "Lagermedarbejder" in html and "grundig" not in html


def test_borger_without_consent_is_not_visible_at_all(app, browser, employer, make_borger, propose, vejleder):
    email, company_id = employer
    borger_id = make_borger(vejleder, first_name="Hemmelig", consent_to_propose=False,
                            shared_fields=["first_name"])
    placement_id = propose(borger_id, company_id)  # shortlisted only: proposing needs consent
    browser.login(email)
    assert "Hemmelig" not in browser.get("/portal/forslag").get_data(as_text=True)
    assert browser.get(f"/portal/forslag/{placement_id}").status_code == 404


def test_consent_withdrawn_after_proposal_hides_the_proposal(app, browser, proposed):
    with app.app_context():
        db.session.get(Placement, proposed["placement_id"]).borger.consent_to_propose = False
        db.session.commit()
    browser.login(proposed["email"])
    assert browser.get(f"/portal/forslag/{proposed['placement_id']}").status_code == 404
    assert "Mette" not in browser.get("/portal/forslag").get_data(as_text=True)


def test_viewing_a_proposal_is_audited_as_a_borger_view(app, browser, proposed):
    browser.login(proposed["email"])
    browser.get(f"/portal/forslag/{proposed['placement_id']}")
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "borger.view"))
        assert event.object_id == str(proposed["borger_id"])
        assert event.details["page"] == "portal.proposal"


def _answer(browser, proposed, answer):
    url = f"/portal/forslag/{proposed['placement_id']}"
    return browser.post_form(f"{url}/svar", {"answer": answer}, form_page=url)


def test_answer_lands_on_the_borgers_pipeline(app, browser, proposed):
    browser.login(proposed["email"])
    assert _answer(browser, proposed, "interesseret").status_code == 302
    with app.app_context():
        placement = db.session.get(Placement, proposed["placement_id"])
        assert placement.employer_answer == "interesseret"
        assert placement.employer_answered_at is not None
        assert placement.events[-1].note == "Arbejdsgiverens svar: Interesseret – kontakt mig"


def test_answer_lands_in_the_companys_contact_log_about_the_borger(app, browser, proposed):
    browser.login(proposed["email"])
    _answer(browser, proposed, "ikke_nu")
    with app.app_context():
        entry = db.session.scalar(sa.select(ContactLogEntry).where(ContactLogEntry.borger_id.is_not(None)))
        assert (entry.company_id, entry.borger_id, entry.kind) == (
            proposed["company_id"], proposed["borger_id"], "email")
        assert "Ikke lige nu" in entry.summary


def test_answer_gives_the_vejleder_a_task_due_today(app, browser, proposed, vejleder, user_id):
    browser.login(proposed["email"])
    _answer(browser, proposed, "interesseret")
    vejleder_id = user_id(vejleder)
    with app.app_context():
        task = db.session.scalar(sa.select(Task).where(Task.borger_id == proposed["borger_id"]))
        assert (task.title, task.assignee_id, task.due) == (
            "Arbejdsgiver har svaret på forslag", vejleder_id, today())


def test_an_unknown_answer_changes_nothing(app, browser, proposed):
    browser.login(proposed["email"])
    _answer(browser, proposed, "maaske")
    with app.app_context():
        assert db.session.get(Placement, proposed["placement_id"]).employer_answer is None


def test_vejleder_sees_the_answer_on_the_borger_page(app, browser, proposed, vejleder):
    browser.login(proposed["email"])
    _answer(browser, proposed, "interesseret")
    browser.logout()
    browser.login(vejleder)
    html = browser.get(f"/borgere/{proposed['borger_id']}").get_data(as_text=True)
    assert "Arbejdsgiverens svar" in html and "Interesseret – kontakt mig" in html


def test_the_employer_answer_filter_gives_the_danish_label(app):
    with app.app_context():
        render = app.jinja_env.from_string(
            "{{ 'interesseret' | employer_answer }}/{{ 'ikke_nu' | employer_answer }}")
        assert render.render() == "Interesseret – kontakt mig/Ikke lige nu"
