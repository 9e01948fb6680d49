"""Matching in the app: build the matcher's targets from the register, keep one index per
database current, and turn a borger into a candidate.

The index is rebuilt only when the register changes (a cheap signature query per request:
row counts and the newest update stamps), never per request. Openings that are open, and
partner companies with or without an opening (IPS job development), are the targets.
"""

import threading
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Borger, Company, Industry, Opening, Placement
from crm.models.borger import Phase, Stage
from crm.models.company import PartnershipStatus
from crm.models.opening import OPENING_KIND_LABELS, OpeningStatus
from crm.services.borgere import audit_shown_by_name, can_view_borger
from crm.services.reference import offer_tag_labels
from crm.timeutil import today
from crm.validators import parse_id
from matcher import KINDS, Candidate, Match, MatchIndex, Target, Weights, default_vocabulary

# Companies in these statuses are matchable without an opening (job development).
MATCHABLE_COMPANY_STATUSES = (PartnershipStatus.PARTNER, PartnershipStatus.DIALOG)
SUCCESS_STAGES = (Stage.JOB, Stage.UDDANNELSE)
KIND_LABELS = {**{k.value: v for k, v in OPENING_KIND_LABELS.items()},
               "company": "Virksomhed (jobudvikling)"}

# Above this many targets a changed register is re-indexed in the background (seconds of work).
BACKGROUND_REBUILD_ABOVE = 5_000

_lock = threading.Lock()
# Keyed by _index_key(): an app with other weights or another database never gets this one's index.
_indexes: dict[tuple, tuple[tuple, MatchIndex]] = {}
_rebuilding: set[tuple] = set()


@dataclass(frozen=True)
class MatchRow:
    """A match with the company (and opening) it points at, for display and actions."""

    match: Match
    company: Company
    opening: Opening | None

    @property
    def kind(self) -> str:
        return self.opening.kind if self.opening else "company"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def target_key(self) -> str:
        return str(self.match.target_id)


def vocabulary():
    """The matcher's shipped vocabulary (occupations, concepts, workplaces in matcher/data/)."""
    return default_vocabulary()


@cache
def occupation_titles() -> tuple[str, ...]:
    """The shipped occupation titles (DISCO-08 based), sorted, for suggestions in forms."""
    return tuple(sorted({o.title[:1].upper() + o.title[1:] for o in vocabulary().occupations}))


def _weights() -> Weights:
    return Weights.from_mapping(current_app.config.get("MATCH_WEIGHTS"))


def _index_key() -> tuple:
    """What the index depends on besides the register's contents: the database and the weights."""
    return (current_app.config["SQLALCHEMY_DATABASE_URI"], _weights())


def _signature() -> tuple:
    """The register's state as far as the index sees it: rows, update stamps and the labels it
    puts into targets and reasons (a few dozen rows)."""
    def stats(model, *extra):
        return tuple(db.session.execute(
            sa.select(sa.func.count(), sa.func.max(model.updated_at), *extra)
        ).one())

    return (
        stats(Company, sa.func.max(Company.status_changed_at)),
        stats(Opening, sa.func.max(Opening.confirmed_at)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Placement)
                          .where(Placement.stage.in_(SUCCESS_STAGES))),
        tuple(sorted(_industry_labels().items())),
        tuple(sorted(offer_tag_labels().items())),
    )


def _industry_labels() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Industry.code, Industry.label)).tuples().all())


