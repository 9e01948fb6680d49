"""Fodfæste: the partner-company CRM and job matching for IPS programmes."""

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, session
from flask import request as current_request  # ``request`` here is the crm.request module
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext
from flask_login import current_user, logout_user

from config import MIN_SECRET_KEY_LENGTH, PLACEHOLDER_SECRETS, load_config
from crm import i18n
from crm.extensions import csrf, db, limiter, login_manager, mail, migrate
from crm.request import CleanRequest, IdConverter
from crm.timeutil import utcnow
from crm.unit_of_work import end_of_request, run_request

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")
DEFAULT_INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"


class PageSessionInterface(SecureCookieSessionInterface):
    """The signed session cookie, refreshed by pages only. A file's response would carry the session
    as it was when the browser asked for the file, and could arrive after a newer one (a logout's, a
    language switch's) and put the old cookie back."""

    def should_set_cookie(self, app, session) -> bool:
        from crm.access import FILE_ENDPOINTS

        return current_request.endpoint not in FILE_ENDPOINTS and super().should_set_cookie(app, session)


class FodfaesteFlask(Flask):
    """Flask, running each request as one unit of work (``crm.unit_of_work``: one commit at the end,
    re-run when PostgreSQL aborted it as a collision); its requests carry no control characters in
    their parameters (``crm.request``)."""

    request_class = CleanRequest
    session_interface = PageSessionInterface()

    def full_dispatch_request(self):
        return run_request(super().full_dispatch_request)


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the app; ``config`` overrides values read from the environment."""
    app = FodfaesteFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=os.environ.get("FODFAESTE_INSTANCE_PATH") or str(DEFAULT_INSTANCE_PATH),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_secret_key(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'fodfaeste.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalize_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config)

    from crm.access import enforce_access
    from crm.api.auth import authenticate_api_request

    # Access is decided before anything else (CSRF included), so an anonymous request to any
    # protected URL is sent to the login page whatever its method. An API request's user comes
    # from its bearer token before anything could read the session cookie.
    app.before_request(authenticate_api_request)
    app.before_request(_check_session_age)
    app.before_request(enforce_access)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    _configure_mail(app)
    _configure_login(app)
    _configure_sqlite(app)
    _configure_postgresql(app)

    app.url_map.converters["int"] = IdConverter  # before any route is added
    from crm import models  # noqa: F401  (registers the models with the metadata)
    from crm.account import bp as account_bp
    from crm.admin import bp as admin_bp
    from crm.attachments import bp as attachments_bp
    from crm.auth import bp as auth_bp
    from crm.borgere import bp as borgere_bp
    from crm.companies import bp as companies_bp
    from crm.contracts import bp as contracts_bp
    from crm.geo import bp as geo_bp
    from crm.jobs import bp as jobs_bp
    from crm.main import bp as main_bp
    from crm.openings import bp as openings_bp
    from crm.portal import bp as portal_bp
    from crm.reports import bp as reports_bp
    from crm.services import register_version  # noqa: F401  (its commit hook versions the register)
    from crm.tasks import bp as tasks_bp

    for bp in (auth_bp, main_bp, admin_bp, geo_bp, portal_bp, companies_bp, tasks_bp, borgere_bp,
               openings_bp, reports_bp, jobs_bp, contracts_bp, attachments_bp, account_bp):
        app.register_blueprint(bp)
    from crm.api import init_api

    init_api(app)

    from crm.security import add_security_headers, register_error_handlers
    from crm.templating import register_template_helpers

    # Flask runs these last-registered first: the headers are set before the commit, while the
    # user is still loaded (after it, asking whether the user is logged in reloads them: a query).
    app.after_request(end_of_request)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)

    from crm.cli import register_cli

    register_cli(app)
    return app


def _normalize_db_url(url: str) -> str:
    # Use psycopg 3 for plain postgres:// or postgresql:// URLs.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(config) -> dict:
    """The engine options, with psycopg's server-side prepared statements off on PostgreSQL.

    psycopg prepares a query the fifth time a connection runs it, and PostgreSQL then switches to
    a generic plan, one made without the parameters' values. For the dashboard's count of contacts
    per vejleder that plan was 30 times slower (6 -> 170 ms at 100k companies) from the tenth view
    on. Planning each query with its values costs far less than one such plan.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        options["connect_args"] = {"prepare_threshold": None, **options.get("connect_args", {})}
    return options


