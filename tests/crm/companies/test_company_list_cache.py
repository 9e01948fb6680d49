"""The company list's cached parts (per register version, crm/page_cache.py): every change to the
register shows at the next request, and no reader ever gets another's personal parts."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.companies.listing import _LIST_CACHE
from crm.extensions import db
from crm.models import Company, OfferTag, User
from crm.services import register_version
from crm.services.companies import company_profile, update_company
from crm.services.company_merge import merge_companies
from crm.services.contacts import log_contact
from crm.timeutil import utcnow

LIST = "/virksomheder/"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cached(register_versioned):
    """An empty cache, and the version row (see ``register_versioned``)."""
    _LIST_CACHE.clear()


@pytest.fixture
def konsulent(browser, make_user):
    email = make_user("konsulent", name="Karen Konsulent")
    browser.login(email)
    return email


def page(browser, url=LIST) -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())


def version(app) -> int | None:
    with app.app_context():
        return register_version.current()


def test_an_edit_through_the_form_shows_at_once(app, browser, konsulent, make_company):
    company_id = make_company(name="Gammelt Navn ApS")
    assert "Gammelt Navn ApS" in page(browser)
    form = browser.get(f"/virksomheder/{company_id}/rediger").get_data(as_text=True)
    version_field = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    response = browser.post_form(
        f"/virksomheder/{company_id}/rediger",
        {"name": "Nyt Navn ApS", "postcode": "8000", "status": "emne", "version": version_field},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = page(browser)
    assert "Nyt Navn ApS" in shown and "Gammelt Navn ApS" not in shown


def test_a_change_by_another_worker_shows_at_once(app, browser, konsulent, make_company):
    """A job, the API or another gunicorn worker writes through its own session: the version moves."""
    company_id = make_company(name="Bageriet ApS")
    assert "Bageriet ApS" in page(browser)
    with app.app_context():
        company = db.session.get(Company, company_id)
        update_company(
            company, {**company_profile(company), "name": "Bageriet Øst ApS"}, expected_version=company.version
        )
        db.session.commit()
    assert "Bageriet Øst ApS" in page(browser)


def test_a_new_company_shows_at_once_and_counts(app, browser, konsulent, make_company):
    make_company(name="Første ApS")
    assert "1 virksomhed " in page(browser)
    make_company(name="Anden ApS")
    shown = page(browser)
    assert "2 virksomheder" in shown and "Anden ApS" in shown


def test_a_status_change_shows_at_once_also_in_a_status_filter(app, browser, konsulent, make_company):
    company_id = make_company(name="Partneren ApS")
    assert "Partneren ApS" not in page(browser, LIST + "?status=partner")
    assert "Partneren ApS" not in page(browser, LIST + "?status=dialog")
    response = browser.post_form(
        f"/virksomheder/{company_id}/status", {"status": "dialog"}, form_page=f"/virksomheder/{company_id}"
    )
    assert response.status_code == 302
    assert "Partneren ApS" in page(browser, LIST + "?status=dialog")


def test_a_merge_shows_at_once(app, browser, konsulent, make_company, make_user):
    keep = make_company(name="Netto Holstebro ApS", postcode="7500")
    duplicate = make_company(name="Netto Dublet", postcode="7500")
    assert "Netto Dublet" in page(browser)
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == make_user("admin")))
        merge_companies(db.session.get(Company, keep), db.session.get(Company, duplicate), actor=admin)
        db.session.commit()
    shown = page(browser)
    assert "Netto Dublet" not in shown and "1 virksomhed " in shown


def test_an_import_shows_at_once(app, browser, konsulent, make_company, run_jobs):
    make_company(name="Før Importen ApS")
    assert "1 virksomhed " in page(browser)
    data = b"navn;postnummer\r\nImporteret Et ApS;8000\r\nImporteret To ApS;7500\r\n"
    assert browser.post_form("/virksomheder/import", {"file": (io.BytesIO(data), "v.csv")}).status_code == 302
    run_jobs()
    preview = browser.get("/virksomheder/import/forhaandsvisning").get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', preview).group(1)
    response = browser.post_form("/virksomheder/import/bekraeft", {"token": token}, form_page="/virksomheder/import")
    assert response.status_code == 302
    run_jobs()
    shown = page(browser)
    assert "3 virksomheder" in shown and "Importeret To ApS" in shown


def test_offers_konsulent_names_and_contacts_show_at_once(app, browser, konsulent, make_company):
    with app.app_context():
        tag = db.session.scalars(sa.select(OfferTag).order_by(OfferTag.position)).first()
        karen = db.session.scalar(sa.select(User).where(User.email == konsulent))
        code, label, karen_id = tag.code, tag.shown_label, karen.id
    company_id = make_company(name="Mentorfirma ApS", konsulent_id=karen_id)
    shown = page(browser)
    assert "Karen Konsulent" in shown.split("<tbody>")[1] and "Aldrig" in shown
    with app.app_context():
        company = db.session.get(Company, company_id)
        update_company(company, {**company_profile(company), "offers": [code]}, expected_version=company.version)
        db.session.get(User, karen_id).name = "Karen Omdøbt"
        db.session.commit()
    rows = page(browser).split("<tbody>")[1]
    assert label in rows and "Karen Omdøbt" in rows
    with app.app_context():
        log_contact(
            db.session.get(Company, company_id),
            {"kind": "phone", "summary": "Ringede", "at": utcnow() - timedelta(days=3)},
            actor=db.session.get(User, karen_id),
        )
        db.session.commit()
    rows = page(browser).split("<tbody>")[1]
    assert "Aldrig" not in rows and "<td>3</td>" in rows


def test_days_since_contact_follow_the_clock_without_any_write(app, browser, konsulent, make_company, clock):
    with app.app_context():
        company_id = make_company(name="Kontaktet ApS")
        db.session.get(Company, company_id).last_contact_at = utcnow() - timedelta(days=1, minutes=-10)
        db.session.commit()
    assert "<td>0</td>" in page(browser)
    before = version(app)
    clock.shift(timedelta(minutes=20))  # within the session's idle time
    assert "<td>1</td>" in page(browser)
    assert version(app) == before  # the same cached result, filled in with today's figures


def test_a_login_does_not_move_the_version_but_a_rename_does(app, browser, make_user):
    email = make_user("konsulent")
    before = version(app)
    browser.login(email)
    assert version(app) == before
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).name = "Nyt Navn"
        db.session.commit()
    assert version(app) != before


def test_a_rolled_back_write_does_not_move_the_version(app, make_company):
    make_company()
    before = version(app)
    with app.app_context():
        db.session.scalars(sa.select(Company)).first().name = "Aldrig Gemt"
        db.session.flush()
        db.session.rollback()
        db.session.execute(sa.select(Company.id)).all()
        db.session.commit()
    assert version(app) == before


@pytest.mark.parametrize(
    ("statement", "watched"),
    [
        ("INSERT INTO companies (name) VALUES (?)", True),
        ('UPDATE "companies" SET name=%(name)s WHERE companies.id = %(id)s', True),
        ("DELETE FROM company_offers WHERE company_id = ?", True),
        ("UPDATE users SET last_login_at=?, failed_logins=? WHERE users.id = ?", False),
        ("UPDATE users SET name=?, updated_at=? WHERE users.id = ?", True),
        ("INSERT INTO users (email, name) VALUES (?, ?)", True),
        ("INSERT INTO audit_events (action) VALUES (?)", False),
        ("SELECT * FROM companies", False),
    ],
)
def test_which_statements_move_the_version(statement, watched):
    assert register_version.writes_register(statement) is watched


def test_two_roles_never_get_each_others_cached_output(app, browser, make_user, make_company, client):
    make_company(name="Fælles ApS")
    konsulent = make_user("konsulent", name="Karen Konsulent")
    vejleder = make_user("vejleder", name="Vera Vejleder")
    browser.login(konsulent)
    as_konsulent = browser.get(LIST).get_data(as_text=True)
    browser.logout()
    browser.login(vejleder)
    as_vejleder = browser.get(LIST).get_data(as_text=True)
    assert "Fælles ApS" in as_konsulent and "Fælles ApS" in as_vejleder
    assert 'href="/virksomheder/ny"' in as_konsulent and 'href="/virksomheder/ny"' not in as_vejleder
    assert 'class="user-name">Vera Vejleder' in as_vejleder
    assert 'class="user-name">Karen Konsulent' not in as_vejleder and "Vera Vejleder" not in as_konsulent
    assert not set(CSRF_RE.findall(as_konsulent)) & set(CSRF_RE.findall(as_vejleder))
    # Each role has its own entry: a permission that one day changes the rows cannot leak.
    with app.app_context():
        generation = _LIST_CACHE._generations[str(db.engine.url)][1]
    assert {key[0] for key in generation} == {"konsulent", "vejleder"}


def test_the_english_page_is_not_the_danish_one(app, browser, konsulent, make_company):
    make_company(name="Sprogfirma ApS")
    assert "1 virksomhed " in page(browser)
    browser.post_form("/sprog", {"language": "en", "next": LIST}, form_page=LIST)
    shown = page(browser)
    assert "1 company" in shown and "1 virksomhed " not in shown
