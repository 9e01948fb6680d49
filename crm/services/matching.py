"""Matching in the app: build the matcher's targets from the register, keep one shared match
index per machine, and turn a borger into a candidate.

The index (issue 12) is built off the request path (``build_index``: the CLI command
``flask --app wsgi matching build-index``, later a job) and saved under the instance folder::

    <MATCH_INDEX_DIR>/<signature>/<build id>/manifest.json, *.npy

``<signature>`` names what makes an index usable here (the matcher's file format, the vocabulary's
fingerprint, the database); ``<build id>`` is the UTC time of the build, so the newest complete
build sorts last (a build is written to a temporary directory and renamed when complete). Every
worker memory-maps the newest build read-only, so a machine holds one copy whatever the number of
workers, and a worker that starts serves from it at once.

A register change does not rebuild it: when the register's cheap signature (row counts, newest
stamps) moves, a worker computes the delta since the base (companies and openings stamped after
the base's build started, less ``DELTA_MARGIN``; companies whose placements or industry label
changed; base targets no longer matchable) and ranks the base plus that delta (``matcher.LiveIndex``). The next
``build_index`` folds the delta into a new base.

No request builds a full index, except for a tiny register (at most ``BUILD_ON_REQUEST_MAX``
targets, milliseconds) when none exists yet; a larger register without an index answers
``IndexNotReady`` ("matchlisten er ved at blive bygget") until the build has run.
"""

import hashlib
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.formatting import minutes
from crm.models import Borger, Company, Industry, Opening, Placement
from crm.models.borger import Phase, Stage
from crm.models.company import PartnershipStatus
from crm.models.opening import OpeningStatus
from crm.services.borgere import audit_shown_by_name, can_view_borger
from crm.services.match_feedback import borgere_hiding, hidden_targets
from crm.services.match_weights import weights_in_force
from crm.services.reference import offer_tag_labels
from crm.sorting import danish_key
from crm.timeutil import today, utcnow
from crm.validators import parse_id
from matcher import KINDS, Candidate, LiveIndex, Match, MatchIndex, Target, Weights, default_vocabulary
from matcher.index import FORMAT_VERSION, reach_box, vocabulary_fingerprint
from matcher.kinds import KIND_LABEL, is_known
from matcher.scoring import STALE_EXCLUDE_DAYS, is_travel_reason

log = logging.getLogger(__name__)

# Companies in these statuses are matchable without an opening (job development).
MATCHABLE_COMPANY_STATUSES = (PartnershipStatus.PARTNER, PartnershipStatus.DIALOG)
SUCCESS_STAGES = (Stage.JOB, Stage.UDDANNELSE)
# Every kind's Danish name, "company" (job development) included: the kind table's label column.
KIND_LABELS = KIND_LABEL

#: A register of at most this many targets may be indexed by the request that finds no index
#: (well under a second); a larger one waits for ``build_index``.
BUILD_ON_REQUEST_MAX = 2_000
#: A delta holds the rows stamped after the start of the base's build less this margin: a
#: request's transaction that stamped rows just before the build started, but committed after it
#: read them, is still caught (longer transactions, i.e. imports, are caught by the next periodic
#: build, whose ``--if-changed`` sees the register move); so is a few seconds' clock skew between
#: app machines. Rows written this close before a build sit in every delta until the next build.
DELTA_MARGIN = timedelta(seconds=10)
#: Complete builds kept per signature (a worker may still map the previous one for a moment).
BUILDS_KEPT = 2
NOT_READY_MESSAGE = _l("Matchlisten er ved at blive bygget. Prøv igen om et øjeblik.")

_lock = threading.Lock()
# This process's view: bases by directory (memory-mapped once per process), and per
# (index root, database, weights) the live index with the register signature it was made for.
_bases: dict[str, MatchIndex] = {}
_live: dict[tuple, tuple[tuple, str, LiveIndex]] = {}


class IndexNotReady(Exception):
    """No match index has been built yet for a register too large to index during a request."""

    @property
    def message(self) -> str:
        """What to tell the reader, in their language."""
        return str(NOT_READY_MESSAGE)


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
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def target_key(self) -> str:
        return str(self.match.target_id)

    @property
    def travel(self) -> str:
        """The travel time as the matcher said it ("12 min på cykel"), for the card's key facts."""
        said = next((reason for reason in self.match.reasons if is_travel_reason(reason)), None)
        return said or minutes(max(1, self.match.travel_minutes))

    @property
    def other_reasons(self) -> list[str]:
        """The reasons besides the travel time (which the key facts already state)."""
        return [reason for reason in self.match.reasons if not is_travel_reason(reason)]


