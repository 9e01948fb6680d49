"""The index's fast paths give the same answers as the obvious slow computation."""

from datetime import timedelta

import numpy as np
import pytest
from geopy.distance import geodesic
from matcher_fixtures import HOME, TODAY

from matcher import MatchIndex, geo
from matcher.text import normalise


@pytest.fixture
def scattered(make_target):
    """60 targets scattered up to ~15 km around HOME, with varied kinds, dates and texts."""
    rng = np.random.default_rng(7)
    titles = ["Lagermedarbejder", "Kok", "Butiksassistent", "Chauffør", "Rengøringsassistent", "Gartner"]
    kinds = ["job", "company", "flexjob", "praktik", "loentilskud", "uddannelse"]
    return [
        make_target(
            i,
            title=titles[i % 6],
            kind=kinds[(i // 6) % 6],
            description=f"{titles[(i + 1) % 6]} og {titles[(i + 2) % 6]} i et godt team",
            at=(HOME[0] + rng.uniform(-0.13, 0.13), HOME[1] + rng.uniform(-0.22, 0.22)),
            updated=TODAY - timedelta(days=int(rng.integers(0, 90))),
            company_id=i % 20,
        )
        for i in range(60)
    ]


@pytest.mark.parametrize("transport, minutes", [("walk", 60), ("bike", 30), ("public", 45), ("car", 20)])
def test_rank_returns_exactly_the_targets_a_per_target_check_allows(
    make_candidate, scattered, transport, minutes
):
    c = make_candidate(
        transport=transport,
        max_travel_minutes=minutes,
        excluded_company_ids={3},
        accepts={"job", "company", "flexjob", "praktik"},
    )
    expected = set()
    for t in scattered:
        km = geodesic((c.lat, c.lon), (t.lat, t.lon)).km
        fresh = t.kind == "company" or (TODAY - t.updated).days <= 60
        if (geo.travel_minutes(km, transport) <= minutes and fresh and t.kind in c.accepts
                and t.company_id not in c.excluded_company_ids):
            expected.add(t.id)
    matches = MatchIndex(scattered).rank(c, limit=1000, today=TODAY)
    assert {m.target_id for m in matches} == expected
    assert 0 < len(expected) < len(scattered)


def test_sliced_and_whole_matrix_similarity_strategies_agree(scattered, vocabulary):
    index = MatchIndex(scattered, vocabulary=vocabulary)
    query = index.text_model_.transform([normalise("lager"), normalise("god til kunder")])
    rows = np.arange(0, len(scattered), 2)
    field = index.description_
    by_rows = field.similarity(rows, query, strategy="rows")
    by_columns = field.similarity(rows, query, strategy="all")
    assert by_rows.shape == (len(rows), 2)
    assert np.allclose(by_rows, by_columns, atol=1e-6)
    assert by_rows.max() > 0


def test_vocabulary_is_not_needed_for_ranking(make_candidate, scattered):
    matches = MatchIndex(scattered).rank(make_candidate(wishes=["kok"]), today=TODAY)
    assert matches and all(m.reasons for m in matches)
