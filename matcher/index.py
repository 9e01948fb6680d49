"""The match index: targets prepared once, ranked for one candidate per query.

Build (``MatchIndex(targets)``; seconds for 100,000 targets) precomputes everything that does not
depend on the candidate, as plain numpy arrays and scipy CSR matrices (no Python object per
target): coordinates sorted by latitude for the spatial pre-filter, kinds, hours, dates, offers and
employer facts, TF-IDF matrices for titles, industries, descriptions (each row cut to its
``DESCRIPTION_FEATURES`` strongest n-grams) and skills (one row per distinct text, shared by id),
binary word columns, and the occupation grades. So an index can be saved (``save``) and
memory-mapped read-only by every worker of a machine (``MatchIndex.load``): one copy of the index per
machine, whatever the number of workers.

Text model (``TextModel``): character n-grams hashed into ``HASH_FEATURES`` buckets, weighted with
the inverse document frequencies of the base corpus (an n-gram the base never saw weighs nothing,
as with a fitted vocabulary). The model is fixed when the base is built, so a target added later
(``derive``) is vectorised exactly as if it had been in the base, and its scores compare with the
base's; ``LiveIndex`` ranks a persisted base plus such a small delta, with retired and replaced
targets masked out of the base.

A query (``MatchIndex.rank``; milliseconds for 100,000 targets on one core):

1. spatial pre-filter: a latitude band (binary search in the sorted latitudes) and a longitude
   window covering the farthest straight-line distance the candidate's transport can cover in
   ``max_travel_minutes`` (``geo.max_distance_km``);
2. hard rules on the survivors with numpy masks (kinds accepted, excluded industries and companies,
   stale openings, targets masked by a delta), then exact geodesic distance and travel minutes,
   dropping targets over the limit;
3. the candidate's wishes are parsed (``wishes.parse_wish``); wishes and strengths are vectorised
   once; similarities are sparse products of the query with the rows of the distinct texts the
   surviving targets use (``_TextField.similarity``: the rows are sliced when few, else the whole
   matrix is multiplied; both give the same numbers). The word model (``morph.WordTable``: the
   sorted distinct words of titles, industries and descriptions, a word -> texts column per word)
   finds a wish word's inflections and compounds by binary search, then reads the texts containing
   them from the word's column; the occupation model is a sparse target x occupation matrix of
   grades (title occupations, or for a company the occupations its workplace employs) multiplied
   with the wish's graded occupations;
4. all components and the score as numpy arrays; ``argpartition`` picks the top ``limit``;
5. ``Match`` objects and reasons (in the reader's language, ``matcher.i18n``) are built for those
   ``limit`` targets only.

Updates: an index is immutable. ``derive(targets)`` builds a small index with the same text model
(a delta); ``with_targets(targets)`` a fresh one with a new model (a rebuild).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.preprocessing import normalize

from . import geo, scoring
from .i18n import _
from .kinds import IMPLIED_OFFERS, KIND_LABEL
from .morph import WordTable
from .scoring import COMPONENTS, NEUTRAL, Weights
from .text import CHAR_NGRAM_RANGE, DESCRIPTION_MAX_CHARS, calibrate, normalise
from .types import KINDS, Candidate, Match, Target
from .vocabulary import Vocabulary, default_vocabulary
from .wishes import ParsedWish, parse_wish

__all__ = ["MatchIndex", "LiveIndex", "TextModel", "rank", "reach_box", "FORMAT_VERSION", "vocabulary_fingerprint"]

#: Version of the files ``MatchIndex.save`` writes; a loader refuses any other.
#: 2: description rows keep only their ``DESCRIPTION_FEATURES`` strongest n-grams.
FORMAT_VERSION = 2
#: Hash buckets of the character n-gram model (2**20: few collisions among the ~10^5 n-grams of a
#: Danish register; the IDF vector is 4 MB, shared like the rest of the index).
HASH_FEATURES = 2**20

#: N-grams kept per description row: the strongest by TF-IDF weight, values unchanged (not
#: renormalised), the rest dropped. What is dropped are the common n-grams (low IDF) that only add
#: noise below ``text.SIM_FLOOR``; a long, distinct description otherwise costs ~330 stored values
#: (2.6 KB), more than the whole budget of a target. Chosen by measurement (bench/README.md).
DESCRIPTION_FEATURES = 96

#: How much of a company's description is searched for its kind of workplace.
WORKPLACE_DESCRIPTION_CHARS = 160
#: Words of two or more letters (the word model's tokens; "it" counts, "a" does not).
_WORD_PATTERN = r"(?u)\b\w\w+\b"
_KIND_CODE = {kind: i for i, kind in enumerate(KINDS)}
_COMPANY = _KIND_CODE["company"]
_FLEXJOB = _KIND_CODE["flexjob"]
_TEXT_FIELDS = ("title", "industry_text", "description", "skills")
_WORD_FIELDS = ("title_words", "industry_words", "description_words")


_fingerprints: dict[int, tuple[Vocabulary, str]] = {}


def vocabulary_fingerprint(vocabulary: Vocabulary) -> str:
    """A hash of what a saved index depends on in ``vocabulary`` (occupation codes, expansions,
    workplaces): an index is only loaded with the vocabulary it was built with."""
    cached = _fingerprints.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    content = repr((vocabulary.codes_, vocabulary.expansions_,
                    [(w.name, tuple(w.employs)) for w in vocabulary.workplaces]))
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    _fingerprints[id(vocabulary)] = (vocabulary, digest)
    return digest


def _hasher(n_features: int) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAM_RANGE, lowercase=False, n_features=n_features,
        alternate_sign=False, norm=None, dtype=np.float32,
    )


class TextModel:
    """TF-IDF over hashed character n-grams (sublinear tf, smoothed IDF of the base, L2 rows).

    ``fit`` fixes the IDF from a corpus; ``transform`` then vectorises any text with it, so texts
    vectorised later (a delta's, a query's) compare with the base's as if fitted together.
    """

    def __init__(self, idf: np.ndarray) -> None:
        self.idf_ = idf
        self.n_features = int(idf.shape[0])
        self._hasher = _hasher(self.n_features)

    @classmethod
    def fit(cls, corpus: Sequence[str], n_features: int = HASH_FEATURES) -> tuple[TextModel, sp.csr_matrix]:
        """A model with the IDF of ``corpus``, and the corpus vectorised with it."""
        counts = _hasher(n_features).transform(corpus).tocsr()
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=n_features)
        n = counts.shape[0]
        # As scikit-learn's smooth_idf; an n-gram the corpus never had gets no weight at all.
        idf = np.where(df > 0, np.log((1 + n) / (1 + df)) + 1, 0).astype(np.float32)
        model = cls(idf)
        return model, model._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self._hasher.transform(texts).tocsr()
        counts.sum_duplicates()
        return self._weigh(counts)

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        data = ((1 + np.log(counts.data)) * self.idf_[counts.indices]).astype(np.float32)
        m = sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
        m.eliminate_zeros()
        normalize(m, copy=False)
        m.sort_indices()
        return _int32_csr(m)


def _int32_csr(m: sp.csr_matrix) -> sp.csr_matrix:
    """``m`` with int32 indices and indptr (what scipy keeps without copying when loaded)."""
    if m.nnz < 2**31:
        m.indices = m.indices.astype(np.int32, copy=False)
        m.indptr = m.indptr.astype(np.int32, copy=False)
    return m


def _keep_strongest(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """``m`` with each row cut to its ``k`` largest values (ties: the lower columns), others dropped.

    A function of the row alone, so a delta's row equals the row a rebuild with the same model gives.
    The long rows go a block at a time into a padded dense array (memory bounded by the block): one
    partition gives each row's k-th largest value; values above it are kept, and of those equal to
    it the first ones (lowest columns) until the row has k.
    """
    counts = np.diff(m.indptr)
    long_rows = np.flatnonzero(counts > k)
    if long_rows.size == 0:
        return m
    keep = np.ones(m.nnz, dtype=bool)
    block = max(1, (1 << 21) // int(counts.max()))  # rows per block: ~8 MB of padded values
    for first in range(0, long_rows.size, block):
        rows = long_rows[first : first + block]
        lengths = counts[rows]
        local = np.repeat(np.arange(rows.size), lengths)
        at = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        source = np.repeat(m.indptr[rows], lengths) + at  # where these values are in ``m``
        values = np.full((rows.size, int(lengths.max())), -np.inf, dtype=np.float32)
        values[local, at] = m.data[source]
        cut = -np.partition(-values, k - 1, axis=1)[:, k - 1 : k]
        above = values > cut
        tied = values == cut
        room = k - above.sum(axis=1, keepdims=True)
        kept = above | (tied & (np.cumsum(tied, axis=1) <= room))
        keep[source] = kept[local, at]
    indptr = np.zeros(m.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.minimum(counts, k), out=indptr[1:])  # a long row keeps exactly k
    return _int32_csr(sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape))


def _trusted_csr(data, indices, indptr, shape) -> sp.csr_matrix:
    """A CSR matrix over existing (possibly memory-mapped, read-only) arrays, without a copy;
    marked canonical so that scipy never tries to sort it in place."""
    m = sp.csr_matrix((data, indices, indptr), shape=tuple(shape), copy=False)
    m.has_sorted_indices = True
    m.has_canonical_format = True
    return m


class _Strings:
    """Strings as one UTF-8 byte array and offsets (two arrays, so they can be memory-mapped)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob_ = blob
        self.offsets_ = offsets

    @classmethod
    def of(cls, values: Sequence[str]) -> _Strings:
        encoded = [v.encode("utf-8") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(e) for e in encoded])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets)

    def __len__(self) -> int:
        return len(self.offsets_) - 1

    def __getitem__(self, i: int) -> str:
        return bytes(self.blob_[self.offsets_[i] : self.offsets_[i + 1]]).decode("utf-8")

    def tolist(self) -> list[str]:
        data = bytes(self.blob_)
        o = self.offsets_.tolist()
        return [data[o[i] : o[i + 1]].decode("utf-8") for i in range(len(o) - 1)]


