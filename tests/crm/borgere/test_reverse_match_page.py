"""The reverse match leads somewhere: the vejleder to contact, the way back, and why an unconfirmed
opening shows nobody (issue 16)."""

from crm.extensions import db
from crm.models import Borger
from tests.html_checks import elements


def _links(html):
    return [attrs.get("href", "") for tag, attrs in elements(html) if tag == "a"]


def test_a_konsulent_sees_whom_to_contact_and_a_way_back_to_the_opening(app, browser, make_user, make_borger,
                                                                        make_partner, make_opening):
    vejleder = make_user("vejleder", name="Vera Vejleder", email="vera@test.fodfaeste.dk")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lagermedarbejder"])
    company_id = make_partner("Jyllands Lager ApS")
    opening_id = make_opening(company_id, title="Lagermedarbejder")
    browser.login(make_user("konsulent"))
    html = browser.get(f"/borgere/til-stilling/{opening_id}").get_data(as_text=True)
    with app.app_context():
        reference = db.session.get(Borger, borger_id).reference
    assert reference in html and "Mette" not in html
    assert "Vera Vejleder" in html
    assert any(link.startswith("mailto:vera@test.fodfaeste.dk?subject=") for link in _links(html))
    assert f"/stillinger/{opening_id}" in _links(html)
    assert f"/virksomheder/{company_id}" in _links(html)


def test_the_company_reverse_match_links_back_to_the_company(browser, make_user, make_borger, make_partner):
    vejleder = make_user("vejleder")
    make_borger(vejleder, wishes=["lager"])
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(make_user("konsulent"))
    html = browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    assert f"/virksomheder/{company_id}" in _links(html)


def test_an_opening_hidden_for_being_unconfirmed_says_so_instead_of_no_borger_fits(
        browser, make_user, make_borger, make_partner, make_opening):
    make_borger(make_user("vejleder"), wishes=["lagermedarbejder"])
    opening_id = make_opening(make_partner("Jyllands Lager ApS"), title="Lagermedarbejder", days_unconfirmed=61)
    browser.login(make_user("konsulent"))
    html = browser.get(f"/borgere/til-stilling/{opening_id}").get_data(as_text=True)
    assert "ikke bekræftet i over 60 dage" in html
    assert "Ingen borgere passer" not in html
