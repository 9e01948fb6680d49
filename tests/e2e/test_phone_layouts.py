"""On a phone (390 × 844 CSS pixels) the employer portal and the main lists fit the screen's width:
no page scrolls sideways (a wide table scrolls inside its own box or is laid out as cards), and
every page is still free of serious and critical axe findings (tests/e2e/axe.py)."""

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Company, User
from crm.services.contacts import create_task
from crm.timeutil import today

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def viewport():
    return PHONE


def assert_fits_the_phone(page, what):
    page.wait_for_load_state("load")  # the stylesheets are in: the layout is the one a person sees
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: the page is {width} px wide on a {PHONE['width']} px phone"


def portal_menu(page, label):
    """Follow a link in the portal menu, which a phone folds behind its "Menu" button."""
    nav = page.get_by_role("navigation", name="Portalmenu")
    expect(nav.get_by_role("link", name=label)).to_be_hidden()
    nav.get_by_role("button", name="Menu").click()
    nav.get_by_role("link", name=label).click()


def open_on_phone(page, url, heading):
    response = page.goto(url)
    assert response.status == 200, url
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_fits_the_phone(page, url)


def test_an_employer_uses_the_portal_on_a_phone(app, page, login, live_server, make_user, make_borger,
                                               make_partner, make_opening, propose):
    company_id = make_partner("Jyllands Lager og Logistik ApS", industry_text="Lager og logistik")
    opening_id = make_opening(company_id, title="Lagermedarbejder til pluk og pak, dag- og aftenhold")
    vejleder = make_user("vejleder")
    propose(make_borger(vejleder, first_name="Mette", shared_fields=["first_name", "wishes"]), company_id, opening_id)
    login(make_user("employer", company_id=company_id))
    assert_fits_the_phone(page, "the portal's start page")

    portal_menu(page, "Stillinger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeres stillinger og praktikpladser")
    assert_fits_the_phone(page, "the portal's openings")
    page.get_by_role("link", name="Opret en stilling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny stilling")
    assert_fits_the_phone(page, "the new opening form")
    open_on_phone(page, f"{live_server}/portal/stillinger/{opening_id}", "Rediger")

    portal_menu(page, "Profil")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jyllands Lager og Logistik ApS")
    assert_fits_the_phone(page, "the company profile")
    portal_menu(page, "Forslag")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forslag fra jobcentret")
    assert_fits_the_phone(page, "the proposals")
    page.get_by_role("link", name="Mette", exact=True).click()
    expect(page.get_by_role("button", name="Interesseret – kontakt mig")).to_be_visible()
    assert_fits_the_phone(page, "a proposal")


def test_the_main_lists_fit_a_phone(app, page, login, live_server, make_user, make_borger, make_partner,
                                    make_opening):
    konsulent = make_user("konsulent", name="Karl Konsulent")
    vejleder = make_user("vejleder")
    for n, name in enumerate(["Jyllands Lager og Logistik ApS", "Aarhus Bageri og Konditori A/S",
                              "Østjysk Rengøring og Vinduespudsning ApS"]):
        company_id = make_partner(name, industry_text="Lager og logistik", address=f"Lange Vestergade {n + 10}")
        make_opening(company_id, title="Lagermedarbejder til pluk og pak, dag- og aftenhold")
        make_borger(vejleder, first_name=f"Mette{n}", wishes=["lagerarbejde", "rengøring", "kundeservice"])
    with app.app_context():
        for user_email in (konsulent, vejleder):
            user = db.session.query(User).filter_by(email=user_email).one()
            create_task(title="Ring til indehaveren om en praktikplads efter sommerferien", due=today(),
                        assignee_id=user.id, company=db.session.get(Company, company_id))
        db.session.commit()

    login(vejleder)
    open_on_phone(page, f"{live_server}/borgere/", "Min caseload")
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/login**")
    login(konsulent)
    assert_fits_the_phone(page, "the start page")
    open_on_phone(page, f"{live_server}/virksomheder/", "Virksomheder")
    open_on_phone(page, f"{live_server}/opgaver/", "Mine opgaver")
    open_on_phone(page, f"{live_server}/virksomheder/kontakt-snart", "Kontakt snart")
    open_on_phone(page, f"{live_server}/stillinger/", "Stillinger og praktikpladser")
