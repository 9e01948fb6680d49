"""Programmes and their targets: the admin form, the service and the demo programmes."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Programme
from crm.services.programmes import load_demo_programmes

FORM = {
    "name": "Ny vej",
    "municipality": "Aarhus",
    "starts_on": "2025-01-01",
    "ends_on": "2026-12-31",
    "target_group": "Borgere over 30",
    "caseload_norm": "18",
    "targets-0-outcome": "job_or_education",
    "targets-0-title": "",
    "targets-0-goal_kind": "share",
    "targets-0-goal": "60",
    "targets-1-outcome": "praktik",
    "targets-1-title": "Praktik",
    "targets-1-goal_kind": "count",
    "targets-1-goal": "25",
    "targets-2-outcome": "",
    "targets-2-title": "",
    "targets-2-goal_kind": "count",
    "targets-2-goal": "",
}


def test_admin_creates_a_programme_with_targets_and_it_is_audited(app, browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/indsatser/ny", FORM)
    assert response.status_code == 302
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme))
        assert [(t.outcome, t.label, t.goal_kind, t.goal) for t in programme.targets] == [
            ("job_or_education", "Job eller uddannelse", "share", 60.0),
            ("praktik", "Praktik", "count", 25.0),
        ]
        assert (
            db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "programme"))
            == "programme.create"
        )


def test_share_goal_over_100_is_refused_and_the_form_keeps_the_input(browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/indsatser/ny", {**FORM, "targets-0-goal": "160"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "en andel højst 100 %" in html
    assert 'value="Ny vej"' in html


def test_end_before_start_is_a_field_error(browser, make_user):
    browser.login(make_user("admin"))
    html = browser.post_form("/indsatser/ny", {**FORM, "ends_on": "2024-01-01"}).get_data(as_text=True)
    assert "Slutdatoen skal ligge efter startdatoen." in html


def test_admin_edits_targets_of_a_programme(app, browser, make_user, make_programme):
    pid = make_programme("Gammel", targets=[("praktik", "count", 10)])
    browser.login(make_user("admin"))
    page = browser.get(f"/indsatser/{pid}/rediger").get_data(as_text=True)
    assert 'value="Gammel"' in page
    response = browser.post_form(f"/indsatser/{pid}/rediger", {**FORM, "name": "Gammel"})
    assert response.status_code == 302
    with app.app_context():
        programme = db.session.get(Programme, pid)
        assert [t.outcome for t in programme.targets] == ["job_or_education", "praktik"]
        assert programme.caseload_norm == 18


def test_only_admins_manage_programmes(browser, make_user, make_programme):
    pid = make_programme()
    for role in ("vejleder", "konsulent"):
        browser.login(make_user(role))
        assert browser.get("/indsatser/ny").status_code == 403
        assert browser.get(f"/indsatser/{pid}/rediger").status_code == 403
        browser.logout()


def test_demo_programmes_load_once_with_their_real_targets(app):
    with app.app_context():
        load_demo_programmes()
        db.session.commit()
        load_demo_programmes()
        db.session.commit()
        programmes = {p.name: p for p in db.session.scalars(sa.select(Programme))}
        assert sorted(programmes) == ["Din vej i job", "Futurum", "Job in mind", "Rum til os"]
        assert [(t.outcome, t.goal_kind, t.goal) for t in programmes["Job in mind"].targets] == [
            ("onward", "share", 60.0),
            ("ordinary_hours", "share", 20.0),
        ]
        assert len(programmes["Rum til os"].targets) == 4
        assert programmes["Din vej i job"].caseload_norm == 18
