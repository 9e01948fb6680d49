"""Match quality on the judged set: ranking metrics, the set's loader and the hard-rule check.

Used by ``bench/match_quality.py`` (prints the figures) and ``tests/matcher/test_match_quality.py``
(checks the set and holds a floor). Pure: imports only ``matcher`` and the standard library, never
flask or ``crm``. The judged set's format and grading rules are in ``tests/matcher/judged/README.md``.

Metrics, per borger, over the engine's ranked list (best first):

* ``ndcg(ranked, grades, k)``: normalised discounted cumulative gain at ``k`` with gain
  ``2**grade - 1`` and discount ``log2(position + 1)`` (position 1 = best). The ideal list is every
  judged target of the borger sorted by grade; a target without a grade counts as grade 0.
* ``precision(ranked, grades, k)``: share of the first ``k`` positions holding a target of grade
  >= ``RELEVANT_GRADE`` (2); an empty position counts as not relevant.

Totals are the mean over the borgere of a split (macro average).

A **hard-rule violation** is a target in a borger's top ``HARD_RULE_TOP`` (10) that the engine must
never return (its documented hard rules, see ``matcher.scoring``): beyond the borger's
``max_travel_minutes`` by the matcher's travel model (``matcher.geo``), an excluded industry or
company, a kind the borger does not accept, or an opening (not ``company``) confirmed more than
``STALE_DAYS`` (60) days before the reference date. Counted separately, as an **hours misfit**: a
target in the top 10 that starts above the borger's ``hours_max`` (its ``hours_min`` is higher) and
offers no low start (no ``low_hours_start`` or ``gradual_increase``, not a flexjob). The judged set
grades both kinds 0; the hours are a soft component in the engine, so misfits are reported, not
forbidden.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from matcher import Candidate, Target, default_vocabulary, geo

REPO = Path(__file__).resolve().parents[1]
JUDGED_DIR = REPO / "tests" / "matcher" / "judged"
# The app ranks with the vocabulary shipped in matcher/data and the offer-tag labels
# (crm/services/matching.py); the bench does the same so it measures what the app gets.
OFFER_TAGS_FILE = REPO / "seeds" / "offer_tags.csv"

SPLITS = ("dev", "heldout")
MAX_GRADE = 3
#: Grade from which a target counts as relevant for precision.
RELEVANT_GRADE = 2
#: Positions checked for hard-rule violations and hours misfits.
HARD_RULE_TOP = 10
#: An opening confirmed more than this many days before the reference date must not be returned.
STALE_DAYS = 60
LOW_START_OFFERS = frozenset({"low_hours_start", "gradual_increase"})


# --- metrics -----------------------------------------------------------------------------------

def dcg(grades: Sequence[int], k: int) -> float:
    """Discounted cumulative gain of the first ``k`` grades (in rank order)."""
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg(ranked: Sequence, grades: Mapping, k: int) -> float:
    """nDCG@k in [0, 1] of the ranked target ids against the judged ``{target_id: grade}``.

    Unjudged targets count as 0. A borger without any positive grade has no ideal list: 0.0.
    """
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg([grades.get(t, 0) for t in ranked], k) / ideal


def precision(ranked: Sequence, grades: Mapping, k: int, *, relevant: int = RELEVANT_GRADE) -> float:
    """P@k: share of the first ``k`` positions holding a target with grade >= ``relevant``."""
    return sum(1 for t in ranked[:k] if grades.get(t, 0) >= relevant) / k


# --- the judged set -------------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgedBorger:
    """A judged borger: the candidate as the matcher sees it, its split and its grades."""

    candidate: Candidate
    split: str
    first_name: str
    grades: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    @property
    def id(self):
        return self.candidate.id


@dataclass(frozen=True)
class JudgedSet:
    reference_date: date
    borgere: tuple[JudgedBorger, ...]
    targets: tuple[Target, ...]

    def split(self, name: str) -> tuple[JudgedBorger, ...]:
        """The borgere of split ``name`` ("dev", "heldout" or "all")."""
        return self.borgere if name == "all" else tuple(b for b in self.borgere if b.split == name)


def _hours(value: str) -> float | None:
    return float(value) if value.strip() else None


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def _pipe(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def load_targets(path: Path) -> tuple[Target, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(
            Target(
                id=row["id"], company_id=row["company_id"], kind=row["kind"], title=row["title"],
                description=row["description"], industry=row["industry"], skills=_pipe(row["skills"]),
                offers=_pipe(row["offers"]), lat=float(row["lat"]), lon=float(row["lon"]),
                hours_min=_hours(row["hours_min"]), hours_max=_hours(row["hours_max"]),
                start=_date(row["start"]), updated=_date(row["updated"]),
                partner=row["partner"] == "yes", placements=int(row["placements"]),
            )
            for row in csv.DictReader(f)
        )


def load_judged(folder: Path = JUDGED_DIR) -> JudgedSet:
    """The judged set in ``folder`` (``borgere.json`` and ``targets.csv``) as matcher objects."""
    raw = json.loads((folder / "borgere.json").read_text(encoding="utf-8"))
    borgere = []
    for b in raw["borgere"]:
        candidate_fields = {
            key: b[key]
            for key in ("lat", "lon", "wishes", "strengths", "hours_min", "hours_max", "transport",
                        "max_travel_minutes", "needs", "accepts", "excluded_industries", "excluded_company_ids")
            if key in b
        }
        borgere.append(JudgedBorger(
            candidate=Candidate(id=b["id"], **candidate_fields), split=b["split"], first_name=b["first_name"],
            grades=dict(b.get("grades", {})), notes=dict(b.get("notes", {})),
        ))
    return JudgedSet(
        reference_date=date.fromisoformat(raw["reference_date"]),
        borgere=tuple(borgere),
        targets=load_targets(folder / "targets.csv"),
    )


def app_vocabulary():
    """The vocabulary the app passes to the matcher (the one shipped with it)."""
    return default_vocabulary()


def app_tag_labels() -> dict[str, str]:
    with open(OFFER_TAGS_FILE, encoding="utf-8", newline="") as f:
        return {row["code"]: row["label"] for row in csv.DictReader(f)}


# --- hard rules ----------------------------------------------------------------------------------

def travel_minutes(c: Candidate, t: Target) -> float:
    """One-way travel minutes from the borger's home to the target by the matcher's travel model."""
    return float(geo.travel_minutes(geo.geodesic_km(c.lat, c.lon, t.lat, t.lon), c.transport))


def hard_rule_breaches(c: Candidate, t: Target, today: date) -> list[str]:
    """The engine's hard rules that ``t`` breaks for ``c`` (empty: it may be returned)."""
    breaches = []
    if travel_minutes(c, t) > c.max_travel_minutes:
        breaches.append("travel")
    if t.industry.casefold() in c.excluded_industries:
        breaches.append("excluded_industry")
    if t.company_id in c.excluded_company_ids:
        breaches.append("excluded_company")
    if t.kind not in c.accepts:
        breaches.append("kind")
    if t.kind != "company" and (today - t.updated).days > STALE_DAYS:
        breaches.append("stale")
    return breaches


