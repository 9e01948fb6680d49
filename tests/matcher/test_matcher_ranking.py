"""One test per ranking rule; each compares targets that differ only in what the rule is about."""

from datetime import timedelta

import pytest
from matcher_fixtures import HOME, TODAY, ids

from matcher import COMPONENTS, KINDS, MatchIndex, Weights, rank

# 1. Wishes first ---------------------------------------------------------------------------------

def test_wished_job_farther_away_beats_unwished_job_next_door(make_candidate, make_target, ranked):
    wished = make_target("wished", title="Lagermedarbejder", at=(HOME[0] + 0.04, HOME[1]))
    next_door = make_target("next-door", title="Kontorassistent", at=HOME, offers={"mentor"}, partner=True)
    assert ids(ranked(make_candidate(wishes=["pluk og pak"]), [next_door, wished]))[0] == "wished"


def test_candidate_without_wishes_still_gets_matches(make_candidate, make_target, ranked):
    matches = ranked(make_candidate(wishes=[]), [make_target("a"), make_target("b")])
    assert len(matches) == 2 and all(m.components["wishes"] == 0.5 for m in matches)


# 2. Strengths ------------------------------------------------------------------------------------

def test_strengths_that_meet_the_skills_count(make_candidate, make_target, ranked):
    fits = make_target("fits", skills=["truckcertifikat", "ordenssans"])
    other = make_target("other", skills=["regnskab", "excel"])
    matches = ranked(make_candidate(strengths=["Har truckcertifikat", "ordentlig"]), [other, fits])
    assert ids(matches)[0] == "fits"
    assert matches[0].components["strengths"] > matches[1].components["strengths"]


def test_strengths_found_in_the_description_count(make_candidate, make_target, ranked):
    fits = make_target("fits", description="Du er god til at tale med kunder og har kundeservice i blodet.")
    other = make_target("other", description="Du kører truck og holder orden på lageret.")
    assert ids(ranked(make_candidate(strengths=["kundeservice"]), [other, fits]))[0] == "fits"


# 4. Hours ----------------------------------------------------------------------------------------

def test_hours_that_can_start_within_the_range_beat_hours_that_cannot(make_candidate, make_target, ranked):
    fits = make_target("fits", hours_min=25.0, hours_max=37.0)
    too_many = make_target("too-many", hours_min=37.0, hours_max=37.0)
    c = make_candidate(hours_min=20.0, hours_max=30.0)
    assert ids(ranked(c, [too_many, fits])) == ["fits", "too-many"]


@pytest.mark.parametrize(
    "kind, offers", [("job", {"low_hours_start"}), ("job", {"gradual_increase"}), ("flexjob", set())]
)
def test_low_hour_starts_and_flexjob_suit_a_borger_with_few_hours(
    make_candidate, make_target, ranked, kind, offers
):
    low_start = make_target("low-start", kind=kind, hours_min=15.0, hours_max=37.0, offers=offers)
    plain = make_target("plain", hours_min=15.0, hours_max=37.0)
    matches = ranked(make_candidate(hours_min=4.0, hours_max=8.0), [plain, low_start])
    assert ids(matches)[0] == "low-start"
    assert matches[0].components["hours"] >= 0.9 > 0.5 > matches[1].components["hours"]


# 5. Needs ----------------------------------------------------------------------------------------

def test_target_offering_what_the_borger_needs_wins(make_candidate, make_target, ranked):
    offers = make_target("offers", offers={"mentor", "quiet"})
    lacks = make_target("lacks", offers={"quiet"})
    matches = ranked(make_candidate(needs={"mentor", "quiet"}), [lacks, offers])
    assert ids(matches) == ["offers", "lacks"]
    assert "Tilbyder mentor på arbejdspladsen, roligt arbejdsmiljø" in matches[0].reasons
    assert "Mangler mentor på arbejdspladsen" in matches[1].reasons


# 6. IPS: competitive work and speed --------------------------------------------------------------

def test_kinds_rank_competitive_work_first(make_candidate, make_target, ranked):
    targets = [make_target(kind, kind=kind) for kind in ("praktik", "loentilskud", "flexjob", "job")]
    assert ids(ranked(make_candidate(), targets)) == ["job", "flexjob", "loentilskud", "praktik"]


