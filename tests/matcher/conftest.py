"""Factories for matcher tests: small, explicit targets and candidates around Aarhus C."""

import csv

import pytest
from matcher_fixtures import HOME, NEAR, REPO, TODAY

from matcher import Candidate, MatchIndex, Target, default_vocabulary


@pytest.fixture(scope="session")
def vocabulary():
    return default_vocabulary()


@pytest.fixture(scope="session")
def tag_labels():
    with open(REPO / "seeds" / "offer_tags.csv", encoding="utf-8", newline="") as f:
        return {row["code"]: row["label"] for row in csv.DictReader(f)}


@pytest.fixture
def make_target():
    """Build a Target; every field has a neutral default so a test varies only what it tests."""

    def make(id, title="Medarbejder", **kwargs):
        lat, lon = kwargs.pop("at", NEAR)
        defaults = dict(company_id=f"company-{id}", kind="job", lat=lat, lon=lon, updated=TODAY,
                        hours_min=20.0, hours_max=30.0)
        defaults.update(kwargs)
        return Target(id=id, title=title, **defaults)

    return make


@pytest.fixture
def make_candidate():
    def make(**kwargs):
        lat, lon = kwargs.pop("at", HOME)
        defaults = dict(id="borger-1", lat=lat, lon=lon, wishes=(), transport="bike", max_travel_minutes=40,
                        hours_min=15.0, hours_max=30.0)
        defaults.update(kwargs)
        return Candidate(**defaults)

    return make


@pytest.fixture
def ranked(vocabulary, tag_labels):
    """Rank targets for a candidate with the shipped vocabulary; returns the matches."""

    def run(candidate, targets, **kwargs):
        kwargs.setdefault("today", TODAY)
        weights = kwargs.pop("weights", None)
        index = MatchIndex(targets, weights=weights, vocabulary=vocabulary, tag_labels=tag_labels)
        return index.rank(candidate, **kwargs)

    return run
