"""A file's response (a stylesheet, the favicon) never sets the session cookie, so one that arrives
late cannot put back a session a newer response replaced (a logout's, a language switch's); pages
still refresh it. And a file costs no query for its user."""

import pytest


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/app.js", "/favicon.ico"])
def test_a_file_sets_no_session_cookie_and_loads_no_user(browser, make_user, count_queries, path):
    browser.login(make_user("konsulent"))
    with count_queries() as counted, browser.get(path) as response:
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert counted["n"] == 0


def test_a_page_still_refreshes_the_session(browser, make_user):
    browser.login(make_user("konsulent"))
    assert browser.get("/").headers.get("Set-Cookie", "").startswith("session=")

