"""``flask openings remind``: e-mail employers about openings that need confirming."""

import click
from flask import current_app, url_for

from crm.extensions import db
from crm.openings import bp

# The blueprint's command group is "openings" (registered with the blueprint): `flask openings …`.
bp.cli.help = "Stillinger: påmindelser om at bekræfte åbne stillinger."


def _portal_link(base_url: str) -> str:
    with current_app.test_request_context(base_url=base_url):
        return url_for("portal.openings", _external=True)


@bp.cli.command("remind")
@click.option("--base-url", default=None,
              help="The site's public address for the link in the e-mail (default: PUBLIC_BASE_URL "
                   "or http://localhost:5000).")
def remind_command(base_url):
    """Send one reminder per employer about stale openings (safe to run several times a day)."""
    from crm.services.reminders import send_reminders

    base_url = base_url or current_app.config.get("PUBLIC_BASE_URL") or "http://localhost:5000"
    reminders = send_reminders(link=_portal_link(base_url))
    db.session.commit()
    if not reminders:
        click.echo("Ingen stillinger skal bekræftes.")
    for reminder in reminders:
        titles = ", ".join(o.title for o in reminder.openings)
        if reminder.sent:
            emails = ", ".join(u.email for u in reminder.recipients)
            click.echo(f"Påmindelse sendt til {emails} ({reminder.company.name}): {titles}")
        else:
            click.echo(f"Ingen portalbruger hos {reminder.company.name}; ring til dem om: {titles}")
