"""Flask commands. They call the same services as the views and commit once."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from crm.extensions import db
from crm.models.user import Role
from crm.services import ValidationError


def register_cli(app: Flask) -> None:
    register_api_commands(app)
    register_borger_commands(app)
    register_backup_commands(app)
    register_matching_commands(app)
    @app.cli.command("create-user")
    @click.option("--email", prompt="E-mail")
    @click.option("--name", prompt="Navn")
    @click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value,
                  show_default=True)
    @click.option("--company-id", type=int, default=None, help="Only for employers.")
    @click.password_option("--password", prompt="Adgangskode")
    def create_user_command(email, name, role, company_id, password):
        """Create a user, e.g. the first admin."""
        from crm.services.users import create_user

        try:
            user = create_user(email=email, name=name, role=role, password=password,
                               company_id=company_id)
        except ValidationError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Oprettet: {user.email} ({user.role})")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo data if the database is empty, and print the demo logins."""
        from crm.demo import DEMO_PASSWORD, DEMO_USERS, database_is_empty, load_demo_data

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("Demodata indlæses ikke i produktion.")
        if database_is_empty():
            created = load_demo_data()
            db.session.commit()
            click.echo(f"Demodata indlæst: {len(created['users'])} brugere, "
                       f"{len(created['companies'])} virksomheder, {len(created['borgere'])} borgere.")
        else:
            click.echo("Databasen har allerede data; demodata blev ikke indlæst.")
        click.echo(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD}):")
        for email, _name, role in DEMO_USERS:
            click.echo(f"  {str(role.label):<22} {email}")


def register_matching_commands(app: Flask) -> None:
    matching = AppGroup("matching", help="The shared match index.")

    @matching.command("build-index")
    @click.option("--if-changed", is_flag=True, help="Only when the register changed since the newest build.")
    def build_index_command(if_changed):
        """Build the match index from the register and save it for every worker (folds the delta in)."""
        import time

        from crm.services.matching import build_index, build_index_if_changed, newest_build

        started = time.perf_counter()
        path = build_index_if_changed() if if_changed else build_index()
        if path is None:
            click.echo(f"Uændret siden {newest_build().name}; intet bygget.")
            return
        db.session.rollback()  # the build only reads
        click.echo(f"Matchindeks bygget på {time.perf_counter() - started:.1f} s: {path}")

    from crm.learning_cli import register_fit_weights

    register_fit_weights(matching)
    app.cli.add_command(matching)


def register_borger_commands(app: Flask) -> None:
    borgere = AppGroup("borgere", help="Borger data: retention.")

    @borgere.command("purge")
    @click.option("--dry-run", is_flag=True, help="Only list who would be erased.")
    def purge_command(dry_run):
        """Erase borgere whose course ended longer ago than BORGER_RETENTION_DAYS."""
        from crm.services.borger_rights import due_for_erasure, erase_borger
        from crm.services.match_feedback import purge_match_history

        due = due_for_erasure()
        for borger in due:
            click.echo(f"{'Ville slette' if dry_run else 'Sletter'} {borger.reference} "
                       f"(afsluttet {borger.ended_on.isoformat()})")
            if not dry_run:
                erase_borger(borger, actor=None, reason="retention")
        shown = purge_match_history(dry_run=dry_run)
        click.echo(f"{shown} visninger på matchlister ældre end opbevaringsperioden "
                   f"{'ville blive' if dry_run else 'er'} slettet.")
        db.session.commit()
        click.echo(f"{len(due)} borgere {'ville blive' if dry_run else 'er'} slettet.")

    app.cli.add_command(borgere)


def register_backup_commands(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False))
    def backup_command(target):
        """Back up the database to TARGET (consistent while the app runs), with a manifest."""
        from crm.services.attachments import storage_dir
        from crm.services.backup import backup, backup_file_problems

        counts = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target, files_dir=storage_dir())
        click.echo(f"Backup skrevet til {target}: {sum(counts.values())} rækker i {len(counts)} tabeller, "
                   f"{counts.get('attachments', 0)} bilag i {target}.files.tar.")
        problems = backup_file_problems(target)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        if problems:
            raise click.ClickException("Backuppen er skrevet, men nogle bilagsfiler manglede eller var beskadigede.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    def restore_command(source):
        """Restore SOURCE into the configured (empty) database and check it."""
        from crm.services.attachments import storage_dir
        from crm.services.backup import restore

        try:
            report = restore(source, current_app.config["SQLALCHEMY_DATABASE_URI"], files_dir=storage_dir())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Integritetstjek: {'ok' if report.integrity_ok else 'FEJL'}")
        for table, count in sorted(report.counts.items()):
            mark = "" if report.expected.get(table) == count else f"  (forventet {report.expected.get(table)})"
            click.echo(f"  {table}: {count}{mark}")
        click.echo(f"Bilagsfiler gendannet: {report.files_restored}")
        for problem in report.file_problems:
            click.echo(f"  {problem}")
        if not report.ok:
            raise click.ClickException("Gendannelsen stemmer ikke med backuppen.")
        click.echo("Gendannelsen stemmer med backuppen.")


def register_api_commands(app: Flask) -> None:
    api = AppGroup("api", help="Personal access tokens for /api/v1.")

    @api.command("create-token")
    @click.option("--user", "email", required=True, help="The e-mail of the user the token acts as.")
    @click.option("--scopes", required=True, help="Comma- or space-separated, e.g. companies:read,openings:read.")
    @click.option("--days", type=int, default=90, show_default=True, help="Days until the token expires.")
    @click.option("--name", default="Script", show_default=True, help="What the token is for.")
    def create_token_command(email, scopes, days, name):
        """Create a token and print it once (it is stored only hashed)."""
        import sqlalchemy as sa

        from crm.models import User
        from crm.services.api_tokens import create_token

        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"Ingen bruger med e-mailen {email}.")
        try:
            made = create_token(user, name=name, scopes=scopes, days=days, actor=None)
        except ValidationError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(made.secret)
        click.echo(f"Nøgle {made.token.prefix}… til {user.email}, områder: {' '.join(made.token.scopes)}, "
                   f"udløber {made.token.expires_at:%Y-%m-%d}. Den vises kun denne ene gang.", err=True)

    app.cli.add_command(api)
