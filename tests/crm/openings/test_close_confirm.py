"""Filling or closing an opening asks to confirm on a page of its own, for staff and employers;
pausing does not (issue 16)."""

import pytest

from crm.extensions import db
from crm.models import Opening


def _status(app, opening_id):
    with app.app_context():
        return db.session.get(Opening, opening_id).status


@pytest.mark.parametrize("status", ["lukket", "besat"])
def test_a_konsulent_closing_an_opening_sees_a_confirmation_first(app, browser, make_user, make_partner,
                                                                  make_opening, status):
    opening_id = make_opening(make_partner("Lager A/S"))
    browser.login(make_user("konsulent"))
    response = browser.post_form(f"/stillinger/{opening_id}/status", {"status": status},
                                 form_page=f"/stillinger/{opening_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skal «Lagermedarbejder»" in html and 'name="confirmed" value="ja"' in html
    assert f'href="/stillinger/{opening_id}">Fortryd' in html
    assert _status(app, opening_id) == "aaben"
    confirmed = browser.post_form(f"/stillinger/{opening_id}/status", {"status": status, "confirmed": "ja"},
                                  form_page=f"/stillinger/{opening_id}")
    assert confirmed.status_code == 302
    assert _status(app, opening_id) == status


def test_pausing_needs_no_confirmation(app, browser, make_user, make_partner, make_opening):
    opening_id = make_opening(make_partner("Lager A/S"))
    browser.login(make_user("konsulent"))
    response = browser.post_form(f"/stillinger/{opening_id}/status", {"status": "pause"},
                                 form_page=f"/stillinger/{opening_id}")
    assert response.status_code == 302
    assert _status(app, opening_id) == "pause"


def test_an_employer_closing_an_opening_in_the_portal_confirms_first(app, browser, make_user, make_partner,
                                                                      make_opening):
    company_id = make_partner("Lager A/S")
    opening_id = make_opening(company_id)
    browser.login(make_user("employer", company_id=company_id))
    response = browser.post_form(f"/portal/stillinger/{opening_id}/status", {"status": "lukket"},
                                 form_page=f"/portal/stillinger/{opening_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ja, luk stillingen" in html
    assert _status(app, opening_id) == "aaben"
    browser.post_form(f"/portal/stillinger/{opening_id}/status", {"status": "lukket", "confirmed": "ja"},
                      form_page=f"/portal/stillinger/{opening_id}")
    assert _status(app, opening_id) == "lukket"
