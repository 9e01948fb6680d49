"""/api/v1/borgere: a vejleder's own caseload (a teamleder: the led programme), read and the
matching profile changed; every read, refusal and change audited as the pages audit them."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger
from tests.crm.api.conftest import assert_problem


def _audit(app, action):
    with app.app_context():
        return [(e.object_id, e.details) for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_a_vejleder_lists_and_reads_the_own_caseload_audited(app, api_as, make_user, make_borger):
    v1, v2 = make_user("vejleder"), make_user("vejleder")
    own = make_borger(v1, first_name="Anna")
    make_borger(v2, first_name="Bo")
    api = api_as(email=v1)
    listed = api.get("/api/v1/borgere").get_json()
    assert [b["first_name"] for b in listed["items"]] == ["Anna"]
    assert "notes" not in listed["items"][0]
    assert _audit(app, "borger.view") == [(str(own), {"page": "api"})]
    read = api.get(f"/api/v1/borgere/{own}")
    assert read.status_code == 200 and read.headers["ETag"]
    assert len(_audit(app, "borger.view")) == 2


def test_another_vejleders_borger_is_refused_and_the_refusal_audited(app, api_as, make_user, make_borger):
    v1, v2 = make_user("vejleder"), make_user("vejleder")
    foreign = make_borger(v2, first_name="Bo")
    api = api_as(email=v1)
    assert_problem(api.get(f"/api/v1/borgere/{foreign}"), 403)
    assert_problem(api.patch(f"/api/v1/borgere/{foreign}", json={"hours_max": "x"}, headers={"If-Match": "*"}), 403)
    assert _audit(app, "borger.denied") == [(str(foreign), {"page": "api"})] * 2
    assert _audit(app, "borger.view") == []


def test_the_vejleder_changes_the_matching_profile_with_if_match(app, api_as, make_user, make_borger):
    v1 = make_user("vejleder")
    borger_id = make_borger(v1)
    api = api_as(email=v1)
    etag = api.get(f"/api/v1/borgere/{borger_id}").headers["ETag"]
    changed = api.patch(f"/api/v1/borgere/{borger_id}", json={"wishes": ["bager", "lager"], "hours_max": 25},
                        headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["wishes"] == ["bager", "lager"] and changed.get_json()["hours_max"] == 25
    assert_problem(api.patch(f"/api/v1/borgere/{borger_id}", json={"hours_max": 30}, headers={"If-Match": etag}),
                   412)
    body = assert_problem(api.patch(f"/api/v1/borgere/{borger_id}", json={"hours_min": 40, "hours_max": 10},
                                    headers={"If-Match": changed.headers["ETag"]}), 422)
    assert "timer" in body["detail"]
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        assert borger.hours_max == 25 and borger.first_name == "Mette"
    assert [d for _, d in _audit(app, "borger.update")] == [{"fields": ["hours_max", "wishes"]}]


def test_a_teamleder_reads_the_led_programme_but_changes_nothing(app, api_as, make_user, make_teamleder,
                                                                 make_borger):
    email, programme_id = make_teamleder()
    v1 = make_user("vejleder")
    led = make_borger(v1, programme_id=programme_id)
    other = make_borger(v1)
    api = api_as(email=email)
    assert api.get(f"/api/v1/borgere/{led}").status_code == 200
    assert_problem(api.get(f"/api/v1/borgere/{other}"), 403)
    assert_problem(api.patch(f"/api/v1/borgere/{led}", json={"hours_max": 20}, headers={"If-Match": "*"}), 403)


def test_konsulent_admin_and_employer_open_no_borger(api_as, make_user, make_borger):
    borger_id = make_borger(make_user("vejleder"))
    for role in ("konsulent", "admin", "employer"):
        api = api_as(role)
        assert_problem(api.get("/api/v1/borgere"), 403)
        assert_problem(api.get(f"/api/v1/borgere/{borger_id}"), 403)
