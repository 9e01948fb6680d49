"""The caseload norm a vejleder sees is one figure, from one place (issue 16)."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Programme
from crm.models.programme import DEFAULT_CASELOAD_NORM
from crm.services.programmes import create_programme


def _programme(app, name, norm):
    with app.app_context():
        programme = create_programme({"name": name, "municipality": "Aarhus", "caseload_norm": norm}, actor=None)
        db.session.commit()
        return programme.id


def test_the_caseload_list_and_my_week_show_the_programme_norm(app, browser, make_user, make_borger):
    email = make_user("vejleder")
    make_borger(email, programme_id=_programme(app, "Stram indsats", 18))
    browser.login(email)
    caseload = browser.get("/borgere/").get_data(as_text=True)
    week = browser.get("/min-uge").get_data(as_text=True)
    assert "norm: højst 18" in caseload
    assert "norm: højst 18" in week
    assert "højst 20" not in caseload + week


def test_without_a_programme_both_pages_show_the_default_norm(browser, make_user, make_borger):
    email = make_user("vejleder")
    make_borger(email)
    browser.login(email)
    for url in ("/borgere/", "/min-uge"):
        assert f"norm: højst {DEFAULT_CASELOAD_NORM}" in browser.get(url).get_data(as_text=True)


def test_a_new_programme_gets_the_default_norm(app):
    _programme(app, "Ny indsats", None)
    with app.app_context():
        assert db.session.scalar(sa.select(Programme.caseload_norm)) == DEFAULT_CASELOAD_NORM
