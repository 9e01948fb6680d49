"""Staleness: 30 days unconfirmed → "skal bekræftes" and ranked lower; over 60 → not offered."""

import pytest

from crm.extensions import db
from crm.models import Borger
from crm.services.matching import matches_for


@pytest.fixture
def setting(make_user, make_partner, make_borger):
    vejleder = make_user("vejleder")
    return {"company_id": make_partner("Lager A/S", "8000", "Lager"),
            "borger_id": make_borger(vejleder, wishes=["lagermedarbejder"])}


def _ranked_opening_ids(app, borger_id):
    with app.app_context():
        rows = matches_for(db.session.get(Borger, borger_id), limit=50)
        return [row.opening.id for row in rows if row.opening is not None]


def test_an_opening_unconfirmed_for_40_days_ranks_below_an_identical_fresh_one(app, setting, make_opening):
    stale = make_opening(setting["company_id"], days_unconfirmed=40)
    fresh = make_opening(setting["company_id"], days_unconfirmed=0)
    ranked = _ranked_opening_ids(app, setting["borger_id"])
    assert ranked.index(fresh) < ranked.index(stale)


def test_an_opening_unconfirmed_for_over_60_days_is_not_offered(app, setting, make_opening):
    hidden = make_opening(setting["company_id"], days_unconfirmed=65)
    fresh = make_opening(setting["company_id"], days_unconfirmed=0)
    ranked = _ranked_opening_ids(app, setting["borger_id"])
    assert fresh in ranked and hidden not in ranked


def test_konsulent_list_still_shows_the_60_day_stale_opening_with_its_flag(browser, make_user, setting,
                                                                         make_opening):
    make_opening(setting["company_id"], title="Gammel stilling", days_unconfirmed=65)
    browser.login(make_user("konsulent"))
    html = browser.get("/stillinger/").get_data(as_text=True)
    assert "Gammel stilling" in html
    assert "Skal bekræftes – vises ikke for borgere" in html


def test_konsulent_list_flags_an_opening_unconfirmed_for_30_days(browser, make_user, setting, make_opening):
    make_opening(setting["company_id"], title="Halvgammel", days_unconfirmed=35)
    browser.login(make_user("konsulent"))
    html = browser.get("/stillinger/").get_data(as_text=True)
    assert "Halvgammel" in html and "Skal bekræftes" in html and "vises ikke for borgere" not in html


def test_a_fresh_opening_is_not_flagged(browser, make_user, setting, make_opening):
    make_opening(setting["company_id"], title="Ny stilling", days_unconfirmed=29)
    browser.login(make_user("konsulent"))
    assert "Skal bekræftes</span>" not in browser.get("/stillinger/").get_data(as_text=True)


def test_a_paused_opening_is_never_flagged(browser, make_user, setting, make_opening):
    make_opening(setting["company_id"], title="Pauset", status="pause", days_unconfirmed=90)
    browser.login(make_user("konsulent"))
    assert "Skal bekræftes</span>" not in browser.get("/stillinger/").get_data(as_text=True)


def test_the_filter_lists_only_openings_that_need_confirming(browser, make_user, setting, make_opening):
    make_opening(setting["company_id"], title="Frisk", days_unconfirmed=1)
    make_opening(setting["company_id"], title="Gammel", days_unconfirmed=45)
    browser.login(make_user("vejleder"))
    html = browser.get("/stillinger/?stale=y").get_data(as_text=True)
    assert "Gammel" in html and "Frisk" not in html


def test_the_portal_flags_the_employers_stale_opening(browser, employer, make_opening):
    email, company_id = employer
    make_opening(company_id, title="Gammel", days_unconfirmed=31)
    browser.login(email)
    assert "Skal bekræftes" in browser.get("/portal/stillinger").get_data(as_text=True)
    assert "Skal bekræftes" in browser.get("/portal/").get_data(as_text=True)


def test_confirming_in_the_portal_removes_the_flag(browser, employer, make_opening):
    email, company_id = employer
    opening_id = make_opening(company_id, title="Gammel", days_unconfirmed=31)
    browser.login(email)
    browser.post_form(f"/portal/stillinger/{opening_id}/bekraeft", {}, form_page="/portal/stillinger")
    assert "Skal bekræftes" not in browser.get("/portal/stillinger").get_data(as_text=True)


def test_company_partial_shows_the_flag(app, setting, make_opening):
    from flask import render_template

    from crm.models import Company
    from crm.services.openings import company_openings

    make_opening(setting["company_id"], title="Gammel", days_unconfirmed=35)
    with app.test_request_context():
        company = db.session.get(Company, setting["company_id"])
        html = render_template("openings/_company_openings.html", company=company,
                               openings=company_openings(company))
    assert "Gammel" in html and "Skal bekræftes" in html
