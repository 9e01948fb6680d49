"""The checked-in migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from crm import create_app
from crm.extensions import db


@contextmanager
def _fresh_database(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = sa.make_url(base)
    name = f"migr_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models_and_downgrade_cleanly(app_config, tmp_path):
    with _fresh_database(tmp_path) as url:
        app_config["SQLALCHEMY_DATABASE_URI"] = url
        app = create_app(app_config)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == []
            downgrade(revision="base")
            remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert remaining == set()
            db.engine.dispose()


def test_upgrading_an_existing_database_stops_it_reusing_erased_ids(app_config, tmp_path):
    """A database from before 0007 where borger #3 (B-0003) was erased: after the upgrade no id
    or reference that ever existed comes back, and no row is lost on the way."""
    from datetime import date

    from crm.models import Borger, Company, IssuedReference, Placement, RecoveryCode, User
    from crm.services.audit import record_event
    from crm.services.borgere import create_borger
    from crm.services.users import create_user
    from crm.sorting import sort_key

    with _fresh_database(tmp_path) as url:
        app_config["SQLALCHEMY_DATABASE_URI"] = url
        app = create_app(app_config)
        with app.app_context():
            upgrade(revision="0006")
            vejleder = create_user(email="v@test.fodfaeste.dk", name="Vera", role="vejleder",
                                   password="korrekt-hest-batteri-9")
            db.session.add(RecoveryCode(user_id=vejleder.id, code_hash="x" * 64))
            # The row as that schema holds it (the service writes today's columns).
            company_id = db.session.execute(sa.text(
                "INSERT INTO companies (name, name_key, address, postcode, city, status, created_at, updated_at)"
                " VALUES ('Åkande Lager ApS', 'aakande lager', '', '8000', 'Aarhus C', 'partner',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
            borgere = []
            for n in (1, 2, 3):
                borger = Borger(reference=f"B-{n:04d}", first_name=f"B{n}", vejleder_id=vejleder.id,
                                enrolled_on=date(2026, 1, 5), postcode="8000", lat=56.15, lon=10.2)
                db.session.add(borger)
                db.session.flush()
                record_event("borger.create", "borger", borger.id, actor=vejleder)
                borgere.append(borger)
            db.session.add(Placement(borger_id=borgere[0].id, company_id=company_id))
            db.session.delete(borgere[2])
            db.session.commit()

            upgrade()

            if db.engine.dialect.name == "sqlite":
                schemas = dict(db.session.execute(sa.text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).tuples().all())
                id_tables = [t.name for t in db.metadata.sorted_tables if "id" in t.primary_key.columns]
                assert [t for t in id_tables if "AUTOINCREMENT" not in schemas[t]] == []
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1
            assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 1
            # 0016 gave the existing company its Danish sort key.
            assert db.session.scalar(sa.select(Company.sort_key)) == sort_key("aakande lager")
            assert {"B-0001", "B-0002", "B-0003"} <= set(db.session.scalars(sa.select(IssuedReference.reference)))
            new = create_borger({"first_name": "Ny", "vejleder_id": vejleder.id, "postcode": "8000",
                                 "max_travel_minutes": 30, "hours_min": 5, "hours_max": 10},
                                actor=db.session.get(User, vejleder.id))
            new_id, new_reference = new.id, new.reference
            db.session.commit()
            assert new_id == 4 and new_reference not in {"B-0001", "B-0002", "B-0003"}

            downgrade(revision="0006")
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1
            db.session.remove()
            db.engine.dispose()


def test_upgrading_marks_the_existing_efterværn_tasks_by_their_title(app_config, tmp_path):
    """0012: tasks whose title has the old "Efterværn:" prefix get the eftervaern marker; others do not,
    and the tasks table keeps its never-reused ids both ways."""
    from datetime import date, datetime

    from crm.services.users import create_user

    def autoincrement():
        if db.engine.dialect.name != "sqlite":
            return True
        sql = db.session.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'tasks'"))
        return "AUTOINCREMENT" in sql

    with _fresh_database(tmp_path) as url:
        app_config["SQLALCHEMY_DATABASE_URI"] = url
        app = create_app(app_config)
        with app.app_context():
            upgrade(revision="0009")
            vejleder = create_user(email="v@test.fodfaeste.dk", name="Vera", role="vejleder",
                                   password="korrekt-hest-batteri-9")
            for title in ("Efterværn: opfølgning med Mette", "Ring til Lager ApS", "Opfølgning: Efterværn:"):
                db.session.execute(
                    sa.text("INSERT INTO tasks (title, note, due, assignee_id, done, created_at) "
                            "VALUES (:title, '', :due, :assignee, :done, :at)"),
                    {"title": title, "due": date(2026, 3, 2), "assignee": vejleder.id, "done": False,
                     "at": datetime(2026, 2, 1, 9)},
                )
            db.session.commit()

            upgrade()

            marked = dict(db.session.execute(sa.text("SELECT title, eftervaern FROM tasks")).tuples().all())
            assert {title: bool(flag) for title, flag in marked.items()} == {
                "Efterværn: opfølgning med Mette": True,
                "Ring til Lager ApS": False,
                "Opfølgning: Efterværn:": False,
            }
            assert autoincrement()
            db.session.commit()  # end the read, or PostgreSQL's ALTER TABLE waits for it

            downgrade(revision="0009")
            assert "eftervaern" not in {c["name"] for c in sa.inspect(db.engine).get_columns("tasks")}
            assert autoincrement()
            assert db.session.scalar(sa.text("SELECT count(*) FROM tasks")) == 3
            db.session.remove()
            db.engine.dispose()
