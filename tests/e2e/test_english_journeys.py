"""One journey per role in English, in a real browser: the person switches to English on the login
page, logs in, and every page of their menu (and the pages one click further that the journey
opens) is English, with English number formats; switching back to Danish keeps the choice for the
next login and loses nothing. Danish UI text is found as in tests/crm/i18n/danish.py; the
register's own data (names, addresses, what people typed) stays as written."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import User
from tests.conftest import TEST_PASSWORD
from tests.crm.i18n.danish import danish_words
from tests.crm.i18n.test_english_pages import _data_strings
from tests.e2e.test_role_journeys import register  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e


def english_login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def danish_left(page, data) -> list[str]:
    return danish_words(page.content(), data)


def walk_menu(page, live_server, data, menu_selector=".main-nav a") -> dict[str, list[str]]:
    """Every page of the menu: address → the Danish words left on it."""
    hrefs = page.locator(menu_selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs, "the menu has no links"
    left = {}
    for href in hrefs:
        response = page.goto(f"{live_server}{href}")
        assert response.status == 200, href
        expect(page.locator("html")).to_have_attribute("lang", "en")
        words = danish_left(page, data)
        if words:
            left[href] = words
    return left


@pytest.mark.parametrize("role", ["vejleder", "konsulent", "admin", "teamleder"])
def test_each_staff_role_reads_every_menu_page_in_english(page, live_server, app, register, role):  # noqa: F811
    people, ids = register
    english_login(page, live_server, people[role])
    with app.app_context():
        data = _data_strings()
    left = walk_menu(page, live_server, data)
    # One click further: the vejleder's borger and matches, the konsulent's company.
    extra = {"vejleder": [f"/borgere/{ids['borger']}", f"/borgere/{ids['borger']}/match"],
             "konsulent": [f"/virksomheder/{ids['company']}", f"/stillinger/{ids['opening']}"],
             "admin": [f"/virksomheder/{ids['company']}"], "teamleder": [f"/borgere/{ids['borger']}"]}[role]
    for path in extra:
        page.goto(f"{live_server}{path}")
        words = danish_left(page, data)
        if words:
            left[path] = words
    assert not left, left
    if role == "vejleder":
        # English numbers on the match list: a decimal point in the distances.
        page.goto(f"{live_server}/borgere/{ids['borger']}/match")
        assert re.search(r"\d+\.\d km", page.locator("main").inner_text())


def test_the_choice_is_kept_and_switching_back_loses_nothing(page, live_server, app, register):  # noqa: F811
    people, ids = register
    english_login(page, live_server, people["konsulent"])
    page.goto(f"{live_server}/virksomheder/{ids['company']}")
    english_heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    # Back on the same page, in Danish, with the same company.
    assert page.url.endswith(f"/virksomheder/{ids['company']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(english_heading)  # the company's own name
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == people["konsulent"]))
        assert user.language == "da"
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == people["konsulent"]))
        assert user.language == "en"
    # A fresh browser context (no cookie) still gets English after login: the choice is the user's.
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.locator("#indhold input[name=email]").fill(people["konsulent"])
    page.locator("#indhold input[name=password]").fill(TEST_PASSWORD)
    page.locator("#indhold form [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_an_employer_uses_the_portal_in_english(page, live_server, app, make_user, make_partner):
    company_id = make_partner("Jyllands Lager ApS")
    email = make_user("employer", company_id=company_id)
    english_login(page, live_server, email)
    with app.app_context():
        data = _data_strings()
    left = walk_menu(page, live_server, data, ".site-header nav a")
    assert not left, left
