"""The right of access as a document the borger can read: Danish labels and dates, the access
log, nothing of anyone else; beside the machine-readable JSON (issue 10, part 4)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import time_machine

from crm.extensions import db
from crm.models import AuditEvent

# Keys and codes of the JSON copy: none of them belongs in the document for the borger.
ENGLISH_KEYS = ("first_name", "enrolled_on", "access_log", "consent_to_be_proposed", "shared_with_employers",
                "employer_may_be_told_of_illness", "hours_per_week", "open_to", "excluded_industries",
                "contacts_with_employers", "borger.view", "borger.create", "borger.export", "placement.stage",
                "lagerarbejde\"", "True", "False", "None")
WINTER_MORNING = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # 06.30 in Copenhagen
SUMMER_NIGHT = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)  # 00.30 the next day in Copenhagen


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _document(browser, borger_id):
    response = browser.get(f"/borgere/{borger_id}/indsigt")
    assert response.status_code == 200 and response.mimetype == "text/html"
    return _text(response.get_data(as_text=True))


def test_the_copy_has_danish_labels_and_no_english_keys(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["gartner"], strengths=["punktlig"],
                            needs=["mentor"], disclosure=True)
    browser.login(vejleder)
    text = _document(browser, borger_id)
    for label in ("Fornavn eller initialer", "Jobønsker", "Styrker", "Behov på arbejdspladsen",
                  "Må foreslås over for arbejdsgivere", "Arbejdsgiveren må få at vide, at du har en psykisk sygdom",
                  "Timer om ugen nu", "Forløb med virksomheder", "Resultater",
                  "Hvem har set eller ændret dine oplysninger"):
        assert label in text, label
    assert "gartner" in text and "Mette" in text
    assert [key for key in ENGLISH_KEYS if key in text] == []


def test_the_copy_lists_every_access_in_danish_time(app, browser, make_user, make_borger, make_teamleder):
    vejleder = make_user("vejleder", name="Vera Vejleder")
    teamleder, programme_id = make_teamleder(name="Tina Teamleder")
    with time_machine.travel(SUMMER_NIGHT, tick=False):
        borger_id = make_borger(vejleder, programme_id=programme_id)
    with time_machine.travel(WINTER_MORNING, tick=False):
        browser.login(teamleder)
        browser.get(f"/borgere/{borger_id}")
        browser.logout()
        browser.login(vejleder)
        text = _document(browser, borger_id)
    assert "16. juni 2026 kl. 00.30 Vera Vejleder (vejleder) Oprettede dine oplysninger" in text
    assert "20. november 2026 kl. 06.30 Tina Teamleder (teamleder) Så dine oplysninger din side" in text
    assert "20. november 2026 kl. 06.30 Vera Vejleder (vejleder) Udleverede en kopi af dine oplysninger" in text


def test_the_copy_holds_nothing_of_another_borger(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["gartner"])
    make_borger(vejleder, first_name="Jonas", wishes=["bager"], strengths=["grundig"])
    browser.login(vejleder)
    browser.get(f"/borgere/{borger_id}")
    text = _document(browser, borger_id)
    assert "Mette" in text and "Jonas" not in text and "bager" not in text and "grundig" not in text


def test_the_copy_is_audited_as_one_export(app, browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    browser.login(vejleder)
    _document(browser, borger_id)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger_id))).all()
    assert [tuple(row) for row in rows[1:]] == [("borger.export", {"format": "html"})]


def test_only_who_may_open_the_borger_gets_the_copy(browser, make_user, make_borger):
    borger_id = make_borger(make_user("vejleder"))
    browser.login(make_user("vejleder"))
    assert browser.get(f"/borgere/{borger_id}/indsigt").status_code == 403


def test_the_borger_page_links_the_document_and_the_data(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    browser.login(vejleder)
    html = browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
    assert f'href="/borgere/{borger_id}/indsigt"' in html and f'href="/borgere/{borger_id}/indsigt.json"' in html


def test_every_audited_borger_action_has_a_danish_label():
    from crm.services.borger_rights import ACCESS_ACTION_LABELS

    source = Path(__file__).resolve().parents[3] / "crm"
    actions = set()
    for path in source.rglob("*.py"):
        actions |= set(re.findall(r'record_event\(\s*"([a-z_.]+)",\s*"borger"', path.read_text()))
    assert actions and actions - {"borger.erase"} <= set(ACCESS_ACTION_LABELS)
