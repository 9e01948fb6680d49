import re

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, LoginAttempt
from crm.services.auth import INVALID_MESSAGE as LAZY_INVALID_MESSAGE

INVALID_MESSAGE = str(LAZY_INVALID_MESSAGE)  # the Danish text: no request asks for English here


def _anonymised(html, email):
    """The page minus what legitimately differs: the typed e-mail and the CSRF token."""
    html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "CSRF", html)


def _lock_message(app):
    return f"Prøv igen om {app.config['LOGIN_LOCK_MINUTES']} minutter"


def test_login_with_valid_credentials_goes_to_start_page(browser, make_user):
    email = make_user("vejleder")
    response = browser.login(email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log ud" in browser.get("/").get_data(as_text=True)


def test_wrong_password_shows_generic_message(browser, make_user):
    email = make_user("vejleder")
    response = browser.login(email, "forkert-adgangskode")
    assert response.status_code == 401
    assert INVALID_MESSAGE in response.get_data(as_text=True)


def test_repeated_wrong_passwords_lock_the_account(app, browser, make_user):
    email = make_user("konsulent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert INVALID_MESSAGE in browser.login(email, "forkert").get_data(as_text=True)
    locked = browser.login(email, "forkert")
    assert _lock_message(app) in locked.get_data(as_text=True)
    # Even the right password is refused while the lock lasts.
    still_locked = browser.login(email)
    assert still_locked.status_code == 401
    assert _lock_message(app) in still_locked.get_data(as_text=True)


def test_lock_expires(app, browser, make_user):
    email = make_user("konsulent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.login(email, "forkert")
    with app.app_context():
        attempt = db.session.get(LoginAttempt, email)
        attempt.locked_until = attempt.locked_until.replace(year=2000)
        db.session.commit()
    assert browser.login(email).status_code == 302


def test_unknown_email_gets_the_same_messages_as_a_real_account(app, browser, make_user):
    real = make_user("vejleder")
    unknown = "findes.ikke@test.fodfaeste.dk"
    bodies = {}
    for email in (real, unknown):
        responses = [browser.login(email, "forkert") for _ in range(app.config["LOGIN_MAX_FAILURES"])]
        bodies[email] = [(r.status_code, _anonymised(r.get_data(as_text=True), email)) for r in responses]
    assert bodies[real] == bodies[unknown]
    assert _lock_message(app) in bodies[unknown][-1][1]


def test_inactive_user_cannot_log_in(browser, make_user):
    email = make_user("vejleder", active=False)
    response = browser.login(email)
    assert response.status_code == 401
    assert INVALID_MESSAGE in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, make_user):
    email = make_user("vejleder")
    response = client.post("/login", data={"email": email, "password": "korrekt-hest-batteri-9"})
    assert response.status_code == 400
    assert "Formularen var udløbet eller ugyldig" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_next_to_another_site_is_not_followed(browser, make_user):
    email = make_user("vejleder")
    response = browser.login(email, next_url="https://evil.example/steal")
    assert response.headers["Location"] == "/"


def test_unsafe_next_values_never_leave_the_site(app):
    from crm.access import is_safe_next

    unsafe = [
        "https://evil.example", "//evil.example", "///evil.example", "http:///evil.example",
        "\\\\evil.example", "/\\evil.example", "javascript:alert(1)", "\x08//evil.example",
        " //evil.example", "http:evil.example", "\t//evil.example", "",
    ]
    assert [u for u in unsafe if is_safe_next(u)] == []
    assert is_safe_next("/admin/brugere?page=2")


def test_next_on_this_site_is_followed(browser, make_user):
    email = make_user("admin")
    response = browser.login(email, next_url="/admin/brugere")
    assert response.headers["Location"] == "/admin/brugere"


def test_each_login_is_audited(app, browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    browser.logout()
    browser.login(email, "forkert")
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["login.success", "logout", "login.failure"]


def test_logout_makes_old_session_cookie_useless(app, browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    stolen = browser.client.get_cookie("session").value
    browser.logout()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/").status_code == 302


def test_login_is_rate_limited_per_address(make_app):
    limited = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    codes = [
        client.post("/login", data={"email": "x@y.dk", "password": "z", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert "For mange forsøg" in client.post("/login", data={"csrf_token": token}).get_data(as_text=True)


def test_employer_sent_to_login_from_the_start_page_lands_on_the_portal(browser, make_user):
    email = make_user("employer")
    assert browser.get("/").headers["Location"] == "/login?next=/"
    response = browser.login(email, next_url="/")
    assert response.headers["Location"] == "/portal/"
    assert browser.get(response.headers["Location"]).status_code == 200


def test_next_the_role_may_not_open_goes_to_the_role_home(browser, make_user):
    email = make_user("vejleder")
    response = browser.login(email, next_url="/admin/brugere")
    assert response.headers["Location"] == "/"


def test_next_to_an_unknown_page_goes_to_the_role_home(browser, make_user):
    email = make_user("vejleder")
    response = browser.login(email, next_url="/findes-ikke?x=1")
    assert response.headers["Location"] == "/"