def build_targets(target_key: str | None = None) -> list[Target]:
    """The matchable targets in the register as the matcher's value objects: all of them, or
    only the one named by ``target_key`` ("company:ID" or "opening:ID")."""
    kind, _, raw_id = (target_key or "").partition(":")
    only_id = parse_id(raw_id)
    industries = _industry_labels()
    placements = dict(db.session.execute(
        sa.select(Placement.company_id, sa.func.count())
        .where(Placement.stage.in_(SUCCESS_STAGES)).group_by(Placement.company_id)
    ).tuples().all())
    company_query = sa.select(Company).where(Company.lat.is_not(None)).options(selectinload(Company.offers))
    opening_query = sa.select(Opening).where(Opening.status == OpeningStatus.AABEN)
    if kind == "company":
        company_query = company_query.where(Company.id == only_id)
        opening_query = opening_query.where(sa.false())
    elif kind == "opening":
        opening_query = opening_query.where(Opening.id == only_id)
        company_query = company_query.where(
            Company.id.in_(sa.select(Opening.company_id).where(Opening.id == only_id)))
    companies = db.session.scalars(company_query).all()
    by_id = {c.id: c for c in companies}
    targets = []
    for company in companies:
        if company.status not in MATCHABLE_COMPANY_STATUSES or kind == "opening":
            continue
        targets.append(Target(
            id=f"company:{company.id}", company_id=company.id, kind="company",
            title=company.industry_text or company.name,
            description=f"{company.name}. {company.description}",
            industry=industries.get(company.industry_code or "", ""),
            lat=company.lat, lon=company.lon, offers=company.offer_codes,
            updated=(company.last_contact_at or company.updated_at).date(),
            partner=company.status == PartnershipStatus.PARTNER,
            placements=placements.get(company.id, 0),
        ))
    for opening in db.session.scalars(opening_query):
        company = by_id.get(opening.company_id)
        if company is None or company.status == PartnershipStatus.OPHOERT:
            continue
        targets.append(Target(
            id=f"opening:{opening.id}", company_id=company.id, kind=opening.kind,
            title=" ".join(filter(None, [opening.title, opening.occupation])),
            # The company's own words for its trade ("Dyrehandel") tell what the work is about.
            description=" ".join(filter(None, [opening.description, company.industry_text])),
            industry=industries.get(company.industry_code or "", ""),
            skills=opening.skills,
            lat=opening.lat if opening.lat is not None else company.lat,
            lon=opening.lon if opening.lon is not None else company.lon,
            hours_min=opening.hours_min, hours_max=opening.hours_max,
            offers=set(opening.offers) | company.offer_codes
            | ({"low_hours_start", "gradual_increase"} if opening.low_hour_start else set()),
            start=opening.start_date, updated=opening.confirmed_at.date(),
            partner=company.status == PartnershipStatus.PARTNER,
            placements=placements.get(company.id, 0),
        ))
    return targets


def _build_index() -> MatchIndex:
    return MatchIndex(
        build_targets(),
        weights=_weights(),
        vocabulary=vocabulary(),
        tag_labels=offer_tag_labels(),
    )


def _rebuild_in_background(app, key: tuple) -> None:
    """Build a fresh index in its own thread and swap it in; requests meanwhile use the old one."""
    def run():
        try:
            with app.app_context():
                signature = _signature()
                index = _build_index()
                with _lock:
                    _indexes[key] = (signature, index)
        finally:
            with _lock:
                _rebuilding.discard(key)

    threading.Thread(target=run, name="match-index-rebuild", daemon=True).start()


def current_index() -> MatchIndex:
    """The index for this database and these weights, rebuilt only when the register has changed.

    A small register is rebuilt at once, so a change shows in the very next match. A large one
    (more than BACKGROUND_REBUILD_ABOVE targets; 100,000 take ~15 s) is rebuilt in a background
    thread while requests keep using the previous index, so nobody waits for it.
    """
    key = _index_key()
    signature = _signature()
    with _lock:
        cached = _indexes.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        if cached is not None and len(cached[1]) > BACKGROUND_REBUILD_ABOVE:
            if key not in _rebuilding:
                _rebuilding.add(key)
                _rebuild_in_background(current_app._get_current_object(), key)
            return cached[1]
        index = _build_index()
        _indexes[key] = (signature, index)
        return index


