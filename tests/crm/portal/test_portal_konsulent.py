"""The employer portal names the company's konsulent with phone and e-mail (issue 16)."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, User
from tests.html_checks import elements


def _links(html):
    return [attrs.get("href", "") for tag, attrs in elements(html) if tag == "a"]


def _employer_of_company_with_konsulent(app, make_user, make_partner, user_id, *, phone="86 12 34 56"):
    company_id = make_partner("Lager A/S")
    karl = make_user("konsulent", name="Karl Konsulent", email="karl@test.fodfaeste.dk")
    with app.app_context():
        db.session.get(User, user_id(karl)).phone = phone
        db.session.get(Company, company_id).konsulent_id = user_id(karl)
        db.session.commit()
    return make_user("employer", company_id=company_id)


def test_every_portal_page_names_the_konsulent_with_phone_and_email(app, browser, make_user, make_partner,
                                                                    user_id):
    browser.login(_employer_of_company_with_konsulent(app, make_user, make_partner, user_id))
    for url in ("/portal/", "/portal/stillinger", "/portal/profil", "/portal/forslag"):
        html = browser.get(url).get_data(as_text=True)
        assert "Kontakt jeres virksomhedskonsulent Karl Konsulent" in html, url
        assert "tel:86123456" in _links(html) and "mailto:karl@test.fodfaeste.dk" in _links(html), url


def test_the_front_page_has_a_card_with_the_konsulent(app, browser, make_user, make_partner, user_id):
    browser.login(_employer_of_company_with_konsulent(app, make_user, make_partner, user_id, phone=""))
    html = browser.get("/portal/").get_data(as_text=True)
    assert "Jeres virksomhedskonsulent" in html
    assert "tel:" not in html  # no phone recorded: none shown


def test_a_company_without_a_konsulent_points_to_the_jobcentre(browser, make_user, make_partner):
    browser.login(make_user("employer", company_id=make_partner("Lager A/S")))
    html = browser.get("/portal/").get_data(as_text=True)
    assert "Kontakt jobcentret." in html


def test_the_admin_records_a_staff_members_phone(app, browser, make_user, user_id):
    karl = make_user("konsulent", name="Karl Konsulent")
    browser.login(make_user("admin"))
    karl_id = user_id(karl)
    response = browser.post_form(f"/admin/brugere/{karl_id}", {
        "name": "Karl Konsulent", "email": karl, "phone": " 86 12  34 56 ", "role": "konsulent",
        "company_id": "", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.phone).where(User.id == karl_id)) == "86 12 34 56"
