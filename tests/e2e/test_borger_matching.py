"""A vejleder opens a borger, sees matches with reasons, shortlists one and proposes it; another
vejleder is refused, and the refusal is audited."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import AuditEvent, Placement

pytestmark = pytest.mark.e2e


def test_vejleder_matches_shortlists_and_proposes(app, page, login, live_server, make_user, make_borger,
                                                  make_partner, user_id):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lagerarbejde"])
    make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    make_partner("Aarhus Frisørsalon", industry_text="Frisør")
    login(vejleder)

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Borgere").click()
    page.get_by_role("link", name="Mette (B-").click()
    page.get_by_role("link", name="Find match").click()
    first = page.locator(".match-list > li").first
    assert "Jyllands Lager ApS" in first.inner_text()
    assert first.locator(".reasons li").count() >= 1
    first.get_by_role("button", name="Sæt på kortliste").click()
    expect(page.get_by_text("er sat på kortlisten")).to_be_visible()
    page.locator(".match-list > li").first.get_by_role("button", name="Foreslå for arbejdsgiver").click()
    # A confirmation page (no JavaScript needed) says what the employer sees and who must pass it on.
    expect(page.get_by_role("heading", name="Foreslå Mette")).to_be_visible()
    expect(page.get_by_text("ingen brugere i arbejdsgiverportalen")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(Placement.stage)) == "kortliste"
    page.get_by_role("button", name="Ja, foreslå Mette").click()
    expect(page.get_by_text("Mette er foreslået for Jyllands Lager ApS")).to_be_visible()
    expect(page.locator(".placement .badge", has_text="Foreslået")).to_be_visible()
    with app.app_context():
        placement = db.session.scalar(sa.select(Placement))
        assert placement.stage == "foreslaaet" and placement.reasons

    other = make_user("vejleder")
    page.get_by_role("button", name="Log ud").click()
    login(other)
    response = page.goto(f"{live_server}/borgere/{borger_id}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Ingen adgang")).to_be_visible()
    with app.app_context():
        denied = db.session.scalars(sa.select(AuditEvent.actor_id).where(
            AuditEvent.action == "borger.denied", AuditEvent.object_id == str(borger_id))).all()
    assert denied == [user_id(other)]
