"""The small forms on the borger's page: unique ids with their labels, and an error shown at the
field with what was chosen kept (issue 16)."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Placement
from crm.timeutil import today
from tests.html_checks import duplicate_ids, element_by_id, labels_pointing_at_nothing_visible


def _step(stage, on_date, **fields):
    """What the "Registrér næste trin" form posts."""
    return {"stage": stage, "on_date": on_date, "hours_per_week": "", "end_reason": "", "note": "",
            "log_contact": "", **fields}


def _page_with_two_placements(browser, make_user, make_borger, make_partner, propose):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    first = propose(borger_id, make_partner("Trinfirma ApS"))
    second = propose(borger_id, make_partner("Andetfirma ApS"))
    browser.login(email)
    return borger_id, first, second


def test_every_id_on_the_borger_page_is_unique_and_each_label_points_at_its_own_input(
        browser, make_user, make_borger, make_partner, propose):
    borger_id, first, second = _page_with_two_placements(browser, make_user, make_borger, make_partner, propose)
    html = browser.get(f"/borgere/{borger_id}").get_data(as_text=True)
    assert duplicate_ids(html) == []
    assert labels_pointing_at_nothing_visible(html) == []
    for date_input in (f"forloeb-{first}-on_date", f"forloeb-{second}-on_date", "resultat-on_date",
                       "afslut-on_date"):
        assert element_by_id(html, date_input)[1]["type"] == "date"
    assert f'<label for="forloeb-{first}-on_date">' in html


def test_a_refused_step_keeps_the_chosen_step_and_shows_the_message_at_the_date(
        app, browser, make_user, make_borger, make_partner, propose):
    borger_id, first, _second = _page_with_two_placements(browser, make_user, make_borger, make_partner, propose)
    future = (today() + timedelta(days=3)).isoformat()
    response = browser.post_form(f"/borgere/{borger_id}/forloeb/{first}",
                                 _step("praktik", future, note="Starter snart"),
                                 form_page=f"/borgere/{borger_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = element_by_id(html, f"forloeb-{first}-on_date-error")
    assert error is not None
    assert "Datoen kan ikke ligge i fremtiden." in html
    assert element_by_id(html, f"forloeb-{first}-on_date")[1]["aria-describedby"] == f"forloeb-{first}-on_date-error"
    assert '<option selected value="praktik">' in html
    assert 'value="Starter snart"' in html
    assert duplicate_ids(html) == []
    with app.app_context():
        assert db.session.get(Placement, first).stage != "praktik"


def test_a_step_missing_its_date_is_shown_at_the_field_of_that_placement_only(
        browser, make_user, make_borger, make_partner, propose):
    borger_id, first, second = _page_with_two_placements(browser, make_user, make_borger, make_partner, propose)
    response = browser.post_form(f"/borgere/{borger_id}/forloeb/{second}", _step("moede", ""),
                                 form_page=f"/borgere/{borger_id}")
    html = response.get_data(as_text=True)
    assert element_by_id(html, f"forloeb-{second}-on_date-error") is not None
    assert element_by_id(html, f"forloeb-{first}-on_date-error") is None
    assert "Angiv en dato." in html
    assert html.count("<details open>") == 1


def test_a_refused_outcome_is_shown_at_its_date_with_the_kind_kept(browser, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser.login(email)
    future = (today() + timedelta(days=5)).isoformat()
    response = browser.post_form(f"/borgere/{borger_id}/resultat", {"kind": "retained_26w", "on_date": future},
                                 form_page=f"/borgere/{borger_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert element_by_id(html, "resultat-on_date-error") is not None
    assert '<option selected value="retained_26w">' in html


def test_a_saved_step_still_goes_back_to_the_page(app, browser, make_user, make_borger, make_partner, propose):
    borger_id, first, _second = _page_with_two_placements(browser, make_user, make_borger, make_partner, propose)
    response = browser.post_form(f"/borgere/{borger_id}/forloeb/{first}",
                                 _step("moede", today().isoformat()),
                                 form_page=f"/borgere/{borger_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Placement.stage).where(Placement.id == first)) == "moede"
