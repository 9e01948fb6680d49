"""``flask --app wsgi matching fit-weights`` (issue 14): on the demo data it prints learned against
current weights; on too few outcomes it refuses and says how many more it needs; ``--dry-run``
keeps nothing and ``--since`` leaves older lists out."""

import re
from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import MatchShown, WeightsFit
from crm.timeutil import today


def _fits(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(WeightsFit))


def test_on_too_few_outcomes_it_refuses_and_says_how_many_more(app, runner, browser, make_user, make_borger,
                                                               make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(email)
    browser.get(f"/borgere/{borger_id}/match")
    result = runner.invoke(args=["matching", "fit-weights", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 borgere, 0 udfald" in result.output
    assert "For få data" in result.output and "Der skal cirka 30 udfald mere til." in result.output
    assert "Prøvekørsel: intet gemt." in result.output and _fits(app) == 0
    assert "Beregning" in runner.invoke(args=["matching", "fit-weights"]).output and _fits(app) == 1


def test_since_leaves_older_lists_out(app, runner, browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(email)
    browser.get(f"/borgere/{borger_id}/match")
    with app.app_context():
        for row in db.session.scalars(sa.select(MatchShown)):
            row.shown_on = today() - timedelta(days=40)
        db.session.commit()
    since = (today() - timedelta(days=30)).isoformat()
    result = runner.invoke(args=["matching", "fit-weights", "--dry-run", "--since", since])
    assert f"data fra {since}" in result.output and "0 borgere, 0 udfald" in result.output


def test_a_malformed_since_is_refused(runner):
    result = runner.invoke(args=["matching", "fit-weights", "--since", "i går"])
    assert result.exit_code != 0 and "--since" in result.output


def test_on_the_demo_data_it_prints_the_comparison(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["matching", "fit-weights"])
    assert result.exit_code == 0, result.output
    assert "Alle borgere:" in result.output and "nDCG@10 lært:" in result.output
    lines = [line.split() for line in result.output.splitlines() if line.strip().startswith("hours ")]
    assert lines and lines[0][2] != "—"  # a learned weight for every component
    assert "Din vej i job:" in result.output
    # Danish numbers throughout: a decimal comma, never "0.953".
    assert re.search(r"nDCG@10 lært: +0,\d{3} \(0,\d{3}–", result.output), result.output
    assert not re.search(r"\d\.\d{3}", result.output)
    assert _fits(app) == 1