class _TextField:
    """One text field of the targets as TF-IDF rows (one row per distinct text); one copy only."""

    def __init__(self, matrix: sp.csr_matrix, ids: np.ndarray) -> None:
        self.ids_ = ids  # target -> row of ``matrix_``
        self.matrix_ = matrix

    def similarity(self, rows: np.ndarray, query: sp.csr_matrix, *, strategy: str = "auto") -> np.ndarray:
        """Calibrated similarity in [0, 1] of targets ``rows`` with each ``query`` row: (len(rows), k).

        The query's few n-grams are numbered through a lookup table over the hash space, then the
        stored values of the texts' rows are gathered and summed per text: no transposed copy of
        either matrix. ``strategy``: "rows" gathers only the rows of the texts the targets use,
        "all" every row (no slicing copy; cheaper when most texts are used), "auto" picks by that share.
        """
        k = query.shape[0]
        unique, inverse = np.unique(self.ids_[rows], return_inverse=True)
        features = np.unique(query.indices)
        if features.size == 0 or unique.size == 0:
            return np.zeros((rows.size, k), dtype=np.float32)
        if strategy == "auto":
            strategy = "all" if 2 * unique.size > self.matrix_.shape[0] else "rows"
        m = self.matrix_ if strategy == "all" else self.matrix_[unique]
        table = _feature_table(query.shape[1])
        table[features] = np.arange(features.size, dtype=np.int32)
        try:
            pos = table[m.indices]
        finally:
            table[features] = -1
        hit = np.flatnonzero(pos >= 0)
        q = np.zeros((features.size, k), dtype=np.float32)
        q[np.searchsorted(features, query.indices), np.repeat(np.arange(k), np.diff(query.indptr))] = query.data
        text_of = np.repeat(np.arange(m.shape[0], dtype=np.int32), np.diff(m.indptr))[hit]
        values, pos = m.data[hit], pos[hit]
        sims = np.empty((m.shape[0], k), dtype=np.float32)
        for j in range(k):
            sims[:, j] = np.bincount(text_of, weights=values * q[pos, j], minlength=m.shape[0])
        if strategy == "all":
            sims = sims[unique]
        return calibrate(sims)[inverse]


_scratch = threading.local()


def _feature_table(n_features: int) -> np.ndarray:
    """A per-thread hash bucket -> query feature table, all -1 between uses (4 MB for 2**20)."""
    table = getattr(_scratch, "table", None)
    if table is None or table.size != n_features:
        table = _scratch.table = np.full(n_features, -1, dtype=np.int32)
    return table


class _WordField:
    """One text field as word columns: for each word of the table, the sorted distinct texts of the
    field that contain it (a binary word x text matrix in CSR form, without values)."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, n_texts: int, ids: np.ndarray) -> None:
        self.indptr_ = indptr
        self.indices_ = indices
        self.n_texts = int(n_texts)
        self.ids_ = ids  # target -> text

    @classmethod
    def of(cls, matrix: sp.csr_matrix, ids: np.ndarray) -> _WordField:
        columns = _int32_csr(matrix.T.tocsr())
        columns.sort_indices()
        return cls(columns.indptr, columns.indices, matrix.shape[0], ids)

    def grades(self, matches: dict[int, float]) -> np.ndarray:
        """Per distinct text: the best grade of the matched words it contains (0 if none)."""
        out = np.zeros(self.n_texts, dtype=np.float32)
        indptr, indices = self.indptr_, self.indices_
        for col, grade in matches.items():
            np.maximum.at(out, indices[indptr[col] : indptr[col + 1]], np.float32(grade))
        return out

    def best_words(self, matches: dict[int, float]) -> np.ndarray:
        """Per distinct text: the column of the best-graded matched word it contains (-1 if none)."""
        out = np.full(self.n_texts, -1, dtype=np.int64)
        indptr, indices = self.indptr_, self.indices_
        for col, _grade in sorted(matches.items(), key=lambda item: (item[1], -item[0])):
            out[indices[indptr[col] : indptr[col + 1]]] = col  # higher grades overwrite lower ones
        return out


def _codes(values: Sequence, *, key=lambda v: v) -> tuple[np.ndarray, dict]:
    """Integer codes for hashable values (first seen = 0) and the value -> code map."""
    table: dict = {}
    codes = np.fromiter(
        (table.setdefault(key(v), len(table)) for v in values), dtype=np.int32, count=len(values)
    )
    return codes, table


def _key_array(values: Sequence) -> np.ndarray:
    """Ids as a numpy array that can be saved and searched: int64 when all are ints, UTF-8 bytes
    when all are strings, else objects (such an index cannot be saved)."""
    values = list(values)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, str) for v in values):
        return np.array([v.encode("utf-8") for v in values], dtype=bytes)
    return np.array(values, dtype=object)


def _key_value(array: np.ndarray, i: int):
    value = array[i]
    if array.dtype.kind == "S":
        return bytes(value).decode("utf-8")
    if array.dtype.kind == "i":
        return int(value)
    return value


def _keys_like(array: np.ndarray, keys: Iterable) -> np.ndarray:
    """``keys`` in ``array``'s representation; keys of another type (which it cannot hold) dropped."""
    if array.dtype.kind == "S":
        return np.array([k.encode("utf-8") for k in keys if isinstance(k, str)], dtype=bytes)
    if array.dtype.kind == "i":
        return np.array([k for k in keys if isinstance(k, int) and not isinstance(k, bool)], dtype=np.int64)
    return np.array(list(keys), dtype=object)


