import pytest

from matcher import KINDS, Candidate, Target


def test_candidate_accepts_every_kind_by_default(make_candidate):
    assert make_candidate().accepts == frozenset(KINDS)


def test_candidate_lists_become_tuples_and_tags_sets(make_candidate):
    c = make_candidate(wishes=["lager", " "], needs=["Mentor", "quiet"])
    assert c.wishes == ("lager",)
    assert c.needs == frozenset({"mentor", "quiet"})


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("transport", "boat", "transport"),
        ("accepts", {"job", "volunteering"}, "kind"),
        ("hours_min", 40.0, "hours_min"),
        ("lat", 123.0, "lat"),
        ("max_travel_minutes", 0, "max_travel_minutes"),
    ],
)
def test_candidate_rejects_invalid_values(make_candidate, field, value, message):
    with pytest.raises(ValueError, match=message):
        make_candidate(**{field: value})


def test_target_rejects_unknown_kind(make_target):
    with pytest.raises(ValueError, match="kind must be one of"):
        make_target(1, kind="volunteer")


def test_target_rejects_half_given_hours(make_target):
    with pytest.raises(ValueError, match="hours"):
        make_target(1, hours_min=10.0, hours_max=None)


def test_target_hours_may_be_left_to_agree(make_target):
    assert make_target(1, kind="company", hours_min=None, hours_max=None).hours_min is None


def test_target_requires_dates(make_target):
    with pytest.raises(ValueError, match="updated"):
        make_target(1, updated="2025-01-01")
    with pytest.raises(ValueError, match="start"):
        make_target(1, start="soon")


def test_target_is_frozen(make_target):
    target = make_target(1)
    with pytest.raises(AttributeError):
        target.title = "x"


def test_target_fields_match_the_public_contract():
    names = set(Target.__dataclass_fields__)
    assert names == {"id", "company_id", "kind", "title", "description", "industry", "skills", "lat", "lon",
                     "hours_min", "hours_max", "offers", "start", "updated", "partner", "placements"}
    assert set(Candidate.__dataclass_fields__) == {
        "id", "lat", "lon", "wishes", "strengths", "hours_min", "hours_max", "transport",
        "max_travel_minutes", "needs", "accepts", "excluded_industries", "excluded_company_ids",
    }
