"""A konsulent's day in a real browser: create a company, log a meeting with a follow-up task,
find the task in "Mine opgaver", find the company again by a misspelled name and see it on the map."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_konsulent_creates_a_company_logs_a_meeting_and_sees_the_follow_up_task(
        page, login, live_server, make_user):
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/ny")
    page.get_by_label("Navn", exact=True).fill("Café Solsikken")
    page.get_by_label("Adresse", exact=True).fill("Nørregade 10")
    page.get_by_label("Postnummer").fill("7500")
    page.get_by_label("Mentor på arbejdspladsen").check()
    page.get_by_role("button", name="Gem").click()

    page.get_by_role("heading", name="Café Solsikken").wait_for()
    expect(page.get_by_text("Café Solsikken er oprettet.")).to_be_visible()
    expect(page.get_by_text("7500 Holstebro")).to_be_visible()

    page.get_by_role("link", name="Registrer kontakt").first.click()
    page.get_by_label("Kontaktform").select_option("meeting")
    page.get_by_label("Med hvem (fritekst)").fill("Susanne, indehaver")
    page.get_by_label("Resumé").fill("Rundvisning; de kan tage en i praktik 10 timer om ugen.")
    # Shown only when asked for; the page's script hides it once loaded, so wait for that.
    expect(page.get_by_label("Opgave", exact=True)).to_be_hidden()
    page.get_by_label("Opret opfølgningsopgave").check()
    page.get_by_label("Opgave", exact=True).fill("Send praktikaftale til Susanne")
    page.get_by_role("button", name="Gem i kontaktloggen").click()

    page.get_by_text("Kontakten er registreret med en opfølgningsopgave.").wait_for()
    log = page.get_by_role("region", name="Kontaktlog")
    expect(log.get_by_text("Møde på virksomheden")).to_be_visible()
    expect(log.get_by_text("Personligt")).to_be_visible()

    page.goto(f"{live_server}/opgaver/")
    row = page.get_by_role("row", name="Send praktikaftale til Susanne")
    expect(row.get_by_role("link", name="Café Solsikken")).to_be_visible()
    row.get_by_role("button", name="Udført").click()
    page.get_by_text("er markeret som udført").wait_for()
    expect(page.get_by_role("row", name="Send praktikaftale til Susanne").get_by_role(
        "button", name="Genåbn")).to_be_visible()

    # Later: find the company again by a misspelled name, and see it on the map.
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Virksomheder").click()
    page.get_by_label("Søg (navn, CVR, by eller tags)").fill("Cafe Solsiken")
    page.get_by_role("button", name="Søg").click()
    expect(page.locator("table.companies tbody tr").first.get_by_role("link", name="Café Solsikken")).to_be_visible()
    page.get_by_role("link", name="Vis på kort").click()
    page.wait_for_url(re.compile(r"/virksomheder/kort"))
    page.locator("path.company-marker").first.wait_for()
    expect(page.get_by_role("table", name="Virksomhederne på kortet").get_by_role(
        "link", name="Café Solsikken")).to_be_visible()
