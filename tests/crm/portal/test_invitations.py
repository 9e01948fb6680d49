"""Invitations: a single-use signed link that expires after 7 days; a konsulent can revoke access."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Invitation, User
from crm.services.invitations import create_invitation, revoke_invitation
from crm.timeutil import utcnow
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "en-lang-og-god-adgangskode"


@pytest.fixture
def invite(app, make_partner):
    """Create an invitation through the service; returns (token, invitation id, company id)."""
    company_id = make_partner("Lager A/S", "8000", "Lager")

    def _invite(email="leder@lager.dk", name="Lone Leder"):
        with app.app_context():
            invitation, token = create_invitation(db.session.get(Company, company_id), email=email, name=name)
            db.session.commit()
            return token, invitation.id, company_id

    return _invite


def _accept(browser, token, password=NEW_PASSWORD, name="Lone Leder"):
    url = f"/portal/invitation/{token}"
    return browser.post_form(url, {"name": name, "password": password, "confirm": password})


def test_accepting_an_invitation_creates_an_employer_of_that_company(app, browser, invite):
    token, _, company_id = invite()
    response = _accept(browser, token)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "leder@lager.dk"))
        assert (user.role, user.company_id, user.name) == ("employer", company_id, "Lone Leder")
    browser.login("leder@lager.dk", NEW_PASSWORD)
    assert "Lager A/S" in browser.get("/portal/").get_data(as_text=True)


def test_a_used_invitation_link_is_refused_with_a_clear_message(browser, invite):
    token, _, _ = invite()
    _accept(browser, token)
    response = browser.get(f"/portal/invitation/{token}")
    assert response.status_code == 410
    assert "Invitationen er allerede brugt" in response.get_data(as_text=True)


def test_an_expired_invitation_link_is_refused_with_a_clear_message(app, browser, invite):
    token, invitation_id, _ = invite()
    with app.app_context():
        db.session.get(Invitation, invitation_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = browser.get(f"/portal/invitation/{token}")
    assert response.status_code == 410
    assert "Invitationen er udløbet" in response.get_data(as_text=True)


def test_a_link_older_than_seven_days_is_refused_by_its_signature(app, browser, invite, monkeypatch):
    token, _, _ = invite()
    import time
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 8 * 24 * 3600)
    response = browser.get(f"/portal/invitation/{token}")
    assert "Invitationen er udløbet" in response.get_data(as_text=True)


def test_a_tampered_invitation_link_is_refused(browser, invite):
    token, _, _ = invite()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = browser.get(f"/portal/invitation/{tampered}")
    assert response.status_code == 410
    assert "Linket virker ikke" in response.get_data(as_text=True)


def test_a_revoked_invitation_link_is_refused(app, browser, invite):
    token, invitation_id, _ = invite()
    with app.app_context():
        revoke_invitation(db.session.get(Invitation, invitation_id))
        db.session.commit()
    assert "trukket tilbage" in browser.get(f"/portal/invitation/{token}").get_data(as_text=True)


def test_a_too_short_password_is_refused_and_the_link_still_works(app, browser, invite):
    token, invitation_id, _ = invite()
    response = _accept(browser, token, password="kort")
    assert response.status_code == 200
    assert "Adgangskoden skal være mindst" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).used_at is None
    assert _accept(browser, token).status_code == 302


def test_revoking_a_used_invitation_ends_the_employers_access(app, browser, invite):
    token, invitation_id, _ = invite()
    _accept(browser, token)
    browser.login("leder@lager.dk", NEW_PASSWORD)
    assert browser.get("/portal/").status_code == 200
    with app.app_context():
        revoke_invitation(db.session.get(Invitation, invitation_id))
        db.session.commit()
    assert browser.get("/portal/").status_code == 302  # the session no longer works


def test_konsulent_invites_a_contact_person_by_email(app, browser, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    url = f"/stillinger/virksomhed/{company_id}/adgang"
    response = browser.post_form(url, {"name": "Lone Leder", "email": "leder@lager.dk"},
                                 follow_redirects=True)
    assert "Invitationen er sendt til leder@lager.dk" in response.get_data(as_text=True)
    outbox = app.extensions["mailman"].outbox
    assert [m.to for m in outbox] == [["leder@lager.dk"]]
    assert "/portal/invitation/" in outbox[0].body


def test_inviting_an_email_that_already_has_an_account_is_refused(browser, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    konsulent = make_user("konsulent")
    browser.login(konsulent)
    url = f"/stillinger/virksomhed/{company_id}/adgang"
    response = browser.post_form(url, {"name": "X", "email": konsulent})
    assert "Der findes allerede en bruger med den e-mail" in response.get_data(as_text=True)


def test_konsulent_removes_an_employers_access(app, browser, make_user, user_id, employer):
    email, company_id = employer
    browser.login(make_user("konsulent"))
    url = f"/stillinger/virksomhed/{company_id}/adgang/bruger/{user_id(email)}/fjern"
    browser.post_form(url, {}, form_page=f"/stillinger/virksomhed/{company_id}/adgang")
    with app.app_context():
        assert db.session.get(User, user_id(email)).active is False


def test_employers_and_vejledere_cannot_manage_portal_access(browser, make_user, employer):
    email, company_id = employer
    for user in (email, make_user("vejleder")):
        browser.login(user, TEST_PASSWORD)
        assert browser.get(f"/stillinger/virksomhed/{company_id}/adgang").status_code == 403
        browser.logout()


def test_invitation_page_is_rate_limited(make_app):
    from tests.conftest import Browser

    limited = make_app(LOGIN_RATE_LIMIT="2 per minute")
    browser = Browser(limited.test_client())
    codes = [browser.post_form("/portal/invitation/ugyldig", {"password": "x"}, form_page="/login").status_code
             for _ in range(3)]
    assert codes[-1] == 429
