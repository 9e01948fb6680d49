"""Openings: konsulenter keep them for any company, employers their own; every change is logged."""

import re

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Company, ContactLogEntry, Opening
from crm.services.companies import update_company

FORM = {"title": "Lagermedarbejder", "kind": "job", "status": "aaben", "hours_min": "10",
        "hours_max": "20", "places": "1", "description": "Pluk og pak."}


def _only_opening(app):
    with app.app_context():
        return db.session.scalar(sa.select(Opening))


def test_konsulent_creates_an_opening_for_any_company(app, browser, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    url = f"/stillinger/virksomhed/{company_id}/ny"
    response = browser.post_form(url, FORM, follow_redirects=True)
    assert "Stillingen «Lagermedarbejder» er oprettet" in response.get_data(as_text=True)
    opening = _only_opening(app)
    assert (opening.company_id, opening.kind, opening.hours_min, opening.status) == (
        company_id, "job", 10, "aaben")


def test_a_new_opening_is_placed_at_the_companys_address_with_its_offers(app, browser, make_user,
                                                                          make_partner):
    company_id = make_partner("Lager A/S", "8200", "Lager", address="Lagervej 1", offers=["mentor", "quiet"])
    browser.login(make_user("konsulent"))
    url = f"/stillinger/virksomhed/{company_id}/ny"
    html = browser.get(url).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="mentor"', html)
    browser.post_form(url, {**FORM, "offers": ["mentor", "quiet"]})
    opening = _only_opening(app)
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert (opening.address, opening.postcode, opening.lat, opening.lon) == (
            company.address, company.postcode, company.lat, company.lon)
    assert opening.offers == ["mentor", "quiet"]


def test_service_defaults_accommodations_to_the_companys_offers(app, make_partner):
    from crm.services.openings import create_opening

    company_id = make_partner("Lager A/S", "8000", "Lager", offers=["ambassador"])
    with app.app_context():
        opening = create_opening(db.session.get(Company, company_id), {k: v for k, v in FORM.items()})
        assert opening.offers == ["ambassador"]


def test_every_change_is_logged_on_the_companys_timeline(app, browser, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    browser.post_form(f"/stillinger/virksomhed/{company_id}/ny", FORM)
    opening = _only_opening(app)
    browser.post_form(f"/stillinger/{opening.id}/rediger", {**FORM, "hours_max": "25", "version": "1"})
    browser.post_form(f"/stillinger/{opening.id}/status", {"status": "besat", "confirmed": "ja"},
                      form_page=f"/stillinger/{opening.id}")
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.object_type == "company", AuditEvent.object_id == str(company_id),
            AuditEvent.action.like("opening.%")).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["opening.create", "opening.update", "opening.status"]
        assert events[1].details["hours_max"] == 25


def test_an_edit_based_on_an_old_version_is_refused_and_keeps_the_input(app, browser, make_user, make_partner,
                                                                        make_opening):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    opening_id = make_opening(company_id)
    browser.login(make_user("konsulent"))
    response = browser.post_form(f"/stillinger/{opening_id}/rediger",
                                 {**FORM, "title": "Min nye titel", "version": "0"})
    html = response.get_data(as_text=True)
    assert "ændret af en anden" in html and 'value="Min nye titel"' in html
    with app.app_context():
        assert db.session.get(Opening, opening_id).title == "Lagermedarbejder"


def test_hours_to_below_hours_from_is_refused_next_to_the_field(browser, make_user, make_partner):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    browser.login(make_user("konsulent"))
    response = browser.post_form(f"/stillinger/virksomhed/{company_id}/ny", {**FORM, "hours_max": "5"})
    assert "Højeste antal timer kan ikke være lavere end laveste" in response.get_data(as_text=True)


def test_vejleder_sees_openings_but_cannot_create_them(browser, make_user, make_partner, make_opening):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    opening_id = make_opening(company_id)
    browser.login(make_user("vejleder"))
    assert browser.get(f"/stillinger/{opening_id}").status_code == 200
    assert browser.get(f"/stillinger/virksomhed/{company_id}/ny").status_code == 403
    assert browser.get(f"/stillinger/{opening_id}/rediger").status_code == 403


def test_employer_creates_an_opening_for_the_own_company_only(app, browser, employer, make_partner):
    email, company_id = employer
    make_partner("Andet Firma", "8000")
    browser.login(email)
    browser.post_form("/portal/stillinger/ny", {**FORM, "company_id": "999"})
    assert _only_opening(app).company_id == company_id


def test_employer_changes_are_written_to_the_contact_log(app, browser, employer, make_opening):
    email, company_id = employer
    opening_id = make_opening(company_id)
    browser.login(email)
    browser.post_form(f"/portal/stillinger/{opening_id}/status", {"status": "besat", "confirmed": "ja"},
                      form_page=f"/portal/stillinger/{opening_id}")
    with app.app_context():
        entry = db.session.scalar(sa.select(ContactLogEntry))
        assert (entry.company_id, entry.kind) == (company_id, "email")
        assert entry.summary == "Arbejdsgiveren satte stillingen «Lagermedarbejder» til besat."
        assert db.session.get(Opening, opening_id).status == "besat"


def test_employer_pauses_and_closes_an_opening(app, browser, employer, make_opening):
    email, company_id = employer
    opening_id = make_opening(company_id)
    browser.login(email)
    for status in ("pause", "lukket"):
        browser.post_form(f"/portal/stillinger/{opening_id}/status", {"status": status, "confirmed": "ja"},
                          form_page=f"/portal/stillinger/{opening_id}")
        with app.app_context():
            assert db.session.get(Opening, opening_id).status == status


def test_employer_edits_the_public_profile_with_the_version_check(app, browser, employer):
    email, company_id = employer
    browser.login(email)
    page = browser.get("/portal/profil").get_data(as_text=True)
    assert 'name="version"' in page
    browser.post_form("/portal/profil", {"phone": "12345678", "description": "Vi har et stort lager.",
                                         "offers": ["mentor"], "version": "1"})
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert (company.phone, company.description, company.offer_codes) == (
            "12345678", "Vi har et stort lager.", {"mentor"})
        entry = db.session.scalar(sa.select(ContactLogEntry))
        assert "opdaterede virksomhedsprofilen" in entry.summary


def test_employer_profile_save_after_a_konsulents_edit_is_refused(app, browser, employer):
    email, company_id = employer
    with app.app_context():
        company = db.session.get(Company, company_id)
        from crm.services.companies import company_profile
        update_company(company, {**company_profile(company), "phone": "87654321"}, expected_version=1)
        db.session.commit()
    browser.login(email)
    response = browser.post_form("/portal/profil", {"phone": "12345678", "description": "Ny tekst",
                                                    "version": "1"})
    html = response.get_data(as_text=True)
    assert "Profilen er blevet ændret af en anden" in html and "Ny tekst" in html
    with app.app_context():
        assert db.session.get(Company, company_id).phone == "87654321"


def test_opening_form_suggests_the_shipped_occupation_titles(browser, make_user, make_partner):
    company_id = make_partner("Lager A/S")
    browser.login(make_user("konsulent"))
    html = browser.get(f"/stillinger/virksomhed/{company_id}/ny").get_data(as_text=True)
    assert 'list="occupation-titles"' in html
    assert '<option value="Lagermedarbejder">' in html


def test_opening_changes_show_on_the_company_timeline(browser, make_user, make_partner, make_opening):
    company_id = make_partner("Lager A/S")
    opening_id = make_opening(company_id)
    browser.login(make_user("konsulent"))
    browser.post_form(f"/stillinger/{opening_id}/bekraeft", {}, form_page=f"/stillinger/{opening_id}")
    html = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    timeline = html.split('id="historik"')[1]
    assert "Stilling oprettet" in timeline and "Stilling bekræftet" in timeline
    assert "Virksomheden oprettet" in timeline


def test_the_company_page_lists_open_openings_first_then_the_others_newest_first(
        app, clock, make_partner, make_opening):
    from datetime import timedelta

    from crm.services.openings import company_openings

    company_id = make_partner("Egen ApS")
    other_company = make_partner("Anden ApS")
    old_open = make_opening(company_id, title="Gammel åben")
    clock.shift(timedelta(minutes=1))
    closed = make_opening(company_id, title="Lukket", status="lukket")
    clock.shift(timedelta(minutes=1))
    new_open = make_opening(company_id, title="Ny åben")
    clock.shift(timedelta(minutes=1))
    make_opening(other_company, title="En andens")
    with app.app_context():
        shown = [opening.id for opening in company_openings(db.session.get(Company, company_id))]
    assert shown == [new_open, old_open, closed]