def _configure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config["PRODUCTION"]:
        if not key or len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in PLACEHOLDER_SECRETS:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production."
            )
        return
    if key:
        return
    # Development: create a key once and keep it, so sessions survive restarts.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _configure_mail(app: Flask) -> None:
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = "smtp" if app.config.get("MAIL_SERVER") else "file"
    if app.config["MAIL_BACKEND"] == "file":
        app.config.setdefault("MAIL_FILE_PATH", str(Path(app.instance_path) / "mail"))
    mail.init_app(app)


def _configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Log ind for at se siden.")
    login_manager.localize_callback = str  # worded in the reader's language when it is flashed
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str):
        from sqlalchemy.orm import undefer

        from crm.models import User

        user_id, _, version = token.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id), options=[undefer(User.language)])
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


# Statements that only read: they run outside any transaction, so in WAL mode they never wait for
# (or hold) the write lock. Everything else (INSERT, UPDATE, DELETE, DDL, SAVEPOINT …) writes.
READ_ONLY_STATEMENTS = ("SELECT", "PRAGMA", "EXPLAIN")


def _only_reads(statement: str) -> bool:
    first_word = statement.lstrip()[:8].split(None, 1)[:1]
    return bool(first_word) and first_word[0].upper() in READ_ONLY_STATEMENTS


def _configure_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from crm.sorting import register_sqlite_collation

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # SQLAlchemy, not the sqlite3 module, starts transactions (see _write_lock_before_writing).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
            register_sqlite_collation(dbapi_connection)

        @event.listens_for(engine, "before_cursor_execute")
        def _write_lock_before_writing(_conn, cursor, statement, _parameters, _context, _executemany):
            # Reads run in autocommit (each sees the latest commit and never waits, as PostgreSQL's
            # READ COMMITTED). The first write of a transaction takes the one write lock with
            # BEGIN IMMEDIATE: waiting up to busy_timeout for it, on a fresh snapshot, so a write
            # never fails mid-transaction with "database is locked" (SQLITE_BUSY_SNAPSHOT) as a
            # deferred read-then-write transaction can. The lock is held until commit/rollback.
            dbapi_connection = cursor.connection
            if not dbapi_connection.in_transaction and not _only_reads(statement):
                dbapi_connection.execute("BEGIN IMMEDIATE")


def _configure_postgresql(app: Flask) -> None:
    """Reads run outside any transaction on PostgreSQL too, as on SQLite: a request that only reads
    (most of them) then costs no BEGIN and no COMMIT, two of its few round trips. Its first write
    begins the transaction, so every write of a request commits or rolls back as one, and the
    reads after it see its writes. Under READ COMMITTED each statement sees the latest commit
    either way; the code takes no row locks with a read (no SELECT … FOR UPDATE)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        return
    from psycopg.pq import TransactionStatus
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _autocommit(dbapi_connection, _record):
            dbapi_connection.autocommit = True

        @event.listens_for(engine, "checkout")
        def _autocommit_again(dbapi_connection, _record, _proxy):
            # A connection given another isolation level (the backup's REPEATABLE READ) comes back
            # with autocommit off; from here on it reads outside transactions again.
            if not dbapi_connection.autocommit and dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
                dbapi_connection.autocommit = True

        @event.listens_for(engine, "before_cursor_execute")
        def _begin_before_writing(conn, cursor, statement, _parameters, _context, _executemany):
            dbapi_connection = cursor.connection
            if not dbapi_connection.autocommit or dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
                return  # in a transaction already (or one SQLAlchemy runs itself)
            if "isolation_level" in conn.get_execution_options():
                return  # an isolation level asked for explicitly (AUTOCOMMIT for VACUUM) is kept
            if not _only_reads(statement):
                dbapi_connection.execute("BEGIN")


def _check_session_age():
    """End a session past its absolute lifetime, however active it has been."""
    from crm.access import FILE_ENDPOINTS
    from crm.api.auth import is_api_request

    if current_request.endpoint in FILE_ENDPOINTS or is_api_request() or not current_user.is_authenticated:
        return None  # a file needs no session (and no query for its user); the API has none
    started = session.get("login_at")
    max_age = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if started is None or utcnow().timestamp() - started > max_age:
        logout_user()
        session.clear()
    return None
