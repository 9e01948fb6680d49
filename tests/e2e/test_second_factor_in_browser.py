"""A konsulent enrols an authenticator app in the browser (QR code drawn locally), keeps the
recovery codes, and later logs in with one of them."""

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(app_config):
    app_config["TOTP_REQUIRED"] = True
    return app_config


def test_konsulent_enrols_totp_and_logs_in_with_a_recovery_code(page, login, live_server, make_user):
    email = make_user("konsulent")
    login(email)
    page.wait_for_url(f"{live_server}/login/totp/opsaet")
    expect(page.locator("figure.qr svg.segno")).to_be_visible()
    secret = page.locator("figure.qr code").inner_text()
    page.get_by_label("Kode fra din godkendelses-app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Slå totrinsbekræftelse til").click()
    page.wait_for_url(f"{live_server}/konto/gendannelseskoder")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Jeg har gemt koderne").click()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()

    page.get_by_role("button", name="Log ud").click()
    login(email)
    page.wait_for_url(f"{live_server}/login/totp")
    page.get_by_label("Kode fra din godkendelses-app").fill(codes[0])
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible()
