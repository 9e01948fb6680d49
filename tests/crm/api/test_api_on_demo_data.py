"""Issue 15's acceptance on the demo data itself, as the README shows it: a token made by the CLI
finds every demo bakery for "bagri" through the API, and the company list page finds the same ones
(both through ``crm.services.company_search.search_companies``); a change needs the read's ETag."""

import sqlalchemy as sa

from crm.demo import DEMO_PASSWORD
from crm.extensions import db
from crm.models import Company
from tests.crm.api.conftest import ApiClient, assert_problem

KONSULENT = "konsulent@demo.fodfaeste.dk"


def test_bagri_finds_every_demo_bakery_through_the_api_and_the_company_list(app, runner, browser):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    made = runner.invoke(args=["api", "create-token", "--user", KONSULENT, "--scopes",
                               "companies:read,companies:write", "--days", "30"])
    assert made.exit_code == 0, made.output
    api = ApiClient(app.test_client(), made.stdout.strip().splitlines()[0])
    with app.app_context():
        bakeries = set(db.session.scalars(sa.select(Company.name).where(Company.name.ilike("%bageri%"))))
    assert len(bakeries) == 7  # the demo's own bakeries (seeds/demo_companies.json)

    found = api.get("/api/v1/companies?q=bagri")
    assert found.status_code == 200
    body = found.get_json()
    assert {item["name"] for item in body["items"]} == bakeries and body["meta"]["total"] == len(bakeries)
    assert 'rel="first"' in found.headers["Link"]

    browser.login(KONSULENT, password=DEMO_PASSWORD)
    page = browser.get("/virksomheder/?q=bagri").get_data(as_text=True)
    assert all(name.replace("&", "&amp;") in page for name in bakeries)

    # The README's second example: send the read's ETag back as If-Match; a stale one is 412.
    company_id = body["items"][0]["id"]
    etag = api.get(f"/api/v1/companies/{company_id}").headers["ETag"]
    changed = api.patch(f"/api/v1/companies/{company_id}", json={"phone": "86 12 34 56"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["phone"] == "86 12 34 56"
    stale = api.patch(f"/api/v1/companies/{company_id}", json={"phone": "86 12 34 57"}, headers={"If-Match": etag})
    assert "ændret" in assert_problem(stale, 412)["detail"]
