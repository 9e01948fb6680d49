"""Shared fixtures: one controllable clock; an app on a fresh database per test, SQLite by default
or PostgreSQL when TEST_DATABASE_URL is set; a CSRF-aware client helper; factories that go through
the services."""

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import settings as hypothesis_settings

from crm import create_app
from crm.extensions import db
from crm.models import Borger, Company, Opening, User
from crm.services.reference import ensure_reference_data
from crm.timeutil import DANISH_TZ, today, utcnow

TEST_PASSWORD = "korrekt-hest-batteri-9"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# In CI the property tests draw the same examples on every run, so a red run can be repeated;
# elsewhere they draw new ones each run and so keep finding what is left.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Every test starts at this instant, whatever the wall clock says, so no test depends on the hour
# or the season CI happens to run in: a weekday morning in winter time. FODFAESTE_TEST_NOW (ISO 8601
# with an offset) runs the suite at another instant, e.g. 2026-01-13T23:30:00+00:00.
DEFAULT_TEST_NOW = "2026-03-10T10:00:00+01:00"


def test_now() -> datetime:
    """The instant the suite's clock starts at (time zone aware)."""
    now = datetime.fromisoformat(os.environ.get("FODFAESTE_TEST_NOW") or DEFAULT_TEST_NOW)
    if now.tzinfo is None:
        raise pytest.UsageError("FODFAESTE_TEST_NOW needs a UTC offset, e.g. 2026-01-13T05:30:00+00:00")
    return now


test_now.__test__ = False  # a helper, not a test


@pytest.fixture(autouse=True)
def clock(request):
    """The suite's one clock (time-machine): it starts at ``test_now()`` and ticks on from there.

    Move it with ``clock.shift(timedelta(...))`` or stop it at an instant with
    ``clock.move_to(instant, tick=False)``; never sleep. Browser tests keep the wall clock, because
    Chromium judges cookie expiry by its own clock; they must not depend on the hour either.
    Module- and session-scoped fixtures run outside this clock, on the wall clock: anything they make
    that depends on time (a logged-in session, a date) must be made in function scope instead.
    """
    if request.node.get_closest_marker("e2e"):
        yield None
        return
    with time_machine.travel(test_now(), tick=True) as traveller:
        yield traveller


