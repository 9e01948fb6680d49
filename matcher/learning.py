"""Learning the component weights from what happened to the targets a vejleder was shown.

The outcome labels (``Outcome``) are defined here, in one place: every shown target gets the best
outcome it reached, graded from "passer ikke" (the vejleder said it does not fit: negative) through
"passed over" (shown, nothing done) up to "still in job after 3 months".

Model. The match score is a weighted mean of the components (``scoring.combine``), so within one
shown list the order is the order of ``w · x``. A better-graded target should score above a worse
one in the same list: P(i above j) = sigmoid(w · (x_i - x_j)), a pairwise ranking model fitted as a
logistic regression without intercept on the component differences of every pair of targets with
different outcomes in one list (RankNet/RankSVM style, as in Joachims 2002). Weights cannot be
negative (``Weights``), so negative coefficients are set to 0; only the ratios matter, so the result
is scaled to sum to 1.

Validation. Cross-validation grouped by borger (``GroupKFold``): the weights are fitted without the
held-out borgere, whose lists are then ranked by the learned and by the current weights and judged
by nDCG@10 of the outcomes. The gain's confidence interval is a bootstrap over borgere (a borger's
lists are not independent of each other). Weights are suggested only when the interval's lower end
lies above 0: the learned weights beat the current ones with confidence.

Assumptions and limits. The lists were ranked by the weights then in force, so targets shown low
had less chance of being chosen (position bias): the learned weights can only reorder what was
shown. The IPS hard rules (excluded industries and companies, kinds the borger does not accept, the
travel limit, stale openings) are filters applied before any score (``scoring``); they are not
components and so can never be learned away.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np

from .i18n import N_, Labels
from .scoring import COMPONENTS, NEUTRAL, Weights

__all__ = ["Outcome", "OUTCOME_LABELS", "ShownTarget", "Comparison", "Verdict", "fit_weights", "ndcg_at", "compare"]


class Outcome(IntEnum):
    """The graded outcome of a shown target: higher is better; ``NOT_A_FIT`` is negative."""

    NOT_A_FIT = -1  # "passer ikke" with a reason
    PASSED_OVER = 0  # shown, nothing done with it
    SHORTLISTED = 1
    PROPOSED = 2  # proposed to the employer (or contacted about the borger)
    EMPLOYER_INTERESTED = 3  # the employer answered "interesseret"
    MEETING = 4  # meeting or interview
    PRAKTIK_STARTED = 5  # virksomhedspraktik or løntilskud started (a stepping stone)
    JOB_STARTED = 6  # ordinary job (flexjob included) or education started
    RETAINED_3M = 7  # still in the job after 3 months (13 weeks)

    @property
    def label(self) -> str:
        """The outcome in the reader's words (``Labels`` translates as it is read)."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS: dict[Outcome, str] = Labels({
    Outcome.NOT_A_FIT: N_("Passer ikke"),
    Outcome.PASSED_OVER: N_("Vist, ikke valgt"),
    Outcome.SHORTLISTED: N_("Sat på kortliste"),
    Outcome.PROPOSED: N_("Foreslået for arbejdsgiver"),
    Outcome.EMPLOYER_INTERESTED: N_("Arbejdsgiveren er interesseret"),
    Outcome.MEETING: N_("Møde/samtale"),
    Outcome.PRAKTIK_STARTED: N_("Start i praktik eller løntilskud"),
    Outcome.JOB_STARTED: N_("Start i ordinært job eller uddannelse"),
    Outcome.RETAINED_3M: N_("Stadig i job efter 3 måneder"),
})

#: nDCG is judged on the first this-many targets of a list (a vejleder reads about one screen).
NDCG_AT = 10
#: Cross-validation folds (fewer when there are fewer borgere).
FOLDS = 5
#: Bootstrap resamples of the borgere for the confidence interval, and its level.
BOOTSTRAP_RESAMPLES = 1000
CONFIDENCE = 0.95
#: Below these counts no fit is tried: the held-out folds would hold a handful of borgere each.
MIN_BORGERE = 10
MIN_OUTCOMES = 30
#: At most this many pairs are fitted on (a deterministic sample beyond it), so a fit over years
#: of lists stays within seconds; the pairs of one list are much alike, so little is lost.
MAX_PAIRS = 200_000
#: Inverse regularisation strength of the logistic regression (scikit-learn's ``C``): components
#: are in [0, 1], so their differences are in [-1, 1] and the default scale fits.
REGULARISATION_C = 1.0


