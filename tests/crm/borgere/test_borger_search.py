"""Searching the caseload: name (folded, a letter of slack), reference, phase and programme, paged,
and never beyond what the user may open (a vejleder's own caseload, a teamleder's programmes)."""

import re

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger


def _names(browser, query=""):
    html = browser.get(f"/borgere/{query}").get_data(as_text=True)
    return re.findall(r'<a href="/borgere/\d+">([^<(]+) \(B-', html)


def _reference(app, borger_id):
    with app.app_context():
        return db.session.get(Borger, borger_id).reference


def test_a_vejleder_finds_a_borger_by_first_name_with_danish_folding_and_a_typo(
        browser, make_user, make_borger):
    email = make_user("vejleder")
    for name in ("Søren", "Åse", "Mette", "Mathilde"):
        make_borger(email, first_name=name)
    browser.login(email)
    assert [n.strip() for n in _names(browser, "?q=soeren")] == ["Søren"]
    assert [n.strip() for n in _names(browser, "?q=Aase")] == ["Åse"]
    assert [n.strip() for n in _names(browser, "?q=mete")] == ["Mette"]  # a letter dropped
    assert [n.strip() for n in _names(browser, "?q=ma")] == ["Mathilde"]  # the beginning of a name


def test_a_vejleder_finds_a_borger_by_reference(app, browser, make_user, make_borger):
    email = make_user("vejleder")
    wanted = make_borger(email, first_name="Mette")
    make_borger(email, first_name="Jonas")
    reference = _reference(app, wanted)
    browser.login(email)
    assert [n.strip() for n in _names(browser, f"?q={reference}")] == ["Mette"]
    assert [n.strip() for n in _names(browser, f"?q={reference[2:].lower()}")] == ["Mette"]


def test_the_search_never_reaches_beyond_the_own_caseload(browser, make_user, make_borger):
    own, other = make_user("vejleder"), make_user("vejleder")
    make_borger(own, first_name="Mette")
    make_borger(other, first_name="Mette")
    make_borger(other, first_name="Jonas")
    browser.login(own)
    assert len(_names(browser, "?q=mette")) == 1
    assert _names(browser, "?q=jonas") == []
    assert "Ingen borgere passer til søgningen." in browser.get("/borgere/?q=jonas").get_data(as_text=True)


def test_a_teamleder_searches_the_programmes_they_lead_by_programme_and_phase(
        app, browser, make_user, make_teamleder, make_borger):
    teamleder, led = make_teamleder(programme="Din vej i job")
    _, other_programme = make_teamleder(programme="Futurum")
    vejleder = make_user("vejleder")
    make_borger(vejleder, first_name="Mette", programme_id=led)
    started = make_borger(vejleder, first_name="Jonas", programme_id=led)
    make_borger(vejleder, first_name="Mette", programme_id=other_programme)
    with app.app_context():
        db.session.get(Borger, started).phase = "virksomhedsmatch"
        db.session.commit()
    browser.login(teamleder)
    assert [n.strip() for n in _names(browser, "?q=mette")] == ["Mette"]
    assert [n.strip() for n in _names(browser, "?phase=virksomhedsmatch")] == ["Jonas"]
    assert sorted(n.strip() for n in _names(browser, f"?programme={led}")) == ["Jonas", "Mette"]
    # Another programme's id in the URL finds nothing (the scope still holds), and is not offered.
    assert _names(browser, f"?programme={other_programme}") == []
    html = browser.get("/borgere/").get_data(as_text=True)
    assert "Din vej i job" in html and "Futurum" not in html


def test_the_search_is_paged_and_the_pages_keep_the_search(browser, make_user, make_borger):
    email = make_user("vejleder")
    for n in range(55):
        make_borger(email, first_name=f"Mette{n:02d}")
    make_borger(email, first_name="Jonas")
    browser.login(email)
    first = browser.get("/borgere/?q=mette").get_data(as_text=True)
    assert "Side 1 af 2" in first and "56" not in re.findall(r"(\d+) borgere passer", first)
    assert "55 borgere passer til søgningen." in first
    assert "q=mette" in re.search(r'<a href="([^"]+)">Næste</a>', first).group(1)
    second = browser.get("/borgere/?q=mette&page=2").get_data(as_text=True)
    assert len(re.findall(r'<a href="/borgere/\d+">Mette', second)) == 5


def test_only_the_borgere_shown_are_audited(app, browser, make_user, make_borger):
    email = make_user("vejleder")
    shown = make_borger(email, first_name="Mette")
    hidden = make_borger(email, first_name="Jonas")
    browser.login(email)
    browser.get("/borgere/?q=mette")
    with app.app_context():
        read = set(db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == "borger.view")))
    assert str(shown) in read and str(hidden) not in read


def test_odd_search_input_gets_a_danish_message_or_is_ignored_never_a_500(browser, make_user, make_borger):
    email = make_user("vejleder")
    make_borger(email, first_name="Mette")
    browser.login(email)
    too_long = browser.get("/borgere/?q=" + "a" * 201)
    assert too_long.status_code == 200
    assert "Skriv højst 200 tegn i søgefeltet." in too_long.get_data(as_text=True)
    for query in ("?phase=nonsense", "?programme=abc", "?programme=-1", "?programme=99999999999999999999",
                  "?q=%00", "?q=%E2%80%8B", "?q=---", "?endpoint=x&_external=1&page=2"):
        response = browser.get(f"/borgere/{query}")
        assert response.status_code == 200, query
    assert [n.strip() for n in _names(browser, "?phase=nonsense")] == ["Mette"]


def test_konsulent_and_admin_cannot_search_borgere(browser, make_user):
    for role in ("konsulent", "admin"):
        browser.login(make_user(role))
        assert browser.get("/borgere/?q=mette").status_code == 403
        browser.logout()
