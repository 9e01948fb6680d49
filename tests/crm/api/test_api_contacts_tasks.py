"""Contact persons, the contact log and follow-up tasks through the API, with the company page's
checks: a summary about a borger reaches only those who may open the borger."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Task
from crm.timeutil import today
from tests.crm.api.conftest import assert_problem


def test_a_konsulent_adds_and_reads_contact_persons(api_as, make_partner):
    company_id = make_partner("Kontakt ApS")
    api = api_as("konsulent")
    made = api.post(f"/api/v1/companies/{company_id}/contacts", json={"name": "Karin", "email": "k@firma.dk"})
    assert made.status_code == 201
    assert api.get(made.headers["Location"]).get_json()["name"] == "Karin"
    assert [p["name"] for p in api.get(f"/api/v1/companies/{company_id}/contacts").get_json()["items"]] == ["Karin"]
    body = assert_problem(api.post(f"/api/v1/companies/{company_id}/contacts", json={"name": "X", "email": "nej"}),
                          422)
    assert "e-mail" in body["detail"]
    assert_problem(api_as("vejleder").post(f"/api/v1/companies/{company_id}/contacts", json={"name": "Y"}), 403)


def test_the_log_hides_a_summary_about_a_borger_from_those_who_may_not_open_them(app, api_as, make_user,
                                                                                 make_borger, make_partner):
    company_id = make_partner("Log ApS")
    v1 = make_user("vejleder")
    borger_id = make_borger(v1)
    own = api_as(email=v1, scopes=["companies:read", "companies:write"])
    logged = own.post(f"/api/v1/companies/{company_id}/log",
                      json={"kind": "meeting", "summary": "Snak om praktik for Mette", "borger_id": borger_id})
    assert logged.status_code == 201, logged.get_json()
    assert logged.get_json()["face_to_face"] is True
    assert own.get(f"/api/v1/companies/{company_id}/log").get_json()["items"][0]["summary"].startswith("Snak")
    other = api_as("konsulent").get(f"/api/v1/companies/{company_id}/log").get_json()["items"][0]
    assert other["summary"] is None and other["borger_reference"].startswith("B-")
    foreign = api_as("vejleder", scopes=["companies:write"]).post(
        f"/api/v1/companies/{company_id}/log", json={"kind": "phone", "summary": "x", "borger_id": borger_id})
    assert "egen caseload" in assert_problem(foreign, 422)["detail"]
    with app.app_context():
        actions = [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
        assert "borger.contact_logged" in actions and actions.count("borger.view") == 1  # the vejleder's read


def test_tasks_are_created_listed_and_ticked_off_by_their_assignee_only(app, api_as, make_user, make_partner):
    company_id = make_partner("Opgave ApS")
    v1, v2 = make_user("vejleder"), make_user("vejleder")
    api = api_as(email=v1, scopes=["tasks:read", "tasks:write"])
    with app.app_context():
        from crm.models import User

        v1_id = db.session.scalar(sa.select(User.id).where(User.email == v1))
    due = (today() + timedelta(days=3)).isoformat()
    made = api.post(f"/api/v1/companies/{company_id}/tasks", json={"title": "Ring", "due": due, "assignee_id": v1_id})
    assert made.status_code == 201, made.get_json()
    task_id = made.get_json()["id"]
    assert [t["title"] for t in api.get("/api/v1/tasks").get_json()["items"]] == ["Ring"]
    assert api.post(f"/api/v1/tasks/{task_id}/done", json={"done": True}).get_json()["done"] is True
    past = api.post(f"/api/v1/companies/{company_id}/tasks",
                    json={"title": "For sent", "due": "2020-01-01", "assignee_id": v1_id})
    assert "før i dag" in assert_problem(past, 422)["detail"]
    other = api_as(email=v2, scopes=["tasks:write"])
    assert_problem(other.post(f"/api/v1/tasks/{task_id}/done", json={"done": "nej"}), 403)
    with app.app_context():
        assert db.session.get(Task, task_id).done is True