def test_uddannelse_and_company_rank_between_job_and_loentilskud(make_candidate, make_target, ranked):
    targets = [make_target(kind, kind=kind) for kind in KINDS]
    order = ids(ranked(make_candidate(), targets))
    assert order.index("job") < order.index("company") < order.index("loentilskud")
    assert order.index("uddannelse") < order.index("loentilskud")


def test_company_that_fits_beats_a_posted_praktik_and_an_unwished_job(make_candidate, make_target, ranked):
    company = make_target("company", kind="company", title="Aarhus Lager ApS", industry="Lager og logistik",
                          hours_min=None, hours_max=None, partner=True, updated=TODAY - timedelta(days=120))
    praktik = make_target("praktik", kind="praktik", title="Lagermedarbejder")
    unwished = make_target("unwished", title="Receptionist")
    assert ids(ranked(make_candidate(wishes=["lagerarbejde"]), [unwished, praktik, company]))[0] == "company"


def test_start_now_beats_start_in_months(make_candidate, make_target, ranked):
    later = make_target("later", start=TODAY + timedelta(days=90))
    now = make_target("now", start=None)
    matches = ranked(make_candidate(), [later, now])
    assert ids(matches) == ["now", "later"]
    assert "Start om 3 måneder" in matches[1].reasons


def test_recently_confirmed_beats_unconfirmed_for_over_30_days(make_candidate, make_target, ranked):
    stale = make_target("stale", updated=TODAY - timedelta(days=45))
    fresh = make_target("fresh", updated=TODAY - timedelta(days=10))
    matches = ranked(make_candidate(), [stale, fresh])
    assert ids(matches) == ["fresh", "stale"]
    assert "Ikke bekræftet i 45 dage" in matches[1].reasons


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "company"])
def test_opening_unconfirmed_for_over_60_days_is_not_returned(make_candidate, make_target, ranked, kind):
    # 60 is a contract with the app, so it is spelled out here rather than read from the module.
    gone = make_target("gone", kind=kind, updated=TODAY - timedelta(days=61))
    edge = make_target("edge", kind=kind, updated=TODAY - timedelta(days=60))
    assert ids(ranked(make_candidate(), [gone, edge])) == ["edge"]


def test_company_unconfirmed_for_months_is_still_returned(make_candidate, make_target, ranked):
    company = make_target("company", kind="company", updated=TODAY - timedelta(days=200))
    assert ids(ranked(make_candidate(), [company])) == ["company"]


def test_a_company_long_without_contact_says_so_not_that_it_is_unconfirmed(make_candidate, make_target, ranked):
    company = make_target("company", kind="company", updated=TODAY - timedelta(days=74))
    reasons = ranked(make_candidate(), [company])[0].reasons
    assert "Ingen kontakt i 74 dage" in reasons
    assert not any("bekræftet" in reason for reason in reasons)


def test_partner_with_placements_beats_unknown_company(make_candidate, make_target, ranked):
    unknown = make_target("unknown")
    partner = make_target("partner", partner=True, placements=3)
    matches = ranked(make_candidate(), [unknown, partner])
    assert ids(matches) == ["partner", "unknown"]
    assert "Samarbejdspartner med 3 tidligere forløb" in matches[0].reasons


# 7. Exclusions -----------------------------------------------------------------------------------

def test_excluded_industry_is_never_returned(make_candidate, make_target, ranked):
    bar = make_target("bar", title="Bartender", industry="Restauranter og barer")
    other = make_target("other", industry="Detailhandel")
    c = make_candidate(wishes=["bartender"], excluded_industries={"restauranter OG barer"})
    assert ids(ranked(c, [bar, other])) == ["other"]


def test_excluded_company_is_never_returned(make_candidate, make_target, ranked):
    a = make_target("a", company_id=17, title="Lagermedarbejder")
    b = make_target("b", company_id=17, kind="praktik")
    c = make_target("c", company_id=18)
    assert ids(ranked(make_candidate(wishes=["lager"], excluded_company_ids={17}), [a, b, c])) == ["c"]


