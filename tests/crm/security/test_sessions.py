"""Sessions: a fresh session on login, idle and absolute timeouts, no remember-me."""

from datetime import timedelta

from tests.conftest import Browser


def test_login_replaces_the_session(browser, make_user):
    browser.get("/login")
    with browser.client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    browser.login(make_user("vejleder"))
    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert "login_at" in session and session.permanent


def test_idle_session_expires(make_app, make_user, clock):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    browser = Browser(app.test_client())
    browser.login(make_user("vejleder"))
    clock.shift(timedelta(minutes=29))
    assert browser.get("/").status_code == 200  # activity renews the idle timeout
    clock.shift(timedelta(minutes=29))
    assert browser.get("/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_idle_session_cookie_replayed_later_is_refused_by_the_server(make_app, make_user, clock):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    browser = Browser(app.test_client())
    browser.login(make_user("vejleder"))
    stolen = browser.client.get_cookie("session").value
    clock.shift(timedelta(minutes=31))
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302


def test_session_ends_after_the_absolute_lifetime_even_when_active(app, browser, make_user):
    browser.login(make_user("vejleder"))
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    with browser.client.session_transaction() as session:
        session["login_at"] -= hours * 3600 + 60
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_no_remember_me_cookie_is_set(browser, make_user):
    response = browser.login(make_user("konsulent"))
    assert "remember_token" not in response.headers.get("Set-Cookie", "")


def test_deactivation_ends_every_copy_of_the_session(app, make_user):
    import sqlalchemy as sa

    from crm.extensions import db
    from crm.models import User
    from crm.services.users import update_user

    email = make_user("vejleder")
    browser = Browser(app.test_client())
    browser.login(email)
    copy = app.test_client()
    copy.set_cookie("session", browser.client.get_cookie("session").value)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        update_user(user, email=user.email, name=user.name, role=user.role, company_id=None, active=False)
        db.session.commit()
    assert browser.get("/").status_code == 302
    assert copy.get("/").status_code == 302
