"""Backup taken while the app writes, restored into an empty database: integrity and row counts."""

import threading

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.services.backup import backup, restore
from tests.crm.test_migrations import _fresh_database


def _write_load(app, stop: threading.Event):
    from crm.services.audit import record_event

    with app.app_context():
        while not stop.is_set():
            record_event("load.test", "test", None)
            db.session.commit()


def test_backup_under_write_load_restores_with_matching_counts(app, runner, make_user, make_borger,
                                                                make_partner, tmp_path):
    make_borger(make_user("vejleder"))
    make_partner("Backup ApS")
    stop = threading.Event()
    writer = threading.Thread(target=_write_load, args=(app, stop))
    writer.start()
    try:
        counts = backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "fodfaeste.backup")
    finally:
        stop.set()
        writer.join(10)
    assert counts["borgere"] == 1 and counts["companies"] == 1 and counts["users"] == 1
    with _fresh_database(tmp_path) as empty_url:
        report = restore(tmp_path / "fodfaeste.backup", empty_url)
    assert report.integrity_ok
    assert report.counts == report.expected == counts


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
    backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "b.backup")
    with pytest.raises(ValueError, match="ikke tom"):
        restore(tmp_path / "b.backup", app.config["SQLALCHEMY_DATABASE_URI"])


def test_backup_command_reports_what_it_wrote(runner, make_user, tmp_path):
    make_user("admin")
    result = runner.invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert result.exit_code == 0, result.output
    assert "Backup skrevet til" in result.output
    assert (tmp_path / "cli.backup.manifest.json").exists()
