"""A teamleder hands a borger over between vejledere in a programme they lead (issue 13)."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger


def _vejleder_of(app, borger_id):
    with app.app_context():
        return db.session.get(Borger, borger_id).vejleder_id


def _reassign_rows(app, borger_id):
    with app.app_context():
        return [(e.actor_id, e.details) for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "borger.reassign",
                                        AuditEvent.object_id == str(borger_id)))]


def test_a_teamleder_hands_a_borger_over_and_it_is_audited(app, browser, make_user, make_borger,
                                                           make_teamleder, user_id):
    old, new = make_user("vejleder", name="Vera Gammel"), make_user("vejleder", name="Villy Ny")
    teamleder, programme_id = make_teamleder()
    borger_id = make_borger(old, first_name="Mette", programme_id=programme_id)
    browser.login(teamleder)
    detail = browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
    assert "Overdrag til anden vejleder" in detail and "Find match" not in detail
    page = browser.get(f"/borgere/{borger_id}/overdrag").get_data(as_text=True)
    assert "Villy Ny" in page and "Nuværende vejleder: <strong>Vera Gammel</strong>" in page
    response = browser.post_form(f"/borgere/{borger_id}/overdrag", {"vejleder_id": str(user_id(new)),
                                                                    "version": "1"})
    assert response.status_code == 302
    assert _vejleder_of(app, borger_id) == user_id(new)
    assert _reassign_rows(app, borger_id) == [
        (user_id(teamleder), {"from_vejleder_id": user_id(old), "to_vejleder_id": user_id(new)})]
    assert "er overdraget til Villy Ny" in browser.get(response.headers["Location"]).get_data(as_text=True)
    browser.logout()
    browser.login(old)
    assert browser.get(f"/borgere/{borger_id}").status_code == 403
    browser.logout()
    browser.login(new)
    assert browser.get(f"/borgere/{borger_id}").status_code == 200


def test_a_tampered_vejleder_is_refused_on_the_form_and_nothing_changes(app, browser, make_user, make_borger,
                                                                        make_teamleder, user_id):
    owner = make_user("vejleder")
    teamleder, programme_id = make_teamleder()
    borger_id = make_borger(owner, programme_id=programme_id)
    browser.login(teamleder)
    for value in ("", "abc", str(user_id(owner)), str(user_id(teamleder)), "999999"):
        response = browser.post_form(f"/borgere/{borger_id}/overdrag", {"vejleder_id": value, "version": "1"})
        assert response.status_code == 200, value
    assert _vejleder_of(app, borger_id) == user_id(owner)
    assert _reassign_rows(app, borger_id) == []


def test_a_stale_version_is_refused_in_danish(app, browser, make_user, make_borger, make_teamleder, user_id):
    owner, other = make_user("vejleder"), make_user("vejleder")
    teamleder, programme_id = make_teamleder()
    borger_id = make_borger(owner, programme_id=programme_id)
    browser.login(teamleder)
    response = browser.post_form(f"/borgere/{borger_id}/overdrag", {"vejleder_id": str(user_id(other)),
                                                                    "version": "0"})
    assert response.status_code == 200
    assert "ændret af en anden" in response.get_data(as_text=True)
    assert _vejleder_of(app, borger_id) == user_id(owner)


def test_a_teamleder_cannot_hand_over_a_borger_outside_their_programmes(app, browser, make_user, make_borger,
                                                                        make_teamleder):
    teamleder, _programme_id = make_teamleder()
    _other_lead, other_programme = make_teamleder(programme="Anden indsats")
    borger_id = make_borger(make_user("vejleder"), programme_id=other_programme)
    browser.login(teamleder)
    assert browser.get(f"/borgere/{borger_id}/overdrag").status_code == 403
    assert browser.get(f"/borgere/{borger_id}").status_code == 403


def test_a_teamleder_reads_but_does_not_work_the_case(browser, make_user, make_borger, make_teamleder):
    teamleder, programme_id = make_teamleder()
    borger_id = make_borger(make_user("vejleder"), programme_id=programme_id)
    browser.login(teamleder)
    for url in (f"/borgere/{borger_id}/rediger", f"/borgere/{borger_id}/match", "/borgere/ny"):
        assert browser.get(url).status_code == 403, url


def test_a_vejleder_cannot_hand_over_a_borger(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    browser.login(vejleder)
    assert browser.get(f"/borgere/{borger_id}/overdrag").status_code == 403
    assert "Overdrag" not in browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