def vocabulary():
    """The matcher's shipped vocabulary (occupations, concepts, workplaces in matcher/data/)."""
    return default_vocabulary()


@cache
def occupation_titles() -> tuple[str, ...]:
    """The shipped occupation titles (DISCO-08 based), sorted, for suggestions in forms."""
    return tuple(sorted({o.title[:1].upper() + o.title[1:] for o in vocabulary().occupations}, key=danish_key))


def _weights() -> Weights:
    """``MATCH_WEIGHTS`` when set, else the adopted version, else the defaults (``match_weights``)."""
    return weights_in_force().weights


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


def _placement_counts() -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Placement.company_id, sa.func.count())
        .where(Placement.stage.in_(SUCCESS_STAGES)).group_by(Placement.company_id)
    ).tuples().all())


def build_targets(target_key: str | None = None, *, company_ids: set[int] | None = None,
                  opening_ids: set[int] | None = None) -> list[Target]:
    """The matchable targets in the register as the matcher's value objects: all of them, only
    the one named by ``target_key`` ("company:ID" or "opening:ID"), or (a delta) the targets of
    ``company_ids`` (the companies and all their openings) and of ``opening_ids``."""
    kind, _, raw_id = (target_key or "").partition(":")
    only_id = parse_id(raw_id)
    industries = _industry_labels()
    placements = _placement_counts()
    company_query = sa.select(Company).where(Company.lat.is_not(None)).options(selectinload(Company.offers))
    opening_query = sa.select(Opening).where(Opening.status == OpeningStatus.AABEN)
    if kind == "company":
        company_query = company_query.where(Company.id == only_id)
        opening_query = opening_query.where(sa.false())
    elif kind == "opening":
        opening_query = opening_query.where(Opening.id == only_id)
        company_query = company_query.where(
            Company.id.in_(sa.select(Opening.company_id).where(Opening.id == only_id)))
    elif company_ids is not None or opening_ids is not None:
        company_ids, opening_ids = set(company_ids or ()), set(opening_ids or ())
        opening_query = opening_query.where(sa.or_(Opening.id.in_(opening_ids), Opening.company_id.in_(company_ids)))
        company_query = company_query.where(sa.or_(
            Company.id.in_(company_ids),
            Company.id.in_(sa.select(Opening.company_id).where(Opening.id.in_(opening_ids)))))
    companies = db.session.scalars(company_query).all()
    by_id = {c.id: c for c in companies}
    targets = []
    for company in companies:
        if company.status not in MATCHABLE_COMPANY_STATUSES or kind == "opening":
            continue
        if company_ids is not None and company.id not in company_ids:
            continue  # loaded only for its changed openings
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
        if not is_known(opening.kind):
            # A kind missing from matcher/kinds.py (a row written by a newer or older version):
            # leave the opening out rather than fail every match page.
            log.warning("Opening %s has kind %r, which the kind table does not know; not matched",
                        opening.id, opening.kind)
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


def _matchable(count: bool):
    """The two queries for the targets ``build_targets()`` would return: their ids, or their number."""
    what = (lambda column: sa.func.count()) if count else (lambda column: column)
    companies = sa.select(what(Company.id)).where(
        Company.lat.is_not(None), Company.status.in_(MATCHABLE_COMPANY_STATUSES))
    openings = (sa.select(what(Opening.id)).select_from(Opening).join(Company, Company.id == Opening.company_id)
                .where(Opening.status == OpeningStatus.AABEN, Company.lat.is_not(None),
                       Company.status != PartnershipStatus.OPHOERT))
    return companies, openings


def _matchable_keys() -> np.ndarray:
    """The ids of every target ``build_targets()`` would return, without loading the rows."""
    companies, openings = (db.session.scalars(q).all() for q in _matchable(count=False))
    return np.array([f"company:{i}".encode() for i in companies]
                    + [f"opening:{i}".encode() for i in openings], dtype=bytes)


