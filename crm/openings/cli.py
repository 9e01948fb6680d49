"""``flask openings remind``: e-mail employers about openings that need confirming."""

import click
from flask import current_app, url_for

from crm.openings import bp

# The blueprint's command group is "openings" (registered with the blueprint): `flask openings …`.
bp.cli.help = "Stillinger: påmindelser om at bekræfte åbne stillinger."


def _portal_link(base_url: str) -> str:
    with current_app.test_request_context(base_url=base_url):
        return url_for("portal.openings", _external=True)


@bp.cli.command("remind")
@click.option("--base-url", default=None,
              help="The site's public address for the link in the e-mail (default: PUBLIC_BASE_URL).")
def remind_command(base_url):
    """Send one reminder per employer about stale openings (safe to run several times a day).

    Runs as a job (kind ``openings.remind``) here and now, so it is recorded like any other job."""
    from crm.services.job_kinds import OPENINGS_REMIND
    from crm.services.jobs import run_now

    base_url = base_url or current_app.config["PUBLIC_BASE_URL"]
    job = run_now(OPENINGS_REMIND, {"link": _portal_link(base_url)})
    if job.status != "done":
        raise click.ClickException(job.error)
    for line in job.result["lines"]:
        click.echo(line)
