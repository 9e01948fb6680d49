"""The match list to take to a meeting: the top matches with reasons and Danish distances, the
borger's first name only, nothing internal; read like the match page (audited, own caseload)."""

import re

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger


def _print_page(browser, borger_id, query=""):
    return browser.get(f"/borgere/{borger_id}/match/udskriv{query}")


def test_the_print_page_shows_the_top_matches_with_reasons_and_danish_distances(
        browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagerarbejde"])
    make_partner("Jyllands Lager ApS", postcode="8200", industry_text="Lager og logistik")
    browser.login(email)
    response = _print_page(browser, borger_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Jyllands Lager ApS" in html
    assert "Ønsker lagerarbejde" in html
    assert re.search(r"\d+,\d km, \d+ min på cykel", html)
    assert not re.search(r"\d+\.\d km", html)
    assert "Udskriv / gem som PDF" in html


def test_the_print_page_names_the_borger_by_first_name_only_and_leaves_out_internal_notes(
        app, browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette")
    make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        borger.notes = "Hemmelig note om samtalen"
        reference = borger.reference
        db.session.commit()
    browser.login(email)
    html = _print_page(browser, borger_id).get_data(as_text=True)
    assert "Til Mette" in html
    assert reference not in html
    assert "Hemmelig note" not in html


def test_the_print_page_lists_at_most_ten_matches(browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    for n in range(12):
        make_partner(f"Lager {n} ApS", industry_text="Lager og logistik")
    browser.login(email)
    html = _print_page(browser, borger_id).get_data(as_text=True)
    assert html.count('<li>\n      <h2>') == 10


def test_the_print_page_keeps_the_match_filters_and_the_match_page_links_to_it(
        browser, make_user, make_borger, make_partner, make_opening):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company = make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    make_opening(company, title="Plukker")
    browser.login(email)
    match_html = browser.get(f"/borgere/{borger_id}/match?kind=job").get_data(as_text=True)
    assert f"/borgere/{borger_id}/match/udskriv?kind=job" in match_html
    several = browser.get(f"/borgere/{borger_id}/match?kind=job&kind=praktik&max_km=9").get_data(as_text=True)
    assert f"/borgere/{borger_id}/match/udskriv?kind=job&amp;kind=praktik&amp;max_km=9" in several
    html = _print_page(browser, borger_id, "?kind=job").get_data(as_text=True)
    assert "Plukker" in html
    assert "Virksomhed (jobudvikling)" not in html


def test_reading_the_print_page_is_audited_like_the_match_page(app, browser, make_user, make_borger, user_id):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    _print_page(browser, borger_id)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
                                  .where(AuditEvent.object_id == str(borger_id),
                                         AuditEvent.action == "borger.view")).all()
    assert [(a, actor, details["page"]) for a, actor, details in rows] == [
        ("borger.view", user_id(email), "match_print")]


def test_another_vejleder_is_refused_and_the_refusal_audited(app, browser, make_user, make_borger, user_id):
    borger_id = make_borger(make_user("vejleder"))
    other = make_user("vejleder")
    browser.login(other)
    assert _print_page(browser, borger_id).status_code == 403
    with app.app_context():
        denied = db.session.scalars(sa.select(AuditEvent.actor_id).where(
            AuditEvent.action == "borger.denied", AuditEvent.object_id == str(borger_id))).all()
    assert denied == [user_id(other)]


def test_an_unknown_borger_is_404_and_bad_filters_are_no_500(browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    assert _print_page(browser, 999999).status_code == 404
    assert _print_page(browser, borger_id, "?max_km=abc&kind=nonsense").status_code == 200
    # The filters travel between the two pages; the borger's id in the query string is no filter.
    for query in ("?borger_id=2", "?borger_id=%C2%B2&kind=job&kind=praktik"):
        assert _print_page(browser, borger_id, query).status_code == 200
        assert browser.get(f"/borgere/{borger_id}/match{query}").status_code == 200
