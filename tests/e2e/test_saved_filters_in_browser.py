"""A konsulent saves the company list's filters under a name, applies them later and deletes them."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_konsulent_saves_applies_and_deletes_a_filter(page, login, live_server, make_user, make_partner,
                                                        make_company):
    make_partner("Hansens Bageri")
    make_company("Emne Bageri", status="emne")
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/")
    filters = page.get_by_role("search", name="Find virksomheder")
    filters.get_by_label("Søg (navn, CVR, by eller tags)").fill("bageri")
    filters.get_by_label("Partner", exact=True).check()
    filters.get_by_role("button", name="Søg").click()
    page.get_by_label("Gem filtrene som").fill("Bagere, partnere")
    page.get_by_role("button", name="Gem filtrene").click()
    expect(page.get_by_text("Filteret „Bagere, partnere“ er gemt.")).to_be_visible()

    page.goto(f"{live_server}/virksomheder/")
    expect(page.get_by_role("link", name="Emne Bageri")).to_be_visible()
    page.get_by_role("link", name="Bagere, partnere").click()
    expect(page.get_by_role("link", name="Hansens Bageri")).to_be_visible()
    assert page.get_by_role("link", name="Emne Bageri").count() == 0
    assert page.get_by_label("Søg (navn, CVR, by eller tags)").input_value() == "bageri"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Slet filteret Bagere, partnere").click()
    expect(page.get_by_text("Filteret „Bagere, partnere“ er slettet.")).to_be_visible()
    expect(page.get_by_text("Du har ingen gemte filtre endnu.")).to_be_visible()
