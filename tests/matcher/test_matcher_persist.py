"""A saved index loads memory-mapped and ranks exactly as built; a delta beside it ranks as a
rebuild with the same text model would."""

from datetime import timedelta

import numpy as np
import pytest
import scipy.sparse as sp
from matcher_fixtures import HOME, TODAY

from matcher import LiveIndex, MatchIndex
from matcher.index import DESCRIPTION_FEATURES, _keep_strongest
from matcher.text import normalise

TITLES = ["Lagermedarbejder", "Kok", "Butiksassistent", "Chauffør", "Rengøringsassistent", "Pædagogmedhjælper"]
KINDS = ["job", "company", "flexjob", "praktik", "loentilskud", "uddannelse"]


@pytest.fixture
def targets(make_target):
    rng = np.random.default_rng(11)
    return [
        make_target(
            f"opening:{i}",
            title=TITLES[i % 6],
            kind=KINDS[(i // 6) % 6],
            description=f"{TITLES[(i + 1) % 6]} og {TITLES[(i + 2) % 6]} i et godt team",
            industry=["Handel", "Transport", "Hoteller og restauranter"][i % 3],
            skills=("kørekort B",) if i % 4 == 0 else (),
            offers={"mentor"} if i % 3 == 0 else set(),
            at=(HOME[0] + rng.uniform(-0.1, 0.1), HOME[1] + rng.uniform(-0.15, 0.15)),
            updated=TODAY - timedelta(days=int(rng.integers(0, 50))),
            company_id=i % 15,
            hours_min=None if i % 6 == 1 else 10.0,
            hours_max=None if i % 6 == 1 else 25.0,
        )
        for i in range(48)
    ]


@pytest.fixture
def candidates(make_candidate):
    return [
        make_candidate(wishes=["lager"], strengths=["kørekort"], needs={"mentor"}),
        make_candidate(wishes=["vil gerne arbejde med mad, ikke rengøring"], transport="car", max_travel_minutes=30),
        make_candidate(wishes=["pædagogmedhjælper"], excluded_company_ids={3, 4}, excluded_industries={"handel"}),
        make_candidate(wishes=[], accepts={"job", "company"}),
    ]


def _mapped(array) -> bool:
    """``array`` is a memory-mapped file or a view of one (scipy keeps views, not copies)."""
    while array is not None:
        if isinstance(array, np.memmap):
            return True
        array = array.base
    return False


def _answers(index, candidates):
    return [index.rank(c, limit=50, today=TODAY) for c in candidates]


def test_a_saved_index_ranks_exactly_as_the_built_one(tmp_path, targets, candidates, vocabulary, tag_labels):
    built = MatchIndex(targets, vocabulary=vocabulary, tag_labels=tag_labels)
    built.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", vocabulary=vocabulary, tag_labels=tag_labels)
    assert len(loaded) == len(built)
    assert _answers(loaded, candidates) == _answers(built, candidates)
    assert all(_answers(built, candidates))


def test_a_loaded_index_maps_its_arrays_read_only(tmp_path, targets, vocabulary):
    MatchIndex(targets, vocabulary=vocabulary).save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", vocabulary=vocabulary)
    # scipy keeps the mapped arrays of the CSR matrices (a copy would be a plain ndarray)
    for array in (loaded.lat_, loaded.offers_, loaded.description_.matrix_.data,
                  loaded.description_.matrix_.indices, loaded.title_words_.indices_, loaded.text_model_.idf_):
        assert _mapped(array) and not array.flags.writeable


def test_saving_never_leaves_a_half_written_index(tmp_path, targets, vocabulary, monkeypatch):
    index = MatchIndex(targets, vocabulary=vocabulary)
    calls = {"n": 0}
    real_save = np.save

    def failing_save(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(np, "save", failing_save)
    with pytest.raises(OSError):
        index.save(tmp_path / "index")
    assert list(tmp_path.iterdir()) == []


def test_saving_over_an_existing_index_is_refused(tmp_path, targets, vocabulary):
    index = MatchIndex(targets, vocabulary=vocabulary)
    index.save(tmp_path / "index")
    with pytest.raises(FileExistsError):
        index.save(tmp_path / "index")


def test_loading_with_another_vocabulary_is_refused(tmp_path, targets, vocabulary):
    from matcher_fixtures import REPO

    from matcher import load_vocabulary

    MatchIndex(targets, vocabulary=vocabulary).save(tmp_path / "index")
    other = load_vocabulary(REPO / "matcher" / "data" / "occupations.csv")  # without concepts/workplaces
    assert len(other) == len(vocabulary)
    with pytest.raises(ValueError):
        MatchIndex.load(tmp_path / "index", vocabulary=other)


def test_a_delta_ranks_as_a_rebuild_with_the_same_text_model(make_target, targets, candidates, vocabulary):
    base = MatchIndex(targets, vocabulary=vocabulary)
    new = make_target("opening:new", title="Lagerarbejder", description="Pluk og pak på lageret", at=HOME)
    changed = make_target("opening:0", title="Kok", description="Køkken og kantine", at=HOME, company_id=0)
    retired = "opening:7"
    live = LiveIndex(base, added=[new, changed], retired=[retired])
    kept = [t for t in targets if t.id not in {"opening:0", retired}]
    rebuilt = base.derive(kept + [new, changed])
    assert len(live) == len(rebuilt) == len(targets)
    for c in candidates:
        got = live.rank(c, limit=10, today=TODAY)
        want = rebuilt.rank(c, limit=10, today=TODAY)
        assert [(m.target_id, m.score) for m in got] == [(m.target_id, m.score) for m in want]


def test_a_retired_target_never_appears(targets, candidates, vocabulary):
    base = MatchIndex(targets, vocabulary=vocabulary)
    everyone = {m.target_id for c in candidates for m in base.rank(c, limit=100, today=TODAY)}
    retired = sorted(everyone)[:5]
    live = LiveIndex(base, retired=retired)
    for c in candidates:
        assert not {m.target_id for m in live.rank(c, limit=100, today=TODAY)} & set(retired)


def test_a_replaced_target_is_ranked_with_its_new_text(make_target, make_candidate, targets, vocabulary):
    base = MatchIndex(targets, vocabulary=vocabulary)
    museum = make_target("opening:1", title="Museumsvært", at=HOME)
    live = LiveIndex(base, added=[museum])
    matches = live.rank(make_candidate(wishes=["museum"]), limit=100, today=TODAY)
    assert matches[0].target_id == "opening:1" and "Museumsvært" in " ".join(matches[0].reasons)
    assert [m.target_id for m in matches].count("opening:1") == 1


def test_an_index_with_int_ids_round_trips(tmp_path, make_target, make_candidate, vocabulary):
    targets = [make_target(i, title=TITLES[i % 6], company_id=i) for i in range(10)]
    MatchIndex(targets, vocabulary=vocabulary).save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", vocabulary=vocabulary)
    matches = loaded.rank(make_candidate(wishes=["kok"], excluded_company_ids={1}), today=TODAY)
    assert matches[0].target_id == 7 and isinstance(matches[0].target_id, int)
    assert 1 not in {m.target_id for m in matches}
    assert loaded.target_ids() == list(range(10))


def _long_description(i: int) -> str:
    """A distinct description far longer than ``DESCRIPTION_FEATURES`` n-grams."""
    words = ["lageret", "kunderne", "kollegerne", "truckcertifikat", "mødestabilitet", "rengøring", "køkkenet",
             "akvariet", "værkstedet", "butikken", "regnskabet", "omsorgen"]
    return " ".join(f"Vi søger nr {i} til {words[(i + j) % 12]} og {words[(i * 7 + j) % 12]}." for j in range(8))


def test_description_rows_keep_their_strongest_ngrams_in_base_and_delta_alike(make_target, candidates, vocabulary):
    targets = [make_target(f"opening:{i}", title=TITLES[i % 6], description=_long_description(i),
                           at=(HOME[0] + 0.001 * i, HOME[1]), company_id=i) for i in range(40)]
    base = MatchIndex(targets, vocabulary=vocabulary)
    unpruned = base.text_model_.transform([normalise(t.description) for t in targets])
    assert np.diff(unpruned.indptr).min() > DESCRIPTION_FEATURES  # the test exercises the cut
    rows = base.description_.matrix_
    assert np.diff(rows.indptr).max() == DESCRIPTION_FEATURES

    changed = make_target("opening:3", title="Kok", description=_long_description(99), at=HOME, company_id=3)
    live = LiveIndex(base, added=[changed])
    rebuilt = base.derive([t for t in targets if t.id != "opening:3"] + [changed])
    # The delta's row for the changed target is the row a rebuild with the same model stores.
    delta_row = live.delta.description_.matrix_[live.delta.description_.ids_[0]]
    rebuilt_row = rebuilt.description_.matrix_[rebuilt.description_.ids_[len(targets) - 1]]
    assert np.array_equal(delta_row.indices, rebuilt_row.indices)
    assert np.array_equal(delta_row.data, rebuilt_row.data)
    for c in candidates:
        got = live.rank(c, limit=10, today=TODAY)
        want = rebuilt.rank(c, limit=10, today=TODAY)
        assert [(m.target_id, m.score) for m in got] == [(m.target_id, m.score) for m in want]


def test_the_cut_keeps_the_largest_values_unchanged_and_ties_go_to_the_lower_column():
    data = np.array([0.1, 0.5, 0.3, 0.5, 0.2, 0.5, 0.9, 0.4, 0.4], dtype=np.float32)
    indices = np.array([1, 3, 4, 7, 9, 11, 2, 5, 8], dtype=np.int32)
    m = sp.csr_matrix((data, indices, [0, 6, 9]), shape=(2, 12))
    cut = _keep_strongest(m, 2)
    assert cut[0].indices.tolist() == [3, 7] and cut[0].data.tolist() == [0.5, 0.5]  # 11 ties too, but later
    assert cut[1].indices.tolist() == [2, 5] and np.allclose(cut[1].data, [0.9, 0.4])
    assert _keep_strongest(m, 6) is m  # no row longer than k: nothing to cut
