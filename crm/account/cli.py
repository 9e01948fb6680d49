"""``flask digest send``: the staff's daily e-mail digest, for the scheduler."""

import click
from flask import current_app

from crm.account import bp

bp.cli.help = "Dagligt overblik: e-mail til hver medarbejder om opgaver, efterværn, aftaler, svar og stillinger."


@bp.cli.command("send")
@click.option("--base-url", default=None,
              help="The site's public address for the links in the e-mail (default: PUBLIC_BASE_URL).")
def send_command(base_url):
    """Send today's digest to every staff user (once per user and Danish day; empty ones are not sent).

    Runs as a job (kind ``digest.send``) here and now, so it is recorded like any other job."""
    from crm.services.job_kinds import DIGEST_SEND
    from crm.services.jobs import run_now

    base_url = base_url or current_app.config["PUBLIC_BASE_URL"]
    job = run_now(DIGEST_SEND, {"base_url": base_url})
    if job.status != "done":
        raise click.ClickException(job.error)
    for line in job.result["lines"]:
        click.echo(line)
