"""``flask --app wsgi matching fit-weights``: fit the match weights from outcomes and compare."""

from datetime import date

import click
from flask.cli import AppGroup

from crm.extensions import db
from crm.formatting import format_number
from matcher.scoring import COMPONENTS


def _ndcg(value, ci) -> str:
    if value is None:
        return "—"
    text = format_number(value, 3)
    return f"{text} ({format_number(ci[0], 3)}–{format_number(ci[1], 3)})" if ci else text


def echo_comparison(result: dict) -> None:
    """Print one comparison (``Comparison.as_dict``): counts, weights side by side, nDCG@10."""
    from crm.services.match_weights import verdict_text

    click.echo(f"  {result['borgere']} borgere, {result['outcomes']} udfald, {result['lists']} lister med et godt "
               f"udfald ({result['judged_lists']} vurderet på borgere, vægtene ikke er lært på)")
    learned = result["learned"]
    click.echo(f"  {'delpoint':<12}{'nuværende':>10}{'lært':>10}")
    for name in COMPONENTS:
        click.echo(f"  {name:<12}{format_number(result['current'][name], 3):>10}"
                   f"{(format_number(learned[name], 3) if learned else '—'):>10}")
    click.echo(f"  nDCG@10 nuværende: {_ndcg(result['current_ndcg'], result['current_ci'])}")
    click.echo(f"  nDCG@10 lært:      {_ndcg(result['learned_ndcg'], result['learned_ci'])}")
    click.echo(f"  {verdict_text(result)}")


def register_fit_weights(group: AppGroup) -> None:
    @group.command("fit-weights")
    @click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Only lists shown on or after this date (YYYY-MM-DD).")
    @click.option("--dry-run", is_flag=True, help="Only print the comparison; keep nothing.")
    def fit_weights_command(since, dry_run):
        """Fit the component weights from the outcomes of shown matches and compare them with the
        current ones on held-out borgere (an admin adopts them on /admin/vaegte)."""
        from crm.services.match_weights import compute_fit, save_fit, weights_in_force

        since_date: date | None = since.date() if since else None
        in_force = weights_in_force()
        report = compute_fit(since=since_date)
        click.echo(f"Vægte i brug: {in_force.description} ({in_force.label})"
                   + (f"; data fra {since_date.isoformat()}" if since_date else ""))
        click.echo("Alle borgere:")
        echo_comparison(report["all"])
        for programme in report["programmes"]:
            click.echo(f"{programme['name']}:")
            echo_comparison(programme)
        overall = report["all"]
        if not overall["suggest"]:
            needed = overall["more_outcomes_needed"]
            click.echo("Ingen vægte foreslås." + (f" Der skal cirka {needed} udfald mere til." if needed else ""))
        if dry_run:
            db.session.rollback()
            click.echo("Prøvekørsel: intet gemt.")
            return
        fit = save_fit(report, since=since_date, actor=None)
        db.session.commit()
        click.echo(f"Beregning {fit.id} er gemt; en administrator kan se den og tage vægtene i brug på /admin/vaegte.")
