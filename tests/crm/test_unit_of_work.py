"""One commit per request (crm.unit_of_work) and the one save helper (crm.forms.submit).

The routes under /test are added to an app of this test only: each writes a real company through
the service, flashes, and then ends the way its name says.
"""

import pytest
import sqlalchemy as sa
from flask import abort, flash, get_flashed_messages, redirect, render_template_string
from sqlalchemy.exc import OperationalError
from wtforms import StringField

from crm.access import allow
from crm.extensions import db
from crm.forms import Form, submit
from crm.models import AuditEvent, Company
from crm.services import ConflictError, NotAuthorized, ValidationError
from crm.services.companies import create_company
from crm.unit_of_work import REQUEST_ATTEMPTS, after_commit, keep_writes
from tests.conftest import TEST_PASSWORD, Browser


class _Collision:
    """What psycopg puts on an exception PostgreSQL raised for a serialization failure."""

    sqlstate = "40001"


class NameForm(Form):
    name = StringField("Navn")


@pytest.fixture
def uow_app(make_app):
    """An app whose error pages are rendered (not raised into the test), with the /test routes."""
    app = make_app(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    app.config["committed_callbacks"] = []
    app.config["attempts"] = 0

    @app.route("/test/skriv/<name>/<ending>")
    @allow("staff.home")
    def write(name: str, ending: str):
        app.config["attempts"] += 1
        create_company({"name": name, "postcode": "8000"})
        after_commit(lambda: app.config["committed_callbacks"].append(name))
        flash(f"{name} er gemt.", "success")
        if ending == "400":
            abort(400)
        if ending == "409-side":
            return "Virksomheden er ændret af en anden.", 409
        if ending == "undtagelse":
            raise RuntimeError("a bug after the write")
        if ending == "commit-fejler":
            db.session.add(Company(name=None, name_key="", postcode="8000"))  # NOT NULL: fails at commit
        if ending == "behold-403":
            keep_writes()
            abort(403)
        if ending == "kollision" and app.config["attempts"] == 1:
            raise OperationalError("UPDATE …", {}, _Collision())
        if ending == "altid-kollision":
            raise OperationalError("UPDATE …", {}, _Collision())
        return redirect("/test/beskeder")

    @app.route("/test/beskeder")
    @allow("staff.home")
    def messages():
        return {"messages": get_flashed_messages()}

    @app.route("/test/formular/<outcome>", methods=["GET", "POST"])
    @allow("staff.home")
    def form_page(outcome: str):
        form = NameForm()

        def change():
            company = create_company({"name": form.name.data, "postcode": "8000"})
            if outcome == "ugyldig":
                raise ValidationError("Navnet er optaget.", field="name")
            if outcome == "konflikt":
                raise ConflictError("Virksomheden er ændret af en anden.")
            if outcome == "ikke-tilladt":
                raise NotAuthorized("Det må du ikke.")
            return company

        done = submit(form, change, success=lambda company: f"{company.name} er oprettet.",
                      redirect_to="/test/beskeder")
        return done or render_template_string(
            "{{ form.name.errors|join(' ') }}|{{ form.form_errors|join(' ') }}|{{ form.conflict }}", form=form)

    return app


@pytest.fixture
def uow_client(uow_app, make_user):
    email = make_user("konsulent")
    client = uow_app.test_client()
    assert client.post("/login", data={"email": email, "password": TEST_PASSWORD}).status_code == 302
    return client


def _companies(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Company.name).order_by(Company.id)))


def test_a_successful_request_commits_its_writes_and_shows_its_flash(app, uow_app, uow_client):
    response = uow_client.get("/test/skriv/Lager/ok")
    assert response.status_code == 302
    assert _companies(app) == ["Lager"]
    assert uow_client.get("/test/beskeder").json["messages"] == ["Lager er gemt."]
    assert uow_app.config["committed_callbacks"] == ["Lager"]


@pytest.mark.parametrize("ending, status", [("400", 400), ("409-side", 409), ("undtagelse", 500),
                                            ("commit-fejler", 500)])
def test_an_error_rolls_back_every_write_and_drops_the_success_flash(app, uow_app, uow_client, ending, status):
    response = uow_client.get(f"/test/skriv/Lager/{ending}")
    assert response.status_code == status
    assert "Lager er gemt" not in response.get_data(as_text=True)
    assert _companies(app) == []
    assert uow_client.get("/test/beskeder").json["messages"] == []  # no "saved" for lost writes
    assert uow_app.config["committed_callbacks"] == []


