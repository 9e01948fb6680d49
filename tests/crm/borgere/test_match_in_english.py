"""A borger's match page and meeting list read in English: the matcher's reasons in English words,
distances, percentages and hours in English number formats, the same list as in Danish."""

import re

import pytest


@pytest.fixture
def english_vejleder(browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagerarbejde"], hours_min=7.5)
    make_partner("Jyllands Lager ApS", postcode="8200", industry_text="Lager og logistik")
    browser.login(email)
    browser.client.set_cookie("sprog", "en")
    return borger_id


def test_the_match_page_in_english_gives_english_reasons_and_english_numbers(browser, english_vejleder):
    html = browser.get(f"/borgere/{english_vejleder}/match").get_data(as_text=True)
    assert "Jyllands Lager ApS" in html
    assert "Wants lagerarbejde" in html
    assert "Ønsker" not in html
    assert re.search(r"\d+\.\d km, \d+ min by bike", html)
    assert not re.search(r"\d+,\d km", html)
    assert re.search(r'<span class="score">\d+%</span>', html)
    assert "Why: " in html and "Put on the shortlist" in html


def test_the_meeting_list_in_english(browser, english_vejleder):
    html = browser.get(f"/borgere/{english_vejleder}/match/udskriv").get_data(as_text=True)
    assert "Jobs and companies to talk about" in html
    assert "Print / save as PDF" in html
    assert "Wants lagerarbejde" in html
    assert re.search(r"\d+\.\d km, \d+ min by bike", html)
    assert "på cykel" not in html


def test_reasons_are_worded_per_reader_not_cached_in_the_first_readers_language(browser, english_vejleder):
    assert "Wants lagerarbejde" in browser.get(f"/borgere/{english_vejleder}/match").get_data(as_text=True)
    browser.client.set_cookie("sprog", "da")
    html = browser.get(f"/borgere/{english_vejleder}/match").get_data(as_text=True)
    assert "Ønsker lagerarbejde" in html
    assert re.search(r"\d+,\d km, \d+ min på cykel", html)
    assert "Wants" not in html


def test_the_borger_page_in_english_writes_hours_the_english_way(browser, english_vejleder):
    html = browser.get(f"/borgere/{english_vejleder}").get_data(as_text=True)
    assert re.search(r"7\.5–\d+(\.\d)? a week", html)
    assert "Placements with companies" in html


def test_the_access_copy_in_english_has_english_headings_labels_and_dates(browser, english_vejleder):
    html = browser.get(f"/borgere/{english_vejleder}/indsigt").get_data(as_text=True)
    for text in ("Your details at the jobcenter", "First name or initials", "Job wishes",
                 "May be proposed to employers", "Who has seen or changed your details", "Created your details"):
        assert text in html
    assert re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
                     r"|December) \d{4}", html)
    assert "Fornavn eller initialer" not in html
