import numpy as np
import pytest
from geopy.distance import geodesic
from matcher_fixtures import HOME, ids

from matcher import geo

DANISH_PAIRS = [
    ((55.6761, 12.5683), (56.1629, 10.2039)),  # København – Aarhus
    ((57.0488, 9.9217), (55.4038, 10.4024)),  # Aalborg – Odense
    ((55.4904, 8.4521), (55.0997, 14.7058)),  # Esbjerg – Rønne
    ((56.1527, 10.2030), (56.1617, 10.2030)),  # 1 km in Aarhus
    ((55.6761, 12.5683), (55.6763, 12.5690)),  # 50 m in København
    ((56.4607, 10.0364), (56.4607, 10.0364)),  # the same point (Randers)
]


def test_geodesic_is_within_half_a_percent_of_geopy():
    a = np.array([p[0] for p in DANISH_PAIRS])
    b = np.array([p[1] for p in DANISH_PAIRS])
    ours = geo.geodesic_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    reference = np.array([geodesic(p, q).km for p, q in DANISH_PAIRS])
    assert ours == pytest.approx(reference, rel=0.005, abs=1e-6)


def test_travel_minutes_grow_with_distance_and_fall_with_speed():
    for mode in geo.SPEED_KMH:
        assert geo.travel_minutes(10.0, mode) > geo.travel_minutes(5.0, mode)
    assert geo.travel_minutes(5.0, "walk") > geo.travel_minutes(5.0, "bike") > geo.travel_minutes(5.0, "car")


def test_public_transport_includes_a_fixed_waiting_overhead():
    assert geo.travel_minutes(0.0, "public") == geo.OVERHEAD_MINUTES["public"] >= 5


def test_max_distance_inverts_travel_minutes():
    for mode in geo.SPEED_KMH:
        assert geo.travel_minutes(geo.max_distance_km(45, mode), mode) == pytest.approx(45)


def test_target_beyond_travel_limit_is_not_returned(make_candidate, make_target, ranked):
    # By bike: 1 km is about 7 min, 11 km about 57 min; the limit is 30 min.
    near = make_target("near", at=(HOME[0] + 0.009, HOME[1]))
    far = make_target("far", at=(HOME[0] + 0.1, HOME[1]))
    assert ids(ranked(make_candidate(max_travel_minutes=30), [near, far])) == ["near"]


def test_nearer_beats_farther_all_else_equal(make_candidate, make_target, ranked):
    farther = make_target("farther", at=(HOME[0] + 0.03, HOME[1]))
    nearer = make_target("nearer", at=(HOME[0] + 0.01, HOME[1]))
    matches = ranked(make_candidate(), [farther, nearer])
    assert ids(matches) == ["nearer", "farther"]
    assert matches[0].score > matches[1].score  # by score, not only by the tie-break on distance


def test_prefilter_never_drops_a_target_just_inside_the_limit(make_candidate, make_target, ranked):
    limit_km = geo.max_distance_km(40, "bike")
    # Due east, where the haversine sphere and the ellipsoid differ most at this latitude.
    lon_step = limit_km * 0.999 / (111.32 * np.cos(np.radians(HOME[0])) * 1.0017)
    target = make_target("edge", at=(HOME[0], HOME[1] + lon_step))
    matches = ranked(make_candidate(max_travel_minutes=40), [target])
    assert ids(matches) == ["edge"]
    assert matches[0].travel_minutes <= 40