def test_kinds_not_accepted_are_never_returned(make_candidate, make_target, ranked):
    targets = [make_target(kind, kind=kind) for kind in KINDS]
    c = make_candidate(accepts={"job", "company"})
    assert sorted(ids(ranked(c, targets))) == ["company", "job"]


# 8. Explainable and configurable -----------------------------------------------------------------

def test_every_match_has_components_and_a_reason(make_candidate, make_target, ranked):
    targets = [make_target(i, title=t, kind=k) for i, (t, k) in enumerate(
        [("Lagermedarbejder", "job"), ("Kok", "praktik"), ("Tømrer", "flexjob")])]
    matches = ranked(make_candidate(wishes=["lager"], strengths=["punktlig"], needs={"mentor"}), targets)
    assert len(matches) == 3
    for m in matches:
        assert set(m.components) == set(COMPONENTS)
        assert all(0.0 <= v <= 1.0 for v in m.components.values())
        assert 0.0 <= m.score <= 1.0
        assert m.reasons and all(isinstance(r, str) and r for r in m.reasons)
    assert matches[0].reasons[0] == "Ønsker lager → Lagermedarbejder"
    assert any(r.endswith("min på cykel") for r in matches[0].reasons)


def test_scores_are_sorted_best_first(make_candidate, make_target, ranked):
    targets = [
        make_target(i, at=(HOME[0] + i * 0.005, HOME[1]), kind=KINDS[i % len(KINDS)]) for i in range(12)
    ]
    scores = [m.score for m in ranked(make_candidate(), targets)]
    assert scores == sorted(scores, reverse=True)


def test_limit_caps_the_number_of_matches(make_candidate, make_target, ranked):
    targets = [make_target(i) for i in range(10)]
    assert len(ranked(make_candidate(), targets, limit=3)) == 3


def test_weights_from_mapping_change_the_ranking(make_candidate, make_target, ranked):
    wished_praktik = make_target("praktik", kind="praktik", title="Lagermedarbejder")
    unwished_job = make_target("job", title="Receptionist")
    c = make_candidate(wishes=["lager"])
    assert ids(ranked(c, [unwished_job, wished_praktik]))[0] == "praktik"
    kind_only = Weights.from_mapping({name: 0.0 for name in COMPONENTS} | {"kind": 1.0})
    assert ids(ranked(c, [unwished_job, wished_praktik], weights=kind_only))[0] == "job"


def test_weights_from_mapping_rejects_unknown_names():
    with pytest.raises(ValueError, match="wishs"):
        Weights.from_mapping({"wishs": 1.0})


def test_weights_must_not_be_negative():
    with pytest.raises(ValueError, match="travel"):
        Weights(travel=-1)


# Index behaviour ---------------------------------------------------------------------------------

def test_rank_function_equals_index_rank(make_candidate, make_target):
    targets = [make_target(i, title=t) for i, t in enumerate(["Lagermedarbejder", "Kok", "Chauffør"])]
    c = make_candidate(wishes=["lager"])
    assert rank(c, targets, today=TODAY) == MatchIndex(targets).rank(c, today=TODAY)


def test_with_targets_keeps_settings_and_sees_new_targets(make_candidate, make_target, vocabulary):
    index = MatchIndex([make_target("old")], vocabulary=vocabulary, weights=Weights(kind=0.5))
    rebuilt = index.with_targets([make_target("old"), make_target("new", title="Lagermedarbejder")])
    assert rebuilt.weights == index.weights and rebuilt.vocabulary is vocabulary
    assert ids(rebuilt.rank(make_candidate(wishes=["pluk og pak"]), today=TODAY))[0] == "new"
    assert len(index) == 1


def test_empty_index_returns_no_matches(make_candidate):
    assert MatchIndex([]).rank(make_candidate(), today=TODAY) == []


def test_match_reports_distance_and_travel_time(make_candidate, make_target, ranked):
    [m] = ranked(make_candidate(transport="public", max_travel_minutes=60), [make_target("a")])
    assert m.distance_km == pytest.approx(1.0, abs=0.01)
    assert 12 < m.travel_minutes < 20
    assert "15 min med offentlig transport" in m.reasons
