"""``flask jobs work``: the worker that runs queued jobs (locally, or on RQ when JOB_QUEUE_URL is set)."""

import signal
import time

import click
from flask import current_app

from crm.jobs import bp

bp.cli.help = "Kørsler: arbejderen, der udfører lange opgaver (import, påmindelser)."
# How long the local worker waits between looks at an empty queue.
POLL_SECONDS = 1.0
# How often an idle local worker queues a fold of the match index's delta into a new build (seconds).
INDEX_FOLD_SECONDS = 300


@bp.cli.command("work")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@click.option("--poll", type=float, default=POLL_SECONDS, show_default=True,
              help="Seconds between looks at an empty queue (local worker).")
def work_command(burst, poll):
    """Run queued jobs until stopped (Ctrl-C or SIGTERM finishes the current job first)."""
    from crm.services import jobs

    if current_app.config.get("JOB_QUEUE_URL"):
        import rq

        _requeue_stale()
        queue = jobs._rq_queue()
        click.echo(f"RQ-arbejder på køen {queue.name} ({current_app.config['JOB_QUEUE_URL']}).")
        rq.Worker([queue], connection=queue.connection).work(burst=burst)
        return
    stop = {"now": False}

    def _stop(_signum, _frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"Lokal arbejder {jobs.worker_name()} venter på kørsler.")
    last_fold = None
    try:
        while not stop["now"]:
            if last_fold is None or time.monotonic() - last_fold >= INDEX_FOLD_SECONDS:
                queue_index_fold()
                last_fold = time.monotonic()
            _requeue_stale()
            job_id = jobs.run_one_pending()
            if job_id is not None:
                click.echo(f"Kørsel {job_id} er afsluttet.")
            elif burst:
                break
            else:
                time.sleep(poll)
    except KeyboardInterrupt:
        pass


@bp.cli.command("requeue-stale")
def requeue_stale_command():
    """Queue again the jobs whose worker died (no lease renewal for JOB_LEASE_MINUTES); for cron with RQ."""
    _requeue_stale()


def _requeue_stale() -> None:
    from crm.services import jobs

    outcome = jobs.requeue_stale_jobs()
    for job_id in outcome["requeued"]:
        click.echo(f"Kørsel {job_id} mistede sin arbejder og er sat i kø igen.")
    for job_id in outcome["failed"]:
        click.echo(f"Kørsel {job_id} mistede sin arbejder for mange gange og er opgivet.")


def queue_index_fold() -> None:
    """Queue a build of the match index if the register moved since the last (the periodic fold)."""
    from crm.extensions import db
    from crm.services.job_kinds import request_index_build

    if request_index_build() is not None:
        db.session.commit()
