"""A vejleder's own week: caseload by phase, face-to-face contacts against 6, waiting borgere, tasks."""

from datetime import timedelta

from crm.extensions import db
from crm.models import Task
from crm.models.programme import OutcomeKind as K
from crm.services.reports import week_start
from crm.timeutil import today


def test_my_week_counts_face_to_face_contacts_since_monday_against_six(
    browser, make_user, make_company, add_contact, user_id
):
    vejleder = make_user("vejleder")
    vid, company = user_id(vejleder), make_company()
    for _ in range(2):
        add_contact(vid, company, today())
    add_contact(vid, company, today(), face_to_face=False)
    add_contact(vid, company, week_start(today()) - timedelta(days=1))  # last week
    add_contact(user_id(make_user("vejleder")), company, today())  # someone else's
    browser.login(vejleder)
    html = browser.get("/min-uge").get_data(as_text=True)
    assert "<strong>2</strong> af 6 i denne uge" in html


def test_my_week_lists_borgere_without_employer_contact_with_days_since_enrolment(
    browser, make_user, make_borger, make_programme, add_outcome
):
    vejleder = make_user("vejleder")
    pid = make_programme()
    waiting = make_borger(vejleder, first_name="Venter", enrolled_on=today() - timedelta(days=45))
    contacted = make_borger(vejleder, first_name="Kontaktet", programme_id=pid)
    add_outcome(contacted, pid, K.FIRST_EMPLOYER_CONTACT)
    make_borger(vejleder, first_name="Afsluttet", phase="afsluttet")
    make_borger(make_user("vejleder"), first_name="Andens")
    browser.login(vejleder)
    html = browser.get("/min-uge").get_data(as_text=True)
    section = html[html.index('id="uden-kontakt"') : html.index('id="opgaver-titel"')]
    assert f"/borgere/{waiting}" in section and "<td>45 <span" in section and "over 30 dage" in section
    assert "Kontaktet" not in section and "Afsluttet" not in section and "Andens" not in section


def test_my_week_shows_caseload_by_phase(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    make_borger(vejleder, phase="opstart")
    make_borger(vejleder, phase="opstart")
    make_borger(vejleder, phase="eftervaern")
    browser.login(vejleder)
    html = browser.get("/min-uge").get_data(as_text=True)
    assert '<th scope="row">Opstart</th><td>2</td>' in html
    assert '<th scope="row">Efterværn</th><td>1</td>' in html
    assert "<td>3 (norm: højst 20)</td>" in html


def test_my_week_lists_only_my_open_overdue_tasks(app, browser, make_user, user_id):
    vejleder = make_user("vejleder")
    vid, other = user_id(vejleder), user_id(make_user("vejleder"))
    with app.app_context():
        for title, due, done, assignee in [
            ("Ring til Bageriet", today() - timedelta(days=3), False, vid),
            ("Allerede løst", today() - timedelta(days=3), True, vid),
            ("Frist i dag", today(), False, vid),
            ("Kollegaens opgave", today() - timedelta(days=3), False, other),
        ]:
            db.session.add(Task(title=title, due=due, done=done, assignee_id=assignee))
        db.session.commit()
    browser.login(vejleder)
    html = browser.get("/min-uge").get_data(as_text=True)
    section = html[html.index('id="overskredne-opgaver"') :]
    assert "Ring til Bageriet" in section
    assert "Allerede løst" not in section and "Frist i dag" not in section and "Kollegaens" not in section


def test_my_week_is_for_vejledere_only(browser, make_user):
    browser.login(make_user("konsulent"))
    assert browser.get("/min-uge").status_code == 403
