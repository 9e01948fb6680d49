"""Weights learned from outcomes (matcher.learning): on synthetic lists made from a known "true"
weighting the fit recovers the order of the components and beats the current weights with
confidence; on pure noise it refuses to suggest anything."""

import numpy as np
import pytest

from matcher.learning import MIN_OUTCOMES, Outcome, ShownTarget, Verdict, compare, fit_weights, ndcg_at
from matcher.scoring import COMPONENTS, Weights

# The "true" preference of the synthetic programme: hours and travel first, wishes third; the
# last three components do not matter at all. Deliberately unlike the defaults (wishes first).
TRUE = {"hours": 0.30, "travel": 0.22, "wishes": 0.16, "needs": 0.12, "kind": 0.09, "employer": 0.06,
        "strengths": 0.0, "start": 0.0, "freshness": 0.0}


def synthetic_lists(*, borgere: int, lists_each: int = 2, shown: int = 10, noise: float = 0.05,
                    pure_noise: bool = False, seed: int = 1) -> list[ShownTarget]:
    """Shown lists whose outcomes follow ``TRUE`` plus Gumbel noise (or noise alone): the best
    target of a list starts a job or is shortlisted, the next is shortlisted or passed over, the
    worst is "passer ikke"."""
    rng = np.random.default_rng(seed)
    weights = np.array([TRUE[name] for name in COMPONENTS])
    items = []
    for borger in range(borgere):
        for n in range(lists_each):
            x = rng.uniform(0, 1, size=(shown, len(COMPONENTS)))
            utility = rng.gumbel(0, noise, size=shown) + (0 if pure_noise else x @ weights)
            order = np.argsort(-utility)
            grades = np.full(shown, int(Outcome.PASSED_OVER))
            grades[order[0]] = rng.choice([Outcome.SHORTLISTED, Outcome.MEETING, Outcome.JOB_STARTED])
            grades[order[1]] = rng.choice([Outcome.PASSED_OVER, Outcome.SHORTLISTED])
            grades[order[-1]] = Outcome.NOT_A_FIT
            for row, grade in zip(x, grades, strict=True):
                items.append(ShownTarget(list_id=(borger, n), group=borger,
                                         components=dict(zip(COMPONENTS, row.tolist(), strict=True)),
                                         outcome=Outcome(int(grade))))
    return items


def test_fit_recovers_the_true_order_of_the_components():
    learned = fit_weights(synthetic_lists(borgere=150)).as_dict()
    mattering = [name for name in sorted(TRUE, key=TRUE.get, reverse=True) if TRUE[name] > 0]
    assert sorted(mattering, key=learned.get, reverse=True) == mattering
    assert max(learned[name] for name in TRUE if TRUE[name] == 0) < min(learned[name] for name in mattering)
    assert sum(learned.values()) == pytest.approx(1.0, abs=1e-3)


def test_learned_weights_beat_the_defaults_with_confidence_on_held_out_borgere():
    result = compare(synthetic_lists(borgere=60), Weights(), resamples=300)
    assert result.suggest, result.verdict
    assert result.verdict is Verdict.BETTER
    assert result.gain_ci[0] > 0
    assert result.learned_ndcg > result.current_ndcg
    assert result.borgere == 60 and result.outcomes >= 120
    assert result.learned.hours > result.learned.wishes


def test_pure_noise_is_refused():
    result = compare(synthetic_lists(borgere=60, pure_noise=True), Weights(), resamples=300)
    assert not result.suggest
    assert result.gain_ci[0] <= 0
    assert result.verdict in (Verdict.NOT_BETTER, Verdict.UNCERTAIN)


def test_too_few_outcomes_are_refused_with_how_many_more_are_needed():
    items = synthetic_lists(borgere=3, lists_each=1)
    result = compare(items, Weights())
    assert not result.suggest and result.learned is None
    assert result.more_outcomes_needed == MIN_OUTCOMES - result.outcomes
    assert result.verdict is Verdict.TOO_FEW


def test_ndcg_rewards_putting_the_best_outcome_first():
    grades = np.array([0, 6, 1, -1])
    assert ndcg_at(np.array([0.1, 0.9, 0.5, 0.0]), grades) == pytest.approx(1.0)
    assert ndcg_at(np.array([0.9, 0.1, 0.5, 0.0]), grades) < 0.7
    assert ndcg_at(np.array([0.9, 0.1]), np.array([0, -1])) is None  # nothing to find


def test_a_fitted_weight_is_never_negative():
    items = synthetic_lists(borgere=40)
    # Make "start" anti-predictive: the better the outcome, the lower its start component.
    flipped = [ShownTarget(i.list_id, i.group, {**i.components, "start": 1.0 - max(int(i.outcome), 0) / 7},
                           i.outcome) for i in items]
    learned = fit_weights(flipped)
    assert learned.start == 0.0
    assert all(value >= 0 for value in learned.as_dict().values())
