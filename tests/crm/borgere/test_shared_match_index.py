"""Issue 12: one persisted match index per machine, shared by every worker, kept current by a
delta; no request builds a full index of a large register."""

import os
from datetime import timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Opening
from crm.services import matching


@pytest.fixture
def large(monkeypatch):
    """Treat every register as too large to be indexed during a request."""
    monkeypatch.setattr(matching, "BUILD_ON_REQUEST_MAX", 0)


def _new_process(monkeypatch):
    """What a freshly started worker has: nothing mapped, nothing cached."""
    monkeypatch.setattr(matching, "_bases", {})
    monkeypatch.setattr(matching, "_live", {})


def _mapped_file(array) -> str:
    while array is not None and not isinstance(array, np.memmap):
        array = array.base
    assert array is not None, "the array is not memory-mapped"
    return str(array.filename)


def _later(clock):
    """Past the delta's margin: what was stamped before the build is no longer in any delta."""
    clock.shift(matching.DELTA_MARGIN + timedelta(seconds=1))


def _keys(rows):
    return [row.target_key for row in rows]


def test_two_workers_map_the_same_index_files(app, make_app, make_partner, full_builds, large, monkeypatch):
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    with app.app_context():
        path = matching.build_index()
        first = matching.current_index().base
    _new_process(monkeypatch)  # the second worker is another process
    second_app = make_app()
    with second_app.app_context():
        second = matching.current_index().base
    assert second is not first
    for name in ("lat_", "offers_", "employer_"):
        a, b = _mapped_file(getattr(first, name)), _mapped_file(getattr(second, name))
        assert a == b and os.path.dirname(a) == str(path)
        assert os.stat(a).st_ino == os.stat(b).st_ino
    assert _mapped_file(first.description_.matrix_.data) == _mapped_file(second.description_.matrix_.data)
    assert full_builds["n"] == 1


def test_a_new_opening_reaches_the_second_workers_match_list_without_a_rebuild(
        app, make_app, make_user, make_borger, make_partner, make_opening, full_builds, large, monkeypatch, clock):
    borger_id = make_borger(make_user("vejleder"), wishes=["kok"])
    company_id = make_partner("Kantinen ApS", industry_text="Kantine")
    with app.app_context():
        matching.build_index()
    _later(clock)
    second_app = make_app()
    with second_app.app_context():
        before = _keys(matching.matches_for(db.session.get(matching.Borger, borger_id)))
    opening_id = make_opening(company_id, title="Kok", description="Madlavning i kantinen")
    _new_process(monkeypatch)
    with second_app.app_context():
        after = _keys(matching.matches_for(db.session.get(matching.Borger, borger_id)))
    assert f"opening:{opening_id}" not in before
    assert after[0] == f"opening:{opening_id}"
    assert full_builds["n"] == 1


def test_a_company_edit_reaches_the_match_list_without_a_rebuild(
        app, make_user, make_borger, make_partner, full_builds, large, clock):
    borger_id = make_borger(make_user("vejleder"), wishes=["lagerarbejde"])
    office = make_partner("Kontorhuset", industry_text="Kontor")
    make_partner("Frisøren", industry_text="Frisør")
    with app.app_context():
        matching.build_index()
        _later(clock)
        before = matching.match_for_target(db.session.get(matching.Borger, borger_id), f"company:{office}")
        db.session.get(Company, office).industry_text = "Lager og logistik"
        db.session.commit()
        after = matching.match_for_target(db.session.get(matching.Borger, borger_id), f"company:{office}")
    assert not any("lager" in reason.lower() for reason in before.match.reasons)
    assert any("Lager og logistik" in reason for reason in after.match.reasons)
    assert after.match.components["wishes"] > before.match.components["wishes"]
    assert full_builds["n"] == 1


def test_a_closed_opening_never_appears_again(app, make_user, make_borger, make_partner, make_opening,
                                              full_builds, large, clock):
    borger_id = make_borger(make_user("vejleder"), wishes=["lagermedarbejder"])
    opening_id = make_opening(make_partner("Nordlager A/S", industry_text="Lager"))
    with app.app_context():
        matching.build_index()
        _later(clock)
        borger = db.session.get(matching.Borger, borger_id)
        assert f"opening:{opening_id}" in _keys(matching.matches_for(borger))
        db.session.get(Opening, opening_id).status = "lukket"
        db.session.commit()
        assert f"opening:{opening_id}" not in _keys(matching.matches_for(borger, limit=500))
    assert full_builds["n"] == 1


