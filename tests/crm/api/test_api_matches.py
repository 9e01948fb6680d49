"""Matches through the API: a vejleder's match list for an own borger (audited, recorded for
learning as on the page) and reverse matches that name a borger only to those who may open them."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, MatchShown
from tests.crm.api.conftest import assert_problem


def test_a_vejleder_gets_the_ranked_openings_of_an_own_borger(app, api_as, make_user, make_borger, make_partner,
                                                             make_opening):
    v1 = make_user("vejleder")
    borger_id = make_borger(v1, wishes=["lagerarbejde"])
    opening_id = make_opening(make_partner("Lager Nord A/S", "8000", "Lager"), title="Lagermedarbejder")
    api = api_as(email=v1)
    response = api.get(f"/api/v1/borgere/{borger_id}/matches")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["index_ready"] is True
    assert f"opening:{opening_id}" in [item["target"] for item in body["items"]]
    top = body["items"][0]
    assert 0 <= top["score"] <= 1 and top["reasons"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MatchShown.id))) == len(body["items"])
        views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "borger.view")).all()
        assert [(v.object_id, v.details["page"]) for v in views] == [(str(borger_id), "api_match")]


def test_matches_of_another_vejleders_borger_are_refused_before_the_query_is_read(app, api_as, make_user,
                                                                                  make_borger):
    foreign = make_borger(make_user("vejleder"))
    api = api_as("vejleder")
    assert_problem(api.get(f"/api/v1/borgere/{foreign}/matches?limit=9999"), 403)
    assert_problem(api_as("konsulent").get(f"/api/v1/borgere/{foreign}/matches"), 403)


def test_reverse_matches_name_a_borger_only_to_their_vejleder(app, api_as, make_user, make_borger, make_partner,
                                                              make_opening):
    v1 = make_user("vejleder")
    borger_id = make_borger(v1, first_name="Anna", wishes=["lagerarbejde"])
    company_id = make_partner("Lager Syd A/S", "8000", "Lager")
    opening_id = make_opening(company_id, title="Lagermedarbejder")
    own = api_as(email=v1).get(f"/api/v1/openings/{opening_id}/reverse-matches").get_json()["items"]
    assert own and own[0]["first_name"] == "Anna" and own[0]["borger_id"] == borger_id
    konsulent = api_as("konsulent").get(f"/api/v1/openings/{opening_id}/reverse-matches").get_json()["items"]
    assert konsulent and konsulent[0]["first_name"] is None and konsulent[0]["borger_id"] is None
    assert konsulent[0]["reasons"] == [] and konsulent[0]["reference"].startswith("B-")
    assert konsulent[0]["vejleder_email"] == v1
    company = api_as("konsulent").get(f"/api/v1/companies/{company_id}/reverse-matches").get_json()["items"]
    assert company and company[0]["first_name"] is None
    with app.app_context():  # only the read by name is audited
        views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "borger.view")).all()
        assert [v.details["page"] for v in views] == ["reverse_match"]
    assert_problem(api_as("employer", scopes=["openings:read"]).get(
        f"/api/v1/openings/{opening_id}/reverse-matches"), 403)
