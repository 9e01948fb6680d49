"""The match index: targets prepared once, ranked for one candidate per query.

Build (``MatchIndex(targets)``; ~seconds for 100,000 targets) precomputes everything that does not
depend on the candidate: a BallTree over the coordinates (haversine metric), numpy arrays for
kinds, hours, dates, offers and employer facts, and sparse TF-IDF matrices for titles, industries,
descriptions and skills. Identical texts are vectorised once and shared by id.

A query (``MatchIndex.rank``; tens of milliseconds for 100,000 targets on one core):

1. spatial pre-filter: BallTree radius query with the farthest straight-line distance the
   candidate's transport can cover in ``max_travel_minutes`` (``geo.max_distance_km``);
2. hard rules on the survivors with numpy masks (kinds accepted, excluded industries and companies,
   stale openings), then exact geodesic distance and travel minutes, dropping targets over the limit;
3. the candidate's wishes are parsed (``wishes.parse_wish``); wishes and strengths are vectorised
   once; similarities are sparse dot products
   restricted to the surviving targets: either their rows are sliced from the TF-IDF matrix and
   multiplied, or, when that would touch more non-zeros (a large reachable area), the matrix columns
   of the query's few n-grams are multiplied and the surviving rows picked from the result
   (``_TextField.similarity`` picks the cheaper by counting non-zeros; both give the same numbers);
   The word model (``morph.WordTable``: the sorted distinct words of titles, industries and
   descriptions, binary text x word matrices) finds a wish word's inflections and compounds by
   binary search, then reads the texts containing them from the word's matrix column; the
   occupation model is a sparse target x occupation matrix of grades (title occupations, or for
   a company the occupations its workplace employs) multiplied with the wish's graded occupations.
   Both work over a fixed word / occupation list, so they fit a persisted index;
4. all components and the score as numpy arrays; ``argpartition`` picks the top ``limit``;
5. ``Match`` objects and Danish reasons are built for those ``limit`` targets only.

Updates: an index is immutable. When the data changes, build a new one (``index.with_targets(new)``
keeps the weights, vocabulary and tag labels) and swap the reference; queries running on the old
index finish undisturbed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.neighbors import BallTree

from . import geo, scoring
from .morph import WordTable
from .scoring import COMPONENTS, NEUTRAL, Weights
from .text import DESCRIPTION_MAX_CHARS, calibrate, make_vectorizer, normalise
from .types import KINDS, Candidate, Match, Target
from .vocabulary import Vocabulary, default_vocabulary
from .wishes import ParsedWish, parse_wish

__all__ = ["MatchIndex", "rank"]

#: Offers implied by a target's kind: a flexjob opening offers flexjob, and so on.
IMPLIED_OFFERS: dict[str, str] = {"flexjob": "flexjob", "loentilskud": "loentilskud", "praktik": "praktik"}

#: How much of a company's description is searched for its kind of workplace.
WORKPLACE_DESCRIPTION_CHARS = 160
#: Words of two or more letters (the word model's tokens; "it" counts, "a" does not).
_WORD_PATTERN = r"(?u)\b\w\w+\b"
_KIND_CODE = {kind: i for i, kind in enumerate(KINDS)}
_COMPANY = _KIND_CODE["company"]
_FLEXJOB = _KIND_CODE["flexjob"]


class _TextField:
    """One text field of the targets as TF-IDF rows (one row per distinct text) and as columns."""

    def __init__(self, matrix: sp.csr_matrix, ids: np.ndarray) -> None:
        self.ids_ = ids  # target -> row of ``matrix_``
        self.matrix_ = matrix.tocsr()
        self.columns_ = matrix.T.tocsr()  # n-gram -> texts containing it
        self.row_nnz_ = np.diff(self.matrix_.indptr)
        self.col_nnz_ = np.diff(self.columns_.indptr)

    def similarity(self, rows: np.ndarray, query: sp.csr_matrix, *, strategy: str = "auto") -> np.ndarray:
        """Calibrated similarity in [0, 1] of targets ``rows`` with each ``query`` row: (len(rows), k).

        ``strategy``: "rows" slices the targets' rows, "columns" the query's n-gram columns, "auto"
        picks whichever touches fewer stored values.
        """
        unique, inverse = np.unique(self.ids_[rows], return_inverse=True)
        features = np.unique(query.indices)
        if strategy == "auto":
            cheaper = self.col_nnz_[features].sum() < self.row_nnz_[unique].sum()
            strategy = "columns" if cheaper else "rows"
        if strategy == "columns":
            sims = np.asarray(self.columns_[features].T @ query[:, features].T.toarray())[unique]
        else:
            sims = (self.matrix_[unique] @ query.T).toarray()
        return calibrate(sims)[inverse]


class _WordField:
    """One text field of the targets as a binary text x word matrix (one row per distinct text)."""

    def __init__(self, matrix: sp.csr_matrix, ids: np.ndarray) -> None:
        self.ids_ = ids
        self.matrix_ = matrix.tocsr()
        self.columns_ = matrix.T.tocsr()  # word -> texts containing it

    def grades(self, matches: dict[int, float]) -> np.ndarray:
        """Per distinct text: the best grade of the matched words it contains (0 if none)."""
        out = np.zeros(self.matrix_.shape[0], dtype=np.float32)
        indptr, indices = self.columns_.indptr, self.columns_.indices
        for col, grade in matches.items():
            np.maximum.at(out, indices[indptr[col] : indptr[col + 1]], np.float32(grade))
        return out


def _codes(values: Sequence, *, key=lambda v: v) -> tuple[np.ndarray, dict]:
    """Integer codes for hashable values (first seen = 0) and the value -> code map."""
    table: dict = {}
    codes = np.fromiter(
        (table.setdefault(key(v), len(table)) for v in values), dtype=np.int32, count=len(values)
    )
    return codes, table


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
    """

    def __init__(
        self,
        targets: Iterable[Target],
        *,
        weights: Weights | None = None,
        vocabulary: Vocabulary | None = None,
        tag_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.weights = weights if weights is not None else Weights()
        if not isinstance(self.weights, Weights):
            raise ValueError("weights must be a matcher.Weights (use Weights.from_mapping for a dict)")
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        self.tag_labels = dict(tag_labels or {})
        self.targets_: tuple[Target, ...] = tuple(targets)
        for t in self.targets_:
            if not isinstance(t, Target):
                raise ValueError(f"targets must be matcher.Target, got {type(t).__name__}")
        self._build()

    def __len__(self) -> int:
        return len(self.targets_)

    def with_targets(self, targets: Iterable[Target]) -> MatchIndex:
        """A new index over ``targets`` with this index's weights, vocabulary and tag labels."""
        return MatchIndex(
            targets, weights=self.weights, vocabulary=self.vocabulary, tag_labels=self.tag_labels
        )

    # --- build ---------------------------------------------------------------------------------

    def _build(self) -> None:
        ts = self.targets_
        n = len(ts)
        self.lat_ = np.array([t.lat for t in ts], dtype=np.float64)
        self.lon_ = np.array([t.lon for t in ts], dtype=np.float64)
        points = np.radians(np.column_stack([self.lat_, self.lon_]))
        self.tree_ = BallTree(points, metric="haversine") if n else None
        self.kind_ = np.array([_KIND_CODE[t.kind] for t in ts], dtype=np.int8)
        self.company_, self.company_codes_ = _codes([t.company_id for t in ts])
        self.industry_, self.industry_codes_ = _codes([t.industry for t in ts], key=str.casefold)
        self.updated_ = np.array([t.updated.toordinal() for t in ts], dtype=np.int64)
        self.start_ = np.array([t.start.toordinal() if t.start else -1 for t in ts], dtype=np.int64)
        nan = float("nan")
        self.hours_min_ = np.array([nan if t.hours_min is None else t.hours_min for t in ts], np.float32)
        self.hours_max_ = np.array([nan if t.hours_max is None else t.hours_max for t in ts], np.float32)
        self.partner_ = np.array([t.partner for t in ts], dtype=bool)
        self.placements_ = np.array([t.placements for t in ts], dtype=np.float32)

        offers = [_effective_offers(t) for t in ts]
        self.tag_columns_ = {tag: j for j, tag in enumerate(sorted(set().union(*offers)))}
        self.offers_ = np.zeros((n, max(len(self.tag_columns_), 1)), dtype=bool)
        for i, tags in enumerate(offers):
            self.offers_[i, [self.tag_columns_[tag] for tag in tags]] = True

        def has(tag: str) -> np.ndarray:
            j = self.tag_columns_.get(tag)
            return self.offers_[:, j] if j is not None else np.zeros(n, dtype=bool)

        flexjob = self.kind_ == _FLEXJOB
        self.start_hours_ = scoring.effective_start_hours(
            self.hours_min_,
            low_hours_start=has("low_hours_start"),
            gradual=has("gradual_increase"),
            flexjob=flexjob,
        )
        self.low_start_ = (has("low_hours_start") | has("gradual_increase") | flexjob).astype(np.float32)
        self.employer_ = scoring.employer_scores(self.partner_, self.placements_)
        self.kind_score_ = scoring.kind_scores(self.kind_)
        if n:
            self._build_text()

    def _expand(self, text: str) -> str:
        return self.vocabulary.expand(text)

    def _build_text(self) -> None:
        ts = self.targets_
        vocab = self.vocabulary
        title_id, titles = _codes([t.title for t in ts])
        industry_id, industries = _codes([t.industry for t in ts])
        description_id, descriptions = _codes([t.description for t in ts])
        skills_id, skills = _codes([" ".join(t.skills) for t in ts])
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
        # The vocabulary joins the fit so that a wish's synonyms carry weight even when no target uses them.
        extra = list(vocab.expansions_)
        if not any(corpus) and not any(extra):
            extra = ["ingen tekst"]  # keeps the vectoriser usable for an index without any text
        self.vectorizer_ = make_vectorizer()
        # One fit_transform over everything (half the work of fit + transform); then cut into fields.
        matrix = self.vectorizer_.fit_transform(corpus + extra).tocsr()
        bounds = np.cumsum([0] + [len(block) for block in blocks])
        self.title_, self.industry_text_, self.description_, self.skills_ = (
            _TextField(matrix[bounds[k] : bounds[k + 1]], ids)
            for k, ids in enumerate([title_id, industry_id, description_id, skills_id])
        )

        # Word model: which words each title / industry / description contains (binary), over one
        # sorted word list, so that a wish word's inflections and compounds are a few columns.
        words = CountVectorizer(binary=True, lowercase=False, token_pattern=_WORD_PATTERN, dtype=np.float32)
        word_blocks = [norm_titles, norm_industries, norm_descriptions]
        word_corpus = [text for block in word_blocks for text in block]
        if not any(word_corpus):
            word_corpus = word_corpus + ["ingen"]
        word_matrix = words.fit_transform(word_corpus).tocsr()
        self.words_ = WordTable(words.get_feature_names_out().tolist(), extra_known=vocab.known_words_)
        wb = np.cumsum([0] + [len(block) for block in word_blocks])
        self.title_words_, self.industry_words_, self.description_words_ = (
            _WordField(word_matrix[wb[k] : wb[k + 1]], ids)
            for k, ids in enumerate([title_id, industry_id, description_id])
        )

        # Occupations each target stands for: an opening's title names one (grade 1); a company
        # without an opening stands for what it typically employs (its workplace, ``WORKPLACE_GRADE``).
        is_company = self.kind_ == _COMPANY
        occ_key, occ_keys = _codes(
            [(True, t.title, t.description) if company else (False, t.title, "") for t, company in zip(ts, is_company)]
        )
        n_occ = max(len(vocab), 1)
        rows, cols, vals = [], [], []
        self.occ_workplace_: list[dict[int, int]] = []
        for key_row, (company, title, description) in enumerate(occ_keys):
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
            self.occ_workplace_.append(via)
            for o, g in grades.items():
                rows.append(key_row)
                cols.append(o)
                vals.append(g)
        self.occ_key_ = occ_key
        self.occ_ = sp.csr_matrix(
            (np.array(vals, dtype=np.float32), (rows, cols)), shape=(max(len(occ_keys), 1), n_occ)
        )
        codes = vocab.codes_
        self.code3_ = np.array([c[:3] for c in codes]) if codes else np.array([""])
        self.code2_ = np.array([c[:2] for c in codes]) if codes else np.array([""])
        self.code4_ = np.array([c[:4] for c in codes]) if codes else np.array([""])

    # --- query ---------------------------------------------------------------------------------

    def rank(self, candidate: Candidate, *, limit: int = 20, today: date | None = None) -> list[Match]:
        """The best ``limit`` targets for ``candidate``, best first.

        ``today`` (default: ``date.today()``) is the reference date for start and staleness.
        Targets that break a hard rule (see ``matcher.scoring``) are never returned, so fewer than
        ``limit`` matches, or none, is a normal answer.
        """
        if not isinstance(candidate, Candidate):
            raise ValueError(f"candidate must be a matcher.Candidate, got {type(candidate).__name__}")
        if limit <= 0 or not self.targets_:
            return []
        today = today or date.today()
        rows, distance, minutes = self._reachable(candidate, today.toordinal())
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

    def _reachable(self, c: Candidate, today: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows that pass every hard rule, with their distance (km) and travel time (minutes)."""
        radius = geo.prefilter_radius_rad(geo.max_distance_km(c.max_travel_minutes, c.transport))
        point = np.radians([[c.lat, c.lon]])
        rows = self.tree_.query_radius(point, r=radius)[0].astype(np.int64)
        rows.sort()
        kind = self.kind_[rows]
        accepted = np.zeros(len(KINDS), dtype=bool)
        accepted[[_KIND_CODE[k] for k in c.accepts]] = True
        keep = accepted[kind]
        keep &= (kind == _COMPANY) | (today - self.updated_[rows] <= scoring.STALE_EXCLUDE_DAYS)
        excluded = [self.company_codes_[cid] for cid in c.excluded_company_ids if cid in self.company_codes_]
        if excluded:
            keep &= ~np.isin(self.company_[rows], excluded)
        excluded = [self.industry_codes_[ind] for ind in c.excluded_industries if ind in self.industry_codes_]
        if excluded:
            keep &= ~np.isin(self.industry_[rows], excluded)
        rows = rows[keep]
        distance = geo.geodesic_km(c.lat, c.lon, self.lat_[rows], self.lon_[rows])
        minutes = geo.travel_minutes(distance, c.transport)
        within = minutes <= c.max_travel_minutes
        return rows[within], distance[within], minutes[within]

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
        for o, g, _ in seeds:
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
            return np.zeros(field.matrix_.shape[0], dtype=np.float32)
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
        query = self.vectorizer_.transform(texts) if texts else None
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
        return self.tag_labels.get(tag, tag)

    def _row_words(self, row: int, fields) -> set[int]:
        out: set[int] = set()
        for field in fields:
            m = field.matrix_
            text = field.ids_[row]
            out.update(m.indices[m.indptr[text] : m.indptr[text + 1]].tolist())
        return out

    def _mentions_word(self, row: int, word: str) -> bool:
        return bool(self._row_words(row, (self.title_words_, self.description_words_)) & set(self.words_.matches(word)))

    def _wish_reason(self, t: Target, explain: _Explain, i: int, row: int) -> str:
        """"Ønsker <wish> → <why>": which wish gave the credit and through what."""
        j = int(explain.best_wish[i])
        wish = explain.parsed[explain.text_wishes[j]]
        head = f"Ønsker {wish.display}"
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
            workplace = self.occ_workplace_[key].get(o)
            if workplace is not None:
                place = vocab.workplaces[workplace]
                name = t.title if t.title and len(t.title) <= 40 else place.name
                if place.employs and place.employs[0] == o:
                    return f"{head} → {name} – ansætter {place.employs_text}"
                return f"{head} → {name} – ansætter også {vocab.occupations[o].title}"
            if kind == "related":
                return f"{head} → {vocab.occupations[o].title}, beslægtet med {vocab.occupations[via].title}"
            return f"{head} → {vocab.occupations[o].title}"
        if source.startswith("words_"):
            field = {"words_title": self.title_words_, "words_industry": self.industry_words_,
                     "words_description": self.description_words_}[source]
            present = self._row_words(row, (field,))
            found = []
            for term in wish.terms:
                matches = self.words_.matches(term)
                hits = sorted((c for c in present if c in matches), key=lambda c: -matches[c])
                if hits:
                    found.append(self.words_.words_[hits[0]])
            where = " i beskrivelsen" if source == "words_description" else ""
            return f"{head} → {', '.join(dict.fromkeys(found))}{where}" if found else head
        if source == "title":
            return f"{head} → {t.title}"
        if source == "industry":
            return f"{head} → {t.industry}"
        return f"{head} → nævnt i beskrivelsen"

    def _match(
        self, c, i, rows, score, components, distance, minutes, explain, best_strength, today
    ) -> Match:
        t = self.targets_[rows[i]]
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
        self, c: Candidate, t: Target, values, minutes, explain: _Explain, i: int, row: int, best_strength,
        today: date,
    ) -> list[str]:
        """Danish reasons, most important first: positives by weighted contribution, then neutral
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
            notes.append(NO_WISH_REASON)
        if explain.negated_rows is not None and explain.negated_rows[i]:
            words = [w for w in explain.negated if self._mentions_word(row, w)]
            caveats.append(f"Nævner {', '.join(words or explain.negated)}, som borgeren ikke ønsker")
        if best_strength is not None and values["strengths"] >= scoring.REASON_MIN:
            add("strengths", f"Styrke: {c.strengths[best_strength].lower()}")
        add("travel", f"{max(1, round(minutes))} min {scoring.TRANSPORT_PHRASE[c.transport]}")

        cand_min, cand_max = _hours_wanted(c, explain.parsed)
        few = "Ønsker få timer → " if cand_max < c.hours_max else ""
        if t.hours_min is None:
            notes.append("Timetal aftales med virksomheden")
        elif values["hours"] >= 0.7:
            low_start = t.hours_min > cand_max
            if low_start and t.kind == "flexjob":
                add("hours", few + "Fleksjob: timetal efter arbejdsevne")
            elif low_start:
                tag = "low_hours_start" if "low_hours_start" in t.offers else "gradual_increase"
                add("hours", few + self._label(tag))
            else:
                span = format_span(t.hours_min, t.hours_max)
                add("hours", f"{few}{span} timer om ugen")
        else:
            caveats.append(f"Kræver {format_span(t.hours_min, t.hours_max)} timer om ugen")

        offers = _effective_offers(t)
        for tag, phrase in explain.wish_need_phrases:
            if tag in offers and tag not in c.needs:
                add("needs", f"Ønsker {phrase} → {self._label(tag).lower()}")
        needs = c.needs | explain.wish_needs
        if needs:
            met = sorted(c.needs & offers)
            missing = sorted(needs - offers)
            if met:
                add("needs", "Tilbyder " + ", ".join(self._label(tag).lower() for tag in met))
            if missing:
                caveats.append("Mangler " + ", ".join(self._label(tag).lower() for tag in missing))

        add("kind", scoring.KIND_LABEL[t.kind])
        if t.start is None or t.start <= today:
            add("start", "Kan starte nu")
        else:
            days = (t.start - today).days
            if days < 60:
                add("start", f"Start om {max(1, days // 7)} uger")
            else:
                caveats.append(f"Start om {round(days / 30.4)} måneder")
        age = (today - t.updated).days
        if age > scoring.STALE_SOFT_DAYS:
            caveats.append(f"Ikke bekræftet i {age} dage")
        if t.partner and t.placements:
            add("employer", f"Samarbejdspartner med {t.placements} tidligere forløb")
        elif t.partner:
            add("employer", "Samarbejdspartner")
        elif t.placements:
            add("employer", f"{t.placements} tidligere forløb")

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


def _hours_wanted(c: Candidate, parsed: list[ParsedWish]) -> tuple[float, float]:
    """The hours the scoring assumes: a wish for "få timer" caps them at ``scoring.FEW_HOURS``."""
    if any(p.few_hours for p in parsed) and c.hours_max > scoring.FEW_HOURS:
        return min(c.hours_min, scoring.FEW_HOURS), scoring.FEW_HOURS
    return c.hours_min, c.hours_max


def _effective_offers(t: Target) -> frozenset[str]:
    implied = IMPLIED_OFFERS.get(t.kind)
    return t.offers | {implied} if implied else t.offers


def format_span(lo: float, hi: float) -> str:
    """An hours span in Danish: "8–15", or "37" when both ends are equal."""
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
