"""The company page, the create and edit forms and the status form, as a person uses them."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Company
from crm.services.companies import create_company
from tests.conftest import Browser

VALID_CVR = "10150817"
INVALID_CVR = "10150818"
CONFLICT_TEXT = "Virksomheden er blevet ændret af en anden"


@pytest.fixture
def konsulent(browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    return email


@pytest.fixture
def add_company(app):
    def _add(name="Testfirma ApS", postcode="8000", **data):
        with app.app_context():
            company = create_company({"name": name, "postcode": postcode, **data})
            db.session.commit()
            return company.id
    return _add


def _new_company_form(**overrides):
    return {"name": "Bageriet Korn ApS", "postcode": "7500", "address": "Nørregade 1",
            "status": "emne", **overrides}


def _edit_form(app, company_id, **overrides):
    """What the edit form posts when nothing is changed, plus overrides."""
    with app.app_context():
        company = db.session.get(Company, company_id)
        data = {"name": company.name, "postcode": company.postcode, "city": company.city,
                "address": company.address, "status": company.status, "version": str(company.version),
                "description": company.description}
    return {**data, **overrides}


def _company(app, company_id) -> Company:
    with app.app_context():
        company = db.session.get(Company, company_id)
        db.session.expunge(company)
        return company


def test_konsulent_creates_a_company_and_lands_on_its_page(app, browser, konsulent):
    response = browser.post_form("/virksomheder/ny", _new_company_form(cvr=VALID_CVR, offers=["mentor"]))
    assert response.status_code == 302
    with app.app_context():
        company = db.session.scalar(sa.select(Company).where(Company.name == "Bageriet Korn ApS"))
        assert response.headers["Location"] == f"/virksomheder/{company.id}"
        assert company.cvr == VALID_CVR
        assert company.city == "Holstebro"
        assert company.lat is not None
        assert company.offer_codes == {"mentor"}
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "company", AuditEvent.object_id == str(company.id))).all()
        assert actions == ["company.create"]


def test_create_form_refuses_an_invalid_cvr_with_a_danish_message(app, browser, konsulent):
    response = browser.post_form("/virksomheder/ny", _new_company_form(cvr=INVALID_CVR))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "CVR-nummeret er ikke gyldigt" in html
    assert 'value="Bageriet Korn ApS"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 0


def test_create_form_refuses_an_unknown_postcode(browser, konsulent):
    html = browser.post_form("/virksomheder/ny", _new_company_form(postcode="0001")).get_data(as_text=True)
    assert "has-error" in html


def test_create_warns_about_a_likely_duplicate_and_saves_nothing(app, browser, konsulent, add_company):
    netto = add_company("Netto Holstebro", "7500")
    response = browser.post_form("/virksomheder/ny", _new_company_form(name="Netto  Holstebro ApS"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Findes virksomheden allerede?" in html
    assert f'href="/virksomheder/{netto}"' in html
    assert "Opret alligevel" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 1


def test_create_goes_ahead_when_the_duplicate_warning_is_confirmed(app, browser, konsulent, add_company):
    add_company("Netto Holstebro", "7500")
    response = browser.post_form("/virksomheder/ny", _new_company_form(name="Netto  Holstebro ApS",
                                                                       confirm_duplicate="y"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 2


def test_company_page_shows_profile_status_history_and_geocoding_precision(
        browser, konsulent, add_company):
    company_id = add_company("Kaffebaren", "8000", description="Lille café i midtbyen.")
    html = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert "Kaffebaren" in html
    assert "Lille café i midtbyen." in html
    assert "placeret på kortet ud fra postnummeret" in html
    assert "Statushistorik" in html
    assert 'class="badge status-emne"' in html


def test_edit_saves_changes_and_bumps_the_version(app, browser, konsulent, add_company):
    company_id = add_company("Gammelt navn")
    version_before = _company(app, company_id).version
    url = f"/virksomheder/{company_id}/rediger"
    response = browser.post_form(url, _edit_form(app, company_id, name="Nyt navn"))
    assert response.status_code == 302
    company = _company(app, company_id)
    assert company.name == "Nyt navn"
    assert company.version > version_before


def test_second_session_editing_the_same_company_gets_the_conflict_and_keeps_its_input(
        app, make_user, add_company):
    company_id = add_company("Fælles Firma", description="Oprindelig")
    url = f"/virksomheder/{company_id}/rediger"
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(make_user("konsulent"))
    second.login(make_user("admin"))
    # Both open the edit page on the same version.
    form_first = _edit_form(app, company_id, description="Første konsulents tekst")
    form_second = _edit_form(app, company_id, description="Anden persons tekst")
    assert first.post_form(url, form_first).status_code == 302

    response = second.post_form(url, form_second)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CONFLICT_TEXT in html
    assert "Anden persons tekst</textarea>" in html  # what the second person typed is still there
    assert "Første konsulents tekst</dd>" in html  # shown beside it: what is saved now
    assert _company(app, company_id).description == "Første konsulents tekst"


def test_saving_again_after_a_conflict_replaces_the_saved_values(app, make_user, add_company):
    company_id = add_company("Fælles Firma")
    url = f"/virksomheder/{company_id}/rediger"
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(make_user("konsulent"))
    second.login(make_user("konsulent"))
    stale = _edit_form(app, company_id, description="Anden")
    first.post_form(url, _edit_form(app, company_id, description="Første"))
    html = second.post_form(url, stale).get_data(as_text=True)
    current_version = _company(app, company_id).version
    assert f'name="version" type="hidden" value="{current_version}"' in html
    assert second.post_form(url, {**stale, "version": str(current_version)}).status_code == 302
    assert _company(app, company_id).description == "Anden"


def test_status_form_moves_the_company_along_the_pipeline(app, browser, konsulent, add_company):
    company_id = add_company()
    response = browser.post_form(f"/virksomheder/{company_id}/status", {"status": "dialog"},
                                 form_page=f"/virksomheder/{company_id}", follow_redirects=True)
    assert "Status er nu dialog." in response.get_data(as_text=True)
    assert _company(app, company_id).status == "dialog"


def test_status_form_refuses_a_transition_outside_the_pipeline(app, browser, konsulent, add_company):
    company_id = add_company()
    response = browser.post_form(f"/virksomheder/{company_id}/status", {"status": "partner"},
                                 form_page=f"/virksomheder/{company_id}", follow_redirects=True)
    assert "Status kan ikke gå fra emne til partner." in response.get_data(as_text=True)
    assert _company(app, company_id).status == "emne"


def test_vejleder_can_view_a_company_but_not_edit_it(browser, make_user, add_company):
    company_id = add_company()
    browser.login(make_user("vejleder"))
    assert browser.get(f"/virksomheder/{company_id}").status_code == 200
    assert browser.get(f"/virksomheder/{company_id}/rediger").status_code == 403
    assert browser.get("/virksomheder/ny").status_code == 403
    html = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert f"/virksomheder/{company_id}/rediger" not in html


def test_vejleder_cannot_change_the_status(app, browser, make_user, add_company):
    company_id = add_company()
    browser.login(make_user("vejleder"))
    response = browser.post_form(f"/virksomheder/{company_id}/status", {"status": "dialog"},
                                 form_page=f"/virksomheder/{company_id}")
    assert response.status_code == 403


def test_employer_gets_403_on_every_company_page(app, browser, make_user, add_company):
    company_id = add_company()
    browser.login(make_user("employer"))
    urls = ["/virksomheder/ny", f"/virksomheder/{company_id}", f"/virksomheder/{company_id}/rediger",
            f"/virksomheder/{company_id}/kontaktpersoner/ny", f"/virksomheder/{company_id}/kontaktlog/ny",
            f"/virksomheder/{company_id}/opgaver/ny", "/virksomheder/kontakt-snart", "/opgaver/"]
    for url in urls:
        assert browser.get(url).status_code == 403, url
    for url in (f"/virksomheder/{company_id}/status", "/opgaver/1/udfoert",
                f"/virksomheder/{company_id}/kontaktpersoner/1/slet"):
        assert browser.client.post(url).status_code == 403, url


def test_unknown_company_is_404(browser, konsulent):
    assert browser.get("/virksomheder/999999").status_code == 404
