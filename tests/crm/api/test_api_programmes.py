"""Programme figures through the API: the dashboard's tables, masked as on the page."""

from tests.crm.api.conftest import assert_problem


def test_figures_are_masked_for_staff_without_full_figures(api_as, make_user, make_teamleder, make_borger):
    email, programme_id = make_teamleder(programme="Din vej i job")
    v1 = make_user("vejleder")
    make_borger(v1, programme_id=programme_id)
    make_borger(v1, programme_id=programme_id, first_name="Bo")
    lead = api_as(email=email).get("/api/v1/programmes").get_json()["items"][0]
    assert lead["name"] == "Din vej i job" and lead["enrolled"] == "2"
    masked = api_as(email=v1).get("/api/v1/programmes").get_json()["items"][0]
    assert masked["enrolled"] == "<5"
    figures = api_as(email=v1).get(f"/api/v1/programmes/{programme_id}/figures").get_json()
    assert figures["full_figures"] is False and figures["tables"]
    assert all(isinstance(cell, str) for table in figures["tables"] for row in table["rows"] for cell in row["cells"])
    full = api_as(email=email).get(f"/api/v1/programmes/{programme_id}/figures").get_json()
    assert full["full_figures"] is True
    assert_problem(api_as(email=v1).get("/api/v1/programmes/999999/figures"), 404)
    assert_problem(api_as("employer", scopes=["openings:read"]).get("/api/v1/programmes"), 403)
