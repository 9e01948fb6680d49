"""The placement timeline speaks Danish (issue 16: it showed "moede", "foreslaaet", "kortliste")."""

import re

from crm.models.borger import STAGE_LABELS, Stage


def test_every_stage_has_a_danish_label():
    assert set(STAGE_LABELS) == set(Stage)


def test_placement_timeline_shows_stage_labels_not_codes(browser, borger_at_a_meeting):
    email, borger_id = borger_at_a_meeting
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert "Kortliste" in timeline and "Foreslået" in timeline and "Møde/samtale" in timeline
    assert not re.search(r"\b(kortliste|foreslaaet|moede)\b", timeline)