def hours_misfit(c: Candidate, t: Target) -> bool:
    """The target cannot start within the hours the borger manages now (see the module docstring)."""
    if t.hours_min is None or t.hours_min <= c.hours_max:
        return False
    return t.kind != "flexjob" and not (t.offers & LOW_START_OFFERS)


# --- evaluation ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BorgerResult:
    id: str
    split: str
    ndcg5: float
    ndcg10: float
    p5: float
    ranked: tuple
    violations: tuple[tuple[str, str], ...]  # (target id, rule) in the top HARD_RULE_TOP
    hours_misfits: tuple[str, ...]


def evaluate_borger(b: JudgedBorger, ranked: Sequence, targets: Mapping, today: date) -> BorgerResult:
    """Metrics of one borger's ranked target ids (best first)."""
    top = list(ranked[:HARD_RULE_TOP])
    violations = tuple(
        (tid, rule) for tid in top for rule in hard_rule_breaches(b.candidate, targets[tid], today)
    )
    misfits = tuple(tid for tid in top if hours_misfit(b.candidate, targets[tid]))
    return BorgerResult(
        id=b.id, split=b.split, ndcg5=ndcg(ranked, b.grades, 5), ndcg10=ndcg(ranked, b.grades, 10),
        p5=precision(ranked, b.grades, 5), ranked=tuple(ranked), violations=violations, hours_misfits=misfits,
    )


def summarise(results: Sequence[BorgerResult]) -> dict:
    """Mean metrics and total violation counts of ``results`` (all zeros for none)."""
    n = len(results)

    def mean(name):
        return round(sum(getattr(r, name) for r in results) / n, 4) if n else 0.0

    return {
        "borgere": n,
        "ndcg@5": mean("ndcg5"),
        "ndcg@10": mean("ndcg10"),
        "p@5": mean("p5"),
        "hard_rule_violations": sum(len(r.violations) for r in results),
        "hours_misfits": sum(len(r.hours_misfits) for r in results),
    }


def evaluate(judged: JudgedSet, index, *, limit: int = HARD_RULE_TOP) -> list[BorgerResult]:
    """Rank every judged borger with ``index`` (a ``matcher.MatchIndex``) at the set's reference date."""
    targets = {t.id: t for t in judged.targets}
    results = []
    for b in judged.borgere:
        matches = index.rank(b.candidate, limit=limit, today=judged.reference_date)
        results.append(evaluate_borger(b, [m.target_id for m in matches], targets, judged.reference_date))
    return results
