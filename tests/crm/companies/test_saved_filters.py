"""Saved filters on the company list: a user saves the current filters under a name, sees their
own, applies and deletes them; anyone else's (or a tampered id) is a 404, never a 500."""

import re

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import SavedFilter
from crm.services.saved_filters import MAX_PER_USER
from tests.conftest import csrf_token_from

LIST = "/virksomheder/"


def _save(browser, name, query, *, list_url=None):
    return browser.post_form("/virksomheder/filtre", {"name": name, "query": query},
                             form_page=list_url or f"{LIST}?{query}")


def _saved(app):
    with app.app_context():
        return db.session.execute(sa.select(SavedFilter.user_id, SavedFilter.name, SavedFilter.query)
                                  .order_by(SavedFilter.id)).all()


def _filter_id(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(SavedFilter.id).where(SavedFilter.name == name))


def test_a_user_saves_the_current_filters_sees_them_and_applies_them(app, browser, make_user, make_partner,
                                                                       make_company, user_id):
    make_partner("Hansens Bageri")
    make_company("Emne Bageri", status="emne")
    email = make_user("konsulent")
    browser.login(email)
    response = _save(browser, "Bagere, partnere", "q=bageri&status=partner")
    assert response.status_code == 302
    fid = _filter_id(app, "Bagere, partnere")
    assert response.headers["Location"] == f"/virksomheder/filtre/{fid}"
    assert _saved(app) == [(user_id(email), "Bagere, partnere", "q=bageri&status=partner")]
    applied = browser.get(f"/virksomheder/filtre/{fid}")
    assert applied.status_code == 302
    assert applied.headers["Location"] == "/virksomheder/?q=bageri&status=partner"
    html = browser.get(applied.headers["Location"]).get_data(as_text=True)
    assert "Filteret „Bagere, partnere“ er gemt." in html
    assert "Hansens Bageri" in html and "Emne Bageri" not in html
    assert f'href="/virksomheder/filtre/{fid}">Bagere, partnere</a>' in html


def test_saving_under_the_same_name_replaces_the_filter_set(app, browser, make_user):
    browser.login(make_user("konsulent"))
    _save(browser, "Mine", "status=partner")
    _save(browser, "Mine", "status=dialog&postcode=8000")
    assert [(name, query) for _, name, query in _saved(app)] == [("Mine", "postcode=8000&status=dialog")]


def test_only_the_lists_filters_are_kept_never_the_page_or_a_tampered_key(app, browser, make_user):
    browser.login(make_user("konsulent"))
    _save(browser, "Mine", "q=lager&page=3&next=https://evil.example&offers=mentor&offers=flexible_hours")
    assert [query for *_, query in _saved(app)] == ["offers=flexible_hours&offers=mentor&q=lager"]


def test_a_filter_needs_a_name_and_some_filters_with_danish_messages(app, browser, make_user):
    browser.login(make_user("konsulent"))
    no_name = _save(browser, "  ", "q=lager")
    assert no_name.status_code == 302
    assert "Giv filteret et navn." in browser.get(no_name.headers["Location"]).get_data(as_text=True)
    nothing = _save(browser, "Tomt", "page=2&andet=1")
    assert "Vælg mindst ét filter, før du gemmer det." in browser.get(nothing.headers["Location"]).get_data(
        as_text=True)
    too_long = _save(browser, "x" * 81, "q=lager")
    assert "Højst 80 tegn." in browser.get(too_long.headers["Location"]).get_data(as_text=True)
    huge = _save(browser, "Stort", "q=" + "a" * 2500)
    assert "Filteret er for langt til at blive gemt." in browser.get(huge.headers["Location"]).get_data(
        as_text=True)
    assert _saved(app) == []


def test_a_user_can_keep_only_so_many_filters(app, browser, make_user, user_id):
    email = make_user("konsulent")
    with app.app_context():
        db.session.add_all(SavedFilter(user_id=user_id(email), name=f"F{n}", query="q=x")
                           for n in range(MAX_PER_USER))
        db.session.commit()
    browser.login(email)
    response = _save(browser, "En til", "q=lager")
    assert f"Du kan højst gemme {MAX_PER_USER} filtre." in browser.get(response.headers["Location"]).get_data(
        as_text=True)
    assert len(_saved(app)) == MAX_PER_USER


def test_a_user_deletes_their_own_filter(app, browser, make_user):
    browser.login(make_user("vejleder"))
    _save(browser, "Mine", "status=partner")
    fid = _filter_id(app, "Mine")
    response = browser.post_form(f"/virksomheder/filtre/{fid}/slet", {}, form_page=LIST)
    assert response.status_code == 302
    assert "Filteret „Mine“ er slettet." in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert _saved(app) == []


def test_another_users_filter_is_not_listed_applied_or_deleted(app, browser, make_user):
    browser.login(make_user("konsulent"))
    _save(browser, "Konsulentens", "status=partner")
    fid = _filter_id(app, "Konsulentens")
    browser.logout()
    browser.login(make_user("konsulent"))
    assert "Konsulentens" not in browser.get(f"{LIST}?status=partner").get_data(as_text=True)
    assert browser.get(f"/virksomheder/filtre/{fid}").status_code == 404
    assert browser.post_form(f"/virksomheder/filtre/{fid}/slet", {}, form_page=LIST).status_code == 404
    assert len(_saved(app)) == 1


@pytest.mark.parametrize("filter_id", ["0", "999999", "99999999999999999999"])
def test_an_unknown_or_tampered_filter_id_is_a_404(browser, make_user, filter_id):
    browser.login(make_user("konsulent"))
    assert browser.get(f"/virksomheder/filtre/{filter_id}").status_code == 404
    assert browser.post_form(f"/virksomheder/filtre/{filter_id}/slet", {}, form_page=LIST).status_code == 404
    assert browser.get("/virksomheder/filtre/abc").status_code == 404


def test_saving_without_the_csrf_token_is_refused(app, browser, make_user):
    browser.login(make_user("konsulent"))
    response = browser.client.post("/virksomheder/filtre", data={"name": "Mine", "query": "q=lager"})
    assert response.status_code == 400
    assert _saved(app) == []


def test_the_list_offers_to_save_only_when_filters_are_chosen(browser, make_user):
    browser.login(make_user("konsulent"))
    assert "Gem filtrene" not in browser.get(LIST).get_data(as_text=True)
    html = browser.get(f"{LIST}?q=lager&page=2").get_data(as_text=True)
    assert 'name="query" type="hidden" value="q=lager"' in html
    assert csrf_token_from(html)


def test_a_saved_filter_with_odd_values_shows_the_list_with_messages_not_a_500(app, browser, make_user,
                                                                                 user_id):
    email = make_user("konsulent")
    with app.app_context():
        db.session.add(SavedFilter(user_id=user_id(email), name="Gammel", query="radius=abc&postcode=0000"))
        db.session.commit()
    browser.login(email)
    response = browser.get(f"/virksomheder/filtre/{_filter_id(app, 'Gammel')}", follow_redirects=True)
    assert response.status_code == 200
    assert re.search(r"Ret filtrene ovenfor", response.get_data(as_text=True))


def test_an_employer_has_no_saved_filters(browser, make_user):
    browser.login(make_user("employer"))
    assert browser.client.post("/virksomheder/filtre", data={"name": "x"}).status_code in (400, 403)
    assert browser.get("/virksomheder/filtre/1").status_code == 403
