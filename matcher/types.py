"""Value types of the matcher: who is matched (Candidate), against what (Target), and the answer (Match).

All three are frozen dataclasses so that an index can hold them safely and a test can build them
cheaply. Sequences are stored as tuples and tag sets as frozensets; the constructors accept any
iterable. Validation happens in ``__post_init__`` and raises ``ValueError`` with a message that names
the field, so the app can surface bad rows early instead of getting odd rankings later.

Units: coordinates in WGS84 decimal degrees, hours in hours per week, travel in minutes, dates as
``datetime.date``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .kinds import KINDS

__all__ = ["KINDS", "TRANSPORTS", "Candidate", "Target", "Match"]

# KINDS: the kinds of target, from the one table in ``matcher.kinds`` (IPS preference:
# ``kinds.KIND_SCORE``). ``company`` is a partner company with no posted opening (job development).

#: Transport modes a borger can use to get to work (see ``geo.SPEED_KMH``).
TRANSPORTS: tuple[str, ...] = ("walk", "bike", "public", "car")

#: Hours per week are checked against this ceiling to catch typos such as 370 for 37.0.
MAX_HOURS_PER_WEEK = 80.0


def _strings(value: Iterable[str] | str | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        # A bare string is almost always a mistake for a one-element list; accept it as one.
        value = [value]
    out = []
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"{name} must contain strings, got {item!r}")
        item = item.strip()
        if item:
            out.append(item)
    return tuple(out)


def _tags(value: Iterable[str] | str | None, name: str) -> frozenset[str]:
    return frozenset(t.strip().lower() for t in _strings(value, name))


def _check_coordinates(lat: float, lon: float, owner: str) -> None:
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > bound:
            raise ValueError(f"{owner}.{name} must be a finite number within ±{bound:g}°, got {value!r}")


def _check_hours(lo: float | None, hi: float | None, owner: str, *, optional: bool) -> None:
    if lo is None or hi is None:
        if optional and lo is None and hi is None:
            return
        either = " or both be None" if optional else ""
        raise ValueError(f"{owner}.hours_min and hours_max must both be set{either}")
    for name, value in (("hours_min", lo), ("hours_max", hi)):
        if not isinstance(value, (int, float)) or not 0 <= value <= MAX_HOURS_PER_WEEK:
            raise ValueError(
                f"{owner}.{name} must be between 0 and {MAX_HOURS_PER_WEEK:g} hours/week, got {value!r}"
            )
    if lo > hi:
        raise ValueError(f"{owner}.hours_min ({lo}) must not exceed hours_max ({hi})")


def _check_kind(kind: str, owner: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"{owner}.kind must be one of {', '.join(KINDS)}; got {kind!r}")


@dataclass(frozen=True)
class Candidate:
    """A borger looking for work, as the matcher needs to see them (no health data).

    ``hours_min``/``hours_max``: hours per week the borger can manage now.
    ``max_travel_minutes``: one-way travel the borger accepts, by ``transport``.
    ``needs``: accommodation tags (codes from seeds/offer_tags.csv) the borger needs at work.
    ``accepts``: target kinds the borger is open to (default: all of ``KINDS``).
    ``excluded_industries``: industries never to propose, compared case-insensitively with
    ``Target.industry`` (use the same vocabulary on both sides, e.g. DB07 labels or codes).
    """

    id: Hashable
    lat: float
    lon: float
    wishes: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    hours_min: float = 0.0
    hours_max: float = 37.0
    transport: str = "public"
    max_travel_minutes: float = 45.0
    needs: frozenset[str] = frozenset()
    accepts: frozenset[str] = frozenset(KINDS)
    excluded_industries: frozenset[str] = frozenset()
    excluded_company_ids: frozenset[Hashable] = frozenset()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "wishes", _strings(self.wishes, "Candidate.wishes"))
        set_(self, "strengths", _strings(self.strengths, "Candidate.strengths"))
        set_(self, "needs", _tags(self.needs, "Candidate.needs"))
        set_(self, "accepts", frozenset(_strings(self.accepts, "Candidate.accepts")))
        industries = _strings(self.excluded_industries, "Candidate.excluded_industries")
        set_(self, "excluded_industries", frozenset(s.casefold() for s in industries))
        set_(self, "excluded_company_ids", frozenset(self.excluded_company_ids or ()))
        _check_coordinates(self.lat, self.lon, "Candidate")
        _check_hours(self.hours_min, self.hours_max, "Candidate", optional=False)
        if self.transport not in TRANSPORTS:
            raise ValueError(
                f"Candidate.transport must be one of {', '.join(TRANSPORTS)}; got {self.transport!r}"
            )
        minutes = self.max_travel_minutes
        if not isinstance(minutes, (int, float)) or not 0 < minutes <= 24 * 60:
            raise ValueError(f"Candidate.max_travel_minutes must be positive minutes, got {minutes!r}")
        for kind in self.accepts:
            _check_kind(kind, "Candidate.accepts")


@dataclass(frozen=True)
class Target:
    """Something a borger can be matched to: an opening, an education, or a partner company.

    ``kind``: one of ``KINDS``; ``company`` means a partner company with no posted opening.
    ``hours_min``/``hours_max``: hours per week the position starts at / can grow to; both None means
    "to be agreed" (usual for ``company``).
    ``offers``: tags (codes from seeds/offer_tags.csv) the workplace offers.
    ``start``: first possible start date, None = as soon as possible.
    ``updated``: date the opening was last confirmed by the employer or consultant; openings not
    confirmed for more than ``scoring.STALE_EXCLUDE_DAYS`` days are not returned (except ``company``).
    ``partner``: the company has a partnership with the programme.
    ``placements``: earlier successful placements at the company (>= 0).
    """

    id: Hashable
    company_id: Hashable
    kind: str
    title: str
    lat: float
    lon: float
    updated: date
    description: str = ""
    industry: str = ""
    skills: tuple[str, ...] = ()
    hours_min: float | None = None
    hours_max: float | None = None
    offers: frozenset[str] = frozenset()
    start: date | None = None
    partner: bool = False
    placements: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        _check_kind(self.kind, "Target")
        set_(self, "title", (self.title or "").strip())
        set_(self, "description", (self.description or "").strip())
        set_(self, "industry", (self.industry or "").strip())
        set_(self, "skills", _strings(self.skills, "Target.skills"))
        set_(self, "offers", _tags(self.offers, "Target.offers"))
        _check_coordinates(self.lat, self.lon, "Target")
        _check_hours(self.hours_min, self.hours_max, "Target", optional=True)
        if not isinstance(self.updated, date):
            raise ValueError(f"Target.updated must be a date, got {self.updated!r}")
        if self.start is not None and not isinstance(self.start, date):
            raise ValueError(f"Target.start must be a date or None, got {self.start!r}")
        if not isinstance(self.placements, int) or self.placements < 0:
            raise ValueError(f"Target.placements must be a non-negative int, got {self.placements!r}")


@dataclass(frozen=True)
class Match:
    """One ranked answer.

    ``score`` in [0, 1] (weighted mean of ``components``, each in [0, 1]); ``distance_km`` is the
    geodesic (straight-line) distance; ``travel_minutes`` the estimated one-way travel time by the
    candidate's transport; ``reasons`` are short Danish sentences, most important first.
    """

    target_id: Hashable
    score: float
    components: dict[str, float] = field(default_factory=dict)
    distance_km: float = 0.0
    travel_minutes: float = 0.0
    reasons: tuple[str, ...] = ()
