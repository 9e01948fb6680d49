"""Deny by default: every page but login and static files needs a login and a declared role (an
API route: a bearer token, else 401)."""

import re

import pytest

from crm.access import PUBLIC_API_ENDPOINTS, PUBLIC_ENDPOINTS, allowed_roles
from crm.models.user import Role


def _example_url(rule) -> str:
    """Fill every URL variable with a plausible value (ids are 1)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>",
                  lambda m: "1" if "id" in m.group(1) else "x.css", rule.rule)


def _protected_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC_ENDPOINTS | PUBLIC_API_ENDPOINTS]


def test_every_route_but_login_and_static_redirects_anonymous_users_to_login(app, client):
    rules = _protected_rules(app)
    assert len(rules) >= 8
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_example_url(rule), method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (rule.rule, method, response.status_code)
                assert response.mimetype == "application/problem+json"
                continue
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert response.headers["Location"].startswith("/login?next="), rule.rule


def test_login_page_and_static_files_are_public(client):
    assert client.get("/login").status_code == 200
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200


def test_the_site_icon_is_served_to_everyone_and_linked_from_every_page(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/favicon.ico"' in client.get("/login").get_data(as_text=True)


def test_every_view_declares_its_roles(app):
    with app.app_context():
        undeclared = [r.endpoint for r in _protected_rules(app) if not allowed_roles(r.endpoint)]
    assert undeclared == []


@pytest.mark.parametrize("role", [Role.VEJLEDER, Role.KONSULENT, Role.EMPLOYER])
def test_admin_pages_are_forbidden_for_other_roles(browser, make_user, role):
    browser.login(make_user(role.value))
    for url in ("/admin/brugere", "/admin/brugere/ny", "/admin/revisionslog"):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert "Ingen adgang" in response.get_data(as_text=True)


def test_employer_sees_only_the_portal(browser, make_user):
    browser.login(make_user("employer"))
    assert browser.get("/").status_code == 403
    assert browser.get("/geo/opslag").status_code == 403
    assert browser.get("/portal/").status_code == 200


def test_staff_cannot_open_the_employer_portal(browser, make_user):
    browser.login(make_user("konsulent"))
    assert browser.get("/portal/").status_code == 403


def test_a_view_without_declared_roles_is_refused_for_everyone(make_app, make_user):
    from tests.conftest import Browser

    app = make_app()

    @app.route("/glemt")
    def forgotten():
        return "hemmeligt"

    browser = Browser(app.test_client())
    browser.login(make_user("admin"))
    assert browser.get("/glemt").status_code == 403


def test_built_in_form_messages_are_danish(browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Nina", "email": "nina@test.fodfaeste.dk", "role": "ukendt-rolle", "company_id": "",
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode"})
    html = response.get_data(as_text=True)
    assert "Ugyldigt valg." in html and "Not a valid choice" not in html


def test_start_page_shows_what_needs_doing_by_role(browser, make_user):
    browser.login(make_user("vejleder"))
    html = browser.get("/").get_data(as_text=True)
    assert "opgaver over fristen" in html and "af 6 personlige virksomhedskontakter" in html
    assert "partnere, der trænger til kontakt" not in html
    browser.logout()
    browser.login(make_user("konsulent"))
    html = browser.get("/").get_data(as_text=True)
    assert "partnere, der trænger til kontakt" in html and "stillinger, der skal bekræftes" in html
