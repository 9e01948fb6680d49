import re
from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger
from crm.timeutil import today


def _audit(app, borger_id):
    with app.app_context():
        return db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id)
            .where(AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger_id))
            .order_by(AuditEvent.id)
        ).all()


def _form(user_id, email, **overrides):
    data = {"first_name": "Jens", "vejleder_id": str(user_id(email)), "programme_id": "",
            "enrolled_on": (today() - timedelta(days=30)).isoformat(), "phase": "opstart", "postcode": "8000",
            "transport": "bike",
            "max_travel_minutes": "30", "hours_min": "10", "hours_max": "20",
            "wishes": "Lagerarbejde\nGartner", "strengths": "Punktlig", "disclosure": "nej", "notes": ""}
    data.update(overrides)
    return data


def test_vejleder_enrols_a_borger_and_it_is_audited(app, browser, make_user, user_id):
    email = make_user("vejleder")
    browser.login(email)
    response = browser.post_form("/borgere/ny", _form(user_id, email))
    assert response.status_code == 302
    with app.app_context():
        borger = db.session.scalar(sa.select(Borger))
        assert re.fullmatch(r"B-[2-9FHJKMRW]{4}", borger.reference)
        assert borger.wishes == ["Lagerarbejde", "Gartner"]
        assert borger.consent_to_propose is False and borger.shared_fields == []
    assert _audit(app, borger.id) == [("borger.create", user_id(email))]


def test_full_names_are_refused_to_keep_data_minimal(browser, make_user, user_id):
    email = make_user("vejleder")
    browser.login(email)
    response = browser.post_form("/borgere/ny", _form(user_id, email, first_name="Jens Peter Hansen"))
    assert "Kun fornavn eller initialer" in response.get_data(as_text=True)


def test_unknown_postcode_is_a_form_error_and_input_is_kept(browser, make_user, user_id):
    email = make_user("vejleder")
    browser.login(email)
    response = browser.post_form("/borgere/ny", _form(user_id, email, postcode="1234"))
    html = response.get_data(as_text=True)
    assert "Postnummer 1234 findes ikke i Danmark." in html
    assert "Lagerarbejde" in html


def test_vejleder_sees_only_own_caseload(browser, make_user, make_borger):
    mine, other = make_user("vejleder"), make_user("vejleder")
    make_borger(mine, first_name="Mette")
    make_borger(other, first_name="Ole")
    browser.login(mine)
    html = browser.get("/borgere/").get_data(as_text=True)
    assert "Mette" in html and "Ole" not in html


def test_a_teamleder_sees_the_borgere_of_the_programmes_they_lead(browser, make_user, make_borger,
                                                                  make_teamleder):
    teamleder, programme_id = make_teamleder()
    make_borger(make_user("vejleder"), first_name="Mette", programme_id=programme_id)
    make_borger(make_user("vejleder"), first_name="Ole", programme_id=programme_id)
    make_borger(make_user("vejleder"), first_name="Per")
    browser.login(teamleder)
    html = browser.get("/borgere/").get_data(as_text=True)
    assert "Mette" in html and "Ole" in html and "Per" not in html


def test_an_admin_opens_no_borger_record(browser, make_user, make_borger):
    borger_id = make_borger(make_user("vejleder"), first_name="Mette")
    browser.login(make_user("admin"))
    for url in ("/borgere/", f"/borgere/{borger_id}", f"/borgere/{borger_id}/indsigt.json"):
        assert browser.get(url).status_code == 403, url


def test_another_vejleder_is_refused_and_the_attempt_is_audited(app, browser, make_user, make_borger, user_id):
    borger_id = make_borger(make_user("vejleder"))
    intruder = make_user("vejleder")
    browser.login(intruder)
    for url in (f"/borgere/{borger_id}", f"/borgere/{borger_id}/match", f"/borgere/{borger_id}/rediger"):
        assert browser.get(url).status_code == 403
    denied = [row for row in _audit(app, borger_id) if row[0] == "borger.denied"]
    assert denied == [("borger.denied", user_id(intruder))] * 3


def test_konsulent_and_employer_cannot_open_borgere(browser, make_user, make_borger):
    borger_id = make_borger(make_user("vejleder"))
    for role in ("konsulent", "employer"):
        browser.login(make_user(role))
        assert browser.get("/borgere/").status_code == 403
        assert browser.get(f"/borgere/{borger_id}").status_code == 403
        browser.logout()


def test_each_view_of_a_record_writes_one_audit_row(app, browser, make_user, make_borger, user_id):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    browser.get(f"/borgere/{borger_id}")
    browser.get(f"/borgere/{borger_id}/match")
    views = [row for row in _audit(app, borger_id) if row[0] == "borger.view"]
    assert views == [("borger.view", user_id(email))] * 2


def test_concurrent_edit_is_refused_and_input_kept(app, make_user, make_borger, user_id):
    from tests.conftest import Browser

    email = make_user("vejleder")
    borger_id = make_borger(email)
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(email)
    second.login(email)
    page_a = first.get(f"/borgere/{borger_id}/rediger").get_data(as_text=True)
    page_b = second.get(f"/borgere/{borger_id}/rediger").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    version = re.search(r'name="version"[^>]*value="(\d+)"', page_a).group(1)
    data = _form(user_id, email, version=version)
    saved = first.client.post(f"/borgere/{borger_id}/rediger",
                             data={**data, "wishes": "Butik", "csrf_token": csrf_token_from(page_a)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    response = second.client.post(f"/borgere/{borger_id}/rediger",
                                  data={**data, "wishes": "Køkken", "csrf_token": csrf_token_from(page_b)})
    html = response.get_data(as_text=True)
    assert "ændret af en anden" in html and "Køkken" in html
    with app.app_context():
        assert db.session.get(Borger, borger_id).wishes == ["Butik"]
