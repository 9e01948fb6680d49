"""Personal access tokens: made on the account page (password and second factor) or by the CLI,
stored hashed, limited by expiry, revocation, the user's state, scope and permission; the API
never accepts the session cookie."""

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from crm.extensions import db
from crm.models import ApiToken, AuditEvent, User
from crm.services.api_tokens import create_token
from tests.conftest import TEST_PASSWORD, Browser
from tests.crm.api.conftest import ApiClient, assert_problem

SECRET_RE = re.compile(r'<code class="token-secret">(ff_[A-Za-z0-9_-]+)</code>')


def _user(app, email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_cli_creates_a_token_that_works_and_is_stored_only_hashed(app, runner, make_user, make_partner):
    email = make_user("konsulent")
    make_partner("Hansens Bageri")
    result = runner.invoke(args=["api", "create-token", "--user", email, "--scopes", "companies:read", "--days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    assert secret.startswith("ff_")
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.scopes == ["companies:read"] and secret not in repr(token.__dict__)
        assert (token.expires_at - token.created_at).days == 7
    response = ApiClient(app.test_client(), secret).get("/api/v1/companies")
    assert response.status_code == 200 and response.get_json()["meta"]["total"] == 1


def test_cli_refuses_an_unknown_user_a_scope_beyond_the_role_and_odd_days(runner, make_user):
    email = make_user("employer")
    unknown = runner.invoke(args=["api", "create-token", "--user", "nobody@x.dk", "--scopes", "companies:read"])
    assert unknown.exit_code != 0 and "Ingen bruger" in unknown.output
    beyond = runner.invoke(args=["api", "create-token", "--user", email, "--scopes", "borgere:read"])
    assert beyond.exit_code != 0 and "Din rolle kan ikke give adgang til: borgere:read" in beyond.output
    odd = runner.invoke(args=["api", "create-token", "--user", email, "--scopes", "openings:read", "--days", "0"])
    assert odd.exit_code != 0 and "levetid" in odd.output
    nonsense = runner.invoke(args=["api", "create-token", "--user", email, "--scopes", "alt:muligt"])
    assert nonsense.exit_code != 0 and "Ukendte områder" in nonsense.output


def test_no_token_or_a_wrong_one_is_401_with_a_danish_problem(client, api_as):
    body = assert_problem(client.get("/api/v1/companies"), 401)
    assert "adgangsnøgle" in body["detail"]
    assert client.get("/api/v1/companies").headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/v1/companies", headers={"Authorization": "Bearer ff_forkert"}), 401)
    assert_problem(client.get("/api/v1/companies", headers={"Authorization": "Basic eDp5"}), 401)


def test_an_expired_token_stops_working(api_as, clock):
    api = api_as("konsulent")
    assert api.get("/api/v1/companies").status_code == 200
    clock.shift(timedelta(days=31))
    assert_problem(api.get("/api/v1/companies"), 401)


def test_a_revoked_token_stops_working_at_once(app, api_as):
    from crm.services.api_tokens import revoke_token

    api = api_as("konsulent")
    assert api.get("/api/v1/companies").status_code == 200
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        revoke_token(token, actor=token.user)
        db.session.commit()
    assert_problem(api.get("/api/v1/companies"), 401)


def test_a_deactivated_users_token_never_works(app, make_user, make_token):
    email = make_user("konsulent")
    api = ApiClient(app.test_client(), make_token(email))
    assert api.get("/api/v1/companies").status_code == 200
    with app.app_context():
        _user(app, email).active = False
        db.session.commit()
    assert_problem(api.get("/api/v1/companies"), 401)


def test_a_token_without_the_scope_is_refused_with_the_scope_named(api_as):
    api = api_as("konsulent", scopes=["openings:read"])
    body = assert_problem(api.get("/api/v1/companies"), 403)
    assert "companies:read" in body["detail"]
    assert api.get("/api/v1/openings").status_code == 200


def test_the_scope_is_not_enough_without_the_users_permission(app, make_user, make_token):
    """A konsulent's companies:write token, after the user became a vejleder: the role decides."""
    email = make_user("konsulent")
    api = ApiClient(app.test_client(), make_token(email, ["companies:read", "companies:write"]))
    with app.app_context():
        _user(app, email).role = "vejleder"
        db.session.commit()
    assert_problem(api.post("/api/v1/companies", json={"name": "Ny ApS", "postcode": "8000"}), 403)
    assert api.get("/api/v1/companies").status_code == 200


def test_a_role_cannot_give_a_token_a_scope_it_does_not_hold(app, make_user):
    import pytest

    from crm.services import ValidationError

    email = make_user("konsulent")
    with app.app_context(), pytest.raises(ValidationError, match="borgere:read"):
        create_token(_user(app, email), name="x", scopes=["borgere:read"], days=1, actor=None)


def test_the_session_cookie_never_authenticates_the_api(app, browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    assert browser.get("/virksomheder/").status_code == 200  # logged in on the pages
    assert_problem(browser.get("/api/v1/companies"), 401)
    assert_problem(browser.client.post("/api/v1/companies", json={"name": "CSRF ApS", "postcode": "8000"}), 401)


def test_api_writes_need_no_csrf_token_only_the_bearer(api_as):
    api = api_as("konsulent")
    assert api.post("/api/v1/companies", json={"name": "Uden CSRF ApS", "postcode": "8000"}).status_code == 201


def test_requests_are_rate_limited_per_token(make_app, make_user, make_token):
    limited = make_app(API_RATE_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
    first = ApiClient(limited.test_client(), make_token(make_user("konsulent")))
    second = ApiClient(limited.test_client(), make_token(make_user("konsulent")))
    for _ in range(3):
        assert first.get("/api/v1/companies").status_code == 200
    body = assert_problem(first.get("/api/v1/companies"), 429)
    assert "for mange" in body["detail"].lower()
    assert second.get("/api/v1/companies").status_code == 200


# --- the account page ---------------------------------------------------------------------

def _new_token(browser, **fields):
    data = {"name": "HR-system", "scopes": ["openings:read"], "days": "30", "password": TEST_PASSWORD, **fields}
    return browser.post_form("/konto/api-noegler", data)


def test_the_account_page_makes_a_token_shown_once_after_the_password(app, browser, employer):
    email, _company_id = employer
    browser.login(email)
    page = browser.get("/konto/api-noegler").get_data(as_text=True)
    assert "openings:write" in page and "borgere:read" not in page  # only the role's scopes
    made = _new_token(browser, scopes=["openings:read", "openings:write"])
    secret = SECRET_RE.search(made.get_data(as_text=True)).group(1)
    assert ApiClient(app.test_client(), secret).get("/api/v1/openings").status_code == 200
    again = browser.get("/konto/api-noegler").get_data(as_text=True)
    assert secret not in again and secret[:10] in again and "Aktiv" in again
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api_token.create"))


def test_a_wrong_password_makes_no_token_and_counts_as_a_failure(app, browser, make_user):
    browser.login(make_user("konsulent"))
    refused = _new_token(browser, password="forkert-kode")
    assert refused.status_code == 401 and "Adgangskoden er forkert" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.failure"))


def test_with_a_second_factor_the_token_needs_a_current_code(app, make_app, make_user):
    from crm.services import second_factor

    email = make_user("konsulent")
    secret = pyotp.random_base32()
    with app.app_context():
        user = _user(app, email)
        assert second_factor.enable(user, secret, pyotp.TOTP(secret).now()) is not None
        user.totp_last_step = None  # the enrolment's code may be used once more for the login
        db.session.commit()
    browser = Browser(app.test_client())
    browser.login(email)
    assert browser.post_form("/login/totp", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    page = browser.get("/konto/api-noegler").get_data(as_text=True)
    assert 'name="code"' in page
    wrong = _new_token(browser, scopes=["companies:read"], code="000000")
    assert wrong.status_code == 401 and "Koden er forkert" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
        recovery = second_factor.new_recovery_codes(_user(app, email))
        db.session.commit()
    made = _new_token(browser, scopes=["companies:read"], code=recovery[0])
    assert made.status_code == 200 and SECRET_RE.search(made.get_data(as_text=True))


def test_the_owner_revokes_a_token_and_nobody_else_can(app, browser, make_user, make_token):
    owner, other = make_user("konsulent"), make_user("konsulent")
    secret = make_token(owner)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    browser.login(other)
    assert browser.post_form(f"/konto/api-noegler/{token_id}/tilbagekald", {},
                             form_page="/konto/api-noegler").status_code == 404
    assert ApiClient(app.test_client(), secret).get("/api/v1/companies").status_code == 200
    browser.logout()
    browser.login(owner)
    done = browser.post_form(f"/konto/api-noegler/{token_id}/tilbagekald", {}, form_page="/konto/api-noegler")
    assert done.status_code == 302
    assert "Tilbagekaldt" in browser.get("/konto/api-noegler").get_data(as_text=True)
    assert_problem(ApiClient(app.test_client(), secret).get("/api/v1/companies"), 401)
