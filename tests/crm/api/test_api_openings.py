"""/api/v1/openings: an employer keeps its own company's openings (create, change, confirm,
close) and never reaches another's; staff read them all."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import ContactLogEntry, Opening
from crm.timeutil import utcnow
from tests.crm.api.conftest import assert_problem


def test_an_employer_creates_changes_confirms_and_closes_its_own_opening(app, api_as, employer, clock):
    email, company_id = employer
    api = api_as(email=email)
    made = api.post("/api/v1/openings", json={"title": "Bager", "kind": "job", "hours_min": 10, "hours_max": 20,
                                              "status": "aaben"})
    assert made.status_code == 201, made.get_json()
    opening = made.get_json()
    assert opening["company_id"] == company_id and made.headers["Location"] == f"/api/v1/openings/{opening['id']}"
    etag = made.headers["ETag"]
    changed = api.patch(f"/api/v1/openings/{opening['id']}", json={"hours_max": 25}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["hours_max"] == 25
    assert changed.get_json()["title"] == "Bager"
    assert_problem(api.patch(f"/api/v1/openings/{opening['id']}", json={"hours_max": 30},
                             headers={"If-Match": etag}), 412)
    clock.shift(timedelta(days=25))  # the opening waits for confirmation; the 30-day token still works
    confirmed = api.post(f"/api/v1/openings/{opening['id']}/confirm")
    assert confirmed.status_code == 200
    closed = api.post(f"/api/v1/openings/{opening['id']}/status", json={"status": "lukket"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "lukket"
    body = assert_problem(api.post(f"/api/v1/openings/{opening['id']}/confirm"), 422)
    assert "Kun åbne stillinger" in body["detail"]
    with app.app_context():
        stored = db.session.get(Opening, opening["id"])
        assert stored.status == "lukket" and utcnow() - stored.confirmed_at < timedelta(days=1)
        summaries = [e.summary for e in db.session.scalars(sa.select(ContactLogEntry))]
        assert any("oprettede stillingen «Bager»" in s for s in summaries)  # logged as the portal logs it


def test_an_employer_sees_only_its_own_openings_and_another_companys_are_404(api_as, employer, make_partner,
                                                                             make_opening):
    email, company_id = employer
    own = make_opening(company_id, title="Egen stilling")
    foreign = make_opening(make_partner("Anden A/S"), title="Fremmed stilling")
    api = api_as(email=email)
    listed = api.get("/api/v1/openings").get_json()
    assert [o["title"] for o in listed["items"]] == ["Egen stilling"]
    assert api.get(f"/api/v1/openings/{own}").status_code == 200
    assert_problem(api.get(f"/api/v1/openings/{foreign}"), 404)
    # Another company's opening is 404 before its body is even read (no 422 that tells it exists).
    assert_problem(api.patch(f"/api/v1/openings/{foreign}", json={"hours_max": "x"}, headers={"If-Match": "*"}), 404)
    assert_problem(api.post(f"/api/v1/openings/{foreign}/status", json={"status": "ukendt"}), 404)
    assert_problem(api.post(f"/api/v1/openings/{foreign}/confirm"), 404)


def test_staff_read_every_opening_and_write_none_through_the_api(api_as, make_partner, make_opening):
    a = make_opening(make_partner("A ApS"), title="Lager")
    make_opening(make_partner("B ApS"), title="Kantine")
    konsulent = api_as("konsulent")
    assert konsulent.get("/api/v1/openings").get_json()["meta"]["total"] == 2
    assert konsulent.get("/api/v1/openings?q=kant").get_json()["items"][0]["title"] == "Kantine"
    assert konsulent.get(f"/api/v1/openings/{a}").status_code == 200
    assert_problem(konsulent.post("/api/v1/openings", json={"title": "X", "kind": "job"}), 403)
