import pytest


@pytest.mark.parametrize("url", ["/login", "/findes-ikke", "/static/css/app.css"])
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_logged_in_pages_are_not_cached(browser, make_user):
    browser.login(make_user("vejleder"))
    assert browser.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite_lax(browser, make_user):
    response = browser.login(make_user("vejleder"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_in_pages(browser, make_user):
    browser.login(make_user("admin"))
    for url in ("/", "/admin/brugere", "/admin/brugere/ny", "/geo/opslag", "/admin/revisionslog"):
        html = browser.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html, url


def test_404_page_is_danish(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


def test_500_page_is_danish_without_stack_trace(make_app, make_user):
    from crm.access import allow
    from tests.conftest import Browser

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    @allow("user.manage")
    def boom():
        raise RuntimeError("hemmelig detalje i stakken")

    browser = Browser(app.test_client())
    browser.login(make_user("admin"))
    response = browser.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Der opstod en fejl" in html
    assert "hemmelig detalje" not in html and "Traceback" not in html
