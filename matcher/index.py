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
3. the candidate's wishes and strengths are vectorised once; similarities are sparse dot products
   restricted to the surviving targets: either their rows are sliced from the TF-IDF matrix and
   multiplied, or, when that would touch more non-zeros (a large reachable area), the matrix columns
   of the query's few n-grams are multiplied and the surviving rows picked from the result
   (``_TextField.similarity`` picks the cheaper by counting non-zeros; both give the same numbers);
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
from sklearn.neighbors import BallTree

from . import geo, scoring
from .scoring import COMPONENTS, NEUTRAL, Weights
from .text import DESCRIPTION_MAX_CHARS, calibrate, make_vectorizer, normalise
from .types import KINDS, Candidate, Match, Target
from .vocabulary import Vocabulary

__all__ = ["MatchIndex", "rank"]

#: Offers implied by a target's kind: a flexjob opening offers flexjob, and so on.
IMPLIED_OFFERS: dict[str, str] = {"flexjob": "flexjob", "loentilskud": "loentilskud", "praktik": "praktik"}

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
        titles with synonyms; without it only letter similarity counts.
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
        self.vocabulary = vocabulary
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
        return self.vocabulary.expand(text) if self.vocabulary is not None else normalise(text)

    def _build_text(self) -> None:
        ts = self.targets_
        title_id, titles = _codes([t.title for t in ts])
        industry_id, industries = _codes([t.industry for t in ts])
        description_id, descriptions = _codes([t.description for t in ts])
        skills_id, skills = _codes([" ".join(t.skills) for t in ts])
        blocks = [
            [self._expand(t) for t in titles],
            [self._expand(t) for t in industries],
            [normalise(t)[:DESCRIPTION_MAX_CHARS] for t in descriptions],
            [normalise(t) for t in skills],
        ]
        corpus = [text for block in blocks for text in block]
        # The vocabulary joins the fit so that a wish's synonyms carry weight even when no target uses them.
        extra = list(self.vocabulary.expansions_) if self.vocabulary is not None else []
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
        n_occ = len(self.vocabulary) if self.vocabulary is not None else 0
        pairs = [
            (i, j) for i, title in enumerate(titles) for j in (self.vocabulary.lookup(title) if n_occ else ())
        ]
        rows, cols = zip(*pairs) if pairs else ((), ())
        self.title_occ_ = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(titles), max(n_occ, 1))
        )

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
        components, best_wish, best_strength = self._components(candidate, rows, minutes, today.toordinal())
        score = scoring.combine(components, self.weights)
        if rows.size > limit:
            top = np.argpartition(-score, limit - 1)[:limit]
        else:
            top = np.arange(rows.size)
        # Best score first; ties go to the nearer target, then to the earlier target.
        top = top[np.lexsort((rows[top], distance[top], -score[top]))]
        return [
            self._match(
                candidate, int(i), rows, score, components, distance, minutes, best_wish, best_strength, today
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

    def _components(self, c: Candidate, rows: np.ndarray, minutes: np.ndarray, today: int):
        n = rows.size
        components: dict[str, np.ndarray] = {}
        best_wish = best_strength = None

        n_wishes = len(c.wishes)
        texts = [self._expand(w) for w in c.wishes] + [normalise(s) for s in c.strengths]
        query = self.vectorizer_.transform(texts) if texts else None
        # Wishes and strengths are both compared with the description: one product for both.
        description = self.description_.similarity(rows, query) if texts else None

        if c.wishes:
            wish_query = query[:n_wishes]
            title = self.title_.similarity(rows, wish_query)
            industry = self.industry_text_.similarity(rows, wish_query)
            per_wish = np.maximum(title, scoring.INDUSTRY_FACTOR * industry)
            per_wish = np.maximum(per_wish, scoring.DESCRIPTION_FACTOR * description[:, :n_wishes])
            if self.vocabulary is not None:
                wish_occ = np.zeros((self.title_occ_.shape[1], len(c.wishes)), dtype=np.float32)
                for k, wish in enumerate(c.wishes):
                    wish_occ[list(self.vocabulary.lookup(wish)), k] = 1.0
                unique, inverse = np.unique(self.title_.ids_[rows], return_inverse=True)
                shared = (self.title_occ_[unique] @ wish_occ)[inverse] > 0
                per_wish = np.where(shared, np.maximum(per_wish, scoring.OCCUPATION_MATCH_SCORE), per_wish)
            best_wish = per_wish.argmax(axis=1)
            components["wishes"] = per_wish.max(axis=1)
        else:
            components["wishes"] = np.full(n, NEUTRAL, dtype=np.float32)

        if c.strengths:
            skills = self.skills_.similarity(rows, query[n_wishes:])
            per_strength = np.maximum(skills, scoring.STRENGTH_DESCRIPTION_FACTOR * description[:, n_wishes:])
            best_strength = per_strength.argmax(axis=1)
            counted = min(scoring.STRENGTHS_COUNTED, len(c.strengths))
            components["strengths"] = np.sort(per_strength, axis=1)[:, -counted:].mean(axis=1)
        else:
            components["strengths"] = np.full(n, NEUTRAL, dtype=np.float32)

        components["travel"] = scoring.travel_scores(minutes, c.max_travel_minutes)
        components["hours"] = scoring.hours_scores(
            self.start_hours_[rows],
            self.hours_max_[rows],
            self.low_start_[rows],
            cand_min=c.hours_min,
            cand_max=c.hours_max,
        )
        if c.needs:
            columns = [self.tag_columns_[tag] for tag in c.needs if tag in self.tag_columns_]
            met = self.offers_[np.ix_(rows, columns)].sum(axis=1) if columns else np.zeros(n)
            components["needs"] = (met / len(c.needs)).astype(np.float32)
        else:
            components["needs"] = np.ones(n, dtype=np.float32)
        components["kind"] = self.kind_score_[rows]
        start = self.start_[rows]
        components["start"] = scoring.start_scores(np.where(start < 0, 0, start - today))
        components["freshness"] = scoring.freshness_scores(
            today - self.updated_[rows], self.kind_[rows] == _COMPANY
        )
        components["employer"] = self.employer_[rows]
        return {name: components[name] for name in COMPONENTS}, best_wish, best_strength

    # --- explanation ---------------------------------------------------------------------------

    def _label(self, tag: str) -> str:
        return self.tag_labels.get(tag, tag)

    def _match(
        self, c, i, rows, score, components, distance, minutes, best_wish, best_strength, today
    ) -> Match:
        t = self.targets_[rows[i]]
        values = {name: round(float(components[name][i]), 4) for name in COMPONENTS}
        return Match(
            target_id=t.id,
            score=round(float(score[i]), 4),
            components=values,
            distance_km=round(float(distance[i]), 3),
            travel_minutes=round(float(minutes[i]), 1),
            reasons=tuple(self._reasons(c, t, values, float(minutes[i]),
                                        None if best_wish is None else int(best_wish[i]),
                                        None if best_strength is None else int(best_strength[i]), today)),
        )

    def _reasons(
        self, c: Candidate, t: Target, values, minutes, best_wish, best_strength, today: date
    ) -> list[str]:
        """Danish reasons, most important first: positives by weighted contribution, then neutral
        notes, then caveats (what speaks against the target)."""
        w = self.weights
        good: list[tuple[float, str]] = []
        notes: list[str] = []
        caveats: list[str] = []

        def add(component: str, text: str) -> None:
            good.append((getattr(w, component) * values[component], text))

        if best_wish is not None and values["wishes"] >= scoring.REASON_MIN:
            add("wishes", f"Ønsker {c.wishes[best_wish].lower()}")
        if best_strength is not None and values["strengths"] >= scoring.REASON_MIN:
            add("strengths", f"Styrke: {c.strengths[best_strength].lower()}")
        add("travel", f"{max(1, round(minutes))} min {scoring.TRANSPORT_PHRASE[c.transport]}")

        if t.hours_min is None:
            notes.append("Timetal aftales med virksomheden")
        elif values["hours"] >= 0.7:
            low_start = t.hours_min > c.hours_max
            if low_start and t.kind == "flexjob":
                add("hours", "Fleksjob: timetal efter arbejdsevne")
            elif low_start:
                tag = "low_hours_start" if "low_hours_start" in t.offers else "gradual_increase"
                add("hours", self._label(tag))
            else:
                span = format_span(t.hours_min, t.hours_max)
                add("hours", f"{span} timer om ugen")
        else:
            caveats.append(f"Kræver {format_span(t.hours_min, t.hours_max)} timer om ugen")

        if c.needs:
            offers = _effective_offers(t)
            met = sorted(c.needs & offers)
            missing = sorted(c.needs - offers)
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