def _xdist_worker() -> int | None:
    """The number of this pytest-xdist worker (gw0 → 0), or None when the tests run in one process."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def worker_redis_url(url: str) -> str:
    """``url`` with a Redis database of this xdist worker's own (gw1 two below gw0's, …), so parallel
    workers never empty each other's database."""
    worker = _xdist_worker()
    base, _, number = url.rpartition("/")
    if not worker or not number.isdigit() or "//" not in base:
        return url
    return f"{base}/{(int(number) - 2 * worker) % 16}"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = _xdist_worker()
    if worker is None:
        return url
    # A PostgreSQL database of the worker's own beside the given one (dropped at the session's end).
    own = sa.make_url(url)
    own = own.set(database=f"{own.database}_gw{worker}")
    admin = sa.create_engine(own.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


def _drop_worker_database(url: str) -> None:
    if _xdist_worker() is None or not url.startswith("postgresql"):
        return
    own = sa.make_url(url)
    admin = sa.create_engine(own.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, request):
    """Create the schema once per session; each test then starts from empty tables."""
    url = _database_url(tmp_path_factory)
    request.addfinalizer(lambda: _drop_worker_database(url))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("instance")
    os.environ["FODFAESTE_INSTANCE_PATH"] = str(path)
    return path


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config(database_url, instance_path, tmp_path):
    """Overrides for create_app; tests may change it before requesting ``app``."""
    return {
        # Each test is a fresh deployment: its own match index folder (the tables start empty).
        "MATCH_INDEX_DIR": str(tmp_path / "match-index"),
        "ATTACHMENT_DIR": str(tmp_path / "attachments"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SERVER_NAME": None,
        # Same Argon2id code path at minimal cost; tests create hundreds of users.
        "PASSWORD_HASH_PROFILE": "cheapest",
        "MAIL_BACKEND": "locmem",  # sent mail lands in flask_mailman's outbox
        "JOB_QUEUE_URL": "",  # jobs go to the local worker; tests run it with ``run_jobs``
        # Walks and the fuzzer send many requests per API token; the limit's own test sets a small one.
        "API_RATE_LIMIT": "100000 per minute",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        empty_all_tables()
        ensure_reference_data()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def register_versioned(app):
    """The register-version row as a migrated database has it. The tests' truncate takes it away,
    and without it nothing is cached, so a test of a cache could not fail."""
    from crm.models import RegisterVersion
    from crm.services import register_version

    with app.app_context():
        if register_version.current() is None:
            db.session.add(RegisterVersion(id=1, version=register_version.first_version()))
            db.session.commit()


@pytest.fixture
def make_app(app, app_config):
    """Create further apps on the same (emptied) database, e.g. with other settings."""
    made = []

    def _make(**overrides):
        extra = create_app({**app_config, **overrides})
        made.append(extra)
        return extra

    yield _make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def danish_form_time(ago: timedelta = timedelta(hours=1)) -> str:
    """A moment ``ago`` before now as a datetime-local form value in Danish time ("2026-03-10T09:00")."""
    return (datetime.now(UTC) - ago).astimezone(DANISH_TZ).strftime("%Y-%m-%dT%H:%M")


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """Drive the test client like a person: open a page, then post its form with its CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post_form(self, url, data, *, form_page=None, **kwargs):
        page = self.client.get(form_page or url)
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)

    def login(self, email, password=TEST_PASSWORD, *, next_url=None):
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self.post_form(url, {"email": email, "password": password}, form_page="/login")

    def logout(self):
        return self.post_form("/logout", {}, form_page="/")


@pytest.fixture
def count_queries(app):
    """Count the SQL statements the app runs in a block: ``with count_queries() as counted: ...``."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        with app.app_context():
            engine = db.engine
        counted = {"n": 0}

        def _one(*_args, **_kwargs):
            counted["n"] += 1

        sa.event.listen(engine, "before_cursor_execute", _one)
        try:
            yield counted
        finally:
            sa.event.remove(engine, "before_cursor_execute", _one)

    return _count


@pytest.fixture
def run_jobs(app):
    """Run the queued jobs in-process, as the local worker would; returns their ids."""
    from crm.services.jobs import run_pending

    def _run():
        with app.app_context():
            return run_pending(worker="test-worker")

    return _run


def fresh_redis(url: str) -> str:
    """A Redis database emptied for the test; skipped without Redis, except in CI where it must be."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI ({url})")
        pytest.skip(f"no Redis at {url}")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def full_builds(monkeypatch):
    """Count full match-index builds (the expensive part of ``build_index``): ``full_builds["n"]``."""
    from crm.services import matching

    builds = {"n": 0}
    real = matching._full_index

    def counted():
        builds["n"] += 1
        return real()

    monkeypatch.setattr(matching, "_full_index", counted)
    return builds


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make_company(app):
    """A company through the service (fields as the service takes them); returns its id."""
    from crm.services.companies import create_company

    def _make(name="Testfirma ApS", postcode="8000", **fields):
        with app.app_context():
            company = create_company({"name": name, "postcode": postcode, **fields})
            db.session.commit()
            return company.id

    return _make


@pytest.fixture
def make_user(app, make_company):
    """Create a user through the service; returns its e-mail (log in with TEST_PASSWORD)."""
    from crm.services.users import create_user

    counter = {"n": 0}

    def _make(role="vejleder", *, email=None, name=None, company_id=None, active=True):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@test.fodfaeste.dk"
        if role == "employer" and company_id is None:
            company_id = make_company()
        with app.app_context():
            user = create_user(email=email, name=name or f"Test {role.title()} {counter['n']}",
                               role=role, password=TEST_PASSWORD, company_id=company_id)
            user.active = active
            db.session.commit()
        return email

    return _make


@pytest.fixture
def make_teamleder(app, make_user):
    """Create a teamleder leading a programme (made, or found, by name); returns (e-mail, programme id)."""
    from crm.models import Programme
    from crm.services.programmes import create_programme
    from crm.services.users import set_led_programmes

    def _make(*, programme="Teamets indsats", name=None):
        email = make_user("teamleder", name=name)
        with app.app_context():
            led = db.session.scalar(sa.select(Programme).where(Programme.name == programme))
            led = led or create_programme({"name": programme, "municipality": "Aarhus"}, actor=None)
            set_led_programmes(db.session.scalar(sa.select(User).where(User.email == email)), [led.id])
            db.session.commit()
            return email, led.id

    return _make


@pytest.fixture
def user_id(app):
    def _id(email):
        with app.app_context():
            return db.session.scalar(sa.select(User.id).where(User.email == email))

    return _id


@pytest.fixture
def make_borger(app, user_id):
    """Enrol a borger through the service; returns its id."""
    from crm.services.borgere import create_borger

    def _make(vejleder_email, **overrides):
        data = {
            "first_name": "Mette", "vejleder_id": user_id(vejleder_email), "postcode": "8000",
            "transport": "bike", "max_travel_minutes": 30, "hours_min": 10, "hours_max": 20,
            "wishes": ["lagerarbejde"], "strengths": ["punktlig"], "consent_to_propose": True,
            "shared_fields": ["first_name", "wishes"], "enrolled_on": today() - timedelta(days=60),
        }
        data.update(overrides)
        with app.app_context():
            actor = db.session.get(User, data["vejleder_id"])
            borger = create_borger(data, actor=actor)
            db.session.commit()
            return borger.id

    return _make


@pytest.fixture
def make_partner(make_company):
    """A partner company through the service; returns its id."""

    def _make(name, postcode="8000", industry_text="", **overrides):
        return make_company(name, postcode, industry_text=industry_text, **{"status": "partner", **overrides})

    return _make


@pytest.fixture
def make_opening(app):
    """An opening through the service; ``days_unconfirmed`` backdates its confirmation."""
    from crm.services.openings import create_opening

    def _make(company_id, *, days_unconfirmed=0, **fields):
        data = {"title": "Lagermedarbejder", "kind": "job", "hours_min": 10, "hours_max": 20,
                "status": "aaben", "description": "Pluk og pak på lageret."}
        data.update(fields)
        with app.app_context():
            opening = create_opening(db.session.get(Company, company_id), data)
            opening.confirmed_at = utcnow() - timedelta(days=days_unconfirmed)
            db.session.commit()
            return opening.id

    return _make


@pytest.fixture
def propose(app):
    """Shortlist and propose a borger to a company (optionally an opening); returns the placement id."""
    from crm.services.placements import propose as propose_placement
    from crm.services.placements import shortlist

    def _propose(borger_id, company_id, opening_id=None):
        with app.app_context():
            borger = db.session.get(Borger, borger_id)
            actor = db.session.get(User, borger.vejleder_id)
            placement = shortlist(borger, company=db.session.get(Company, company_id),
                                  opening=db.session.get(Opening, opening_id) if opening_id else None,
                                  score=None, components={}, reasons=[], actor=actor)
            if borger.consent_to_propose:
                propose_placement(placement, actor=actor)
            db.session.commit()
            return placement.id

    return _propose


@pytest.fixture
def employer(make_user, make_partner):
    """An employer user of a fresh partner company: (email, company_id)."""
    company_id = make_partner("Lager A/S", "8000", "Lager")
    return make_user("employer", company_id=company_id), company_id


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    backend = sa.make_url(url).get_backend_name() if url else "sqlite"
    return f"fodfaeste test database: {backend}"


@pytest.fixture
def borger_at_a_meeting(app, make_user, make_borger, make_partner):
    """A vejleder's borger whose placement went shortlist → proposed → meeting (yesterday);
    returns (the vejleder's e-mail, the borger's id)."""
    from crm.services.placements import advance, propose, shortlist
    from crm.timeutil import today

    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        placement = shortlist(db.session.get(Borger, borger_id), company=db.session.get(Company, company_id),
                              opening=None, score=None, components={}, reasons=[], actor=actor)
        propose(placement, actor=actor)
        advance(placement, "moede", on_date=today() - timedelta(days=1), actor=actor)
        db.session.commit()
    return email, borger_id
