"""The kinds of target a borger can be matched to: one table, the one place a kind is defined.

Each row says what the rest of the system needs to know about a kind:

============= ===========================================================================================
code          the kind's code: ``Target.kind``, ``Opening.kind`` in the app's database, form values
score         IPS order preference in [0, 1], all else equal (the ``kind`` score component)
implied_offer an offer tag (seeds/offer_tags.csv) every target of the kind offers ("flexjob"), or None
posted        an employer can post an opening of this kind (False: ``company``, a partner company
              without a posted opening, matched for job development)
outcome       the outcome a start in a target of this kind records (the app's ``OutcomeKind`` code)
outcome_class what that start counts as in the programme figures (``OutcomeClass``)
label         the kind's Danish name, on every page and in the match reasons
============= ===========================================================================================

The row order is the kind's integer code in a saved ``MatchIndex``: add a new kind at the end (and
bump ``index.FORMAT_VERSION`` if a row is ever removed or moved). The IPS preference is ``score``,
not the order.

Why these scores: ordinary paid work first (IPS principle 1). ``company`` ranks just below a posted
job: IPS job development finds most jobs this way and the result is ordinary work, but it takes a
meeting to turn into an opening. ``flexjob`` is paid work on special terms; ``uddannelse`` counts as
a result for every programme (job *or* education) but delays earnings; løntilskud and praktik are
stepping stones, never the goal.

The app derives from this table its ``OpeningKind`` enum and labels, the outcome a start records and
the outcome sets its reports count; a test checks that they all agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .i18n import N_, Labels

__all__ = [
    "Kind",
    "OutcomeClass",
    "REGISTRY",
    "BY_CODE",
    "KINDS",
    "POSTED_KINDS",
    "KIND_SCORE",
    "KIND_LABEL",
    "IMPLIED_OFFERS",
    "PAID_WORK",
    "COMPETITIVE",
    "ORDINARY_PAY",
    "JOB_OR_EDUCATION",
    "STEPPING_STONES",
    "start_outcomes",
    "is_known",
]


class OutcomeClass(StrEnum):
    """What a start in a kind counts as (IPS and the programmes' targets)."""

    ORDINARY = "ordinary"  # ordinary paid work on ordinary terms: IPS competitive employment
    FLEXJOB = "flexjob"  # ordinary pay on reduced hours: paid work, not counted as competitive
    SUBSIDISED = "subsidised"  # løntilskud: a paid job start, but neither competitive nor "job"
    STEPPING = "stepping_stone"  # praktik: a step towards work, not a job start
    EDUCATION = "education"


C = OutcomeClass


@dataclass(frozen=True)
class Kind:
    """One row of the table (see the module docstring for the columns)."""

    code: str
    score: float
    implied_offer: str | None
    posted: bool
    outcome: str
    outcome_class: OutcomeClass
    label: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"Kind {self.code!r}: score must be in [0, 1], got {self.score!r}")


# fmt: off
REGISTRY: tuple[Kind, ...] = (
    #    code           score implied_offer  posted outcome               outcome_class label
    Kind("job",         1.00, None,          True,  "ordinary_job_start", C.ORDINARY,   N_("Ordinært job")),
    Kind("company",     0.90, None,          False, "ordinary_job_start", C.ORDINARY,
         N_("Virksomhed (jobudvikling)")),
    Kind("flexjob",     0.85, "flexjob",     True,  "flexjob_start",      C.FLEXJOB,    N_("Fleksjob")),
    Kind("uddannelse",  0.80, None,          True,  "education_start",    C.EDUCATION,  N_("Uddannelse")),
    Kind("loentilskud", 0.50, "loentilskud", True,  "loentilskud_start",  C.SUBSIDISED, N_("Løntilskud")),
    Kind("praktik",     0.30, "praktik",     True,  "praktik_start",      C.STEPPING,   N_("Virksomhedspraktik")),
)
# fmt: on

BY_CODE: dict[str, Kind] = {k.code: k for k in REGISTRY}
if len(BY_CODE) != len(REGISTRY):
    raise ValueError("kind codes must be unique")
# An outcome is one fact: every kind whose start records it must count it the same way.
if len({(k.outcome, k.outcome_class) for k in REGISTRY}) != len({k.outcome for k in REGISTRY}):
    raise ValueError("kinds that record the same outcome must share its outcome class")

#: Every kind's code, in registry order (the integer code in a saved index).
KINDS: tuple[str, ...] = tuple(BY_CODE)
#: The kinds an opening can have (all but ``company``).
POSTED_KINDS: tuple[str, ...] = tuple(k.code for k in REGISTRY if k.posted)
KIND_SCORE: dict[str, float] = {k.code: k.score for k in REGISTRY}
#: code → label, read in the reader's language (``Kind.label`` is the Danish source).
KIND_LABEL: dict[str, str] = Labels((k.code, k.label) for k in REGISTRY)
#: Offers implied by a target's kind: a flexjob opening offers flexjob, and so on.
IMPLIED_OFFERS: dict[str, str] = {k.code: k.implied_offer for k in REGISTRY if k.implied_offer}

# Outcome classes as the figures group them.
#: Job starts: paid work (ordinary, flexjob, løntilskud).
PAID_WORK = frozenset({C.ORDINARY, C.FLEXJOB, C.SUBSIDISED})
#: IPS competitive employment (the competitive share of job starts).
COMPETITIVE = frozenset({C.ORDINARY})
#: Ordinary paid work including flexjob (ordinary pay, reduced hours).
ORDINARY_PAY = frozenset({C.ORDINARY, C.FLEXJOB})
#: "Job or education": competitive work, flexjob, or education (løntilskud is not competitive).
JOB_OR_EDUCATION = ORDINARY_PAY | {C.EDUCATION}
#: Steps towards work that are not the goal (praktik, løntilskud).
STEPPING_STONES = frozenset({C.SUBSIDISED, C.STEPPING})


def start_outcomes(classes: Iterable[OutcomeClass] | None = None) -> frozenset[str]:
    """The outcome codes a start records for the kinds in ``classes`` (all kinds when None)."""
    wanted = set(OutcomeClass if classes is None else classes)
    return frozenset(k.outcome for k in REGISTRY if k.outcome_class in wanted)


def is_known(code: object) -> bool:
    """Whether ``code`` is a kind in the registry (a row from elsewhere may carry one that is not)."""
    return isinstance(code, str) and code in BY_CODE
