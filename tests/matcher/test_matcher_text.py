import csv
import re

import pytest
from matcher_fixtures import REPO, ids

from matcher import load_vocabulary
from matcher.text import normalise


def test_normalise_keeps_danish_letters_and_drops_punctuation():
    assert normalise("  Social- og Sundhedshjælper (SOSU)! ") == "social og sundhedshjælper sosu"
    assert normalise("Lager/Logistik, Århus") == "lager logistik århus"


def test_shipped_vocabulary_has_several_hundred_occupations_with_isco_codes():
    with open(REPO / "matcher" / "data" / "occupations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300
    assert all(re.fullmatch(r"\d{4}(\d{2})?", row["disco_code"]) for row in rows)
    assert len({row["title"].casefold() for row in rows}) == len(rows)


def test_load_vocabulary_rejects_rows_without_title(tmp_path):
    path = tmp_path / "occ.csv"
    path.write_text("disco_code,title,synonyms\n4321,,lager\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2"):
        load_vocabulary(path)


@pytest.mark.parametrize(
    "text, title",
    [
        ("pluk og pak", "lagermedarbejder"),  # synonym
        ("lagermedarbjder", "lagermedarbejder"),  # typo
        ("Lagermedarbejdere søges til nathold", "lagermedarbejder"),  # inflection inside a sentence
        ("butikken", "butiksassistent"),  # definite form of a synonym
        ("SOSU-hjælper", "social- og sundhedshjælper"),  # abbreviation
    ],
)
def test_vocabulary_finds_the_occupation_a_text_mentions(vocabulary, text, title):
    found = [vocabulary.occupations[i].title for i in vocabulary.lookup(text)]
    assert title in found


@pytest.mark.parametrize(
    "wish, expected, other",
    [
        ("lager", "Lagermedarbejder", "Butiksassistent"),  # compound word
        ("lagerarbejde", "Lagermedarbejder", "Rengøringsassistent"),  # inflection
        ("lagermedarbjder", "Lagermedarbejder", "Kantinemedarbejder"),  # typo
        ("pluk og pak", "Lagermedarbejder", "Kontorassistent"),  # synonym without shared letters
        ("madlavning", "Kok", "Lagermedarbejder"),  # synonym
    ],
)
def test_wish_matches_the_right_title(make_candidate, make_target, ranked, wish, expected, other):
    targets = [make_target(other, title=other), make_target(expected, title=expected)]
    matches = ranked(make_candidate(wishes=[wish]), targets)
    assert ids(matches)[0] == expected
    assert matches[0].components["wishes"] >= 0.8 > matches[1].components["wishes"]


def test_wishes_match_without_a_vocabulary_too(make_candidate, make_target):
    from matcher import rank

    targets = [make_target("b", title="Butiksassistent"), make_target("l", title="Lagermedarbejder")]
    assert ids(rank(make_candidate(wishes=["lagermedarbejder"]), targets, today=targets[0].updated))[0] == "l"


def test_wish_meets_industry_of_a_company_without_opening(make_candidate, make_target, ranked):
    company = make_target("c", kind="company", title="Jysk Logistik A/S", industry="Lager og logistik",
                          hours_min=None, hours_max=None)
    other = make_target("o", kind="company", title="Frisør Hansen", industry="Frisørsaloner",
                        hours_min=None, hours_max=None)
    assert ids(ranked(make_candidate(wishes=["lager"]), [other, company]))[0] == "c"


def test_concepts_must_name_known_occupations(tmp_path):
    occupations = tmp_path / "occ.csv"
    occupations.write_text("disco_code,title,synonyms\n4321,lagermedarbejder,lager\n", encoding="utf-8")
    concepts = tmp_path / "concepts.csv"
    concepts.write_text("concept,terms,occupations\nlager,lager|varer,lagerarbejder:1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lagerarbejder"):
        load_vocabulary(occupations, concepts=concepts)


def test_shipped_concepts_and_workplaces_load_with_the_vocabulary(vocabulary):
    names = {c.name for c in vocabulary.concepts}
    assert {"dyr", "børn", "ældre", "natur", "hænderne", "kunder", "mad", "biler", "computere", "rengøring",
            "byggeri", "kontor", "lager", "butik"} <= names
    assert any(w.name == "Børnehave" for w in vocabulary.workplaces)
