"""Isolation: an employer reaches only its own company's data, whatever ids it puts in a URL."""

import re

import pytest

from crm.extensions import db
from crm.models import Opening, Placement
from tests.conftest import csrf_token_from


@pytest.fixture
def two_companies(employer, make_partner, make_user, make_borger, make_opening, propose):
    """Employer A's login, and company B with an opening and a proposal of a consenting borger."""
    email_a, company_a = employer
    company_b = make_partner("Bager B ApS", "8000", "Bageri")
    opening_b = make_opening(company_b, title="Bagerlærling")
    borger = make_borger(make_user("vejleder"), shared_fields=["first_name", "wishes", "strengths", "hours"])
    placement_b = propose(borger, company_b, opening_b)
    own_opening = make_opening(company_a, title="Pakkemedarbejder")
    own_placement = propose(borger, company_a, own_opening)
    return {"email": email_a, "b": {"opening_id": opening_b, "placement_id": placement_b},
            "a": {"opening_id": own_opening, "placement_id": own_placement}}


def _portal_rules_with_ids(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/portal") and any(arg.endswith("id") for arg in rule.arguments)]


def _fill(rule, ids: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def test_every_portal_url_with_another_companys_ids_is_not_found(app, browser, two_companies):
    browser.login(two_companies["email"])
    token = csrf_token_from(browser.get("/portal/stillinger").get_data(as_text=True))
    rules = _portal_rules_with_ids(app)
    assert {"opening_id", "placement_id"} <= {arg for rule in rules for arg in rule.arguments}
    tried = 0
    for rule in rules:
        url = _fill(rule, two_companies["b"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "status": "lukket", "answer": "interesseret", "title": "Hacket",
                    "kind": "job", "hours_min": "5", "hours_max": "10", "places": "1"}
            response = browser.client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code in (403, 404), (method, url, response.status_code)
            assert b"Bagerl" not in response.data
            tried += 1
    assert tried >= 6
    with app.app_context():
        opening = db.session.get(Opening, two_companies["b"]["opening_id"])
        placement = db.session.get(Placement, two_companies["b"]["placement_id"])
        assert (opening.title, opening.status) == ("Bagerlærling", "aaben")
        assert placement.employer_answer is None


def test_the_same_portal_urls_work_with_the_employers_own_ids(app, browser, two_companies):
    browser.login(two_companies["email"])
    for rule in _portal_rules_with_ids(app):
        if "GET" in rule.methods:
            url = _fill(rule, two_companies["a"])
            assert browser.get(url).status_code == 200, url


def test_employer_cannot_open_konsulent_and_vejleder_pages(app, browser, two_companies, make_partner):
    browser.login(two_companies["email"])
    opening_b = two_companies["b"]["opening_id"]
    with app.app_context():
        company_b = db.session.get(Opening, opening_b).company_id
    for url in ("/stillinger/", f"/stillinger/{opening_b}", f"/stillinger/{opening_b}/rediger",
                f"/stillinger/virksomhed/{company_b}/adgang", f"/virksomheder/{company_b}", "/borgere/"):
        assert browser.get(url).status_code == 403, url


def test_employer_list_pages_show_only_the_own_company(browser, two_companies):
    browser.login(two_companies["email"])
    openings = browser.get("/portal/stillinger").get_data(as_text=True)
    proposals = browser.get("/portal/forslag").get_data(as_text=True)
    assert "Pakkemedarbejder" in openings and "Bagerlærling" not in openings
    assert "Pakkemedarbejder" in proposals and "Bagerlærling" not in proposals