def candidate_for(borger: Borger, *, kinds: set[str] | None = None) -> Candidate:
    industries = _industry_labels()
    accepts = set(borger.accepts or KINDS)
    if kinds:
        accepts &= kinds
    return Candidate(
        id=borger.id, lat=borger.lat, lon=borger.lon, wishes=borger.wishes, strengths=borger.strengths,
        hours_min=borger.hours_min, hours_max=borger.hours_max, transport=borger.transport,
        max_travel_minutes=borger.max_travel_minutes, needs=borger.needs,
        accepts=accepts,
        excluded_industries={industries[c] for c in borger.excluded_industries if c in industries},
        excluded_company_ids=set(borger.excluded_company_ids),
    )


def _rows(matches: list[Match]) -> list[MatchRow]:
    company_ids = {int(str(m.target_id).split(":")[1]) for m in matches if str(m.target_id).startswith("company:")}
    opening_ids = {int(str(m.target_id).split(":")[1]) for m in matches if str(m.target_id).startswith("opening:")}
    openings = {o.id: o for o in db.session.scalars(sa.select(Opening).where(Opening.id.in_(opening_ids)))}
    company_ids |= {o.company_id for o in openings.values()}
    companies = {c.id: c for c in db.session.scalars(sa.select(Company).where(Company.id.in_(company_ids)))}
    rows = []
    for m in matches:
        kind, _, raw_id = str(m.target_id).partition(":")
        opening = openings.get(int(raw_id)) if kind == "opening" else None
        company = companies.get(opening.company_id if opening else int(raw_id))
        if company is not None:
            rows.append(MatchRow(m, company, opening))
    return rows


def matches_for(borger: Borger, *, limit: int = 20, kinds: set[str] | None = None,
                max_km: float | None = None, on: date | None = None) -> list[MatchRow]:
    """The best targets for a borger, best first."""
    candidate = candidate_for(borger, kinds=kinds)
    if not candidate.accepts:
        return []
    # Rank more than needed when a distance filter will drop some afterwards.
    matches = current_index().rank(candidate, limit=limit * 5 if max_km else limit, today=on or today())
    if max_km:
        matches = [m for m in matches if m.distance_km <= max_km][:limit]
    return _rows(matches)


def match_for_target(borger: Borger, target_key: str) -> MatchRow | None:
    """The borger's current match with one target (to save its score and reasons), if any."""
    for row in matches_for(borger, limit=500):
        if row.target_key == target_key:
            return row
    return None


def reverse_matches(target_key: str, borgere: list[Borger], *, on: date | None = None) -> list[tuple[Borger, Match]]:
    """The borgere a single opening or company fits, best first."""
    targets = build_targets(target_key)
    if not targets:
        return []
    index = MatchIndex(targets, weights=Weights.from_mapping(current_app.config.get("MATCH_WEIGHTS")),
                       vocabulary=vocabulary(), tag_labels=offer_tag_labels())
    found = []
    for borger in borgere:
        candidate = candidate_for(borger)
        if not candidate.accepts:
            continue
        ranked = index.rank(candidate, limit=1, today=on or today())
        if ranked:
            found.append((borger, ranked[0]))
    return sorted(found, key=lambda pair: pair[1].score, reverse=True)


def reverse_match_for(target_key: str, *, viewer) -> list[tuple[Borger, Match, bool]]:
    """The active borgere a target fits, best first, each with whether ``viewer`` sees them by
    name (their vejleder, an admin) or only by reference. Every borger shown by name is audited
    as a read of their record, as on the borger's own pages."""
    candidates = db.session.scalars(
        sa.select(Borger).where(Borger.phase.not_in([Phase.AFSLUTTET, Phase.EFTERVAERN]))
    ).all()
    rows = [(borger, match, can_view_borger(viewer, borger))
            for borger, match in reverse_matches(target_key, candidates)]
    audit_shown_by_name([borger for borger, _match, _by_name in rows], actor=viewer, page="reverse_match",
                        details={"target": target_key})
    return rows
