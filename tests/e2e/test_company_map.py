"""A konsulent finds a company by a misspelled name in a real browser and sees it on the map,
with and without map tiles."""

import re

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.services.companies import create_company

pytestmark = pytest.mark.e2e

# A page served by the app itself, so "tiles" load without any network.
LOCAL_TILE = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"


@pytest.fixture
def companies(app):
    with app.app_context():
        hansen = create_company({"name": "Hansens Bageri ApS", "postcode": "8000", "address": "Søndergade 1",
                                 "status": "partner"})
        create_company({"name": "Netto Holstebro", "postcode": "7500"})
        db.session.commit()
        return hansen.id


def find_and_open_map(page, live_server, company_id):
    page.goto(f"{live_server}/virksomheder/")
    page.get_by_label("Søg (navn, CVR, by eller tags)").fill("Hasnens bageri")
    page.get_by_role("button", name="Søg").click()
    results = page.locator("table.companies tbody tr")
    expect(results).to_have_count(1)
    assert results.get_by_role("link", name="Hansens Bageri ApS").get_attribute("href") == \
        f"/virksomheder/{company_id}"
    page.get_by_role("link", name="Vis på kort").click()
    page.wait_for_url(re.compile(r"/virksomheder/kort\?q=Hasnens"))
    marker = page.locator(f"path.company-marker[data-company-id='{company_id}']")
    marker.wait_for()
    assert page.locator("path.company-marker").count() == 1
    expect(page.get_by_role("table", name="Virksomhederne på kortet").get_by_role(
        "link", name="Hansens Bageri ApS")).to_be_visible()
    return marker


def test_konsulent_finds_misspelled_company_and_sees_it_on_a_blank_map(
        page, login, live_server, make_user, companies):
    login(make_user("konsulent"))
    marker = find_and_open_map(page, live_server, companies)
    expect(page.get_by_text("Kortbaggrund er ikke tilgængelig")).to_be_visible()
    marker.click()
    expect(page.locator(".leaflet-popup").get_by_role("link", name="Hansens Bageri ApS")).to_be_visible()


def test_map_uses_the_configured_tiles_without_the_note(
        app, page, login, live_server, make_user, companies):
    app.config["MAP_TILE_URL"] = live_server + LOCAL_TILE
    login(make_user("konsulent"))
    find_and_open_map(page, live_server, companies)
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    expect(page.get_by_text("Kortbaggrund er ikke tilgængelig")).to_be_hidden()


def test_map_falls_back_to_a_blank_background_when_tiles_fail(
        app, page, login, live_server, make_user, companies):
    app.config["MAP_TILE_URL"] = live_server + "/ingen-fliser/{z}/{x}/{y}.png"
    login(make_user("konsulent"))
    find_and_open_map(page, live_server, companies)
    page.get_by_text("Kortbaggrund er ikke tilgængelig").wait_for()
    assert page.locator("img.leaflet-tile").count() == 0


def test_without_tiles_the_map_draws_denmark_beneath_the_markers(page, login, live_server, make_user, companies):
    """Issue 16: with no tile server the map was a grey box with dots."""
    login(make_user("konsulent"))
    find_and_open_map(page, live_server, companies)
    page.locator("#company-map[data-base-layer='drawn']").wait_for()
    assert page.locator(".leaflet-base-pane svg path").count() >= 5  # the five regions at least
    # The 98 municipalities as lines only (no fill over the regions), in view around the markers.
    assert page.locator('.leaflet-base-pane svg path[fill="none"]').count() == 98
    # Beneath the markers: the base pane is stacked below the pane holding the markers.
    z_base = page.locator(".leaflet-base-pane").evaluate("e => Number(getComputedStyle(e).zIndex)")
    z_markers = page.locator(".leaflet-overlay-pane").evaluate("e => Number(getComputedStyle(e).zIndex)")
    z_tiles = page.locator(".leaflet-tile-pane").evaluate("e => Number(getComputedStyle(e).zIndex)")
    assert z_base < z_tiles < z_markers
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth" in attribution and "react-denmark-map" in attribution
    assert page.locator("img.leaflet-tile").count() == 0


def test_configured_tiles_layer_on_top_of_the_base_layer(app, page, login, live_server, make_user, companies):
    app.config["MAP_TILE_URL"] = live_server + LOCAL_TILE
    login(make_user("konsulent"))
    find_and_open_map(page, live_server, companies)
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    page.locator("#company-map[data-base-layer='drawn']").wait_for()
    assert page.locator(".leaflet-base-pane svg path").count() >= 5
