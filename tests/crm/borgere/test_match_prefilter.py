"""Issue 12, point 4: the pre-filter (reach, kinds, exclusions, staleness) run in the database
gives the same match lists as the index's own, on SQLite and PostgreSQL."""

import pytest

from crm.extensions import db
from crm.models import Borger, Company, Opening
from crm.services import matching
from crm.timeutil import today


@pytest.fixture
def register(app, make_partner, make_opening):
    """Companies and openings near and far, of every kind, some stale, closed or ended."""
    near = [make_partner(f"Aarhus {i}", postcode=pc, industry_text=text, industry_code=code)
            for i, (pc, text, code) in enumerate([("8000", "Lager", "H"), ("8200", "Kantine", "I"),
                                                   ("8210", "Butik", "G"), ("8000", "Rengøring", "N")])]
    far = make_partner("Holstebro Lager", postcode="7500", industry_text="Lager")
    ended = make_partner("Lukket Lager", postcode="8000", industry_text="Lager")
    kinds = ["job", "flexjob", "praktik", "loentilskud", "uddannelse"]
    openings = {}
    for i, company_id in enumerate(near + [far, ended]):
        for j, kind in enumerate(kinds[: 2 + i % 3]):
            openings[(company_id, kind)] = make_opening(
                company_id, kind=kind, title=["Lagermedarbejder", "Kok", "Butiksassistent"][j % 3],
                days_unconfirmed=70 if (i + j) % 4 == 0 else 5)
    with app.app_context():
        db.session.get(Company, ended).status = "ophoert"
        db.session.get(Opening, openings[(near[0], "job")]).status = "lukket"
        db.session.commit()
    return {"near": near, "far": far, "openings": openings}


def _borgere(app, make_user, make_borger, register):
    email = make_user("vejleder")
    ids = [
        make_borger(email, wishes=["lager"], transport="bike", max_travel_minutes=30),
        make_borger(email, wishes=["kok"], transport="car", max_travel_minutes=60),
        make_borger(email, wishes=["butik"], transport="public", max_travel_minutes=45),
        make_borger(email, wishes=[], transport="walk", max_travel_minutes=20),
    ]
    with app.app_context():
        b = db.session.get(Borger, ids[1])
        b.excluded_company_ids = [register["near"][1]]
        b.excluded_industries = ["G"]
        db.session.get(Borger, ids[2]).accepts = ["job", "company", "flexjob"]
        db.session.commit()
    return ids


def _lists(app, borger_ids):
    with app.app_context():
        return [[(r.target_key, r.match.score, r.match.reasons) for r in
                 matching.matches_for(db.session.get(Borger, i), limit=100)] for i in borger_ids]


def test_the_database_pre_filter_gives_the_same_match_lists(app, make_app, make_user, make_borger, register):
    borger_ids = _borgere(app, make_user, make_borger, register)
    in_memory = _lists(app, borger_ids)
    in_database = _lists(make_app(MATCH_PREFILTER="database"), borger_ids)
    assert in_database == in_memory
    assert all(in_memory[:3])


def test_the_database_pre_filter_leaves_out_what_the_borger_cannot_get(app, make_user, make_borger, register):
    borger_ids = _borgere(app, make_user, make_borger, register)
    with app.app_context():
        everything = {t.id for t in matching.build_targets()}
        found = {}
        for i in borger_ids[:2]:
            borger = db.session.get(Borger, i)
            candidate = matching.candidate_for(borger)
            keys = matching.reachable_keys_in_db(borger, candidate, today())
            ranked = {m.target_id for m in matching.current_index().rank(candidate, limit=1000)}
            assert ranked <= keys < everything
            found[i] = keys
    assert f"company:{register['far']}" not in found[borger_ids[0]]  # 110 km by bike
    assert f"company:{register['near'][1]}" not in found[borger_ids[1]]  # excluded by the vejleder
