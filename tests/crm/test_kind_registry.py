"""The one kind table (matcher/kinds.py) and every place that derives from it agree, and a target of a
kind the table does not know is left out of the match list rather than breaking it."""

import logging

import numpy as np
import sqlalchemy as sa

import matcher
from crm.extensions import db
from crm.models import Opening
from crm.models.opening import OPENING_KIND_LABELS, OpeningKind
from crm.models.programme import OutcomeKind
from crm.services import reports
from crm.services.matching import KIND_LABELS
from crm.services.placements import JOB_START_OUTCOMES
from matcher import index, kinds, scoring, types
from matcher.kinds import REGISTRY

K = OutcomeKind


def test_the_apps_opening_kinds_are_the_tables_posted_kinds_with_its_labels():
    assert [k.value for k in OpeningKind] == [k.code for k in REGISTRY if k.posted]
    assert {k.value: label for k, label in OPENING_KIND_LABELS.items()} == {
        k.code: k.label for k in REGISTRY if k.posted
    }
    assert OpeningKind.JOB == "job" and OpeningKind.FLEXJOB.label == "Fleksjob"
    assert [k.code for k in REGISTRY if not k.posted] == ["company"]


def test_every_code_fits_the_database_column():
    assert all(len(k.code) <= Opening.__table__.c.kind.type.length for k in REGISTRY)


def test_the_matchers_kind_list_scores_labels_and_implied_offers_are_the_tables():
    assert matcher.KINDS == types.KINDS == tuple(k.code for k in REGISTRY)
    assert matcher.KIND_SCORE == scoring.KIND_SCORE == {k.code: k.score for k in REGISTRY}
    assert np.allclose(scoring.kind_scores(np.arange(len(REGISTRY))), [k.score for k in REGISTRY])
    assert index.IMPLIED_OFFERS == {k.code: k.implied_offer for k in REGISTRY if k.implied_offer}
    assert index.KIND_LABEL == {k.code: k.label for k in REGISTRY}


def test_the_apps_kind_labels_are_the_tables():
    assert KIND_LABELS == {k.code: k.label for k in REGISTRY}


def test_the_kind_choices_in_the_forms_are_the_tables():
    from crm.borgere.forms import BorgerForm
    from crm.openings.forms import kind_choices

    assert [c.value for c in kind_choices()] == [k.code for k in REGISTRY if k.posted]
    assert [c.value for c in BorgerForm.accepts.kwargs["choices"]] == [k.code for k in REGISTRY]


def test_a_start_records_the_outcome_the_table_names():
    assert set(JOB_START_OUTCOMES) == {k.code for k in REGISTRY}
    assert {code: outcome.value for code, outcome in JOB_START_OUTCOMES.items()} == {
        k.code: k.outcome for k in REGISTRY
    }
    assert {k.outcome for k in REGISTRY} <= {o.value for o in OutcomeKind}


def test_the_report_sets_are_drawn_from_the_outcome_classes():
    outcome = {k.code: K(k.outcome) for k in REGISTRY}
    assert reports.JOB_STARTS == {outcome["job"], outcome["flexjob"], outcome["loentilskud"]}
    assert reports.COMPETITIVE_STARTS == {K.ORDINARY_JOB_START}
    assert reports.RETENTION_STARTS == reports.JOB_STARTS | {K.EDUCATION_START}
    composite = {code: kinds_ for code, (_, kinds_) in reports.COMPOSITE_OUTCOMES.items()}
    assert composite["job_or_education"] == {K.ORDINARY_JOB_START, K.FLEXJOB_START, K.EDUCATION_START}
    assert composite["ordinary_job"] == {K.ORDINARY_JOB_START, K.FLEXJOB_START}
    assert composite["onward"] == set(outcome.values()) | {K.FLEXJOB_CLARIFIED}
    assert composite["praktik"] == {K.PRAKTIK_START}
    assert dict(reports.TIME_SERIES)["Praktik eller løntilskud"] == {K.PRAKTIK_START, K.LOENTILSKUD_START}
    for kind in REGISTRY:
        counted = {code for code, starts in composite.items() if outcome[kind.code] in starts}
        assert ("job_or_education" in counted) == (kind.outcome_class in kinds.JOB_OR_EDUCATION)
        assert (outcome[kind.code] in reports.JOB_STARTS) == (kind.outcome_class in kinds.PAID_WORK)


def test_a_target_of_an_unknown_kind_is_left_out_of_the_match_page_with_a_warning(
    app, browser, make_user, make_borger, make_partner, make_opening, caplog
):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagermedarbejder"])
    company_id = make_partner("Nordlager A/S", industry_text="Lager")
    make_opening(company_id, title="Lagermedarbejder")
    odd = make_opening(company_id, title="Lagerelev")
    with app.app_context():
        # A kind written by another version of the app, unknown to this one's kind table.
        db.session.execute(sa.update(Opening).where(Opening.id == odd).values(kind="laerling"))
        db.session.commit()
    browser.login(email)
    with caplog.at_level(logging.WARNING, logger="crm.services.matching"):
        response = browser.get(f"/borgere/{borger_id}/match")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lagermedarbejder" in html and "Lagerelev" not in html
    assert any("laerling" in r.getMessage() for r in caplog.records)


def test_a_borger_open_to_an_unknown_kind_is_matched_on_the_kinds_the_table_knows(
    app, browser, make_user, make_borger, make_partner, make_opening
):
    from crm.models import Borger

    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagermedarbejder"])
    make_opening(make_partner("Nordlager A/S", industry_text="Lager"), title="Lagermedarbejder")
    with app.app_context():
        db.session.get(Borger, borger_id).accepts = ["job", "laerling"]
        db.session.commit()
    browser.login(email)
    response = browser.get(f"/borgere/{borger_id}/match")
    assert response.status_code == 200
    assert "Lagermedarbejder" in response.get_data(as_text=True)


def test_an_opening_of_an_unknown_kind_still_shows_on_the_company_page(
    app, browser, make_user, make_partner, make_opening
):
    email = make_user("konsulent")
    company_id = make_partner("Nordlager A/S", industry_text="Lager")
    odd = make_opening(company_id, title="Lagerelev")
    with app.app_context():
        db.session.execute(sa.update(Opening).where(Opening.id == odd).values(kind="laerling"))
        db.session.commit()
    browser.login(email)
    response = browser.get(f"/virksomheder/{company_id}")
    assert response.status_code == 200
    assert "Lagerelev" in response.get_data(as_text=True)
