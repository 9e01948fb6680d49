"""The rough edges of issue 16 as a person meets them in the browser: the company list leads to
creating and importing, a refused step on the borger page keeps the choice and says why at the
field, closing an opening asks first, and the portal names the konsulent."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Company, Opening, User
from crm.timeutil import today

pytestmark = pytest.mark.e2e


def test_a_konsulent_finds_new_company_and_import_on_the_company_list(page, login, live_server, make_user):
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/")
    page.get_by_role("link", name="Ny virksomhed").click()
    expect(page).to_have_url(re.compile(r"/virksomheder/ny$"))
    page.go_back()
    page.get_by_role("link", name="Importér virksomheder").click()
    expect(page).to_have_url(re.compile(r"/virksomheder/import$"))


def test_a_refused_step_keeps_the_chosen_step_and_says_why_at_the_date(page, login, live_server, make_user,
                                                                       make_borger, make_partner, propose):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette")
    propose(borger_id, make_partner("Trinfirma ApS"))
    propose(borger_id, make_partner("Andetfirma ApS"))
    login(vejleder)
    page.goto(f"{live_server}/borgere/{borger_id}")
    placement = page.locator("article.placement", has_text="Trinfirma ApS")
    placement.get_by_text("Registrér næste trin").click()
    placement.get_by_label("Næste trin").select_option("praktik")
    # Each label points at its own input: filling "Dato" here fills this placement's date.
    placement.get_by_label("Dato").fill((today() + timedelta(days=3)).isoformat())
    placement.get_by_role("button", name="Gem trin").click()
    placement = page.locator("article.placement", has_text="Trinfirma ApS")
    date_field = placement.locator(".field.has-error")
    expect(date_field.get_by_text("Datoen kan ikke ligge i fremtiden.")).to_be_visible()
    assert placement.get_by_label("Næste trin").input_value() == "praktik"
    expect(page.get_by_label("Slutdato")).to_be_visible()


def test_closing_an_opening_asks_first(app, page, login, live_server, make_user, make_partner, make_opening):
    opening_id = make_opening(make_partner("Lager A/S"))
    login(make_user("konsulent"))
    page.goto(f"{live_server}/stillinger/{opening_id}")
    page.get_by_label("Ny status").select_option("lukket")
    page.get_by_role("button", name="Skift status").click()
    expect(page.get_by_role("heading", name="Skal «Lagermedarbejder» lukkes?")).to_be_visible()
    with app.app_context():
        assert db.session.get(Opening, opening_id).status == "aaben"
    page.get_by_role("button", name="Ja, luk stillingen").click()
    expect(page.get_by_text("Stillingen er nu lukket")).to_be_visible()


def test_the_portal_names_the_konsulent_with_phone_and_email(app, page, login, live_server, make_user,
                                                              make_partner):
    company_id = make_partner("Lager A/S")
    karl = make_user("konsulent", name="Karl Konsulent", email="karl@test.fodfaeste.dk")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == karl))
        user.phone = "86 12 34 56"
        db.session.get(Company, company_id).konsulent_id = user.id
        db.session.commit()
    login(make_user("employer", company_id=company_id))
    page.goto(f"{live_server}/portal/")
    card = page.get_by_role("region", name="Jeres virksomhedskonsulent")
    expect(card.get_by_text("Karl Konsulent")).to_be_visible()
    assert card.get_by_role("link", name="86 12 34 56").get_attribute("href") == "tel:86123456"
    expect(card.get_by_role("link", name="karl@test.fodfaeste.dk")).to_be_visible()