@dataclass(frozen=True)
class _TargetRow:
    """What the reasons need of one target, read back from the index's arrays."""

    id: object
    kind: str
    title: str
    industry: str
    hours_min: float | None
    hours_max: float | None
    offers: frozenset[str]  # including the offers implied by the kind
    start: date | None
    updated: date
    partner: bool
    placements: int


def reach_box(c: Candidate) -> tuple[float, float, float] | None:
    """(lowest latitude, highest latitude, longitude half-width) in degrees of a box that holds
    every point the candidate can reach (None: too far for a box). The index's spatial pre-filter,
    and the same box for a pre-filter in a database (``lat BETWEEN .. AND lon BETWEEN ..``)."""
    radius = geo.prefilter_radius_rad(geo.max_distance_km(c.max_travel_minutes, c.transport))
    if radius >= np.pi / 4:
        return None
    dlat = float(np.degrees(radius))
    edge = min(abs(c.lat) + dlat, 89.0)
    return c.lat - dlat, c.lat + dlat, dlat / float(np.cos(np.radians(edge)))


class MatchIndex:
    """Targets prepared for fast ranking. See the module docstring for the model.

    Parameters
    ----------
    targets: the targets to rank (any iterable of ``Target``).
    weights: score weights (default ``Weights()``).
    vocabulary: occupation vocabulary (``vocabulary.load_vocabulary``) used to expand wishes and
        titles with synonyms, concepts and workplaces; default: the vocabulary shipped with the
        library (``vocabulary.default_vocabulary``, loaded on first use).
    tag_labels: Danish labels for offer/need tag codes, used in reasons; unknown codes are shown as is.
    text_model: the ``TextModel`` to vectorise with (default: fit one on these targets); see ``derive``.
    """

    def __init__(
        self,
        targets: Iterable[Target],
        *,
        weights: Weights | None = None,
        vocabulary: Vocabulary | None = None,
        tag_labels: Mapping[str, str] | None = None,
        text_model: TextModel | None = None,
    ) -> None:
        self.weights = weights if weights is not None else Weights()
        if not isinstance(self.weights, Weights):
            raise ValueError("weights must be a matcher.Weights (use Weights.from_mapping for a dict)")
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        self.tag_labels = dict(tag_labels or {})
        self.meta_: dict = {}
        targets = tuple(targets)
        for t in targets:
            if not isinstance(t, Target):
                raise ValueError(f"targets must be matcher.Target, got {type(t).__name__}")
        self._build(targets, text_model)

    def __len__(self) -> int:
        return self.n_

    def with_targets(self, targets: Iterable[Target]) -> MatchIndex:
        """A new index over ``targets`` with this index's weights, vocabulary and tag labels."""
        return MatchIndex(
            targets, weights=self.weights, vocabulary=self.vocabulary, tag_labels=self.tag_labels
        )

    def derive(self, targets: Iterable[Target]) -> MatchIndex:
        """A (small) index over ``targets`` vectorised with this index's text model, so that its
        scores compare with this index's: the delta of a ``LiveIndex``."""
        return MatchIndex(
            targets, weights=self.weights, vocabulary=self.vocabulary, tag_labels=self.tag_labels,
            text_model=self.text_model_,
        )

    def configured(self, *, weights: Weights | None = None, tag_labels: Mapping[str, str] | None = None) -> MatchIndex:
        """This index (its arrays shared, not copied) with other weights and/or tag labels."""
        other = copy.copy(self)
        if weights is not None:
            if not isinstance(weights, Weights):
                raise ValueError("weights must be a matcher.Weights")
            other.weights = weights
        if tag_labels is not None:
            other.tag_labels = dict(tag_labels)
        return other

    def rows_of(self, keys: Iterable) -> np.ndarray:
        """A boolean mask of the rows whose target id is one of ``keys``."""
        wanted = _keys_like(self.ids_, keys)
        if wanted.size == 0:
            return np.zeros(self.n_, dtype=bool)
        return np.isin(self.ids_, wanted)

    def target_ids(self) -> list:
        """The ids of the targets, in index order."""
        return [_key_value(self.ids_, i) for i in range(self.n_)]

    def nbytes(self) -> int:
        """Bytes of the index's arrays (what a machine holds once when the index is mapped)."""
        total = 0
        for value in self._arrays().values():
            total += value.nbytes
        return total

    # --- build ---------------------------------------------------------------------------------

    def _build(self, ts: tuple[Target, ...], text_model: TextModel | None) -> None:
        n = self.n_ = len(ts)
        self.ids_ = _key_array([t.id for t in ts])
        self.lat_ = np.array([t.lat for t in ts], dtype=np.float64)
        self.lon_ = np.array([t.lon for t in ts], dtype=np.float64)
        self.order_ = np.argsort(self.lat_, kind="stable").astype(np.int32)
        self.lat_sorted_ = self.lat_[self.order_]
        self.kind_ = np.array([_KIND_CODE[t.kind] for t in ts], dtype=np.int8)
        company_keys = _key_array([t.company_id for t in ts])
        if company_keys.dtype == object:
            codes, table = _codes(list(company_keys))
            self.company_keys_ = np.array(list(table), dtype=object)
            self.company_ = codes
        else:
            self.company_keys_, inverse = np.unique(company_keys, return_inverse=True)
            self.company_ = inverse.astype(np.int32).reshape(-1)
        self.industry_, industry_codes = _codes([t.industry for t in ts], key=str.casefold)
        self.industry_keys_ = list(industry_codes)
        self.updated_ = np.array([t.updated.toordinal() for t in ts], dtype=np.int32)
        self.start_ = np.array([t.start.toordinal() if t.start else -1 for t in ts], dtype=np.int32)
        nan = float("nan")
        self.hours_min_ = np.array([nan if t.hours_min is None else t.hours_min for t in ts], np.float32)
        self.hours_max_ = np.array([nan if t.hours_max is None else t.hours_max for t in ts], np.float32)
        self.partner_ = np.array([t.partner for t in ts], dtype=bool)
        self.placements_ = np.array([t.placements for t in ts], dtype=np.int32)

        offers = [_effective_offers(t) for t in ts]
        self.tags_ = sorted(set().union(*offers))
        tag_columns = {tag: j for j, tag in enumerate(self.tags_)}
        self.offers_ = np.zeros((n, max(len(self.tags_), 1)), dtype=bool)
        for i, tags in enumerate(offers):
            self.offers_[i, [tag_columns[tag] for tag in tags]] = True
        self._derive_scores()
        self._build_text(ts, text_model)

    @property
    def tag_columns_(self) -> dict[str, int]:
        return {tag: j for j, tag in enumerate(self.tags_)}

    def _derive_scores(self) -> None:
        n = self.n_
        tag_columns = self.tag_columns_

        def has(tag: str) -> np.ndarray:
            j = tag_columns.get(tag)
            return self.offers_[:, j] if j is not None else np.zeros(n, dtype=bool)

        flexjob = self.kind_ == _FLEXJOB
        self.start_hours_ = scoring.effective_start_hours(
            self.hours_min_,
            low_hours_start=has("low_hours_start"),
            gradual=has("gradual_increase"),
            flexjob=flexjob,
        ).astype(np.float32)
        self.low_start_ = (has("low_hours_start") | has("gradual_increase") | flexjob).astype(np.float32)
        self.employer_ = scoring.employer_scores(self.partner_, self.placements_.astype(np.float32)).astype(np.float32)
        self.kind_score_ = scoring.kind_scores(self.kind_).astype(np.float32)

    def _expand(self, text: str) -> str:
        return self.vocabulary.expand(text)

    def _build_text(self, ts: tuple[Target, ...], text_model: TextModel | None) -> None:
        vocab = self.vocabulary
        title_id, titles = _codes([t.title for t in ts])
        industry_id, industries = _codes([t.industry for t in ts])
        description_id, descriptions = _codes([t.description for t in ts])
        skills_id, skills = _codes([" ".join(t.skills) for t in ts])
        self.titles_ = _Strings.of(list(titles))
        self.industries_ = _Strings.of(list(industries))
        norm_titles = [normalise(t) for t in titles]
        norm_industries = [normalise(t) for t in industries]
        norm_descriptions = [normalise(t)[:DESCRIPTION_MAX_CHARS] for t in descriptions]
        blocks = [
            [self._expand(t) for t in titles],
            # Industry labels (DB07) name sectors, not occupations: never expanded with synonyms.
            norm_industries,
            norm_descriptions,
            [normalise(t) for t in skills],
        ]
        corpus = [text for block in blocks for text in block]
        if text_model is None:
            # The vocabulary joins the fit so that a wish's synonyms carry weight even when no target uses them.
            text_model, matrix = TextModel.fit(corpus + list(vocab.expansions_))
            matrix = matrix[: len(corpus)]
        else:
            matrix = text_model.transform(corpus)
        self.text_model_ = text_model
        bounds = np.cumsum([0] + [len(block) for block in blocks])
        for k, (name, ids) in enumerate(zip(_TEXT_FIELDS, [title_id, industry_id, description_id, skills_id])):
            rows = _int32_csr(matrix[bounds[k] : bounds[k + 1]].tocsr())
            if name == "description":
                rows = _keep_strongest(rows, DESCRIPTION_FEATURES)
            setattr(self, name + "_", _TextField(rows, ids))

        # Word model: which words each title / industry / description contains (binary), over one
        # sorted word list, so that a wish word's inflections and compounds are a few columns.
        words = CountVectorizer(binary=True, lowercase=False, token_pattern=_WORD_PATTERN, dtype=np.float32)
        word_blocks = [norm_titles, norm_industries, norm_descriptions]
        word_corpus = [text for block in word_blocks for text in block]
        if not any(word_corpus):
            word_corpus = word_corpus + ["ingen"]
        word_matrix = words.fit_transform(word_corpus).tocsr()
        word_list = words.get_feature_names_out().tolist()
        self.words_ = WordTable(word_list, extra_known=vocab.known_words_)
        self.word_list_ = _Strings.of(word_list)
        wb = np.cumsum([0] + [len(block) for block in word_blocks])
        for k, (name, ids) in enumerate(zip(_WORD_FIELDS, [title_id, industry_id, description_id])):
            setattr(self, name + "_", _WordField.of(word_matrix[wb[k] : wb[k + 1]], ids))

        # Occupations each target stands for: an opening's title names one (grade 1); a company
        # without an opening stands for what it typically employs (its workplace, ``WORKPLACE_GRADE``).
        is_company = self.kind_ == _COMPANY
        occ_key, occ_keys = _codes(
            [(True, t.title, t.description) if company else (False, t.title, "") for t, company in zip(ts, is_company)]
        )
        n_occ = max(len(vocab), 1)
        indptr, cols, vals, vias = [0], [], [], []
        for company, title, description in occ_keys:
            grades: dict[int, float] = {}
            via: dict[int, int] = {}
            if company:
                # The title (the company's own word for its trade) first; else the description's
                # opening ("<name>. <what it does>"), where a company says what it is.
                places = vocab.workplaces_in(title) or vocab.workplaces_in(description[:WORKPLACE_DESCRIPTION_CHARS])
                for k in places:
                    for rank_, o in enumerate(vocab.workplaces[k].employs):
                        grade = scoring.WORKPLACE_GRADE if rank_ == 0 else scoring.WORKPLACE_OTHER_GRADE
                        if grade > grades.get(o, 0.0):
                            grades[o] = grade
                            via[o] = k
                for o in vocab.lookup(title):
                    grades.setdefault(o, scoring.WORKPLACE_GRADE)
            else:
                for o in vocab.lookup(title):
                    grades[o] = 1.0
            for o in sorted(grades):
                cols.append(o)
                vals.append(grades[o])
                vias.append(via.get(o, -1))
            indptr.append(len(cols))
        if not occ_keys:
            indptr.append(0)
        self.occ_key_ = occ_key
        self.occ_ = _trusted_csr(
            np.array(vals, dtype=np.float32), np.array(cols, dtype=np.int32), np.array(indptr, dtype=np.int32),
            (len(indptr) - 1, n_occ),
        )
        self.occ_via_ = np.array(vias, dtype=np.int32)  # workplace behind each stored grade, -1 if none
        self._vocabulary_codes()

    def _vocabulary_codes(self) -> None:
        codes = self.vocabulary.codes_
        self.code3_ = np.array([c[:3] for c in codes]) if codes else np.array([""])
        self.code2_ = np.array([c[:2] for c in codes]) if codes else np.array([""])
        self.code4_ = np.array([c[:4] for c in codes]) if codes else np.array([""])

    # --- persistence ---------------------------------------------------------------------------

    _SCALARS = ("ids_", "lat_", "lon_", "order_", "lat_sorted_", "kind_", "company_keys_", "company_",
                "industry_", "updated_", "start_", "hours_min_", "hours_max_", "partner_", "placements_",
                "offers_", "start_hours_", "low_start_", "employer_", "kind_score_", "occ_key_", "occ_via_")

    def _arrays(self) -> dict[str, np.ndarray]:
        """Every array of the index by file name (what ``save`` writes)."""
        out = {name.rstrip("_"): getattr(self, name) for name in self._SCALARS}
        out["idf"] = self.text_model_.idf_
        for name in _TEXT_FIELDS:
            field = getattr(self, name + "_")
            m = field.matrix_
            out.update({f"{name}.ids": field.ids_, f"{name}.data": m.data, f"{name}.indices": m.indices,
                        f"{name}.indptr": m.indptr})
        for name in _WORD_FIELDS:
            field = getattr(self, name + "_")
            out.update({f"{name}.ids": field.ids_, f"{name}.indices": field.indices_,
                        f"{name}.indptr": field.indptr_})
        out.update({"occ.data": self.occ_.data, "occ.indices": self.occ_.indices, "occ.indptr": self.occ_.indptr})
        for name, strings in (("titles", self.titles_), ("industries", self.industries_), ("words", self.word_list_)):
            out[f"{name}.blob"] = strings.blob_
            out[f"{name}.offsets"] = strings.offsets_
        return out

    def save(self, directory: str | os.PathLike, *, meta: Mapping | None = None) -> Path:
        """Write the index into ``directory`` (which must not exist yet), atomically: the files go
        into a temporary sibling that is renamed when complete, so a reader sees all or nothing.

        Arrays are uncompressed ``.npy`` files (memory-mappable); ``manifest.json`` holds the format
        version, the shapes and the small tables, plus ``meta`` (anything JSON, for the caller).
        """
        target = Path(directory)
        if target.exists():
            raise FileExistsError(f"{target} exists")
        if self.ids_.dtype == object or self.company_keys_.dtype == object:
            raise ValueError("only an index whose target and company ids are all int or all str can be saved")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for name, array in self._arrays().items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            manifest = {
                "format": FORMAT_VERSION,
                "targets": self.n_,
                "hash_features": self.text_model_.n_features,
                "vocabulary": vocabulary_fingerprint(self.vocabulary),
                "tags": self.tags_,
                "industry_keys": self.industry_keys_,
                "text_shapes": {name: list(getattr(self, name + "_").matrix_.shape) for name in _TEXT_FIELDS},
                "word_texts": {name: getattr(self, name + "_").n_texts for name in _WORD_FIELDS},
                "occ_shape": list(self.occ_.shape),
                "meta": dict(meta or {}),
            }
            # The manifest last: a directory with a manifest is complete.
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike,
        *,
        vocabulary: Vocabulary | None = None,
        weights: Weights | None = None,
        tag_labels: Mapping[str, str] | None = None,
        mmap: bool = True,
    ) -> MatchIndex:
        """An index saved by ``save``, its arrays memory-mapped read-only (``mmap=True``): every
        process that loads the same directory shares the same pages of the operating system's cache."""
        path = Path(directory)
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"index format {manifest.get('format')} is not {FORMAT_VERSION}")
        self = cls.__new__(cls)
        self.weights = weights if weights is not None else Weights()
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        if vocabulary_fingerprint(self.vocabulary) != manifest["vocabulary"]:
            raise ValueError("the index was built with another vocabulary")
        self.tag_labels = dict(tag_labels or {})
        self.meta_ = manifest["meta"]

        def arr(name: str) -> np.ndarray:
            file = path / f"{name}.npy"
            if mmap:
                try:
                    # A plain ndarray view of the map (the pages stay shared): indexing a np.memmap
                    # makes a memmap object per slice, a fixed cost of ~1 ms per query.
                    return np.load(file, mmap_mode="r", allow_pickle=False).view(np.ndarray)
                except ValueError:  # an empty array cannot be mapped
                    pass
            return np.load(file, allow_pickle=False)

        self.n_ = int(manifest["targets"])
        for name in cls._SCALARS:
            setattr(self, name, arr(name.rstrip("_")))
        self.tags_ = list(manifest["tags"])
        self.industry_keys_ = list(manifest["industry_keys"])
        self.text_model_ = TextModel(arr("idf"))
        for name in _TEXT_FIELDS:
            m = _trusted_csr(arr(f"{name}.data"), arr(f"{name}.indices"), arr(f"{name}.indptr"),
                             manifest["text_shapes"][name])
            setattr(self, name + "_", _TextField(m, arr(f"{name}.ids")))
        for name in _WORD_FIELDS:
            setattr(self, name + "_", _WordField(arr(f"{name}.indptr"), arr(f"{name}.indices"),
                                                 manifest["word_texts"][name], arr(f"{name}.ids")))
        self.occ_ = _trusted_csr(arr("occ.data"), arr("occ.indices"), arr("occ.indptr"), manifest["occ_shape"])
        self.titles_, self.industries_, self.word_list_ = (
            _Strings(arr(f"{name}.blob"), arr(f"{name}.offsets")) for name in ("titles", "industries", "words")
        )
        self.words_ = WordTable(self.word_list_.tolist(), extra_known=self.vocabulary.known_words_)
        self._vocabulary_codes()
        return self

    # --- query ---------------------------------------------------------------------------------

    def rank(
        self, candidate: Candidate, *, limit: int = 20, today: date | None = None, exclude: np.ndarray | None = None
    ) -> list[Match]:
        """The best ``limit`` targets for ``candidate``, best first.

        ``today`` (default: ``date.today()``) is the reference date for start and staleness.
        Targets that break a hard rule (see ``matcher.scoring``) are never returned, so fewer than
        ``limit`` matches, or none, is a normal answer. ``exclude``: a boolean mask of rows never
        to return (targets a delta retires or replaces; see ``LiveIndex``).
        """
        if not isinstance(candidate, Candidate):
            raise ValueError(f"candidate must be a matcher.Candidate, got {type(candidate).__name__}")
        if limit <= 0 or not self.n_:
            return []
        today = today or date.today()
        rows, distance, minutes = self._reachable(candidate, today.toordinal(), exclude)
        if rows.size == 0:
            return []
        components, explain, best_strength = self._components(candidate, rows, minutes, today.toordinal())
        score = scoring.combine(components, self.weights)
        if rows.size > limit:
            top = np.argpartition(-score, limit - 1)[:limit]
        else:
            top = np.arange(rows.size)
        # Best score first; ties go to the nearer target, then to the earlier target.
        top = top[np.lexsort((rows[top], distance[top], -score[top]))]
        return [
            self._match(
                candidate, int(i), rows, score, components, distance, minutes, explain, best_strength, today
            )
            for i in top
        ]

    def _near(self, c: Candidate) -> np.ndarray:
        """Rows in the latitude band and longitude window around the candidate that cover every
        point within the straight-line distance their transport can reach (a superset)."""
        box = reach_box(c)
        if box is None:
            return np.arange(self.n_)
        lat_lo, lat_hi, dlon = box
        lo = np.searchsorted(self.lat_sorted_, lat_lo, side="left")
        hi = np.searchsorted(self.lat_sorted_, lat_hi, side="right")
        rows = self.order_[lo:hi]
        diff = np.abs((self.lon_[rows] - c.lon + 180.0) % 360.0 - 180.0)
        return rows[diff <= dlon]

    def _reachable(
        self, c: Candidate, today: int, exclude: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows that pass every hard rule, with their distance (km) and travel time (minutes)."""
        rows = self._near(c)
        kind = self.kind_[rows]
        accepted = np.zeros(len(KINDS), dtype=bool)
        accepted[[_KIND_CODE[k] for k in c.accepts]] = True
        keep = accepted[kind]
        keep &= (kind == _COMPANY) | (today - self.updated_[rows] <= scoring.STALE_EXCLUDE_DAYS)
        if exclude is not None:
            keep &= ~exclude[rows]
        if c.excluded_company_ids:
            excluded = self._company_codes(c.excluded_company_ids)
            if excluded.size:
                keep &= ~np.isin(self.company_[rows], excluded)
        if c.excluded_industries:
            industries = {key: i for i, key in enumerate(self.industry_keys_)}
            excluded = [industries[ind] for ind in c.excluded_industries if ind in industries]
            if excluded:
                keep &= ~np.isin(self.industry_[rows], excluded)
        rows = rows[keep]
        distance = geo.geodesic_km(c.lat, c.lon, self.lat_[rows], self.lon_[rows])
        minutes = geo.travel_minutes(distance, c.transport)
        within = minutes <= c.max_travel_minutes
        return rows[within], distance[within], minutes[within]

    def _company_codes(self, company_ids) -> np.ndarray:
        """Codes of the companies among ``company_ids`` that the index has."""
        keys = self.company_keys_
        if keys.dtype == object:
            table = {k: i for i, k in enumerate(keys.tolist())}
            return np.array([table[k] for k in company_ids if k in table], dtype=np.int64)
        wanted = _keys_like(keys, company_ids)
        pos = np.searchsorted(keys, wanted)
        inside = pos < keys.size
        pos, wanted = pos[inside], wanted[inside]
        return pos[keys[pos] == wanted].astype(np.int64)

    def _wish_occupations(self, wish: ParsedWish) -> tuple[np.ndarray, dict[int, tuple[str, int]]]:
        """Graded occupations a wish points to, over the whole vocabulary, and how each was reached:
        occupation index -> ("named" | "concept" | "related", the named/concept occupation)."""
        vocab = self.vocabulary
        n_occ = max(len(vocab), 1)
        grades = np.zeros(n_occ, dtype=np.float32)
        how: dict[int, tuple[str, int]] = {}
        if not wish.text:
            return grades, how
        # The original wording too: a title may contain a stop word ("social- og sundhedshjælper").
        original = " ".join(w for w in normalise(wish.original).split() if w not in wish.negated)
        direct = set(vocab.lookup(wish.text)) | set(vocab.lookup(original))
        seeds: list[tuple[int, float, str]] = [(o, 1.0, "named") for o in sorted(direct)]
        seeds += [(o, g, "concept") for o, (g, _) in vocab.concept_occupations(wish.text).items() if o not in direct]
        for o, g, kind in seeds:
            if g > grades[o]:
                grades[o] = g
                how[o] = (kind, o)
        # The occupation hierarchy: the same DISCO-08 minor group (3 digits) and sub-major group (2).
        for o, g, _how in seeds:
            for codes, share in ((self.code2_, scoring.SUBMAJOR_GROUP_SHARE), (self.code3_, scoring.MINOR_GROUP_SHARE)):
                related = np.flatnonzero(codes == codes[o])
                value = np.float32(g * share)
                for r in related[grades[related] < value]:
                    grades[r] = value
                    how[int(r)] = ("related", o)
        return grades, how

    def _word_grades(self, terms: tuple[str, ...], field: _WordField) -> np.ndarray:
        """Per distinct text of ``field``: the mean over ``terms`` of each term's best word grade."""
        if not terms:
            return np.zeros(field.n_texts, dtype=np.float32)
        total = sum(field.grades(self.words_.matches(term)) for term in terms)
        return (total / len(terms)).astype(np.float32)

    def _mentions(self, parsed: list[ParsedWish], rows: np.ndarray, explain: _Explain) -> np.ndarray | None:
        """Targets whose title or description mentions a word the borger does not want (or None)."""
        negated = tuple(dict.fromkeys(w for p in parsed for w in p.negated))
        if not negated:
            return None
        mentions = np.zeros(rows.size, dtype=bool)
        for field in (self.title_words_, self.description_words_):
            for word in negated:
                mentions |= field.grades(self.words_.matches(word))[field.ids_[rows]] > 0
        explain.negated = negated
        explain.negated_rows = mentions
        return mentions

    def _components(self, c: Candidate, rows: np.ndarray, minutes: np.ndarray, today: int):
        n = rows.size
        components: dict[str, np.ndarray] = {}
        best_wish = best_strength = None
        parsed = [parse_wish(w) for w in c.wishes]
        text_wishes = [k for k, p in enumerate(parsed) if p.text]
        explain = _Explain(parsed, text_wishes)

        n_wishes = len(text_wishes)
        texts = [self._expand(parsed[k].text) for k in text_wishes] + [normalise(s) for s in c.strengths]
        query = self.text_model_.transform(texts) if texts else None
        # Wishes and strengths are both compared with the description: one product for both.
        description = self.description_.similarity(rows, query) if texts else None

        if text_wishes:
            wish_query = query[:n_wishes]
            sources = {
                "title": self.title_.similarity(rows, wish_query),
                "industry": scoring.INDUSTRY_FACTOR * self.industry_text_.similarity(rows, wish_query),
                "description": scoring.DESCRIPTION_FACTOR * description[:, :n_wishes],
                "words_title": np.zeros((n, n_wishes), dtype=np.float32),
                "words_industry": np.zeros((n, n_wishes), dtype=np.float32),
                "words_description": np.zeros((n, n_wishes), dtype=np.float32),
                "occupation": np.zeros((n, n_wishes), dtype=np.float32),
            }
            occ_unique, occ_inverse = np.unique(self.occ_key_[rows], return_inverse=True)
            occ_rows = self.occ_[occ_unique]
            for j, k in enumerate(text_wishes):
                wish = parsed[k]
                # A concept's other words count too ("dyr" → "kæledyr", "hunde"), at a share; merged
                # into one column -> grade map so each field is looked up once per wish.
                related: dict[int, float] = {}
                for k2 in self.vocabulary.concepts_in(wish.text):
                    for word in self.vocabulary.concept_words_[k2]:
                        if word in wish.terms:
                            continue
                        for col, grade in self.words_.matches(word).items():
                            value = scoring.CONCEPT_WORD_SHARE * grade
                            if value > related.get(col, 0.0):
                                related[col] = value
                for name, field, factor in (
                    ("words_title", self.title_words_, scoring.WORD_TITLE_FACTOR),
                    ("words_industry", self.industry_words_, scoring.WORD_INDUSTRY_FACTOR),
                    ("words_description", self.description_words_, scoring.WORD_DESCRIPTION_FACTOR),
                ):
                    grades = self._word_grades(wish.terms, field)
                    # Not on the industry: a DB07 label names a sector, not what the work is about.
                    if related and field is not self.industry_words_:
                        grades = np.maximum(grades, field.grades(related))
                    sources[name][:, j] = factor * grades[field.ids_[rows]]
                grades, how = self._wish_occupations(wish)
                explain.occupations.append((grades, how))
                if how:
                    best = occ_rows.multiply(grades[None, :]).tocsr().max(axis=1).toarray().ravel()
                    sources["occupation"][:, j] = scoring.OCCUPATION_MATCH_SCORE * best[occ_inverse]
            per_wish = np.maximum.reduce(list(sources.values()))
            explain.sources = sources
            # A wish that says what it does not want: targets mentioning it lose most of their wish score.
            mentions = self._mentions(parsed, rows, explain)
            if mentions is not None:
                per_wish = np.where(mentions[:, None], per_wish * (1.0 - scoring.NEGATION_PENALTY), per_wish)
            best_wish = per_wish.argmax(axis=1)
            components["wishes"] = per_wish.max(axis=1)
        else:
            components["wishes"] = np.full(n, NEUTRAL, dtype=np.float32)
            mentions = self._mentions(parsed, rows, explain)
            if mentions is not None:
                penalised = NEUTRAL * (1.0 - scoring.NEGATION_PENALTY)
                components["wishes"] = np.where(mentions, penalised, components["wishes"]).astype(np.float32)

        if c.strengths:
            skills = self.skills_.similarity(rows, query[n_wishes:])
            per_strength = np.maximum(skills, scoring.STRENGTH_DESCRIPTION_FACTOR * description[:, n_wishes:])
            best_strength = per_strength.argmax(axis=1)
            counted = min(scoring.STRENGTHS_COUNTED, len(c.strengths))
            components["strengths"] = np.sort(per_strength, axis=1)[:, -counted:].mean(axis=1)
        else:
            components["strengths"] = np.full(n, NEUTRAL, dtype=np.float32)

        components["travel"] = scoring.travel_scores(minutes, c.max_travel_minutes)
        cand_min, cand_max = _hours_wanted(c, parsed)
        components["hours"] = scoring.hours_scores(
            self.start_hours_[rows],
            self.hours_max_[rows],
            self.low_start_[rows],
            cand_min=cand_min,
            cand_max=cand_max,
        )
        needs = c.needs | explain.wish_needs
        if needs:
            columns = [self.tag_columns_[tag] for tag in needs if tag in self.tag_columns_]
            met = self.offers_[np.ix_(rows, columns)].sum(axis=1) if columns else np.zeros(n)
            components["needs"] = (met / len(needs)).astype(np.float32)
        else:
            components["needs"] = np.ones(n, dtype=np.float32)
        components["kind"] = self.kind_score_[rows]
        start = self.start_[rows]
        components["start"] = scoring.start_scores(np.where(start < 0, 0, start - today))
        components["freshness"] = scoring.freshness_scores(
            today - self.updated_[rows], self.kind_[rows] == _COMPANY
        )
        components["employer"] = self.employer_[rows]
        explain.best_wish = best_wish
        return {name: components[name] for name in COMPONENTS}, explain, best_strength

    # --- explanation ---------------------------------------------------------------------------

    def _label(self, tag: str) -> str:
        # Looked up when the reason is worded: the labels an index was built with may be Danish.
        return _(self.tag_labels.get(tag, tag))

    def _mentions_word(self, row: int, word: str, explain: _Explain) -> bool:
        matches = self.words_.matches(word)
        for name in ("title_words", "description_words"):
            field = getattr(self, name + "_")
            if explain.best_words(name, word, field, matches)[field.ids_[row]] >= 0:
                return True
        return False

    def _wish_reason(self, t: _TargetRow, explain: _Explain, i: int, row: int) -> str:
        """"Ønsker <wish> → <why>": which wish gave the credit and through what."""
        j = int(explain.best_wish[i])
        wish = explain.parsed[explain.text_wishes[j]]
        head = _("Ønsker %(wish)s") % {"wish": wish.display}
        values = {name: float(explain.sources[name][i, j]) for name in _REASON_ORDER}
        best = max(values.values())
        source = next(name for name in _REASON_ORDER if values[name] >= best - _REASON_SLACK and values[name] > 0)
        vocab = self.vocabulary
        if source == "occupation":
            grades, how = explain.occupations[j]
            key = int(self.occ_key_[row])
            start, end = self.occ_.indptr[key], self.occ_.indptr[key + 1]
            occs, vals = self.occ_.indices[start:end], self.occ_.data[start:end]
            o = int(occs[np.argmax(vals * grades[occs])])
            kind, via = how.get(o, ("named", o))
            place_code = int(self.occ_via_[start + int(np.flatnonzero(occs == o)[0])])
            workplace = place_code if place_code >= 0 else None
            if workplace is not None:
                place = vocab.workplaces[workplace]
                name = t.title if t.title and len(t.title) <= 40 else place.name
                if place.employs and place.employs[0] == o:
                    return _("%(wish)s → %(place)s – ansætter %(occupation)s") % {
                        "wish": head, "place": name, "occupation": place.employs_text}
                return _("%(wish)s → %(place)s – ansætter også %(occupation)s") % {
                    "wish": head, "place": name, "occupation": vocab.occupations[o].title}
            if kind == "related":
                return _("%(wish)s → %(occupation)s, beslægtet med %(related)s") % {
                    "wish": head, "occupation": vocab.occupations[o].title, "related": vocab.occupations[via].title}
            return f"{head} → {vocab.occupations[o].title}"
        if source.startswith("words_"):
            name = {"words_title": "title_words", "words_industry": "industry_words",
                    "words_description": "description_words"}[source]
            field = getattr(self, name + "_")
            found = []
            for term in wish.terms:
                col = explain.best_words(name, term, field, self.words_.matches(term))[field.ids_[row]]
                if col >= 0:
                    found.append(self.words_.words_[col])
            if not found:
                return head
            words = ", ".join(dict.fromkeys(found))
            if source == "words_description":
                return _("%(wish)s → %(words)s i beskrivelsen") % {"wish": head, "words": words}
            return f"{head} → {words}"
        if source == "title":
            return f"{head} → {t.title}"
        if source == "industry":
            return f"{head} → {t.industry}"
        return _("%(wish)s → nævnt i beskrivelsen") % {"wish": head}

    def _target_row(self, row: int) -> _TargetRow:
        hours_min, hours_max = float(self.hours_min_[row]), float(self.hours_max_[row])
        start = int(self.start_[row])
        return _TargetRow(
            id=_key_value(self.ids_, row),
            kind=KINDS[int(self.kind_[row])],
            title=self.titles_[int(self.title_.ids_[row])],
            industry=self.industries_[int(self.industry_text_.ids_[row])],
            hours_min=None if np.isnan(hours_min) else hours_min,
            hours_max=None if np.isnan(hours_max) else hours_max,
            offers=frozenset(self.tags_[j] for j in np.flatnonzero(self.offers_[row]) if j < len(self.tags_)),
            start=date.fromordinal(start) if start >= 0 else None,
            updated=date.fromordinal(int(self.updated_[row])),
            partner=bool(self.partner_[row]),
            placements=int(self.placements_[row]),
        )

    def _match(
        self, c, i, rows, score, components, distance, minutes, explain, best_strength, today
    ) -> Match:
        t = self._target_row(int(rows[i]))
        values = {name: round(float(components[name][i]), 4) for name in COMPONENTS}
        return Match(
            target_id=t.id,
            score=round(float(score[i]), 4),
            components=values,
            distance_km=round(float(distance[i]), 3),
            travel_minutes=round(float(minutes[i]), 1),
            reasons=tuple(self._reasons(c, t, values, float(minutes[i]), explain, i, int(rows[i]),
                                        None if best_strength is None else int(best_strength[i]), today)),
        )

    def _reasons(
        self, c: Candidate, t: _TargetRow, values, minutes, explain: _Explain, i: int, row: int, best_strength,
        today: date,
    ) -> list[str]:
        """Reasons in the reader's language, most important first: positives by weighted contribution, then neutral
        notes, then caveats (what speaks against the target)."""
        w = self.weights
        good: list[tuple[float, str]] = []
        notes: list[str] = []
        caveats: list[str] = []

        def add(component: str, text: str) -> None:
            good.append((getattr(w, component) * values[component], text))

        if explain.best_wish is not None and values["wishes"] >= scoring.REASON_MIN:
            add("wishes", self._wish_reason(t, explain, i, row))
        elif explain.text_wishes:
            notes.append(_(NO_WISH_REASON))
        if explain.negated_rows is not None and explain.negated_rows[i]:
            words = [w for w in explain.negated if self._mentions_word(row, w, explain)]
            caveats.append(_("Nævner %(words)s, som borgeren ikke ønsker")
                           % {"words": ", ".join(words or explain.negated)})
        if best_strength is not None and values["strengths"] >= scoring.REASON_MIN:
            add("strengths", _("Styrke: %(strength)s") % {"strength": c.strengths[best_strength].lower()})
        add("travel", scoring.travel_reason(minutes, c.transport))

        cand_min, cand_max = _hours_wanted(c, explain.parsed)
        few = cand_max < c.hours_max
        if t.hours_min is None:
            notes.append(_("Timetal aftales med virksomheden"))
        elif values["hours"] >= 0.7:
            low_start = t.hours_min > cand_max
            if low_start and t.kind == "flexjob":
                add("hours", _few_hours(few, _("Fleksjob: timetal efter arbejdsevne")))
            elif low_start:
                tag = "low_hours_start" if "low_hours_start" in t.offers else "gradual_increase"
                add("hours", _few_hours(few, self._label(tag)))
            else:
                span = format_span(t.hours_min, t.hours_max)
                add("hours", _few_hours(few, _("%(hours)s timer om ugen") % {"hours": span}))
        else:
            caveats.append(_("Kræver %(hours)s timer om ugen") % {"hours": format_span(t.hours_min, t.hours_max)})

        offers = t.offers
        for tag, phrase in explain.wish_need_phrases:
            if tag in offers and tag not in c.needs:
                add("needs", _("Ønsker %(wish)s → %(offer)s") % {"wish": _(phrase), "offer": self._label(tag).lower()})
        needs = c.needs | explain.wish_needs
        if needs:
            met = sorted(c.needs & offers)
            missing = sorted(needs - offers)
            if met:
                add("needs", _("Tilbyder %(offers)s") % {"offers": ", ".join(self._label(tag).lower() for tag in met)})
            if missing:
                caveats.append(_("Mangler %(offers)s") % {
                    "offers": ", ".join(self._label(tag).lower() for tag in missing)})

        add("kind", KIND_LABEL[t.kind])
        if t.start is None or t.start <= today:
            add("start", _("Kan starte nu"))
        else:
            days = (t.start - today).days
            if days < 60:
                add("start", _("Start om %(weeks)s uger") % {"weeks": max(1, days // 7)})
            else:
                caveats.append(_("Start om %(months)s måneder") % {"months": round(days / 30.4)})
        age = (today - t.updated).days
        if age > scoring.STALE_SOFT_DAYS:
            # A company with no opening has nothing to confirm: its date is the last contact.
            caveats.append((_("Ingen kontakt i %(days)s dage") if t.kind == "company"
                            else _("Ikke bekræftet i %(days)s dage")) % {"days": age})
        if t.partner and t.placements:
            add("employer", _("Samarbejdspartner med %(placements)s tidligere forløb") % {"placements": t.placements})
        elif t.partner:
            add("employer", _("Samarbejdspartner"))
        elif t.placements:
            add("employer", _("%(placements)s tidligere forløb") % {"placements": t.placements})

        good.sort(key=lambda item: -item[0])
        return [text for _, text in good] + notes + caveats


NO_WISH_REASON = scoring.NO_WISH_REASON
#: Sources of a wish score, in the order a reason prefers them when they score about the same.
_REASON_ORDER = ("occupation", "words_title", "title", "words_industry", "industry", "words_description", "description")
#: A source this close to the best one may explain the wish score instead (a more telling reason).
_REASON_SLACK = 0.1


class _Explain:
    """What a query found, kept for the reasons of the few targets returned."""

    def __init__(self, parsed: list[ParsedWish], text_wishes: list[int]) -> None:
        self.parsed = parsed
        self.text_wishes = text_wishes  # indices of the wishes that carry text (not only needs)
        self.sources: dict[str, np.ndarray] = {}
        self.occupations: list[tuple[np.ndarray, dict[int, tuple[str, int]]]] = []
        self.best_wish: np.ndarray | None = None
        self.negated: tuple[str, ...] = ()
        self.negated_rows: np.ndarray | None = None
        phrases: list[tuple[str, str]] = []
        for p in parsed:
            for need in p.needs:
                if need[0] not in {tag for tag, _ in phrases}:
                    phrases.append(need)
        self.wish_need_phrases = tuple(phrases)
        self.wish_needs = frozenset(tag for tag, _ in phrases)
        self._best_words: dict[tuple[str, str], np.ndarray] = {}

    def best_words(self, name: str, term: str, field: _WordField, matches: dict[int, float]) -> np.ndarray:
        """``field.best_words`` for a term, computed once per query (reasons ask per target)."""
        key = (name, term)
        found = self._best_words.get(key)
        if found is None:
            found = self._best_words[key] = field.best_words(matches)
        return found


def _hours_wanted(c: Candidate, parsed: list[ParsedWish]) -> tuple[float, float]:
    """The hours the scoring assumes: a wish for "få timer" caps them at ``scoring.FEW_HOURS``."""
    if any(p.few_hours for p in parsed) and c.hours_max > scoring.FEW_HOURS:
        return min(c.hours_min, scoring.FEW_HOURS), scoring.FEW_HOURS
    return c.hours_min, c.hours_max


def _effective_offers(t: Target) -> frozenset[str]:
    implied = IMPLIED_OFFERS.get(t.kind)
    return t.offers | {implied} if implied else t.offers


def _few_hours(few: bool, reason: str) -> str:
    """``reason`` led by the borger's wish for few hours when ``few``."""
    return _("Ønsker få timer → %(reason)s") % {"reason": reason} if few else reason


def format_span(lo: float, hi: float) -> str:
    """An hours span as the reader writes it: "8–15", or "37" when both ends are equal."""
    lo_text, hi_text = scoring.format_hours(lo), scoring.format_hours(hi)
    return lo_text if lo_text == hi_text else f"{lo_text}–{hi_text}"


def rank(
    candidate: Candidate,
    targets: Iterable[Target],
    *,
    limit: int = 20,
    today: date | None = None,
    weights: Weights | None = None,
    vocabulary: Vocabulary | None = None,
    tag_labels: Mapping[str, str] | None = None,
) -> list[Match]:
    """Rank ``targets`` for ``candidate`` once (builds a throw-away ``MatchIndex``; best first)."""
    index = MatchIndex(targets, weights=weights, vocabulary=vocabulary, tag_labels=tag_labels)
    return index.rank(candidate, limit=limit, today=today)


class LiveIndex:
    """A base index (typically memory-mapped from disk) and a small delta beside it.

    ``added``: targets new or changed since the base was built; they are ranked by a small index
    with the base's text model (``MatchIndex.derive``), so their scores compare with the base's.
    ``retired``: ids of base targets that are gone (closed, no longer matchable). The base rows of
    both are masked out of the base's results. ``rank`` merges the two result lists; the answer is
    the one a full rebuild over the same targets would give (up to ties at the cut).
    """

    def __init__(self, base: MatchIndex, added: Iterable[Target] = (), retired: Iterable = ()) -> None:
        self.base = base
        added = tuple(added)
        keys = {t.id for t in added} | set(retired)
        self.masked_ = base.rows_of(keys) if keys else None
        self.delta = base.derive(added) if added else None

    @property
    def weights(self) -> Weights:
        return self.base.weights

    @property
    def tag_labels(self) -> dict[str, str]:
        return self.base.tag_labels

    @property
    def vocabulary(self) -> Vocabulary:
        return self.base.vocabulary

    def __len__(self) -> int:
        masked = int(self.masked_.sum()) if self.masked_ is not None else 0
        return len(self.base) - masked + (len(self.delta) if self.delta is not None else 0)

    def rank(
        self, candidate: Candidate, *, limit: int = 20, today: date | None = None, only: Iterable | None = None
    ) -> list[Match]:
        """As ``MatchIndex.rank``, over the base without its masked rows plus the delta.

        ``only``: the ids of the targets a pre-filter elsewhere (the database) found reachable;
        the others are not scored at all.
        """
        exclude, delta_exclude = self.masked_, None
        if only is not None:
            only = set(only)
            outside = ~self.base.rows_of(only)
            exclude = outside if exclude is None else exclude | outside
            if self.delta is not None:
                delta_exclude = ~self.delta.rows_of(only)
        found = self.base.rank(candidate, limit=limit, today=today, exclude=exclude)
        if self.delta is None:
            return found
        found += self.delta.rank(candidate, limit=limit, today=today, exclude=delta_exclude)
        found.sort(key=lambda m: (-m.score, m.distance_km))
        return found[:limit]
