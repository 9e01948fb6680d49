"""The match page stays short enough to read: 20 matches in compact cards, the travel time said
once per card, the reasons a click away; and the meeting print page a vejleder takes along."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

#: 20 results at 1280 px were 7,800 px before the compact cards (issue 16).
MAX_PAGE_HEIGHT_PX = 4000
TRAVEL = re.compile(r"\d+ min (til fods|på cykel|med offentlig transport|i bil)")


@pytest.fixture
def borger_with_20_matches(make_user, make_borger, make_partner, make_opening):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lagerarbejde"])
    for n in range(12):
        make_partner(f"Lager nummer {n} ApS", industry_text="Lager og logistik")
    for n in range(10):
        company = make_partner(f"Butik nummer {n} ApS", industry_text="Detailhandel")
        make_opening(company, title=f"Lagermedarbejder {n}")
    return vejleder, borger_id


def test_twenty_match_cards_fit_in_a_sensible_height_with_the_travel_time_once(
        page, login, live_server, borger_with_20_matches):
    vejleder, borger_id = borger_with_20_matches
    login(vejleder)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/borgere/{borger_id}/match")
    cards = page.locator(".match-list > li.match")
    assert cards.count() == 20
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"match page height, 20 results at 1280 px: {height} px")
    assert height < MAX_PAGE_HEIGHT_PX
    for i in range(cards.count()):
        assert len(TRAVEL.findall(cards.nth(i).inner_text())) == 1
    # The reasons are a click away; opened, the first card shows them all.
    first = cards.first
    expect(first.locator(".reasons li").first).to_be_hidden()
    first.locator(".match-reasons summary").click()
    expect(first.locator(".reasons li").first).to_be_visible()
    assert "Ønsker lagerarbejde" in first.locator(".reasons").inner_text()
    # "Passer ikke" and "Vis ikke igen" are folded away too, and still reachable.
    first.locator(".match-more summary").click()
    expect(first.get_by_role("button", name="Passer ikke")).to_be_visible()


def test_the_meeting_list_prints_the_top_matches_with_the_first_name_only(
        app, page, login, live_server, borger_with_20_matches):
    vejleder, borger_id = borger_with_20_matches
    with app.app_context():
        from crm.extensions import db
        from crm.models import Borger

        borger = db.session.get(Borger, borger_id)
        borger.notes = "Intern note: må ikke ses af borgeren"
        reference = borger.reference
        db.session.commit()
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}/match")
    page.get_by_role("link", name="Matchliste til mødet").click()
    expect(page.get_by_role("heading", name="Job og virksomheder at tale om")).to_be_visible()
    page.wait_for_load_state("load")  # the print button's handler comes with app.js (deferred)
    text = page.locator("main").inner_text()
    assert "Til Mette" in text
    assert reference not in text and "Intern note" not in text and "%" not in text
    items = page.locator(".meeting-matches > li")
    assert items.count() == 10
    assert len(TRAVEL.findall(items.first.inner_text())) == 1
    assert re.search(r"\d+,\d km", items.first.inner_text())  # Danish decimals
    # The button prints (window.print); on paper only the list is left.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Udskriv / gem som PDF").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Udskriv / gem som PDF")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(items.first).to_be_visible()
