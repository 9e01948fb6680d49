"""Proposing a borger to an employer is confirmed on a page of its own (no JavaScript needed), and
a company nobody reads the portal for names the konsulent to contact (issue 16)."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Placement


def _stage(app):
    with app.app_context():
        return db.session.scalar(sa.select(Placement.stage))


def _setup(app, browser, make_user, make_borger, make_partner, user_id, *, konsulent=True):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette")
    company_id = make_partner("Jyllands Lager ApS")
    if konsulent:
        karl = make_user("konsulent", name="Karl Konsulent", email="karl@test.fodfaeste.dk")
        with app.app_context():
            db.session.get(Company, company_id).konsulent_id = user_id(karl)
            db.session.commit()
    browser.login(vejleder)
    return borger_id, company_id


def test_the_propose_button_opens_a_confirmation_page_and_changes_nothing(app, browser, make_user, make_borger,
                                                                         make_partner, user_id):
    borger_id, company_id = _setup(app, browser, make_user, make_borger, make_partner, user_id)
    response = browser.get(f"/borgere/{borger_id}/foreslaa", query_string={"target": f"company:{company_id}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Foreslå Mette" in html and "Ja, foreslå Mette" in html
    assert 'name="confirmed" type="hidden" value="ja"' in html
    assert _stage(app) is None


def test_a_post_without_the_confirmation_only_shows_the_page_again(app, browser, make_user, make_borger,
                                                                   make_partner, user_id):
    borger_id, company_id = _setup(app, browser, make_user, make_borger, make_partner, user_id)
    response = browser.post_form(f"/borgere/{borger_id}/foreslaa", {"target": f"company:{company_id}"},
                                 form_page=f"/borgere/{borger_id}/match")
    assert response.status_code == 200
    assert "Ja, foreslå Mette" in response.get_data(as_text=True)
    assert _stage(app) is None


def test_confirming_proposes_and_names_the_konsulent_when_no_one_uses_the_portal(app, browser, make_user,
                                                                                 make_borger, make_partner,
                                                                                 user_id):
    borger_id, company_id = _setup(app, browser, make_user, make_borger, make_partner, user_id)
    page = browser.get(f"/borgere/{borger_id}/foreslaa?target=company:{company_id}").get_data(as_text=True)
    assert "ingen brugere i arbejdsgiverportalen" in page and "Karl Konsulent (karl@test.fodfaeste.dk)" in page
    response = browser.post_form(f"/borgere/{borger_id}/foreslaa",
                                 {"target": f"company:{company_id}", "confirmed": "ja"},
                                 form_page=f"/borgere/{borger_id}/match", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Mette er foreslået for Jyllands Lager ApS." in html
    assert "Kontakt virksomhedskonsulenten Karl Konsulent (karl@test.fodfaeste.dk)" in html
    assert _stage(app) == "foreslaaet"


def test_a_company_with_neither_portal_user_nor_konsulent_says_to_contact_it_directly(
        app, browser, make_user, make_borger, make_partner, user_id):
    borger_id, company_id = _setup(app, browser, make_user, make_borger, make_partner, user_id, konsulent=False)
    html = browser.get(f"/borgere/{borger_id}/foreslaa?target=company:{company_id}").get_data(as_text=True)
    assert "Kontakt virksomheden direkte." in html


def test_a_company_with_a_portal_user_gets_no_warning(app, browser, make_user, make_borger, make_partner, user_id):
    borger_id, company_id = _setup(app, browser, make_user, make_borger, make_partner, user_id)
    make_user("employer", company_id=company_id)
    html = browser.get(f"/borgere/{borger_id}/foreslaa?target=company:{company_id}").get_data(as_text=True)
    assert "ingen brugere i arbejdsgiverportalen" not in html
    assert "1 bruger i arbejdsgiverportalen" in html
