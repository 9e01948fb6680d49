"""A vejleder searches the caseload from the borger list: by name (folded) and by phase."""

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Borger

pytestmark = pytest.mark.e2e


def test_a_vejleder_finds_a_borger_in_the_caseload_by_name_and_phase(app, page, login, live_server, make_user,
                                                                     make_borger):
    vejleder = make_user("vejleder")
    make_borger(vejleder, first_name="Søren")
    started = make_borger(vejleder, first_name="Mette")
    make_borger(make_user("vejleder"), first_name="Søren")  # another caseload
    with app.app_context():
        db.session.get(Borger, started).phase = "virksomhedsmatch"
        db.session.commit()
    login(vejleder)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Borgere").click()
    search = page.get_by_role("search", name="Find borgere")
    search.get_by_label("Søg (fornavn eller reference)").fill("soeren")
    search.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("status")).to_have_text("1 borger passer til søgningen.")
    assert page.get_by_role("link", name="Søren (B-").count() == 1
    expect(page.get_by_role("link", name="Mette (B-")).to_have_count(0)

    page.get_by_role("link", name="Nulstil").click()
    search = page.get_by_role("search", name="Find borgere")
    search.get_by_label("Fase").select_option(label="Virksomhedsmatch")
    search.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Mette (B-")).to_be_visible()
    expect(page.get_by_role("link", name="Søren (B-")).to_have_count(0)
    assert search.get_by_label("Fase").input_value() == "virksomhedsmatch"
