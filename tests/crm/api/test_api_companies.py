"""/api/v1/companies: the company list's own typo-tolerant search, filters and paging with Link
headers, ETag and If-Match, 201 with Location, idempotent creates, problem+json errors."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Company
from tests.crm.api.conftest import assert_problem


def test_bagri_finds_the_bakeries_as_the_company_list_does(api_as, browser, make_user, make_partner):
    for name in ("Hansens Bageri", "Bageriet Solsikken", "Kroghs Bageri ApS"):
        make_partner(name)
    make_partner("Tømrerfirmaet Brask")
    api = api_as("konsulent")
    response = api.get("/api/v1/companies?q=bagri")
    assert response.status_code == 200
    names = {item["name"] for item in response.get_json()["items"]}
    assert names == {"Hansens Bageri", "Bageriet Solsikken", "Kroghs Bageri ApS"}
    assert all(item["score"] > 0 for item in response.get_json()["items"])
    browser.login(make_user("konsulent"))
    page = browser.get("/virksomheder/?q=bagri").get_data(as_text=True)
    assert all(name in page for name in names)  # one search for the UI and the API


def test_list_filters_by_status_and_pages_with_link_headers(api_as, make_company):
    for n in range(5):
        make_company(f"Partner {n} ApS", status="partner")
    make_company("Emne ApS", status="emne")
    api = api_as("vejleder")
    first = api.get("/api/v1/companies?status=partner&per_page=2&sort=name")
    body = first.get_json()
    assert body["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert [c["name"] for c in body["items"]] == ["Partner 0 ApS", "Partner 1 ApS"]
    link = first.headers["Link"]
    assert 'rel="next"' in link and 'rel="last"' in link and 'rel="prev"' not in link
    assert "status=partner" in link and "page=2" in link
    last = api.get("/api/v1/companies?status=partner&per_page=2&sort=name&page=3").get_json()
    assert [c["name"] for c in last["items"]] == ["Partner 4 ApS"]


def test_bad_query_values_are_422_with_danish_field_messages(api_as):
    api = api_as("konsulent")
    body = assert_problem(api.get("/api/v1/companies?per_page=1000&status=ukendt"), 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"per_page", "status.0"} <= fields
    assert "per_page" in body["detail"]
    assert all(error["detail"] for error in body["errors"])
    assert_problem(api.get("/api/v1/companies?postcode=0000"), 422)  # an unknown postcode, as in the form


def test_get_gives_an_etag_and_patch_needs_if_match(app, api_as, make_company):
    company_id = make_company("Værkstedet ApS")
    api = api_as("konsulent")
    read = api.get(f"/api/v1/companies/{company_id}")
    etag = read.headers["ETag"]
    assert read.get_json()["version"] == 1 and etag
    assert_problem(api.patch(f"/api/v1/companies/{company_id}", json={"phone": "12345678"}), 428)
    changed = api.patch(f"/api/v1/companies/{company_id}", json={"phone": "12345678"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["phone"] == "12345678"
    assert changed.headers["ETag"] != etag and changed.get_json()["name"] == "Værkstedet ApS"
    stale = api.patch(f"/api/v1/companies/{company_id}", json={"phone": "87654321"}, headers={"If-Match": etag})
    body = assert_problem(stale, 412)
    assert "ændret" in body["detail"]
    with app.app_context():
        assert db.session.get(Company, company_id).phone == "12345678"
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company.update"))


def test_patch_refuses_what_the_form_refuses_with_the_services_message(api_as, make_company):
    company_id = make_company("CVR-test ApS")
    api = api_as("konsulent")
    etag = api.get(f"/api/v1/companies/{company_id}").headers["ETag"]
    body = assert_problem(api.patch(f"/api/v1/companies/{company_id}", json={"cvr": "12345678"},
                                    headers={"If-Match": etag}), 422)
    assert "CVR-nummeret er ikke gyldigt" in body["detail"] and body["errors"][0]["field"] == "cvr"


def test_create_answers_201_with_location_and_an_idempotency_key_replays(app, api_as):
    api = api_as("konsulent")
    data = {"name": "Nyt Lager ApS", "postcode": "8200", "tags": ["lager"]}
    made = api.post("/api/v1/companies", json=data, headers={"Idempotency-Key": "k-1"})
    assert made.status_code == 201
    location = made.headers["Location"]
    assert location == f"/api/v1/companies/{made.get_json()['id']}" and made.headers["ETag"]
    assert api.get(location).get_json()["name"] == "Nyt Lager ApS"
    again = api.post("/api/v1/companies", json=data, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.headers["Location"] == location
    assert again.get_json() == made.get_json()
    other = api.post("/api/v1/companies", json={**data, "name": "Andet ApS"}, headers={"Idempotency-Key": "k-1"})
    assert "Idempotency-Key" in assert_problem(other, 422)["detail"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 1


def test_create_without_required_fields_is_422_in_danish(api_as):
    body = assert_problem(api_as("konsulent").post("/api/v1/companies", json={"phone": "1"}), 422)
    assert {error["field"]: error["detail"] for error in body["errors"]}["name"] == "Feltet skal udfyldes."


def test_who_may_what_on_companies(api_as, make_company):
    company_id = make_company()
    employer = api_as("employer", scopes=["openings:read"])
    assert_problem(employer.get("/api/v1/companies"), 403)
    vejleder = api_as("vejleder")
    assert vejleder.get(f"/api/v1/companies/{company_id}").status_code == 200
    assert_problem(vejleder.post("/api/v1/companies", json={"name": "X", "postcode": "8000"}), 403)
    assert_problem(vejleder.patch(f"/api/v1/companies/{company_id}", json={}, headers={"If-Match": "*"}), 403)


def test_unknown_ids_paths_and_methods_are_problems(api_as):
    api = api_as("konsulent")
    assert_problem(api.get("/api/v1/companies/999999"), 404)
    assert_problem(api.get("/api/v1/findes-ikke"), 404)
    not_allowed = assert_problem(api.delete("/api/v1/companies/1"), 405)
    assert not_allowed["detail"]


def test_an_idempotency_key_is_forgotten_after_a_day(app, api_as, clock):
    from crm.models import IdempotentRequest

    api = api_as("konsulent")
    first = api.post("/api/v1/companies", json={"name": "Første ApS", "postcode": "8200"},
                     headers={"Idempotency-Key": "dagens"})
    assert first.status_code == 201
    clock.shift(timedelta(hours=25))
    later = api.post("/api/v1/companies", json={"name": "Næste ApS", "postcode": "8200"},
                     headers={"Idempotency-Key": "dagens"})
    assert later.status_code == 201 and later.get_json()["id"] != first.get_json()["id"]
    with app.app_context():
        kept = db.session.scalars(sa.select(IdempotentRequest)).all()
        assert [(row.key, row.response["name"]) for row in kept] == [("dagens", "Næste ApS")]


def test_the_same_key_committed_at_the_same_time_is_a_409_and_keeps_one_company(app, api_as, monkeypatch):
    api = api_as("konsulent")
    data = {"name": "Samtidig ApS", "postcode": "8200"}
    assert api.post("/api/v1/companies", json=data, headers={"Idempotency-Key": "samme"}).status_code == 201
    # The second request looked for the key before the first one committed it.
    monkeypatch.setattr("crm.api.http.replay", lambda: None)
    racing = api.post("/api/v1/companies", json=data, headers={"Idempotency-Key": "samme"})
    assert "samtidig" in assert_problem(racing, 409)["detail"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 1