@dataclass(frozen=True)
class ShownTarget:
    """One target on one shown list, with its components then and the outcome it reached.

    ``list_id`` names the list (e.g. borger and date), ``group`` the borger (the unit of the
    cross-validation); ``components`` maps component name to its value in [0, 1] (missing names
    count as ``NEUTRAL``).
    """

    list_id: Hashable
    group: Hashable
    components: Mapping[str, float]
    outcome: Outcome


class Verdict(StrEnum):
    """Why weights are (not) suggested; the application words it for people (with its number format)."""

    TOO_FEW = "too_few"  # fewer borgere or outcomes than a fit needs
    NO_SIGNAL = "no_signal"  # the outcomes do not separate the components
    BETTER = "better"  # learned beats current with confidence: suggested
    NOT_BETTER = "not_better"  # learned does no better on held-out borgere
    UNCERTAIN = "uncertain"  # learned looks better, but the interval includes 0


@dataclass(frozen=True)
class Comparison:
    """Learned against current weights on held-out borgere (nDCG@10 means, in [0, 1])."""

    borgere: int
    outcomes: int  # shown targets with any outcome but "passed over"
    lists: int  # shown lists with at least one positive outcome (the ones nDCG can judge)
    suggest: bool
    verdict: Verdict
    current: Weights
    learned: Weights | None = None
    current_ndcg: float | None = None
    learned_ndcg: float | None = None
    current_ci: tuple[float, float] | None = None
    learned_ci: tuple[float, float] | None = None
    gain_ci: tuple[float, float] | None = None
    more_outcomes_needed: int | None = None
    judged_lists: int = 0
    missing_borgere: int = 0  # with TOO_FEW: how many more borgere a fit needs

    def as_dict(self) -> dict:
        """Plain JSON-able data (to store a fit and show it later)."""
        return {
            "borgere": self.borgere, "outcomes": self.outcomes, "lists": self.lists, "suggest": self.suggest,
            "verdict": self.verdict.value, "missing_borgere": self.missing_borgere, "current": self.current.as_dict(),
            "learned": self.learned.as_dict() if self.learned else None,
            "current_ndcg": self.current_ndcg, "learned_ndcg": self.learned_ndcg,
            "current_ci": list(self.current_ci) if self.current_ci else None,
            "learned_ci": list(self.learned_ci) if self.learned_ci else None,
            "gain_ci": list(self.gain_ci) if self.gain_ci else None,
            "more_outcomes_needed": self.more_outcomes_needed, "judged_lists": self.judged_lists,
            "min_borgere": MIN_BORGERE, "min_outcomes": MIN_OUTCOMES,
        }


def _vector(components: Mapping[str, float]) -> np.ndarray:
    return np.array([float(components.get(name, NEUTRAL)) for name in COMPONENTS], dtype=np.float64)


def _lists(items: Sequence[ShownTarget]) -> list[tuple[Hashable, np.ndarray, np.ndarray]]:
    """(group, component matrix, grades) per shown list, in first-seen order."""
    by_list: dict[Hashable, list[ShownTarget]] = {}
    for item in items:
        by_list.setdefault(item.list_id, []).append(item)
    return [(rows[0].group, np.array([_vector(r.components) for r in rows]),
             np.array([int(r.outcome) for r in rows], dtype=np.float64)) for rows in by_list.values()]


def _pairs(lists) -> tuple[np.ndarray, np.ndarray]:
    """Component differences of every pair with different outcomes in one list, both orientations."""
    diffs = []
    for _group, x, grades in lists:
        better = grades[:, None] > grades[None, :]
        i, j = np.nonzero(better)
        if len(i):
            diffs.append(x[i] - x[j])
    if not diffs:
        return np.empty((0, len(COMPONENTS))), np.empty(0)
    d = np.vstack(diffs)
    if len(d) > MAX_PAIRS:
        d = d[np.random.default_rng(0).choice(len(d), size=MAX_PAIRS, replace=False)]
    return np.vstack([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))])


def _fit(lists, *, c: float) -> Weights | None:
    from sklearn.linear_model import LogisticRegression

    x, y = _pairs(lists)
    if len(y) == 0:
        return None
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=1000)
    model.fit(x, y)
    coef = np.maximum(model.coef_[0], 0.0)
    if coef.sum() <= 0:
        return None
    coef = coef / coef.sum()
    return Weights(**{name: round(float(value), 4) for name, value in zip(COMPONENTS, coef, strict=True)})


def fit_weights(items: Sequence[ShownTarget], *, c: float = REGULARISATION_C) -> Weights | None:
    """The weights that best order the shown targets by outcome (pairwise logistic regression,
    non-negative, summing to 1), or None when no pair of outcomes differs."""
    return _fit(_lists(items), c=c)


