"""Numbers written as Danes write them, from one helper (issue 16: "4.7 km" on the match card beside
"2,7 km" on visit planning)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: Ways a template could format a number by hand instead of with the ``number`` filter.
BY_HAND = re.compile(r"""'%[-+ 0#]*\d*(\.\d+)?[fge]'\s*\|\s*format|replace\(\s*'\.'\s*,\s*','\s*\)|\{:[,.]""")


def test_no_template_formats_numbers_by_hand():
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if BY_HAND.search(line)]
    assert found == []


@pytest.fixture
def vejleder_with_match(make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagerarbejde"], max_travel_minutes=60)
    make_partner("Jyllands Lager ApS", postcode="8200", industry_text="Lager og logistik")  # Aarhus N
    return email, borger_id


def test_match_card_writes_the_distance_with_a_decimal_comma(browser, vejleder_with_match):
    email, borger_id = vejleder_with_match
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert re.search(r"<span>\d+,\d km, \d+ min på cykel</span>", html)
    assert not re.search(r"\d\.\d km", html)


def test_visit_planning_and_match_card_agree_on_the_distance_format(browser, make_user, make_partner):
    make_partner("Jyllands Lager ApS", postcode="8200")
    browser.login(make_user("konsulent"))
    html = browser.get("/virksomheder/naer?postcode=8000&radius=15&status=partner").get_data(as_text=True)
    assert re.search(r"<td>\d+,\d km</td>", html)


def test_opening_hours_are_written_with_a_decimal_comma(browser, make_user, make_partner, make_opening):
    opening_id = make_opening(make_partner("Jyllands Lager ApS"), hours_min=7.5, hours_max=12.5)
    browser.login(make_user("konsulent"))
    html = browser.get(f"/stillinger/{opening_id}").get_data(as_text=True)
    assert "7,5–12,5" in html
    assert "7.5" not in html


def test_borger_hours_are_written_with_a_decimal_comma(browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email, hours_min=7.5, hours_max=15)
    browser.login(email)
    assert "7,5–15 om ugen" in browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
