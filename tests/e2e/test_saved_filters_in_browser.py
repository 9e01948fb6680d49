"""A konsulent saves the company list's filters under a name, applies them later and deletes them."""

import pytest

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
    assert page.get_by_text("Filteret „Bagere, partnere“ er gemt.").is_visible()

    page.goto(f"{live_server}/virksomheder/")
    assert page.get_by_role("link", name="Emne Bageri").is_visible()
    page.get_by_role("link", name="Bagere, partnere").click()
    assert page.get_by_role("link", name="Hansens Bageri").is_visible()
    assert page.get_by_role("link", name="Emne Bageri").count() == 0
    assert page.get_by_label("Søg (navn, CVR, by eller tags)").input_value() == "bageri"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Slet filteret Bagere, partnere").click()
    assert page.get_by_text("Filteret „Bagere, partnere“ er slettet.").is_visible()
    assert page.get_by_text("Du har ingen gemte filtre endnu.").is_visible()