def test_the_error_page_after_a_failed_commit_says_nothing_was_saved(uow_client):
    page = uow_client.get("/test/skriv/Lager/commit-fejler").get_data(as_text=True)
    assert "intet er gemt" in page
    assert "Lager er gemt" not in page


def test_keep_writes_commits_a_refused_request(app, uow_client):
    assert uow_client.get("/test/skriv/Lager/behold-403").status_code == 403
    assert _companies(app) == ["Lager"]


def test_a_request_postgresql_aborted_as_a_collision_is_run_again_with_its_session_restored(
        app, uow_app, uow_client):
    assert uow_client.get("/test/skriv/Lager/kollision").status_code == 302
    assert uow_app.config["attempts"] == 2
    assert _companies(app) == ["Lager"]
    # The first run's flash went with its rolled-back writes: the message is shown once.
    assert uow_client.get("/test/beskeder").json["messages"] == ["Lager er gemt."]


def test_a_request_that_keeps_colliding_ends_in_the_error_page_with_nothing_saved(app, uow_app, uow_client):
    assert uow_client.get("/test/skriv/Lager/altid-kollision").status_code == 500
    assert uow_app.config["attempts"] == REQUEST_ATTEMPTS
    assert _companies(app) == []
    assert uow_client.get("/test/beskeder").json["messages"] == []


def test_a_failed_login_is_counted_although_the_answer_is_401(app, make_user):
    from crm.models import LoginAttempt

    email = make_user("konsulent")
    response = Browser(app.test_client()).login(email, "forkert-kodeord")
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(LoginAttempt, email).failures == 1


def test_a_get_that_audits_commits_the_audit_row(app, make_user, make_borger):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    browser = Browser(app.test_client())
    browser.login(email)
    assert browser.get(f"/borgere/{borger_id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "borger.view", AuditEvent.object_id == str(borger_id))) == 1


def test_submit_saves_flashes_and_redirects(app, uow_client):
    response = uow_client.post("/test/formular/ok", data={"name": "Lager"})
    assert response.status_code == 302
    assert _companies(app) == ["Lager"]
    assert uow_client.get("/test/beskeder").json["messages"] == ["Lager er oprettet."]


def test_submit_shows_a_validation_error_on_its_field_and_writes_nothing(app, uow_client):
    response = uow_client.post("/test/formular/ugyldig", data={"name": "Lager"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Navnet er optaget.||False"
    assert _companies(app) == []


def test_submit_shows_a_conflict_on_the_form_and_writes_nothing(app, uow_client):
    response = uow_client.post("/test/formular/konflikt", data={"name": "Lager"})
    assert response.get_data(as_text=True) == "|Virksomheden er ændret af en anden.|True"
    assert _companies(app) == []


def test_submit_answers_not_authorized_with_403_and_writes_nothing(app, uow_client):
    assert uow_client.post("/test/formular/ikke-tilladt", data={"name": "Lager"}).status_code == 403
    assert _companies(app) == []


def test_submit_shows_the_form_on_get(uow_client):
    assert uow_client.get("/test/formular/ok").get_data(as_text=True) == "||False"


@pytest.fixture
def postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        yield


def test_on_postgresql_reads_run_outside_a_transaction_until_the_first_write(app, postgresql):
    """A request that only reads costs no BEGIN and no COMMIT; its first write begins the one
    transaction its writes share, and the reads after it see them."""
    from psycopg.pq import TransactionStatus

    driver = db.session.connection().connection.dbapi_connection
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 0
    assert driver.info.transaction_status == TransactionStatus.IDLE
    create_company({"name": "Første ApS", "postcode": "8000"})
    db.session.flush()
    assert driver.info.transaction_status == TransactionStatus.INTRANS
    create_company({"name": "Anden ApS", "postcode": "8000"})
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 0


def test_on_postgresql_an_isolation_level_asked_for_is_kept(app, postgresql):
    """VACUUM needs real autocommit (no BEGIN before it); the backup's REPEATABLE READ connection
    reads outside transactions again once it is back in the pool."""
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM companies")
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
    assert db.engine.pool.checkedin() == 1  # the next checkout is that same connection
    with db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.autocommit is True
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