def test_the_delta_holds_only_what_changed_since_the_build(app, make_partner, make_opening, clock):
    companies = [make_partner(f"Firma {i}") for i in range(5)]
    openings = [make_opening(company_id) for company_id in companies]
    _later(clock)
    # Written just before the build starts: stays in the delta until the next build.
    newest = make_partner("Nyeste ApS")
    newest_opening = make_opening(newest)
    with app.app_context():
        matching.build_index()
        _later(clock)
        db.session.get(Company, companies[2]).industry_text = "Lager"
        db.session.commit()
        live = matching.current_index()
    assert sorted(live.delta.target_ids()) == sorted(
        [f"company:{companies[2]}", f"opening:{openings[2]}", f"company:{newest}", f"opening:{newest_opening}"])
    assert len(live) == 12


def test_a_deleted_company_never_appears_again(app, make_user, make_borger, make_partner, full_builds, large):
    borger_id = make_borger(make_user("vejleder"))
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    make_partner("Aarhus Lager", industry_text="Lager")
    with app.app_context():
        matching.build_index()
        db.session.execute(sa.delete(Company).where(Company.id == company_id))
        db.session.commit()
        index = matching.current_index()
        candidate = matching.candidate_for(db.session.get(matching.Borger, borger_id))
        keys = [m.target_id for m in index.rank(candidate, limit=500)]
    assert f"company:{company_id}" not in keys and keys and len(index) == 1


def test_a_started_worker_serves_the_newest_build_at_once(app, make_partner, full_builds, large, monkeypatch):
    make_partner("Første ApS")
    with app.app_context():
        matching.build_index()
        make_partner("Anden ApS")
        newest = matching.build_index()
    _new_process(monkeypatch)
    with app.app_context():
        index = matching.current_index()
    assert _mapped_file(index.base.lat_).startswith(str(newest)) and len(index) == 2
    assert full_builds["n"] == 2


def test_a_large_register_without_an_index_says_it_is_being_built(
        app, browser, make_user, make_borger, make_partner, full_builds, large):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(email)
    response = browser.get(f"/borgere/{borger_id}/match")
    assert response.status_code == 200
    assert "Matchlisten er ved at blive bygget" in response.get_data(as_text=True)
    assert full_builds["n"] == 0
    with app.app_context():
        assert matching.newest_build() is None


def test_a_tiny_register_is_indexed_once_by_the_first_request(app, make_partner, full_builds):
    make_partner("Første ApS")
    with app.app_context():
        matching.current_index()
        matching.current_index()
        assert matching.newest_build() is not None
    assert full_builds["n"] == 1


def test_a_build_is_written_whole_and_old_builds_are_pruned(app, make_partner):
    make_partner("Første ApS")
    with app.app_context():
        paths = [matching.build_index() for _ in range(matching.BUILDS_KEPT + 2)]
        folder = matching.index_directory()
    assert sorted(os.listdir(folder)) == sorted(p.name for p in paths[-matching.BUILDS_KEPT:])
    assert (paths[-1] / "manifest.json").exists()


def test_another_database_gets_another_index_folder(app, make_app):
    with app.app_context():
        mine = matching.index_directory()
    other = make_app(SQLALCHEMY_DATABASE_URI="sqlite:///" + os.devnull)
    with other.app_context():
        assert matching.index_directory() != mine


def test_build_index_command_builds_and_skips_an_unchanged_register(app, runner, make_partner):
    make_partner("Første ApS")
    result = runner.invoke(args=["matching", "build-index"])
    assert result.exit_code == 0 and "Matchindeks bygget" in result.output
    result = runner.invoke(args=["matching", "build-index", "--if-changed"])
    assert result.exit_code == 0 and "Uændret" in result.output
    make_partner("Anden ApS")
    result = runner.invoke(args=["matching", "build-index", "--if-changed"])
    assert "Matchindeks bygget" in result.output


def test_a_match_page_without_an_index_queues_one_build_that_the_worker_runs(
        app, browser, make_user, make_borger, make_partner, full_builds, large, run_jobs):
    from crm.models import Job
    from crm.services.job_kinds import MATCH_INDEX_BUILD

    email = make_user("vejleder")
    borger_id = make_borger(email)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(email)
    for _ in range(2):  # a reload while it waits queues no second build
        assert "Matchlisten er ved at blive bygget" in browser.get(f"/borgere/{borger_id}/match").get_data(
            as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(Job.kind)).all() == [MATCH_INDEX_BUILD]
    assert full_builds["n"] == 0  # no request built it
    run_jobs()
    assert full_builds["n"] == 1
    page = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Matchlisten er ved at blive bygget" not in page and "Jyllands Lager ApS" in page


def test_an_idle_local_worker_folds_the_delta_into_a_new_build_when_the_register_moved(
        app, make_partner, full_builds, large, clock):
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    with app.app_context():
        first = matching.build_index()
    _later(clock)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert full_builds["n"] == 1  # nothing moved: no new build
    make_partner("Aarhus Kantine ApS", industry_text="Kantine")
    _later(clock)
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert full_builds["n"] == 2
    with app.app_context():
        assert matching.newest_build() != first