def _matchable_count() -> int:
    return sum(db.session.scalar(q) or 0 for q in _matchable(count=True))


# --- the persisted index ------------------------------------------------------------------------

def _index_root() -> Path:
    configured = current_app.config.get("MATCH_INDEX_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "match-index"


def index_signature() -> str:
    """What an index must agree on to be used by this app: the matcher's file format, the
    vocabulary, and the database (another database is another register)."""
    content = "|".join([str(FORMAT_VERSION), vocabulary_fingerprint(vocabulary()),
                        current_app.config["SQLALCHEMY_DATABASE_URI"]])
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def index_directory() -> Path:
    """The folder of this app's complete builds (one subfolder per build)."""
    return _index_root() / index_signature()


def newest_build() -> Path | None:
    """The newest complete build, if any (a build is complete when its manifest exists)."""
    folder = index_directory()
    try:
        names = sorted((n for n in os.listdir(folder) if not n.startswith(".")), reverse=True)
    except FileNotFoundError:
        return None
    for name in names:
        if (folder / name / "manifest.json").exists():
            return folder / name
    return None


def _stamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def _register_stamps() -> dict:
    """The newest stamps of the register: a delta is what was stamped at or after them."""
    companies = db.session.execute(
        sa.select(sa.func.max(Company.updated_at), sa.func.max(Company.status_changed_at))).one()
    openings = db.session.execute(
        sa.select(sa.func.max(Opening.updated_at), sa.func.max(Opening.confirmed_at))).one()
    return {"company_updated": _stamp(companies[0]), "company_status": _stamp(companies[1]),
            "opening_updated": _stamp(openings[0]), "opening_confirmed": _stamp(openings[1])}


def _full_index() -> MatchIndex:
    """A full build over the register (seconds at 100,000 targets): only ``build_index`` calls it."""
    return MatchIndex(build_targets(), vocabulary=vocabulary())


def build_index() -> Path:
    """Build the match index from the register and save it as the newest build (the base).

    Runs outside requests: the CLI command ``matching build-index`` and, later, a periodic job
    (which is also how a delta is folded in). Its start time is taken before the rows are read, so
    a change made during the build is stamped after it and lands in the next delta.
    """
    started = time.perf_counter()
    meta = {"started": utcnow().isoformat(), "signature": repr(_signature()), "register": _register_stamps(),
            "placements": {str(k): v for k, v in _placement_counts().items()},
            "industries": _industry_labels(), "built_at": datetime.now(UTC).isoformat()}
    index = _full_index()
    meta["build_seconds"] = round(time.perf_counter() - started, 3)
    folder = index_directory()
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"
    path = index.save(folder / build_id, meta=meta)
    _prune(folder)
    return path


def build_index_if_changed() -> Path | None:
    """The periodic job: fold the delta into a new build when the register moved (else None).

    A job queue calls this (or ``build_index`` to force one) in an app context, e.g. every
    5 minutes and once when a worker finds no build; the CLI ``matching build-index
    [--if-changed]`` is the same call.
    """
    if not changed_since_build():
        return None
    return build_index()


def _prune(folder: Path) -> None:
    """Drop all but the newest ``BUILDS_KEPT`` builds (a process that still maps an older one
    keeps its pages until it moves on: POSIX unlinks mapped files safely)."""
    builds = sorted((n for n in os.listdir(folder) if not n.startswith(".")), reverse=True)
    for name in builds[BUILDS_KEPT:]:
        shutil.rmtree(folder / name, ignore_errors=True)


def _base(path: Path) -> MatchIndex:
    """The build at ``path``, memory-mapped once per process."""
    key = str(path)
    base = _bases.get(key)
    if base is None:
        base = MatchIndex.load(path, vocabulary=vocabulary())
        for old in [k for k in _bases if Path(k).parent == path.parent]:
            del _bases[old]  # an older build of the same register: unmapped when unreferenced
        _bases[key] = base
    return base


def _stale_base(base: MatchIndex) -> bool:
    """The database is older than the base (restored from a backup): its stamps went backwards."""
    now, then = _register_stamps(), base.meta_.get("register", {})
    return any(then.get(k) and (now.get(k) is None or now[k] < then[k]) for k in then)


def _changed_since(base: MatchIndex) -> tuple[set[int], set[int]]:
    """Companies and openings that changed since ``base`` was built (see the module docstring)."""
    started = base.meta_.get("started")
    since = datetime.fromisoformat(started) - DELTA_MARGIN if started else None

    def after(*columns):
        return sa.or_(*(column >= since for column in columns)) if since is not None else sa.true()

    companies = set(db.session.scalars(
        sa.select(Company.id).where(after(Company.updated_at, Company.status_changed_at))))
    openings = set(db.session.scalars(sa.select(Opening.id).where(after(Opening.updated_at, Opening.confirmed_at))))
    before = {int(k): v for k, v in base.meta_.get("placements", {}).items()}
    now = _placement_counts()
    companies |= {c for c in set(before) | set(now) if before.get(c, 0) != now.get(c, 0)}
    labels_then, labels_now = base.meta_.get("industries", {}), _industry_labels()
    relabelled = {code for code in set(labels_then) | set(labels_now) if labels_then.get(code) != labels_now.get(code)}
    if relabelled:
        companies |= set(db.session.scalars(sa.select(Company.id).where(Company.industry_code.in_(relabelled))))
    return companies, openings


def _live_index(base: MatchIndex) -> LiveIndex:
    """``base`` with the delta of the register since it was built."""
    companies, openings = _changed_since(base)
    added = build_targets(company_ids=companies, opening_ids=openings) if companies or openings else []
    # Retired: base targets of the changed companies and openings that are no longer matchable
    # (closed, ended, moved off the map) ...
    touched = base.rows_of([f"opening:{i}" for i in openings] + [f"company:{i}" for i in companies])
    touched |= np.isin(base.company_, base._company_codes(companies))  # the changed companies' openings
    added_keys = {t.id for t in added}
    retired = [k for k in (key.decode() for key in base.ids_[touched].tolist()) if k not in added_keys]
    configured = base.configured(weights=_weights(), tag_labels=offer_tag_labels())
    live = LiveIndex(configured, added=added, retired=retired)
    if len(live) != _matchable_count():
        # ... and, when the count says some are missing besides (rows deleted), every base target
        # the register no longer has: one scan of the ids.
        gone = base.ids_[~np.isin(base.ids_, _matchable_keys())]
        live = LiveIndex(configured, added=added, retired=retired + [k.decode() for k in gone.tolist()])
    return live


def changed_since_build() -> bool:
    """Whether the register moved since the newest build was started (or there is none)."""
    path = newest_build()
    return path is None or _base(path).meta_.get("signature") != repr(_signature())


def _register_size() -> int:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Company)) or 0) + (
        db.session.scalar(sa.select(sa.func.count()).select_from(Opening)
                          .where(Opening.status == OpeningStatus.AABEN)) or 0)


