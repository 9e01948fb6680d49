"""A person logs in as each role in a real browser and sees that role's navigation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The menu shows what each role's permissions open (crm/permissions.py): an admin opens no borger record.
EXPECTED_NAVIGATION = {
    "admin": ["Forside", "Virksomheder", "Kontakt snart", "Stillinger", "Mine opgaver", "Indsatser",
              "Adresseopslag", "Brugere", "Revisionslog", "Matchvægte"],
    "teamleder": ["Forside", "Borgere", "Virksomheder", "Kontakt snart", "Stillinger", "Mine opgaver", "Indsatser",
                  "Adresseopslag"],
    "vejleder": ["Forside", "Min uge", "Borgere", "Virksomheder", "Kontakt snart", "Stillinger", "Mine opgaver",
                 "Indsatser", "Adresseopslag"],
    "konsulent": ["Forside", "Virksomheder", "Kontakt snart", "Stillinger", "Mine opgaver", "Indsatser",
                  "Adresseopslag"],
    "employer": ["Forside", "Stillinger", "Profil", "Forslag"],
}
# Employers have the portal's own layout and menu.
MENU_NAME = {"employer": "Portalmenu"}


@pytest.mark.parametrize("role", list(EXPECTED_NAVIGATION))
def test_each_role_logs_in_and_sees_its_navigation(page, login, live_server, make_user, role):
    login(make_user(role))
    nav = page.get_by_role("navigation", name=MENU_NAME.get(role, "Hovedmenu"))
    assert nav.get_by_role("link").all_inner_texts() == EXPECTED_NAVIGATION[role]
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{live_server}/login")
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()


def test_wrong_password_shows_a_danish_message_in_the_browser(page, login, make_user):
    login(make_user("vejleder"), "helt-forkert")
    expect(page.get_by_text("Forkert e-mail eller adgangskode.")).to_be_visible()
    assert page.get_by_label("E-mail").input_value().endswith("@test.fodfaeste.dk")


def test_admin_creates_a_user_in_the_browser(page, login, live_server, make_user):
    login(make_user("admin"))
    page.get_by_role("link", name="Brugere").click()
    page.get_by_role("link", name="Ny bruger").click()
    page.get_by_label("Navn").fill("Birgit Browser")
    page.get_by_label("E-mail").fill("birgit@test.fodfaeste.dk")
    page.get_by_label("Rolle").select_option("konsulent")
    page.get_by_label("Adgangskode", exact=True).fill("kort")
    page.get_by_label("Gentag adgangskode").fill("kort")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Adgangskoden skal være mindst 12 tegn.")).to_be_visible()
    assert page.get_by_label("Navn").input_value() == "Birgit Browser"
    page.get_by_label("Adgangskode", exact=True).fill("en-lang-adgangskode")
    page.get_by_label("Gentag adgangskode").fill("en-lang-adgangskode")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"{live_server}/admin/brugere")
    expect(page.get_by_role("cell", name="Birgit Browser")).to_be_visible()