def ndcg_at(scores: np.ndarray, grades: np.ndarray, *, k: int = NDCG_AT) -> float | None:
    """nDCG@k in [0, 1] of ranking by ``scores`` with gains ``max(grade, 0)``; None when the list
    has no positive outcome (nothing to find). Ties in ``scores`` are averaged (scikit-learn)."""
    from sklearn.metrics import ndcg_score

    gains = np.maximum(np.asarray(grades, dtype=np.float64), 0.0)
    if gains.sum() <= 0:
        return None
    if len(gains) == 1:
        return 1.0
    return float(ndcg_score(gains[None, :], np.asarray(scores, dtype=np.float64)[None, :], k=k))


def _weight_vector(weights: Weights) -> np.ndarray:
    return np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float64)


def _interval(values: np.ndarray) -> tuple[float, float]:
    tail = (1.0 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return round(float(low), 4), round(float(high), 4)


def compare(items: Sequence[ShownTarget], current: Weights, *, folds: int = FOLDS,
            resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0, c: float = REGULARISATION_C) -> Comparison:
    """Fit weights on ``items`` and judge them against ``current`` on held-out borgere.

    Returns a ``Comparison`` whose ``suggest`` is true only when the learned weights' nDCG@10 gain
    over ``current`` has a confidence interval (bootstrap over borgere, ``CONFIDENCE``) above 0;
    otherwise ``verdict`` says why and ``more_outcomes_needed`` estimates how many more outcomes
    would make the interval clear 0 (it narrows with the square root of the data), or is None
    when the learned weights do no better at all.
    """
    from sklearn.model_selection import GroupKFold

    lists = _lists(items)
    groups = {group for group, _x, _g in lists}
    outcomes = sum(1 for item in items if item.outcome != Outcome.PASSED_OVER)
    judged = [lst for lst in lists if lst[2].max() > 0]
    base = {"borgere": len(groups), "outcomes": outcomes, "lists": len(judged), "current": current}
    if len(groups) < MIN_BORGERE or outcomes < MIN_OUTCOMES or len({g for g, _x, _y in judged}) < 2:
        more = max(MIN_OUTCOMES - outcomes, 0)
        missing = max(MIN_BORGERE - len(groups), 0)
        return Comparison(**base, suggest=False, verdict=Verdict.TOO_FEW, more_outcomes_needed=max(more, 1),
                          missing_borgere=missing)
    group_ids = {group: i for i, group in enumerate(sorted(groups, key=str))}
    list_groups = np.array([group_ids[g] for g, _x, _y in lists])
    n_splits = min(folds, len(groups))
    current_w = _weight_vector(current)
    per_list: list[tuple[int, float, float]] = []  # (group, current nDCG, learned nDCG) held out
    for train, test in GroupKFold(n_splits=n_splits).split(np.zeros(len(lists)), groups=list_groups):
        learned = _fit([lists[i] for i in train], c=c)
        learned_w = _weight_vector(learned) if learned is not None else current_w
        for i in test:
            _g, x, grades = lists[i]
            now = ndcg_at(x @ current_w, grades)
            if now is None:
                continue
            per_list.append((list_groups[i], now, ndcg_at(x @ learned_w, grades)))
    learned_all = _fit(lists, c=c)
    rows = np.array(per_list)
    by_group = sorted({int(g) for g in rows[:, 0]})
    means = np.array([rows[rows[:, 0] == g][:, 1:].mean(axis=0) for g in by_group])  # per borger
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(means), size=(resamples, len(means)))
    boot = means[picks].mean(axis=1)  # (resamples, 2): current, learned
    gain = boot[:, 1] - boot[:, 0]
    current_ndcg, learned_ndcg = (round(float(v), 4) for v in means.mean(axis=0))
    gain_ci = _interval(gain)
    result = {**base, "learned": learned_all, "current_ndcg": current_ndcg, "learned_ndcg": learned_ndcg,
              "current_ci": _interval(boot[:, 0]), "learned_ci": _interval(boot[:, 1]), "gain_ci": gain_ci,
              "judged_lists": len(per_list)}
    if learned_all is None:
        return Comparison(**result, suggest=False, verdict=Verdict.NO_SIGNAL)
    if gain_ci[0] > 0:
        return Comparison(**result, suggest=True, verdict=Verdict.BETTER)
    mean_gain = float(gain.mean())
    if mean_gain <= 0:
        return Comparison(**result, suggest=False, verdict=Verdict.NOT_BETTER)
    half_width = (gain_ci[1] - gain_ci[0]) / 2
    more = max(1, math.ceil(outcomes * ((half_width / mean_gain) ** 2 - 1)))
    return Comparison(**result, suggest=False, verdict=Verdict.UNCERTAIN, more_outcomes_needed=more)
