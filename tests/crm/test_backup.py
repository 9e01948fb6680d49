"""Backup taken while the app writes, restored into an empty database: integrity and row counts."""

import io
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


# --- the attachments' files ----------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _company_with_files(app, make_user, make_partner, *contents):
    from crm.models import Company, User
    from crm.services.attachments import add_attachment

    email = make_user("konsulent")
    company_id = make_partner("Bilag ApS")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        keys = [add_attachment(db.session.get(Company, company_id), filename=f"aftale-{n}.pdf", content=content,
                               actor=actor).storage_key for n, content in enumerate(contents)]
        db.session.commit()
    return keys


def test_backup_and_restore_carry_the_attachment_files_checked(app, make_user, make_partner, tmp_path):
    from crm.services.attachments import path_for

    contents = [PDF, PDF + b"% anden\n"]
    keys = _company_with_files(app, make_user, make_partner, *contents)
    files_dir = tmp_path / "attachments"
    backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "b.backup", files_dir=files_dir)
    assert (tmp_path / "b.backup.files.tar").exists()
    restored_dir = tmp_path / "restored-files"
    with _fresh_database(tmp_path) as empty_url:
        report = restore(tmp_path / "b.backup", empty_url, files_dir=restored_dir)
    assert report.ok and report.files_restored == 2 and report.file_problems == ()
    assert [path_for(key, root=restored_dir).read_bytes() for key in keys] == contents


def test_restore_reports_a_file_damaged_in_the_backup(app, make_user, make_partner, tmp_path):
    import tarfile

    keys = _company_with_files(app, make_user, make_partner, PDF)
    backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "b.backup", files_dir=tmp_path / "attachments")
    archive = tmp_path / "b.backup.files.tar"
    with tarfile.open(archive) as tar:
        [member] = tar.getmembers()
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(tampered, "w") as tar:
        info = tarfile.TarInfo(member.name)
        info.size = len(PDF)
        tar.addfile(info, io.BytesIO(PDF.replace(b"Catalog", b"Katalog")))
        evil = tarfile.TarInfo("../../uden-for.txt")  # never written: not a storage key
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"ondt"))
    tampered.replace(archive)
    with _fresh_database(tmp_path) as empty_url:
        report = restore(tmp_path / "b.backup", empty_url, files_dir=tmp_path / "restored")
    assert not report.ok
    assert report.file_problems == (f"Bilagsfilen {keys[0]} passer ikke med sin kontrolsum.",)
    assert not (tmp_path / "uden-for.txt").exists() and not (tmp_path.parent / "uden-for.txt").exists()


def test_backup_names_a_file_missing_on_disk_and_the_command_fails(app, runner, make_user, make_partner, tmp_path):
    from crm.services.attachments import path_for

    [key] = _company_with_files(app, make_user, make_partner, PDF)
    path_for(key, root=tmp_path / "attachments").unlink()
    result = runner.invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert result.exit_code != 0
    assert f"Bilagsfilen {key} manglede og er ikke med i backuppen." in result.output
    assert (tmp_path / "cli.backup").exists()  # the database is backed up all the same


def test_backup_and_restore_commands_round_trip_the_files(app, runner, make_user, make_partner, tmp_path):
    from crm import create_app
    from crm.services.attachments import path_for

    [key] = _company_with_files(app, make_user, make_partner, PDF)
    result = runner.invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert result.exit_code == 0, result.output
    with _fresh_database(tmp_path) as empty_url:
        other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": empty_url,
                            "ATTACHMENT_DIR": str(tmp_path / "elsewhere")})
        result = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "cli.backup")])
        with other.app_context():
            db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "Bilagsfiler gendannet: 1" in result.output
    assert path_for(key, root=tmp_path / "elsewhere").read_bytes() == PDF
