"""The shipped vocabularies (what a workplace offers, the DB07 sections) read in the reader's
language where they are shown, while the stored Danish label is what the matcher reads; a label an
admin has written is shown as written."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import OfferTag


def test_offer_tags_and_the_industry_show_in_english_and_stay_danish_in_danish(app, browser, make_user,
                                                                               make_partner):
    company_id = make_partner("Jyllands Lager ApS", offers=["mentor", "quiet"], industry_code="H")
    browser.login(make_user("konsulent"))
    danish = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert "Mentor på arbejdspladsen" in danish and "Transport" in danish
    browser.client.set_cookie("sprog", "en")
    english = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert "Mentor at the workplace" in english and "Calm working environment" in english
    assert "Mentor på arbejdspladsen" not in english
    filters = browser.get("/virksomheder/").get_data(as_text=True)
    assert "Step-free access" in filters and "Agriculture, forestry and fishing" in filters


def test_a_label_an_admin_wrote_is_shown_as_written(app, browser, make_user, make_partner):
    with app.app_context():
        db.session.scalar(sa.select(OfferTag).where(OfferTag.code == "mentor")).label = "Fast makker"
        db.session.commit()
    company_id = make_partner("Jyllands Lager ApS", offers=["mentor"])
    browser.login(make_user("konsulent"))
    browser.client.set_cookie("sprog", "en")
    assert "Fast makker" in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)


def test_a_match_reason_names_the_offer_in_english(app, browser, make_user, make_borger, make_partner):
    vejleder = make_user("vejleder")
    make_partner("Jyllands Lager ApS", offers=["mentor"], industry_text="Lager")
    borger_id = make_borger(vejleder, needs=["mentor"], disclosure=True)
    browser.login(vejleder)
    browser.client.set_cookie("sprog", "en")
    page = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Offers mentor at the workplace" in page and "arbejdspladsen" not in page
