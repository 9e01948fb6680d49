import pytest

from crm import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, app_config):
    monkeypatch.setenv("FODFAESTE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app_config.pop("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(app_config)


def test_production_refuses_a_placeholder_secret_key(monkeypatch, app_config):
    monkeypatch.setenv("FODFAESTE_ENV", "production")
    app_config["SECRET_KEY"] = "change-me"
    with pytest.raises(RuntimeError):
        create_app(app_config)


def test_production_turns_on_secure_cookies_and_hsts(monkeypatch, app_config):
    monkeypatch.setenv("FODFAESTE_ENV", "production")
    app = create_app(app_config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    with app.test_client() as client:
        response = client.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_creates_a_secret_key_once_and_keeps_it(monkeypatch, app_config, tmp_path):
    monkeypatch.setenv("FODFAESTE_INSTANCE_PATH", str(tmp_path))
    app_config.pop("SECRET_KEY")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app(app_config).config["SECRET_KEY"]
    second = create_app(app_config).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_switches_the_database(monkeypatch, app_config):
    app_config.pop("SQLALCHEMY_DATABASE_URI")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/elsewhere")
    app = create_app(app_config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/elsewhere"


def test_sqlite_is_the_default_under_instance(monkeypatch, app_config, tmp_path):
    monkeypatch.setenv("FODFAESTE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app_config.pop("SQLALCHEMY_DATABASE_URI")
    app = create_app(app_config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fodfaeste.db'}"


def test_match_weights_come_from_the_environment(monkeypatch, app_config):
    from matcher import Weights

    monkeypatch.setenv("MATCH_WEIGHTS", '{"wishes": 0.9}')
    app = create_app(app_config)
    assert Weights.from_mapping(app.config["MATCH_WEIGHTS"]).wishes == 0.9


def test_postgresql_plans_each_query_with_its_values(app):
    """No server-side prepared statements: PostgreSQL's generic plan for a prepared query (chosen
    from its sixth run on a connection) made the dashboard 30 times slower at scale."""
    import sqlalchemy as sa

    from crm.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        query = sa.text("SELECT count(*) FROM companies WHERE created_at > now() - make_interval(days => :d)")
        for day in range(12):
            db.session.execute(query, {"d": day})
        assert db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements")) == 0
