"""Every read and write of a borger record gives exactly one audit row naming who, what and which
borger; passwords, tokens and TOTP secrets never reach the log."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger, Placement
from crm.timeutil import today
from tests.conftest import csrf_token_from, danish_form_time


def _rows_for(app, borger_id):
    with app.app_context():
        return db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id).where(
                AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger_id))
        ).all()


def test_each_borger_request_writes_exactly_one_audit_row(app, browser, make_user, make_borger, make_partner,
                                                          make_opening, user_id):
    email = make_user("vejleder")
    me = user_id(email)
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    opening_id = make_opening(company_id, title="Lagermedarbejder")
    other_id = make_partner("Aarhus Frisør", industry_text="Frisør")
    browser.login(email)
    base = f"/borgere/{borger_id}"
    yesterday = (today() - timedelta(days=1)).isoformat()

    def placement_id():
        with app.app_context():
            return db.session.scalar(sa.select(Placement.id).where(Placement.company_id == company_id))

    steps = [
        ("GET", base, None),
        ("GET", f"{base}/match", None),
        ("GET", f"{base}/rediger", None),
        ("GET", f"{base}/indsigt", None),
        ("GET", f"{base}/indsigt.json", None),
        # The reverse match shows the vejleder's own borger by name (before the job moves them to
        # efterværn, when they are no longer offered).
        ("GET", f"/borgere/til-virksomhed/{company_id}", None),
        ("GET", f"/borgere/til-stilling/{opening_id}", None),
        ("POST", f"{base}/kortliste", {"target": f"company:{company_id}"}),
        ("POST", f"{base}/foreslaa", {"target": f"company:{other_id}", "confirmed": "ja"}),
        ("POST", lambda: f"{base}/forloeb/{placement_id()}", {
            "stage": "job", "on_date": yesterday, "hours_per_week": "12", "end_reason": "", "note": "Start",
            "log_contact": "meeting"}),
        ("POST", f"{base}/resultat", {"kind": "retained_13w", "on_date": today().isoformat(), "note": ""}),
        ("POST", f"/virksomheder/{other_id}/kontaktlog/ny", {
            "kind": "phone", "at": danish_form_time(), "summary": "Opfølgning",
            "borger_id": str(borger_id), "contact_person_id": ""}),
        ("POST", f"{base}/udeluk", {"company_id": str(other_id)}),
        ("POST", f"{base}/afslut", {"on_date": today().isoformat(), "reason": "Fast job"}),
    ]
    # The token from a page that is not about the borger, so fetching it writes no row.
    token = csrf_token_from(browser.get("/").get_data(as_text=True))
    for method, url, data in steps:
        url = url() if callable(url) else url
        before = len(_rows_for(app, borger_id))
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.client.post(url, data={**data, "csrf_token": token})
        assert response.status_code in (200, 302), (url, response.status_code)
        rows = _rows_for(app, borger_id)[before:]
        assert len(rows) == 1 and rows[0][1] == me, (url, rows)


def test_reverse_match_audits_only_the_borgere_shown_by_name(app, browser, make_user, make_borger,
                                                             make_partner, user_id, make_teamleder):
    mine = make_user("vejleder")
    teamleder, programme_id = make_teamleder()
    my_borger = make_borger(mine, first_name="Mette", programme_id=programme_id)
    others_borger = make_borger(make_user("vejleder"), first_name="Jonas", programme_id=programme_id)
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(mine)
    html = browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    with app.app_context():
        others_reference = db.session.get(Borger, others_borger).reference
    # Both fit; the other vejleder's borger is shown by reference only.
    assert "Mette" in html and others_reference in html and "Jonas" not in html
    assert _rows_for(app, my_borger)[1:] == [("borger.view", user_id(mine))]
    assert _rows_for(app, others_borger)[1:] == []
    browser.logout()

    konsulent = make_user("konsulent")
    browser.login(konsulent)
    assert "Mette" not in browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    assert [row for row in _rows_for(app, my_borger) if row[1] == user_id(konsulent)] == []
    browser.logout()

    admin = make_user("admin")
    browser.login(admin)
    assert "Mette" not in browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    assert [row for row in _rows_for(app, my_borger) if row[1] == user_id(admin)] == []
    browser.logout()

    browser.login(teamleder)
    html = browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    assert "Mette" in html and "Jonas" in html  # both in the programme the teamleder leads
    for borger_id in (my_borger, others_borger):
        assert _rows_for(app, borger_id)[-1] == ("borger.view", user_id(teamleder))


def test_a_company_log_naming_a_borger_audits_the_read(app, browser, make_user, make_borger, make_partner,
                                                       user_id):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette")
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        from crm.models import Company, User
        from crm.services.contacts import log_contact

        log_contact(db.session.get(Company, company_id), {
            "kind": "phone", "summary": "Mette vil gerne starte på lageret", "borger_id": borger_id},
            actor=db.session.scalar(sa.select(User).where(User.email == vejleder)))
        db.session.commit()
    before = len(_rows_for(app, borger_id))
    browser.login(vejleder)
    assert "Mette vil gerne" in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert _rows_for(app, borger_id)[before:] == [("borger.view", user_id(vejleder))]
    browser.logout()
    browser.login(make_user("konsulent"))  # sees only the reference: not a read by name
    assert "Mette vil gerne" not in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert len(_rows_for(app, borger_id)) == before + 1


def test_a_report_figure_naming_borgere_audits_each_read(app, browser, make_user, make_borger, user_id):
    from crm.models import Programme

    with app.app_context():
        programme = Programme(name="Testindsats", municipality="Aarhus")
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", programme_id=programme_id)
    browser.login(vejleder)
    assert "Mette" in browser.get(f"/indsatser/{programme_id}/figur/enrolled").get_data(as_text=True)
    assert _rows_for(app, borger_id)[1:] == [("borger.view", user_id(vejleder))]


def test_the_borger_list_audits_each_borger_it_names(app, browser, make_user, make_borger, user_id):
    vejleder = make_user("vejleder")
    mine = make_borger(vejleder, first_name="Mette")
    other = make_borger(make_user("vejleder"), first_name="Ole")
    browser.login(vejleder)
    assert "Mette" in browser.get("/borgere/").get_data(as_text=True)
    assert _rows_for(app, mine)[1:] == [("borger.view", user_id(vejleder))]
    assert _rows_for(app, other)[1:] == []


def test_my_week_audits_each_waiting_borger_it_names(app, browser, make_user, make_borger, user_id):
    vejleder = make_user("vejleder")
    waiting = make_borger(vejleder, first_name="Venter")
    browser.login(vejleder)
    assert "Venter" in browser.get("/min-uge").get_data(as_text=True)
    assert _rows_for(app, waiting)[1:] == [("borger.view", user_id(vejleder))]


def test_secrets_never_reach_the_audit_log(app, browser, make_user):
    admin = make_user("admin")
    browser.login(admin)
    browser.post_form("/admin/brugere/ny", {
        "name": "Nina", "email": "nina@test.fodfaeste.dk", "role": "vejleder", "company_id": "",
        "password": "hemmelig-adgangskode-42", "password2": "hemmelig-adgangskode-42", "active": "y"})
    browser.logout()
    browser.login("nina@test.fodfaeste.dk", "forkert-hemmelig-kode-99")
    with app.app_context():
        dump = " ".join(f"{e.action} {e.details}" for e in db.session.scalars(sa.select(AuditEvent)))
    assert "hemmelig-adgangskode-42" not in dump and "forkert-hemmelig-kode-99" not in dump
    assert "argon2" not in dump


def test_secrets_never_reach_the_application_log(app, browser, make_user, make_partner, caplog):
    """Passwords, invitation tokens and TOTP secrets appear in no log record, at any level."""
    import logging
    import re

    import pyotp

    from crm.models import Company
    from crm.services.invitations import create_invitation
    from tests.conftest import Browser

    caplog.set_level(logging.DEBUG)
    company_id = make_partner("Lager A/S")
    with app.app_context():
        _invitation, token = create_invitation(db.session.get(Company, company_id), email="leder@lager.dk",
                                               name="Lone Leder")
        db.session.commit()
    employer_password = "arbejdsgiver-hemmelig-77"
    browser.post_form(f"/portal/invitation/{token}", {"name": "Lone Leder", "password": employer_password,
                                                       "confirm": employer_password})
    Browser(app.test_client()).login("leder@lager.dk", "forkert-hemmelig-kode-11")
    app.config["TOTP_REQUIRED"] = True
    staff = Browser(app.test_client())
    staff.login(make_user("vejleder"))
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", staff.get("/login/totp/opsaet").get_data(as_text=True)).group(1)
    enrolled = staff.post_form("/login/totp/opsaet", {"code": pyotp.TOTP(secret).now()})
    assert enrolled.headers["Location"] == "/konto/gendannelseskoder"  # the flows really ran
    with app.app_context():
        from crm.models import User

        assert db.session.scalar(sa.select(User).where(User.email == "leder@lager.dk")).role == "employer"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret_value in (token, employer_password, "forkert-hemmelig-kode-11", secret, "korrekt-hest-batteri-9"):
        assert secret_value not in logged
