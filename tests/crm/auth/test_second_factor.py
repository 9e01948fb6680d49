"""TOTP second factor for staff: enrolment with a locally drawn QR code, verification, recovery
codes, replay protection, and what employers and admins get."""

import re

import pyotp
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, User
from tests.conftest import Browser


@pytest.fixture
def totp_app(make_app):
    return make_app(TOTP_REQUIRED=True)


def _secret_from(html):
    return re.search(r"<code>([A-Z2-7]{16,})</code>", html).group(1)


def _enrol(app, email):
    browser = Browser(app.test_client())
    response = browser.login(email)
    assert response.headers["Location"] == "/login/totp/opsaet"
    html = browser.get("/login/totp/opsaet").get_data(as_text=True)
    secret = _secret_from(html)
    done = browser.post_form("/login/totp/opsaet", {"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"] == "/konto/gendannelseskoder"
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>",
                       browser.get("/konto/gendannelseskoder").get_data(as_text=True))
    return browser, secret, codes


def test_staff_must_enrol_and_the_qr_code_is_drawn_locally(totp_app, make_user):
    email = make_user("vejleder")
    browser = Browser(totp_app.test_client())
    browser.login(email)
    html = browser.get("/login/totp/opsaet").get_data(as_text=True)
    assert '<svg' in html and 'class="segno"' in html
    assert "http" not in html.split('class="segno"')[1].split("</svg>")[0]
    # Not logged in until the code is confirmed.
    assert browser.get("/").status_code == 302


def test_enrolment_gives_ten_single_use_recovery_codes_shown_once(totp_app, make_user):
    browser, _secret, codes = _enrol(totp_app, make_user("konsulent"))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert browser.get("/").status_code == 200
    again = browser.get("/konto/gendannelseskoder").get_data(as_text=True)
    assert codes[0] not in again


def test_enrolled_user_needs_a_current_code(totp_app, make_user):
    email = make_user("admin")
    _enrol(totp_app, email)
    browser = Browser(totp_app.test_client())
    assert browser.login(email).headers["Location"] == "/login/totp"
    wrong = browser.post_form("/login/totp", {"code": "000000"})
    assert wrong.status_code == 401 and "Koden er forkert" in wrong.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(totp_app, make_user):
    email = make_user("vejleder")
    _browser, secret, _codes = _enrol(totp_app, email)
    code = pyotp.TOTP(secret).now()  # the same step the enrolment used
    browser = Browser(totp_app.test_client())
    browser.login(email)
    assert browser.post_form("/login/totp", {"code": code}).status_code == 401


def test_recovery_code_works_once(totp_app, make_user):
    email = make_user("vejleder")
    _browser, _secret, codes = _enrol(totp_app, email)
    first = Browser(totp_app.test_client())
    first.login(email)
    assert first.post_form("/login/totp", {"code": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    second = Browser(totp_app.test_client())
    second.login(email)
    assert second.post_form("/login/totp", {"code": codes[0]}).status_code == 401


def test_wrong_codes_lock_the_account_like_wrong_passwords(totp_app, make_user):
    email = make_user("vejleder")
    _enrol(totp_app, email)
    browser = Browser(totp_app.test_client())
    browser.login(email)
    for _ in range(totp_app.config["LOGIN_MAX_FAILURES"]):
        response = browser.post_form("/login/totp", {"code": "123456"}, form_page="/login/totp")
    assert "For mange mislykkede forsøg" in response.get_data(as_text=True)
    assert "For mange mislykkede forsøg" in Browser(totp_app.test_client()).login(email).get_data(as_text=True)


def test_employers_log_in_with_password_only(totp_app, make_user):
    browser = Browser(totp_app.test_client())
    response = browser.login(make_user("employer"))
    assert response.headers["Location"] == "/portal/"


def test_admin_resets_a_lost_second_factor(totp_app, make_user):
    email = make_user("vejleder")
    _enrol(totp_app, email)
    admin_email = make_user("admin")
    admin, _s, _c = _enrol(totp_app, admin_email)
    with totp_app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    admin.post_form(f"/admin/brugere/{user_id}/totrin", {}, form_page=f"/admin/brugere/{user_id}")
    with totp_app.app_context():
        user = db.session.get(User, user_id)
        assert not user.has_totp and user.recovery_codes == []
        assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "user.totp_reset"))
    assert Browser(totp_app.test_client()).login(email).headers["Location"] == "/login/totp/opsaet"


def test_totp_secret_never_reaches_the_audit_log(totp_app, make_user):
    email = make_user("vejleder")
    _browser, secret, codes = _enrol(totp_app, email)
    with totp_app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent)).all()
        dump = " ".join(f"{r.action} {r.details}" for r in rows)
    assert secret not in dump and codes[0] not in dump


def test_production_requires_the_second_factor_by_default(monkeypatch, app_config):
    from config import load_config

    monkeypatch.setenv("FODFAESTE_ENV", "production")
    monkeypatch.delenv("TOTP_REQUIRED", raising=False)
    assert load_config()["TOTP_REQUIRED"] is True


def test_the_second_factor_pages_speak_english(totp_app, make_user):
    """The sign-in steps the page walk cannot reach (tests/crm/i18n) in English: enrolment, the
    code page and a wrong code."""
    from tests.crm.i18n.danish import danish_words

    email = make_user("admin")
    browser = Browser(totp_app.test_client())
    browser.client.set_cookie("sprog", "en")
    browser.login(email)
    setup = browser.get("/login/totp/opsaet").get_data(as_text=True)
    assert not danish_words(setup), danish_words(setup)
    done = browser.post_form("/login/totp/opsaet", {"code": pyotp.TOTP(_secret_from(setup)).now()})
    assert done.headers["Location"] == "/konto/gendannelseskoder"
    codes_page = browser.get("/konto/gendannelseskoder").get_data(as_text=True)
    assert not danish_words(codes_page), danish_words(codes_page)
    browser.logout()
    assert browser.login(email).headers["Location"] == "/login/totp"
    code_page = browser.get("/login/totp").get_data(as_text=True)
    assert not danish_words(code_page), danish_words(code_page)
    wrong = browser.post_form("/login/totp", {"code": "000000"})
    assert wrong.status_code == 401 and not danish_words(wrong.get_data(as_text=True))
