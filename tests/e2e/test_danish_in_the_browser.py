"""What a Danish user sees (issue 16): names in Danish alphabetical order, a short misspelling
finds the company, å/æ/ø written as aa/ae/oe find it too, and the placement timeline in words."""

import re

import pytest

pytestmark = pytest.mark.e2e

NAMES = ["Åkande Planteskole", "Zebra Cykler", "Ørsted Auto", "Ærø Kro", "Bageriet Kogleriet",
         "Thygesens Bageri", "Æblehaven Rengøring"]


def test_konsulent_sees_companies_in_danish_order_and_finds_them_misspelt(page, login, live_server,
                                                                          make_user, make_partner):
    for name in NAMES:
        make_partner(name)
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/?sort=name")
    shown = page.locator("table.companies tbody tr td:first-child a").all_inner_texts()
    assert shown == ["Bageriet Kogleriet", "Thygesens Bageri", "Zebra Cykler", "Æblehaven Rengøring",
                     "Ærø Kro", "Ørsted Auto", "Åkande Planteskole"]

    search = page.get_by_label("Søg (navn, CVR, by eller tags)")
    search.fill("bagri")
    page.get_by_role("button", name="Søg").click()
    found = page.locator("table.companies tbody tr td:first-child a").all_inner_texts()
    assert sorted(found) == ["Bageriet Kogleriet", "Thygesens Bageri"]

    page.get_by_label("Søg (navn, CVR, by eller tags)").fill("aeblehaven")
    page.get_by_role("button", name="Søg").click()
    assert page.locator("table.companies tbody tr td:first-child a").all_inner_texts() == ["Æblehaven Rengøring"]


def test_vejleder_sees_the_placement_steps_in_danish(page, login, live_server, borger_at_a_meeting):
    email, borger_id = borger_at_a_meeting
    login(email)
    page.goto(f"{live_server}/borgere/{borger_id}")
    steps = page.locator("ol.timeline li").all_inner_texts()
    assert [step.split(": ", 1)[1].split(" ")[0] for step in steps] == ["Kortliste", "Foreslået", "Møde/samtale"]


def test_match_card_and_visit_planning_write_distances_alike(page, login, live_server, make_user, make_borger,
                                                             make_partner):
    """Issue 16: "4.7 km" on the match card beside "2,7 km" on visit planning."""
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, wishes=["lagerarbejde"], max_travel_minutes=60)
    make_partner("Jyllands Lager ApS", postcode="8200", industry_text="Lager og logistik")
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}/match")
    card = page.locator(".match-list > li").first.inner_text()
    assert re.search(r"\d+,\d km", card) and not re.search(r"\d\.\d km", card)
    card_km = re.search(r"(\d+,\d) km", card).group(1)

    page.get_by_role("button", name="Log ud").click()  # as a person switches user
    page.wait_for_url("**/login**")
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/naer?postcode=8000&radius=15&status=partner")
    row = page.get_by_role("row", name=re.compile("Jyllands Lager ApS")).inner_text()
    assert re.search(r"\d+,\d km", row)
    assert card_km in row  # the same place, the same distance, the same way of writing it


def test_match_map_draws_denmark_without_a_tile_server(page, login, live_server, make_user, make_borger,
                                                        make_partner):
    """Issue 16: the match map is readable with no tile server (the offline base layer)."""
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, wishes=["lagerarbejde"], max_travel_minutes=60)
    make_partner("Jyllands Lager ApS", postcode="8200", industry_text="Lager og logistik")
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}/match")
    page.locator("#match-map[data-base-layer='drawn']").wait_for()
    assert page.locator("#match-map .leaflet-base-pane svg path").count() >= 5
    assert page.locator("#match-map .leaflet-overlay-pane path").count() >= 2  # home and the match
