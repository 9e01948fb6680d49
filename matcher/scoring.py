"""How a target is scored for a candidate: the components, their weights, and the reasons.

Every component is a number in [0, 1], computed for many targets at once with numpy:

=========== ==========================================================================================
wishes      per wish (parsed: ``matcher.wishes``), the best of: character n-gram similarity with
            the title, industry and description; the wish's words found as words or compound
            parts of them (``morph``); the occupations the wish names or its concepts point to
            against the target's occupation (its title's, or for a company what its kind of
            workplace employs), with partial credit within a DISCO-08 group. A target mentioning
            what a wish rules out ("ikke telefon") loses ``NEGATION_PENALTY`` of it.
            IPS: the borger's own wishes set the direction, so this carries the largest weight.
strengths   how well the candidate's strengths meet the target's skills or description.
travel      1 at the door, falling linearly to ``TRAVEL_SCORE_AT_LIMIT`` at the candidate's
            ``max_travel_minutes``; targets beyond the limit are not returned at all.
hours       can the target start within the hours the borger manages now (see ``hours_scores``);
            a wish for "få timer" caps them at ``FEW_HOURS``.
needs       share of the candidate's needs (accommodation tags) the target offers, with needs
            named in the wishes ("noget stille" → ``quiet``) added.
kind        IPS preference for competitive work (``KIND_SCORE``).
start       1 when the target can start now, falling to 0 at ``START_HORIZON_DAYS``.
freshness   1 when confirmed within ``STALE_SOFT_DAYS``, then falling (see ``freshness_scores``).
employer    an established partner with earlier successful placements beats an unknown company.
=========== ==========================================================================================

The score is the weighted mean of the components with ``Weights`` (one place, configurable).
When the candidate gives no wishes or no strengths the component is ``NEUTRAL`` for every target,
so it does not change the order (IPS zero exclusion: nobody is left without matches).

Hard rules (applied before scoring, never outweighed): excluded industries, excluded companies and
kinds the candidate does not accept are never returned; a target beyond the candidate's travel
limit is never returned; an opening of any kind but ``company`` that has not been confirmed for
more than ``STALE_EXCLUDE_DAYS`` days is never returned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import numpy as np

from .i18n import N_, _, number
from .kinds import KIND_SCORE, KINDS

__all__ = [
    "Weights",
    "COMPONENTS",
    "KIND_SCORE",
    "STALE_SOFT_DAYS",
    "STALE_EXCLUDE_DAYS",
    "NEUTRAL",
]


@dataclass(frozen=True)
class Weights:
    """Relative weight of each score component (non-negative; only the ratios matter).

    The defaults put the borger's wishes first (IPS principle 3), then what makes a start realistic
    now (hours, travel, needs: a job that starts at twice the hours the borger manages is no start,
    so hours weigh second; set on the judged set's dev split, issue 11), then the IPS preferences
    that separate otherwise equal targets (competitive work, speed, fresh data, proven employers).
    Set them from app configuration with ``Weights.from_mapping(app.config["MATCH_WEIGHTS"])``.
    """

    wishes: float = 0.34
    strengths: float = 0.06
    travel: float = 0.12
    hours: float = 0.20
    needs: float = 0.10
    kind: float = 0.10
    start: float = 0.04
    freshness: float = 0.03
    employer: float = 0.05

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not is_number or not math.isfinite(value) or value < 0:
                raise ValueError(f"Weights.{f.name} must be a finite number >= 0, got {value!r}")
            object.__setattr__(self, f.name, float(value))
        if self.total <= 0:
            raise ValueError("at least one weight must be positive")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, float] | None) -> Weights:
        """Weights from a mapping of component name -> weight; missing names keep their default.

        Raises ``ValueError`` for an unknown name (a typo in configuration must not pass silently).
        """
        mapping = dict(mapping or {})
        unknown = set(mapping) - set(COMPONENTS)
        if unknown:
            raise ValueError(
                f"unknown weight(s) {', '.join(sorted(unknown))}; known: {', '.join(COMPONENTS)}"
            )
        return cls(**{name: float(value) for name, value in mapping.items()})

    @property
    def total(self) -> float:
        return sum(getattr(self, name) for name in COMPONENTS)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


#: Names of the score components, in display order.
COMPONENTS: tuple[str, ...] = tuple(f.name for f in fields(Weights))

#: Component value when the candidate gives nothing to compare (no wishes, no strengths).
NEUTRAL = 0.5

# KIND_SCORE, the IPS preference for the kind of target all else equal, is a column of the kind
# table in ``matcher.kinds`` (with the reasons for its values).

#: An opening confirmed within this many days is fresh (freshness 1).
STALE_SOFT_DAYS = 30
#: An opening (any kind but ``company``) not confirmed for more than this many days is not returned:
#: it has most likely been filled, and proposing it wastes the borger's hope and the vejleder's time.
STALE_EXCLUDE_DAYS = 60
#: Freshness of an opening at ``STALE_EXCLUDE_DAYS`` (linear from 1 at ``STALE_SOFT_DAYS``).
FRESHNESS_AT_EXCLUDE = 0.3
#: A company's profile goes stale slowly (the company is still there); freshness falls linearly to
#: ``COMPANY_FRESHNESS_FLOOR`` over this many days and stays there.
COMPANY_STALE_DAYS = 365
COMPANY_FRESHNESS_FLOOR = 0.5

#: A start this many days ahead or later scores 0 ("hurtigt i job": start now beats start in months).
START_HORIZON_DAYS = 180

#: Travel score at the candidate's limit: a target at the limit is still reachable, so not 0.
#:
#: Kind against distance (IPS: competitive work first; the borger chose the travel limit). Within the
#: limit, distance may cost at most ``Weights.travel * (1 - TRAVEL_SCORE_AT_LIMIT)`` = 0.12 × 0.5 =
#: 0.06 of the weighted score, while an ordinary job beats a praktik by ``Weights.kind * (1 - 0.3)``
#: = 0.10 × 0.7 = 0.07. So of two targets that fit equally well otherwise, the ordinary job wins
#: wherever both lie within the borger's limit (a praktik next door does not beat a job at the
#: limit); a løntilskud job (0.5) still loses to a job only when it is not much nearer
#: (0.05 < 0.06). A better wish fit still outweighs both: one wish grade step (0.1 × 0.34) is worth
#: about half the whole kind difference. The test ``test_ordinary_job_within_reach_beats_nearer_praktik``
#: holds the trade-off.
TRAVEL_SCORE_AT_LIMIT = 0.5

#: Hours. A target offering ``low_hours_start`` can start at this many hours/week (tag: "under 10").
LOW_HOURS_START_HOURS = 5.0
#: With ``gradual_increase`` the first weeks are assumed at this fraction of the target's minimum.
GRADUAL_START_FRACTION = 0.5
#: A flexjob's hours are set from the person's work capacity; it can start this low.
FLEXJOB_START_HOURS = 3.0
#: Hours/week of mismatch at which the hours score has fallen to 1/e (about 0.37).
HOURS_GAP_SCALE = 6.0
#: A borger who manages at most this many hours/week "has few hours": targets built for a low start
#: (``LOW_START_TAGS`` or a flexjob) get the extra ``LOW_START_BONUS_SHARE`` of the hours score.
FEW_HOURS = 15.0
LOW_START_TAGS = frozenset({"low_hours_start", "gradual_increase"})
LOW_START_BONUS_SHARE = 0.25
#: Hours score when the target's hours are to be agreed (None): usually fine, but not promised.
UNKNOWN_HOURS_SCORE = 0.75

#: Employer: an unknown company, a partner, and what each earlier placement adds (saturating).
EMPLOYER_UNKNOWN = 0.2
EMPLOYER_PARTNER = 0.6
EMPLOYER_PLACEMENTS_SHARE = 0.4
#: Placements at which the placements share is about 63 % reached.
EMPLOYER_PLACEMENTS_SCALE = 2.0

#: A shared occupation between a wish and the target title counts as this text score.
OCCUPATION_MATCH_SCORE = 0.9
#: A company without an opening stands for the occupations its kind of workplace typically employs
#: (``vocabulary.Workplace``) at a grade of a posted title: this one ...
WORKPLACE_GRADE = 0.85
#: ... for the first occupation a workplace lists (what it mainly employs); the others at this grade
#: (a plejecenter mainly employs care staff, but also a kitchen helper now and then).
WORKPLACE_OTHER_GRADE = 0.65
#: The occupation hierarchy (DISCO-08): a wish for one occupation gives this share of the credit to
#: the others of its minor group (3 digits: IT-supporter ↔ PC-tekniker) and its sub-major group
#: (2 digits), as JobTech's taxonomy boosts occupation over group over field.
MINOR_GROUP_SHARE = 0.6
SUBMAJOR_GROUP_SHARE = 0.3
#: Word model: a wish word found as a word (inflected) or compound part (``morph``) of the title, the
#: industry label or the description, times its grade (``morph.EXACT`` / ``COMPOUND_*``).
WORD_TITLE_FACTOR = 0.9
WORD_INDUSTRY_FACTOR = 0.55
WORD_DESCRIPTION_FACTOR = 0.5
#: A word of the wish's concept other than the wish's own ("kæledyr" for "dyr") counts this share.
CONCEPT_WORD_SHARE = 0.8
#: A target that mentions what a wish rules out ("ikke telefon") keeps this share of its wish score less.
NEGATION_PENALTY = 0.6
#: The reason a match gets when the borger has wishes and none of them speaks for the target.
NO_WISH_REASON = N_("Ingen af borgerens ønsker")
#: How much a match on the industry / description counts against a match on the title.
INDUSTRY_FACTOR = 0.85
DESCRIPTION_FACTOR = 0.7
#: How much a strength found only in the description counts against one listed in the skills.
STRENGTH_DESCRIPTION_FACTOR = 0.8
#: The strengths component is the mean of the best this-many strength matches.
STRENGTHS_COUNTED = 2


def kind_scores(kind_codes: np.ndarray) -> np.ndarray:
    """``KIND_SCORE`` for integer kind codes (indices into ``types.KINDS``)."""
    table = np.array([KIND_SCORE[k] for k in KINDS], dtype=np.float32)
    return table[kind_codes]


def start_scores(days_until_start: np.ndarray) -> np.ndarray:
    """1 for a start today or earlier, linear to 0 at ``START_HORIZON_DAYS`` days ahead."""
    return np.clip(1.0 - np.maximum(days_until_start, 0) / START_HORIZON_DAYS, 0.0, 1.0).astype(np.float32)


def freshness_scores(age_days: np.ndarray, is_company: np.ndarray) -> np.ndarray:
    """Freshness in [0, 1] for days since last confirmation (openings and companies differ)."""
    age = np.maximum(age_days, 0).astype(np.float32)
    span = STALE_EXCLUDE_DAYS - STALE_SOFT_DAYS
    opening = 1.0 - (1.0 - FRESHNESS_AT_EXCLUDE) * np.clip((age - STALE_SOFT_DAYS) / span, 0.0, 1.0)
    company_span = COMPANY_STALE_DAYS - STALE_SOFT_DAYS
    company_share = np.clip((age - STALE_SOFT_DAYS) / company_span, 0.0, 1.0)
    company = 1.0 - (1.0 - COMPANY_FRESHNESS_FLOOR) * company_share
    return np.where(is_company, company, opening).astype(np.float32)


def travel_scores(minutes: np.ndarray, limit_minutes: float) -> np.ndarray:
    """1 at zero minutes, ``TRAVEL_SCORE_AT_LIMIT`` at ``limit_minutes`` (linear in between)."""
    share = np.clip(minutes / limit_minutes, 0.0, 1.0)
    return (1.0 - (1.0 - TRAVEL_SCORE_AT_LIMIT) * share).astype(np.float32)


def effective_start_hours(
    hours_min: np.ndarray, *, low_hours_start: np.ndarray, gradual: np.ndarray, flexjob: np.ndarray
) -> np.ndarray:
    """Hours/week a target can *start* at, given its low-start offers and kind (NaN = to be agreed)."""
    start = hours_min.astype(np.float32).copy()
    start = np.where(gradual, start * GRADUAL_START_FRACTION, start)
    start = np.where(low_hours_start, np.minimum(start, LOW_HOURS_START_HOURS), start)
    start = np.where(flexjob, np.minimum(start, FLEXJOB_START_HOURS), start)
    return start


def hours_scores(
    start_hours: np.ndarray, hours_max: np.ndarray, low_start: np.ndarray, *, cand_min: float, cand_max: float
) -> np.ndarray:
    """Hours score in [0, 1].

    The fit is 1 when the target can start at or below the borger's maximum and reaches at least the
    borger's minimum; it decays exponentially with the hours/week of mismatch (``HOURS_GAP_SCALE``).
    For a borger with few hours (``FEW_HOURS``) a quarter of the score rewards targets built for a
    low start. Targets with hours to be agreed (NaN) get ``UNKNOWN_HOURS_SCORE``.
    """
    unknown = np.isnan(start_hours)
    start = np.where(unknown, cand_min, start_hours)
    top = np.where(unknown, cand_max, hours_max)
    gap = np.maximum(start - cand_max, 0.0) + np.maximum(cand_min - top, 0.0)
    fit = np.where(unknown, UNKNOWN_HOURS_SCORE, np.exp(-gap / HOURS_GAP_SCALE))
    if cand_max <= FEW_HOURS:
        fit = (1.0 - LOW_START_BONUS_SHARE) * fit + LOW_START_BONUS_SHARE * low_start
    return fit.astype(np.float32)


def employer_scores(partner: np.ndarray, placements: np.ndarray) -> np.ndarray:
    """Partner status and earlier successful placements, in [0, 1]."""
    base = np.where(partner, EMPLOYER_PARTNER, EMPLOYER_UNKNOWN)
    extra = EMPLOYER_PLACEMENTS_SHARE * (1.0 - np.exp(-placements / EMPLOYER_PLACEMENTS_SCALE))
    return np.minimum(base + extra, 1.0).astype(np.float32)


def combine(components: Mapping[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted mean of the component arrays: the match score in [0, 1]."""
    total = np.zeros_like(next(iter(components.values())), dtype=np.float64)
    for name in COMPONENTS:
        total += getattr(weights, name) * components[name]
    return np.clip(total / weights.total, 0.0, 1.0)


# --- reasons ---------------------------------------------------------------------------------------

TRANSPORT_PHRASE: dict[str, str] = {
    "walk": N_("%(minutes)s min til fods"),
    "bike": N_("%(minutes)s min på cykel"),
    "public": N_("%(minutes)s min med offentlig transport"),
    "car": N_("%(minutes)s min i bil"),
}


def travel_reason(minutes: float, transport: str) -> str:
    """The travel time as a reason: "12 min på cykel" (``minutes`` one way, at least 1)."""
    return _(TRANSPORT_PHRASE[transport]) % {"minutes": number(max(1, round(minutes)))}


def is_travel_reason(reason: str) -> bool:
    """Whether ``reason`` is the travel time as ``travel_reason`` words it in the reader's language
    or in Danish (the match card states the travel time once, among its key facts)."""
    for phrase in TRANSPORT_PHRASE.values():
        for worded in {phrase, _(phrase)}:
            pattern = re.escape(worded).replace(re.escape("%(minutes)s"), r"[\d.,\s]+")
            if re.fullmatch(pattern, reason):
                return True
    return False

#: A component at or above this is worth a positive reason.
REASON_MIN = 0.5


def format_hours(hours: float) -> str:
    """Hours as the reader writes them: 8 → "8", 7.5 → "7,5" (Danish) or "7.5" (English)."""
    return number(hours)
