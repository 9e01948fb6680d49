"""An invited employer sets a password and creates an opening; a vejleder finds it among a fitting
borger's matches and proposes the borger; the employer answers and the vejleder sees the answer."""

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Company
from crm.services.invitations import create_invitation

pytestmark = pytest.mark.e2e
PASSWORD = "lagerets-egen-adgangskode"


def test_invited_employer_posts_an_opening_and_answers_a_proposal(app, page, login, live_server, make_user,
                                                                  make_borger, make_partner):
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    with app.app_context():
        _, token = create_invitation(db.session.get(Company, company_id), email="leder@jyllandslager.dk",
                                     name="Lone Leder")
        db.session.commit()
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lagerarbejde"],
                            shared_fields=["first_name", "wishes"])

    # The employer sets a password through the invitation link, then logs in.
    page.goto(f"{live_server}/portal/invitation/{token}")
    page.get_by_label("Vælg en adgangskode").fill(PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(PASSWORD)
    page.get_by_role("button", name="Opret adgang").click()
    expect(page.get_by_text("Din adgang er oprettet")).to_be_visible()
    login("leder@jyllandslager.dk", PASSWORD)

    # ... and creates an opening.
    page.get_by_role("navigation", name="Portalmenu").get_by_role("link", name="Stillinger").click()
    page.get_by_role("link", name="Opret en stilling").click()
    page.get_by_label("Titel").fill("Lagermedarbejder")
    page.get_by_label("Type").select_option("job")
    page.get_by_label("Status").select_option("aaben")
    page.get_by_label("Timer om ugen, fra").fill("10")
    page.get_by_label("Timer om ugen, til").fill("20")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Stillingen «Lagermedarbejder» er oprettet")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The vejleder finds it among the borger's matches and proposes the borger.
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}/match")
    match = page.locator(".match-list > li", has_text="Lagermedarbejder").first
    expect(match).to_be_visible()
    match.get_by_role("button", name="Foreslå for arbejdsgiver").click()
    expect(page.get_by_text("1 bruger i arbejdsgiverportalen")).to_be_visible()
    page.get_by_role("button", name="Ja, foreslå Mette").click()
    expect(page.get_by_text("Mette er foreslået for Jyllands Lager ApS")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The employer sees only what Mette shares and answers.
    login("leder@jyllandslager.dk", PASSWORD)
    page.get_by_role("navigation", name="Portalmenu").get_by_role("link", name="Forslag").click()
    page.get_by_role("link", name="Mette", exact=True).click()
    expect(page.get_by_text("lagerarbejde")).to_be_visible()
    page.get_by_role("button", name="Interesseret – kontakt mig").click()
    expect(page.get_by_text("Tak for svaret")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The vejleder sees the answer on the borger's page.
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}")
    expect(page.get_by_text("Arbejdsgiverens svar:", exact=True)).to_be_visible()
    expect(page.get_by_text("Interesseret – kontakt mig").first).to_be_visible()
