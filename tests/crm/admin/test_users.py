import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, User


def _audit_actions(app, object_id):
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(object_id),
                   AuditEvent.action.startswith("user."))
            .order_by(AuditEvent.id)
        ).all()


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def test_admin_creates_a_user_and_it_is_audited(app, browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Nina Ny", "email": "Nina@Test.Fodfaeste.dk", "role": "vejleder", "company_id": "",
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode", "active": "y",
    })
    assert response.status_code == 302
    user = _user(app, "nina@test.fodfaeste.dk")
    assert user.role == "vejleder" and user.active
    assert _audit_actions(app, user.id) == ["user.create"]


def test_creating_a_user_with_a_short_password_shows_a_danish_error_and_keeps_input(browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Nina Ny", "email": "nina@test.fodfaeste.dk", "role": "vejleder", "company_id": "",
        "password": "kort", "password2": "kort", "active": "y",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adgangskoden skal være mindst 12 tegn." in html
    assert 'value="Nina Ny"' in html


def test_an_employer_must_belong_to_a_company(browser, make_user):
    browser.login(make_user("admin"))
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Erik", "email": "erik@test.fodfaeste.dk", "role": "employer", "company_id": "",
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode",
    })
    assert "En arbejdsgiver skal høre til en virksomhed." in response.get_data(as_text=True)


def test_duplicate_email_is_refused(browser, make_user):
    browser.login(make_user("admin"))
    taken = make_user("vejleder")
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Kopi", "email": taken, "role": "vejleder", "company_id": "",
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode",
    })
    assert "Der findes allerede en bruger med den e-mail." in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_session_and_is_audited(app, browser, make_user):
    target_email = make_user("vejleder")
    target = _user(app, target_email)
    victim_client = app.test_client()
    from tests.conftest import Browser

    victim = Browser(victim_client)
    victim.login(target_email)
    assert victim.get("/").status_code == 200

    browser.login(make_user("admin"))
    response = browser.post_form(f"/admin/brugere/{target.id}", {
        "name": target.name, "email": target.email, "role": "vejleder", "company_id": "",
    })  # "active" unchecked
    assert response.status_code == 302
    assert not _user(app, target_email).active
    assert victim.get("/").status_code == 302
    assert _audit_actions(app, target.id) == ["user.create", "user.update"]


def test_admin_cannot_deactivate_themself(app, browser, make_user):
    email = make_user("admin")
    me = _user(app, email)
    browser.login(email)
    response = browser.post_form(f"/admin/brugere/{me.id}", {
        "name": me.name, "email": me.email, "role": "admin", "company_id": "",
    })
    assert "Du kan ikke fjerne din egen rolle" in response.get_data(as_text=True)
    assert _user(app, email).active


def test_admin_resets_a_password(app, browser, make_user):
    target_email = make_user("konsulent")
    target = _user(app, target_email)
    browser.login(make_user("admin"))
    response = browser.post_form(
        f"/admin/brugere/{target.id}/adgangskode",
        {"password": "helt-ny-adgangskode", "password2": "helt-ny-adgangskode"},
        form_page=f"/admin/brugere/{target.id}",
    )
    assert response.status_code == 302
    assert _audit_actions(app, target.id)[-1] == "user.password_reset"
    from tests.conftest import Browser

    other = Browser(app.test_client())
    assert other.login(target_email, "helt-ny-adgangskode").status_code == 302


def test_unknown_user_id_is_404(browser, make_user):
    browser.login(make_user("admin"))
    assert browser.get("/admin/brugere/999999").status_code == 404


def test_audit_page_lists_events(browser, make_user):
    browser.login(make_user("admin"))
    html = browser.get("/admin/revisionslog").get_data(as_text=True)
    assert "login.success" in html and "user.create" in html


def _programme(app, name):
    from crm.services.programmes import create_programme

    with app.app_context():
        programme = create_programme({"name": name, "municipality": "Aarhus"}, actor=None)
        db.session.commit()
        return programme.id


def _led(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return sorted(p.id for p in user.led_programmes)


def test_admin_creates_a_teamleder_who_leads_programmes_and_it_is_audited(app, browser, make_user):
    first, second = _programme(app, "Din vej i job"), _programme(app, "Futurum")
    browser.login(make_user("admin"))
    page = browser.get("/admin/brugere/ny").get_data(as_text=True)
    assert "Leder indsatserne (kun teamledere)" in page and "Teamleder" in page
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Tove Team", "email": "tove@test.fodfaeste.dk", "role": "teamleder", "company_id": "",
        "led_programme_ids": [str(first), str(second)],
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode", "active": "y",
    })
    assert response.status_code == 302
    user = _user(app, "tove@test.fodfaeste.dk")
    assert user.role == "teamleder" and _led(app, user.email) == [first, second]
    assert _audit_actions(app, user.id) == ["user.create", "user.programmes"]


def test_admin_changes_the_programmes_a_teamleder_leads(app, browser, make_user, make_teamleder):
    teamleder, led = make_teamleder()
    other = _programme(app, "Futurum")
    browser.login(make_user("admin"))
    user = _user(app, teamleder)
    response = browser.post_form(f"/admin/brugere/{user.id}", {
        "name": user.name, "email": user.email, "role": "teamleder", "company_id": "",
        "led_programme_ids": [str(other)], "active": "y",
    })
    assert response.status_code == 302
    assert _led(app, teamleder) == [other]


def test_only_a_teamleder_can_lead_a_programme(app, browser, make_user):
    programme = _programme(app, "Din vej i job")
    browser.login(make_user("admin"))
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Vera Vej", "email": "vera@test.fodfaeste.dk", "role": "vejleder", "company_id": "",
        "led_programme_ids": [str(programme)],
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode", "active": "y",
    })
    assert response.status_code == 200
    assert "Kun en teamleder kan lede indsatser." in response.get_data(as_text=True)
    assert _user(app, "vera@test.fodfaeste.dk") is None


def test_an_english_reader_gets_the_user_form_and_its_flash_in_english(browser, make_user):
    browser.login(make_user("admin"))
    browser.client.set_cookie("sprog", "en")
    form = browser.get("/admin/brugere/ny").get_data(as_text=True)
    assert "<h1>New user</h1>" in form and "Repeat password" in form and "Company (employers only)" in form
    response = browser.post_form("/admin/brugere/ny", {
        "name": "Nina Ny", "email": "nina@test.fodfaeste.dk", "role": "vejleder", "company_id": "",
        "password": "en-lang-adgangskode", "password2": "en-lang-adgangskode", "active": "y",
    }, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The user Nina Ny has been created." in html and ">Last login</th>" in html
