"""The language switch (POST /sprog) and who decides the language: the signed-in user's choice,
then the ``sprog`` cookie, then the browser's Accept-Language, then Danish."""

import re

import sqlalchemy as sa

from crm.extensions import db
from crm.models import User
from tests.conftest import csrf_token_from


def _switch(client, language, next_url="/login"):
    # The switch is on every page: the login page, or (signed in) the start page it redirects to.
    token = csrf_token_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    return client.post("/sprog", data={"csrf_token": token, "language": language, "next": next_url})


def _language_of(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User.language).where(User.email == email))


def _sprog_cookie(client):
    cookie = client.get_cookie("sprog")
    return cookie.value if cookie else None


def test_the_switch_sets_the_cookie_and_goes_back_to_the_page(client):
    response = _switch(client, "en", next_url="/login?next=/konto")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/konto"
    assert _sprog_cookie(client) == "en"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_the_switch_remembers_the_choice_for_the_signed_in_user(app, browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    response = _switch(browser.client, "en", next_url="/konto")
    assert response.headers["Location"] == "/konto"
    assert _language_of(app, email) == "en"


def test_an_unsafe_next_goes_to_the_login_page_or_home(browser, make_user):
    assert _switch(browser.client, "en", next_url="https://evil.example/").headers["Location"] == "/login"
    browser.login(make_user("vejleder"))
    assert _switch(browser.client, "da", next_url="//evil.example/x").headers["Location"] == "/"


def test_an_unknown_language_changes_nothing_and_says_so_in_danish(app, browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    response = _switch(browser.client, "xx", next_url="/konto")
    assert response.headers["Location"] == "/konto"
    assert _sprog_cookie(browser.client) is None and _language_of(app, email) == ""
    assert "Vælg dansk eller engelsk." in browser.get("/konto").get_data(as_text=True)


def test_accept_language_decides_a_first_visit(client):
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert re.search(r'<html lang="en"', english) and "Sign in" in english
    danish = client.get("/login", headers={"Accept-Language": "sv,da;q=0.5"}).get_data(as_text=True)
    assert "Log ind" in danish and "Sign in" not in danish


def test_the_users_own_choice_beats_the_cookie_and_the_browser(app, browser, make_user):
    email = make_user("vejleder")
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).language = "en"
        db.session.commit()
    browser.login(email)
    browser.client.set_cookie("sprog", "da")
    page = browser.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Welcome," in page and "Velkommen" not in page