def current_index() -> LiveIndex:
    """The newest persisted index of this register plus the changes since it was built.

    Recomputed only when the register's signature moves or a newer build appears; the delta costs
    a few queries and a small index. Raises ``IndexNotReady`` for a register above
    ``BUILD_ON_REQUEST_MAX`` targets with no build yet.
    """
    key = (str(_index_root()), current_app.config["SQLALCHEMY_DATABASE_URI"], _weights())
    signature = _signature()
    with _lock:
        path = newest_build()
        cached = _live.get(key)
        if cached is not None and cached[0] == signature and cached[1] == str(path):
            return cached[2]
        base = _base(path) if path is not None else None
        if base is not None and _stale_base(base):
            base = None
        if base is None:
            if _register_size() > BUILD_ON_REQUEST_MAX:
                raise IndexNotReady()
            path = build_index()
            base = _base(path)
        live = _live_index(base)
        _live[key] = (signature, str(path), live)
        return live


def candidate_for(borger: Borger, *, kinds: set[str] | None = None) -> Candidate:
    industries = _industry_labels()
    accepts = {kind for kind in borger.accepts or KINDS if is_known(kind)}
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


def reachable_keys_in_db(borger: Borger, candidate: Candidate, on: date) -> set[str]:
    """The matcher's pre-filter as one query per kind of target: the ids of the targets inside the
    borger's box of reach (``matcher.reach_box``) of a kind they accept, not excluded by company
    or industry, and not stale. A superset of what the index keeps (it still checks the exact
    travel time), so ranking only these gives the same answer as ranking everything.

    With several app machines on one PostgreSQL database this is the part the database does, on
    its indexes, and each machine scores only these targets (issue 12, point 4).
    """
    box = reach_box(candidate)
    excluded_companies = [int(i) for i in candidate.excluded_company_ids if isinstance(i, int)]
    excluded_codes = [c for c in borger.excluded_industries if isinstance(c, str)]

    def common(query, lat, lon, company):
        if box is not None:
            lat_lo, lat_hi, dlon = box
            query = query.where(lat.between(lat_lo, lat_hi))
            if candidate.lon - dlon > -180 and candidate.lon + dlon < 180:
                query = query.where(lon.between(candidate.lon - dlon, candidate.lon + dlon))
        if excluded_companies:
            query = query.where(company.id.not_in(excluded_companies))
        if excluded_codes:
            query = query.where(sa.or_(company.industry_code.is_(None), company.industry_code.not_in(excluded_codes)))
        return query.where(company.lat.is_not(None))

    keys: set[str] = set()
    if "company" in candidate.accepts:
        query = common(sa.select(Company.id), Company.lat, Company.lon, Company)
        keys |= {f"company:{i}" for i in db.session.scalars(
            query.where(Company.status.in_(MATCHABLE_COMPANY_STATUSES)))}
    kinds = sorted(candidate.accepts - {"company"})
    if kinds:
        lat = sa.func.coalesce(Opening.lat, Company.lat)
        lon = sa.func.coalesce(Opening.lon, Company.lon)
        fresh_since = datetime.combine(on - timedelta(days=STALE_EXCLUDE_DAYS), datetime.min.time())
        query = common(sa.select(Opening.id).join(Company, Company.id == Opening.company_id), lat, lon, Company)
        keys |= {f"opening:{i}" for i in db.session.scalars(query.where(
            Opening.status == OpeningStatus.AABEN, Opening.kind.in_(kinds),
            Company.status != PartnershipStatus.OPHOERT, Opening.confirmed_at >= fresh_since))}
    return keys


