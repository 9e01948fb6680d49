"""A task a person gives a due date before today is refused at the field, nothing lost (issue 16)."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import ContactLogEntry, Task
from crm.timeutil import DANISH_TZ, today
from tests.html_checks import element_by_id

PAST_MESSAGE = "Fristen kan ikke ligge før i dag."


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_task_due_yesterday_is_refused_at_the_due_field_with_the_input_kept(app, browser, make_user,
                                                                             make_company, user_id):
    company_id = make_company()
    email = make_user("konsulent")
    browser.login(email)
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = browser.post_form(f"/virksomheder/{company_id}/opgaver/ny", {
        "title": "Send materiale", "due": yesterday, "assignee_id": str(user_id(email))})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert PAST_MESSAGE in html
    assert element_by_id(html, "due-error") is not None
    assert 'value="Send materiale"' in html and f'value="{yesterday}"' in html
    assert _count(app, Task) == 0


def test_a_task_due_today_is_accepted(app, browser, make_user, make_company, user_id):
    company_id = make_company()
    email = make_user("konsulent")
    browser.login(email)
    response = browser.post_form(f"/virksomheder/{company_id}/opgaver/ny", {
        "title": "Ring i dag", "due": today().isoformat(), "assignee_id": str(user_id(email))})
    assert response.status_code == 302
    assert _count(app, Task) == 1


def test_a_follow_up_due_in_the_past_keeps_the_logged_contact_unsaved_and_says_why(app, browser, make_user,
                                                                                  make_company, user_id):
    company_id = make_company()
    email = make_user("vejleder")
    browser.login(email)
    now = datetime.now(DANISH_TZ).strftime("%Y-%m-%dT%H:%M")
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "meeting", "at": now, "summary": "Rundvisning", "follow_up": "y", "task_title": "Ring",
        "task_due": (today() - timedelta(days=3)).isoformat(), "task_assignee_id": str(user_id(email))})
    html = response.get_data(as_text=True)
    assert PAST_MESSAGE in html
    assert element_by_id(html, "task_due-error") is not None
    assert "Rundvisning</textarea>" in html
    assert _count(app, ContactLogEntry) == 0 and _count(app, Task) == 0
