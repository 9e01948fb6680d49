"""The employer portal in the employer's language: the konsulent chooses the invitation's language,
the invitation e-mail and page are written in it, the user it creates reads the portal in it, and
the e-mails employers get later follow the user's own choice."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Invitation, User
from crm.services.users import set_language

NEW_PASSWORD = "en-lang-og-god-adgangskode"


@pytest.fixture
def outbox(app):
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def _invite(browser, company_id, language):
    return browser.post_form(f"/stillinger/virksomhed/{company_id}/adgang",
                             {"name": "Lone Leder", "email": "leder@lager.dk", "language": language})


def _token(message) -> str:
    return message.body.split("/portal/invitation/")[1].split()[0]


def _accept(browser, token):
    return browser.post_form(f"/portal/invitation/{token}",
                             {"name": "Lone Leder", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_an_invitation_in_english_is_an_english_email_and_makes_an_english_user(
        app, browser, outbox, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    assert _invite(browser, company_id, "en").status_code == 302
    [message] = outbox
    assert message.subject == "Invitation to the employer portal"
    assert message.body.startswith("Dear Lone Leder\n\nYou have been invited to Fodfæste's employer portal "
                                   "for Lager A/S.")
    assert "Kind regards" in message.body and "Venlig hilsen" not in message.body
    browser.logout()
    page = browser.get(f"/portal/invitation/{_token(message)}").get_data(as_text=True)
    assert '<html lang="en">' in page and "Create access to the employer portal" in page
    login = _accept(browser, _token(message))
    assert login.status_code == 302
    login_page = browser.get(login.location).get_data(as_text=True)
    assert '<html lang="en">' in login_page and "Your access has been created." in login_page
    with app.app_context():
        assert _user("leder@lager.dk").language == "en"
        assert db.session.scalar(sa.select(Invitation.language)) == "en"


def test_an_invitation_is_danish_unless_the_konsulent_chooses_english(app, browser, outbox, make_user,
                                                                      make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    browser.post_form(f"/stillinger/virksomhed/{company_id}/adgang",
                      {"name": "Lone Leder", "email": "leder@lager.dk"})
    [message] = outbox
    assert message.subject == "Invitation til virksomhedsportalen"
    browser.logout()
    _accept(browser, _token(message))
    with app.app_context():
        assert _user("leder@lager.dk").language == "da"


def test_the_invitation_page_keeps_a_language_the_person_has_chosen(browser, outbox, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    _invite(browser, company_id, "en")
    browser.logout()
    browser.client.set_cookie("sprog", "da")
    page = browser.get(f"/portal/invitation/{_token(outbox[0])}").get_data(as_text=True)
    assert "Opret adgang til virksomhedsportalen" in page


def test_an_invitation_in_an_unknown_language_is_refused(browser, outbox, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    response = _invite(browser, company_id, "xx")
    assert response.status_code == 200 and not outbox


def test_an_employer_with_language_en_sees_the_portal_in_english(app, browser, employer):
    email, _ = employer
    with app.app_context():
        set_language(_user(email), "en")
        db.session.commit()
    browser.login(email)
    page = browser.get("/portal/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Welcome, " in page and "Create an opening" in page
    assert "Velkommen" not in page and "Opret en stilling" not in page


def test_an_employer_who_switches_to_english_keeps_it(app, browser, employer):
    email, _ = employer
    browser.login(email)
    browser.post_form("/sprog", {"language": "en", "next": "/portal/"}, form_page="/portal/")
    with app.app_context():
        assert _user(email).language == "en"
    assert "Your openings and praktik places" in browser.get("/portal/stillinger").get_data(as_text=True)


def test_a_reminder_to_an_english_speaking_employer_is_english(app, outbox, employer, make_user, make_opening):
    from crm.services.reminders import send_reminders

    email, company_id = employer
    danish = make_user("employer", company_id=company_id)
    make_opening(company_id, title="Lagermedarbejder", days_unconfirmed=35)
    with app.app_context():
        set_language(_user(email), "en")
        send_reminders(link="https://fodfaeste.example.dk/portal/stillinger")
        db.session.commit()
    by_recipient = {m.to[0]: m for m in outbox}
    english, dansk = by_recipient[email], by_recipient[danish]
    assert english.subject == "Are your openings still available?"
    assert "Lagermedarbejder (last confirmed 35 days ago)" in english.body
    assert "Kind regards" in english.body
    assert dansk.subject == "Er jeres stillinger stadig åbne?"
    assert "Lagermedarbejder (senest bekræftet for 35 dage siden)" in dansk.body


def test_a_used_english_invitation_is_refused_in_english(browser, outbox, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    _invite(browser, company_id, "en")
    browser.logout()
    token = _token(outbox[0])
    _accept(browser, token)
    browser.client.delete_cookie("sprog")
    response = browser.get(f"/portal/invitation/{token}")
    assert response.status_code == 410
    assert "The invitation has already been used." in response.get_data(as_text=True)