def matches_for(borger: Borger, *, limit: int = 20, kinds: set[str] | None = None,
                max_km: float | None = None, on: date | None = None) -> list[MatchRow]:
    """The best targets for a borger, best first. With ``MATCH_PREFILTER = "database"`` the
    database picks the reachable targets first (``reachable_keys_in_db``) and only those are scored."""
    candidate = candidate_for(borger, kinds=kinds)
    if not candidate.accepts:
        return []
    on = on or today()
    only = reachable_keys_in_db(borger, candidate, on) if current_app.config.get("MATCH_PREFILTER") == "database" \
        else None
    # Rank more than needed when a distance filter or "passer ikke" will drop some afterwards.
    hidden = hidden_targets(borger.id)
    matches = current_index().rank(candidate, limit=(limit * 5 if max_km else limit) + len(hidden), today=on,
                                   only=only)
    matches = [m for m in matches if str(m.target_id) not in hidden and (not max_km or m.distance_km <= max_km)]
    return _rows(matches[:limit])


def match_for_target(borger: Borger, target_key: str) -> MatchRow | None:
    """The borger's current match with one target (to save its score and reasons), if any
    (none while the match index is being built)."""
    try:
        rows = matches_for(borger, limit=500)
    except IndexNotReady:
        return None
    for row in rows:
        if row.target_key == target_key:
            return row
    return None


def reverse_matches(target_key: str, borgere: list[Borger], *, on: date | None = None) -> list[tuple[Borger, Match]]:
    """The borgere a single opening or company fits, best first."""
    targets = build_targets(target_key)
    if not targets:
        return []
    index = MatchIndex(targets, weights=_weights(),
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
    name (their vejleder, their programme's teamleder) or only by reference. Every borger shown by name is audited
    as a read of their record, as on the borger's own pages."""
    candidates = db.session.scalars(
        sa.select(Borger).where(Borger.phase.not_in([Phase.AFSLUTTET, Phase.EFTERVAERN]),
                                Borger.id.not_in(borgere_hiding(target_key)))
    ).all()
    rows = [(borger, match, can_view_borger(viewer, borger))
            for borger, match in reverse_matches(target_key, candidates)]
    audit_shown_by_name([borger for borger, _match, _by_name in rows], actor=viewer, page="reverse_match",
                        details={"target": target_key})
    return rows
