"""Issue 14 in the app: what a match list showed is recorded (pseudonymously), "passer ikke" hides a
target with a reason, the records turn into graded outcomes, and they go with the borger's erasure,
the retention purge and into the right-of-access copy."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger, MatchFeedback, MatchShown, Opening, User
from crm.timeutil import today
from matcher.learning import Outcome
from matcher.scoring import COMPONENTS


@pytest.fixture
def vejleder(make_user):
    return make_user("vejleder")


@pytest.fixture
def shown(app, browser, vejleder, make_borger, make_partner):
    """A borger whose match list (two partner companies) the vejleder has opened."""
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lagerarbejde"])
    lager = make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    frisor = make_partner("Aarhus Frisørsalon", industry_text="Frisør")
    browser.login(vejleder)
    page = browser.get(f"/borgere/{borger_id}/match")
    assert page.status_code == 200
    return {"borger_id": borger_id, "lager": lager, "frisor": frisor, "html": page.get_data(as_text=True)}


def _rows(app, borger_id=None):
    with app.app_context():
        query = sa.select(MatchShown).order_by(MatchShown.rank)
        if borger_id is not None:
            query = query.where(MatchShown.borger_id == borger_id)
        return [{c.name: getattr(row, c.name) for c in MatchShown.__table__.columns}
                for row in db.session.scalars(query)]


def test_a_shown_list_records_only_ids_ranks_components_weights_version_and_date(app, shown):
    rows = _rows(app)
    assert [r["target_key"] for r in rows][:2] == [f"company:{shown['lager']}", f"company:{shown['frisor']}"]
    assert set(MatchShown.__table__.columns.keys()) == {
        "id", "borger_id", "target_key", "rank", "components", "weights_version", "shown_on"}
    for rank, row in enumerate(rows, start=1):
        assert row["borger_id"] == shown["borger_id"] and row["rank"] == rank and row["shown_on"] == today()
        assert row["weights_version"] == "standard"
        assert set(row["components"]) == set(COMPONENTS)
        assert all(isinstance(v, float) and 0 <= v <= 1 for v in row["components"].values())
    stored = json.dumps(rows, default=str)
    for text in ("Mette", "lagerarbejde", "Jyllands", "Lager", "Frisør", "punktlig"):
        assert text not in stored, text


def test_the_same_list_opened_again_the_same_day_is_recorded_once(app, browser, vejleder, shown, clock):
    browser.get(f"/borgere/{shown['borger_id']}/match")
    assert len(_rows(app)) == 2
    clock.shift(timedelta(days=1))
    browser.login(vejleder)  # the session has timed out overnight
    assert browser.get(f"/borgere/{shown['borger_id']}/match").status_code == 200
    assert len(_rows(app)) == 4


def test_the_match_page_says_which_weights_version_ranked_it(shown):
    assert 'data-weights-version="standard"' in shown["html"]
    assert "Rangeret med standardvægtene" in shown["html"]


def _not_a_fit(browser, shown, target, reason):
    return browser.post_form(f"/borgere/{shown['borger_id']}/passer-ikke", {"target": target, "reason": reason},
                             form_page=f"/borgere/{shown['borger_id']}/match", follow_redirects=True)


def test_passer_ikke_hides_the_target_for_the_borger_and_keeps_the_reason(app, browser, shown):
    page = _not_a_fit(browser, shown, f"company:{shown['lager']}", "for_langt_vaek")
    html = page.get_data(as_text=True)
    assert "Matchet er skjult for borgeren" in html
    assert "Jyllands Lager ApS" not in html and "Aarhus Frisørsalon" in html
    with app.app_context():
        feedback = db.session.scalar(sa.select(MatchFeedback))
        assert (feedback.borger_id, feedback.target_key, feedback.reason) == (
            shown["borger_id"], f"company:{shown['lager']}", "for_langt_vaek")
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "match.not_a_fit"))
        assert event.object_id == str(shown["borger_id"]) and event.details["reason"] == "for_langt_vaek"


def test_passer_ikke_on_one_opening_leaves_the_company_and_its_other_openings(app, browser, vejleder, make_borger,
                                                                               make_partner, make_opening):
    borger_id = make_borger(vejleder, wishes=["lagerarbejde"])
    company_id = make_partner("Nordlager A/S", industry_text="Lager")
    first = make_opening(company_id, title="Lagermedarbejder nat")
    make_opening(company_id, title="Lagermedarbejder dag")
    browser.login(vejleder)
    url = f"/borgere/{borger_id}/match"
    browser.post_form(f"/borgere/{borger_id}/passer-ikke", {"target": f"opening:{first}", "reason": "timer"},
                      form_page=url)
    html = browser.get(url).get_data(as_text=True)
    assert "Lagermedarbejder nat" not in html
    assert "Lagermedarbejder dag" in html and "Nordlager A/S" in html


def test_passer_ikke_without_a_reason_is_refused_in_danish(app, browser, shown):
    html = _not_a_fit(browser, shown, f"company:{shown['lager']}", "").get_data(as_text=True)
    assert "Vælg hvorfor matchet ikke passer." in html
    assert "Jyllands Lager ApS" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchFeedback)) == 0


@pytest.mark.parametrize("target", ["virksomhed:1", "company:abc", "company:"])
def test_passer_ikke_on_a_tampered_target_changes_nothing(app, browser, shown, target):
    page = _not_a_fit(browser, shown, target, "andet")
    assert page.status_code == 200 and "Ukendt match." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchFeedback)) == 0


def test_a_target_marked_passer_ikke_is_left_out_of_its_reverse_match(app, browser, make_user, shown):
    _not_a_fit(browser, shown, f"company:{shown['lager']}", "vil_ikke")
    html = browser.get(f"/borgere/til-virksomhed/{shown['lager']}").get_data(as_text=True)
    assert "Mette" not in html
    assert "Mette" in browser.get(f"/borgere/til-virksomhed/{shown['frisor']}").get_data(as_text=True)


def _labels(app):
    from crm.services.match_feedback import labelled_targets

    keys = [r["target_key"] for r in _rows(app)]  # one borger, one day: the same order
    with app.app_context():
        return {key: item.outcome for key, item in zip(keys, labelled_targets(), strict=True)}


def test_the_records_turn_into_graded_outcomes(app, browser, shown, vejleder, make_partner):
    browser.post_form(f"/borgere/{shown['borger_id']}/kortliste", {"target": f"company:{shown['frisor']}"},
                      form_page=f"/borgere/{shown['borger_id']}/match")
    assert _labels(app) == {f"company:{shown['lager']}": Outcome.PASSED_OVER,
                            f"company:{shown['frisor']}": Outcome.SHORTLISTED}
    _not_a_fit(browser, shown, f"company:{shown['lager']}", "forkert_fag")
    assert _labels(app)[f"company:{shown['lager']}"] == Outcome.NOT_A_FIT


def test_a_job_start_and_three_months_in_it_are_the_best_outcomes(app, browser, shown, vejleder):
    from crm.models import Placement
    from crm.services.outcomes import record_outcome
    from crm.services.placements import advance

    browser.post_form(f"/borgere/{shown['borger_id']}/kortliste", {"target": f"company:{shown['lager']}"},
                      form_page=f"/borgere/{shown['borger_id']}/match")
    with app.app_context():
        placement = db.session.scalar(sa.select(Placement))
        actor = db.session.scalar(sa.select(User).where(User.email == vejleder))
        advance(placement, "job", on_date=today(), actor=actor, hours_per_week=15)
        db.session.commit()
    assert _labels(app)[f"company:{shown['lager']}"] == Outcome.JOB_STARTED
    with app.app_context():
        borger = db.session.get(Borger, shown["borger_id"])
        actor = db.session.scalar(sa.select(User).where(User.email == vejleder))
        record_outcome(borger, "retained_13w", on_date=today(), actor=actor)  # by hand: for the borger's job
        db.session.commit()
    assert _labels(app)[f"company:{shown['lager']}"] == Outcome.RETAINED_3M


def test_a_job_start_at_a_loentilskud_opening_counts_as_a_stepping_stone(app, vejleder, make_borger, make_partner,
                                                                          make_opening):
    from crm.models import Company, Placement
    from crm.services.match_feedback import outcome_of
    from crm.services.placements import advance, shortlist

    borger_id = make_borger(vejleder)
    company_id = make_partner("Nordlager A/S", industry_text="Lager")
    opening_id = make_opening(company_id, kind="loentilskud")
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        placement = shortlist(borger, company=db.session.get(Company, company_id),
                              opening=db.session.get(Opening, opening_id), score=None, components={},
                              reasons=[], actor=borger.vejleder)
        advance(placement, "job", on_date=today(), actor=borger.vejleder, hours_per_week=10)
        db.session.flush()
        assert outcome_of(db.session.get(Placement, placement.id), retained=False) == Outcome.PRAKTIK_STARTED
        db.session.rollback()


def test_erasing_the_borger_erases_the_shown_lists_and_passer_ikke(app, browser, make_teamleder, shown):
    _not_a_fit(browser, shown, f"company:{shown['lager']}", "andet")
    teamleder, programme_id = make_teamleder()
    with app.app_context():  # erasure is the teamleder's, for a borger in the programme they lead
        db.session.get(Borger, shown["borger_id"]).programme_id = programme_id
        db.session.commit()
    browser.logout()
    browser.login(teamleder)
    browser.post_form(f"/borgere/{shown['borger_id']}/slet", {}, form_page=f"/borgere/{shown['borger_id']}")
    with app.app_context():
        assert db.session.get(Borger, shown["borger_id"]) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchShown)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchFeedback)) == 0


def test_the_retention_purge_removes_shown_lists_older_than_the_retention_period(app, runner, shown):
    retention = app.config["BORGER_RETENTION_DAYS"]
    with app.app_context():
        old, recent = db.session.scalars(sa.select(MatchShown).order_by(MatchShown.rank)).all()
        old.shown_on = today() - timedelta(days=retention + 1)
        recent.shown_on = today() - timedelta(days=retention - 1)
        db.session.commit()
    dry = runner.invoke(args=["borgere", "purge", "--dry-run"])
    assert "1 visninger på matchlister" in dry.output and len(_rows(app)) == 2
    result = runner.invoke(args=["borgere", "purge"])
    assert result.exit_code == 0, result.output
    assert [r["shown_on"] for r in _rows(app)] == [today() - timedelta(days=retention - 1)]


def test_the_right_of_access_copy_mentions_the_shown_lists_and_passer_ikke(app, browser, shown):
    _not_a_fit(browser, shown, f"company:{shown['frisor']}", "arbejdsmiljoe")
    html = browser.get(f"/borgere/{shown['borger_id']}/indsigt").get_data(as_text=True)
    assert "Virksomheder og stillinger vist for dig" in html and "2 forslag vist på matchlisten" in html
    assert "Aarhus Frisørsalon (arbejdsmiljøet)" in html
    assert "Markerede et forslag som «passer ikke»" in html
    data = browser.get(f"/borgere/{shown['borger_id']}/indsigt.json").get_json()
    assert [row["target"] for row in data["match_lists_shown"]] == ["Jyllands Lager ApS", "Aarhus Frisørsalon"]
    assert data["match_lists_shown"][0]["rank"] == 1 and data["match_lists_shown"][0]["weights_version"] == "standard"
    assert data["not_a_fit"] == [{"date": today().isoformat(), "target": "Aarhus Frisørsalon",
                                  "reason": "Arbejdsmiljøet"}]
