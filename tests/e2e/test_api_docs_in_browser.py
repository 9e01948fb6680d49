"""The API's documentation page in a real browser: Swagger UI from the vendored files draws every
operation of the generated spec, asks no other host for anything (no CDN, no validator badge), and
passes the axe check with operations opened (a parameter list, a request body)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_docs_page_draws_every_operation_from_vendored_files_only(page, live_server, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = sum(1 for item in spec["paths"].values() for method in item if method != "parameters")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.get_by_text("Fodfæste API").first).to_be_visible()
    # Opened, an operation shows its parameters (axe checks the page as the test leaves it).
    companies = page.locator("#operations-api-get_api_v1_companies")
    companies.locator(".opblock-summary-control").click()
    expect(companies.get_by_text("per_page").first).to_be_visible()
    opening = page.locator("#operations-api-patch_api_v1_openings__opening_id_")
    opening.locator(".opblock-summary-control").click()
    expect(opening.get_by_text("If-Match").first).to_be_visible()
    assert operations > 20 and requested
    assert all(url.startswith(f"{live_server}/") for url in requested), requested
