"""Openings (stillinger / praktikpladser) at companies: create, edit, change status, confirm.

Konsulenter keep openings for any company; employers keep their own through the portal. Every
change is written to the company's timeline (audit events on the company); a change an employer
makes is also written to the company's contact log, so the konsulent sees it where they look.

Staleness: an open opening not confirmed for ``STALE_DAYS`` days is flagged "skal bekræftes"
wherever it is shown, and the matcher scores it lower; one not confirmed for more than
``HIDDEN_DAYS`` days is no longer offered to borgere (the matcher drops it) but stays visible here.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from crm.extensions import db
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.models import Company, OfferTag, Opening
from crm.models.company import ContactKind
from crm.models.opening import OpeningKind, OpeningStatus
from crm.models.user import Role
from crm.page_cache import REGISTER_COUNTS
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.companies import ConflictError
from crm.services.fields import (
    ADDRESS_MAX,
    CITY_MAX,
    LONG_TEXT_MAX,
    MAX_HOURS_PER_WEEK,
    POSTCODE_MAX,
    TITLE_MAX,
    clean_text,
)
from crm.services.geocoding import geocode
from crm.timeutil import utcnow
from crm.validators import split_items
from matcher import STALE_EXCLUDE_DAYS, STALE_SOFT_DAYS

# The matcher's thresholds, so the flag and the ranking always agree.
STALE_DAYS = STALE_SOFT_DAYS
HIDDEN_DAYS = STALE_EXCLUDE_DAYS
#: Statuses that end an opening (it leaves the borgere's matches): a person confirms them first.
ENDING_STATUSES = frozenset({OpeningStatus.BESAT, OpeningStatus.LUKKET})
MAX_PLACES = 100

CONFLICT_MESSAGE = _l(
    "Stillingen er blevet ændret af en anden, siden du åbnede den. Dine ændringer er ikke gemt: "
    "se de nye oplysninger, og gem igen."
)
# Fields shown as "what changed" in the timeline and the employer's contact-log summary (stored, so
# in Danish like the rest of the log).
FIELD_LABELS = {
    "title": "titel", "occupation": "stillingsbetegnelse", "description": "beskrivelse",
    "kind": "type", "hours_min": "timer (min.)", "hours_max": "timer (maks.)",
    "low_hour_start": "lav timestart", "address": "adresse", "postcode": "postnummer",
    "city": "by", "start_date": "start", "apply_by": "ansøgningsfrist", "places": "antal pladser",
    "skills": "kompetencer", "offers": "tilbud", "status": "status",
}


# --- staleness ------------------------------------------------------------------------------

def days_unconfirmed(opening: Opening, *, now: datetime | None = None) -> int:
    return ((now or utcnow()) - opening.confirmed_at).days


def needs_confirmation(opening: Opening, *, now: datetime | None = None) -> bool:
    """An open opening not confirmed for ``STALE_DAYS`` days: flagged "skal bekræftes"."""
    return opening.status == OpeningStatus.AABEN and days_unconfirmed(opening, now=now) >= STALE_DAYS


def hidden_from_matching(opening: Opening, *, now: datetime | None = None) -> bool:
    """An open opening unconfirmed for more than ``HIDDEN_DAYS`` days is not offered to borgere."""
    return opening.status == OpeningStatus.AABEN and days_unconfirmed(opening, now=now) > HIDDEN_DAYS


def stale_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=STALE_DAYS)


def count_openings_to_confirm(*, now: datetime | None = None) -> int:
    """How many open openings have not been confirmed for STALE_DAYS, as of the start of this
    minute: counted once per register version and minute, then taken from ``REGISTER_COUNTS``."""
    minute = (now or utcnow()).replace(second=0, microsecond=0)
    return REGISTER_COUNTS.get_or_make(("openings_to_confirm", minute), lambda: db.session.scalar(
        sa.select(sa.func.count()).select_from(Opening)
        .where(Opening.status == OpeningStatus.AABEN, Opening.confirmed_at < stale_cutoff(now=minute))))


# --- validation -----------------------------------------------------------------------------

def _hours(data: dict, key: str) -> float:
    value = data.get(key)
    try:
        hours = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        raise ValidationError(_("Angiv et antal timer om ugen."), field=key) from None
    if not 0 < hours <= MAX_HOURS_PER_WEEK:
        raise ValidationError(_("Timer om ugen skal være mellem 1 og %(max)s.", max=MAX_HOURS_PER_WEEK),
                              field=key)
    return hours


def _offer_codes(codes) -> list[str]:
    codes = sorted(set(codes or []))
    if not codes:
        return []
    known = set(db.session.scalars(sa.select(OfferTag.code).where(OfferTag.code.in_(codes))))
    unknown = set(codes) - known
    if unknown:
        raise ValidationError(_("Ukendte tilbud: %(codes)s.", codes=", ".join(sorted(unknown))), field="offers")
    return codes


def _date(data: dict, key: str) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise ValidationError(_("Angiv en dato."), field=key)
    return value


def _validated(company: Company, data: dict) -> dict:
    """Check and normalise an opening's fields; raise ValidationError naming the field."""
    clean = {
        "title": clean_text(data, "title", max_length=TITLE_MAX, required=_("Angiv stillingens titel.")),
        "occupation": clean_text(data, "occupation", max_length=TITLE_MAX),
        "description": clean_text(data, "description", max_length=LONG_TEXT_MAX),
    }
    try:
        clean["kind"] = OpeningKind(data.get("kind") or "").value
    except ValueError:
        raise ValidationError(_("Vælg en type."), field="kind") from None
    clean["hours_min"] = _hours(data, "hours_min")
    clean["hours_max"] = _hours(data, "hours_max")
    if clean["hours_max"] < clean["hours_min"]:
        raise ValidationError(_("Højeste antal timer kan ikke være lavere end laveste."), field="hours_max")
    clean["low_hour_start"] = bool(data.get("low_hour_start"))
    clean["start_date"] = _date(data, "start_date")
    clean["apply_by"] = _date(data, "apply_by")
    try:
        clean["places"] = int(data.get("places") or 1)
    except (TypeError, ValueError):
        raise ValidationError(_("Angiv et antal pladser."), field="places") from None
    if not 1 <= clean["places"] <= MAX_PLACES:
        raise ValidationError(_("Antal pladser skal være mellem 1 og %(max)s.", max=MAX_PLACES), field="places")
    clean["skills"] = split_items(data.get("skills"))
    offers = data.get("offers")
    clean["offers"] = _offer_codes(sorted(company.offer_codes) if offers is None else offers)
    # Place of work: the company's own address unless another is given.
    address = clean_text(data, "address", max_length=ADDRESS_MAX)
    postcode = clean_text(data, "postcode", max_length=POSTCODE_MAX)
    city = clean_text(data, "city", max_length=CITY_MAX)
    if not postcode and not address:
        clean.update(address=company.address, postcode=company.postcode, city=company.city,
                     lat=company.lat, lon=company.lon, geo_precision=company.geo_precision)
    else:
        place = geocode(street=address, postcode=postcode or company.postcode, city=city)
        clean.update(address=address, postcode=place.postcode, city=city or place.city,
                     lat=place.lat, lon=place.lon, geo_precision=place.precision)
    return clean


def _status(value) -> OpeningStatus:
    try:
        return OpeningStatus(value or "")
    except ValueError:
        raise ValidationError(_("Ukendt status."), field="status") from None


# --- the timeline and the contact log -------------------------------------------------------

def _is_employer(actor) -> bool:
    return actor is not None and getattr(actor, "role", None) == Role.EMPLOYER


def log_employer_change(company: Company, summary: str, *, actor, borger_id: int | None = None):
    """Write an employer's own change to the company's contact log (kind e-mail)."""
    from crm.services.contacts import log_contact

    entry = log_contact(company, {"kind": ContactKind.EMAIL.value, "with_whom": actor.name,
                                  "summary": summary}, actor=actor)
    entry.borger_id = borger_id
    return entry


def _danish_status(status: OpeningStatus) -> str:
    """A status as the contact log (stored, read by konsulenter) says it: in Danish."""
    with in_language(DEFAULT_LANGUAGE):
        return status.label.lower()


def _changed_names(changes: dict) -> str:
    return ", ".join(FIELD_LABELS.get(key, key) for key in changes)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# --- writes ---------------------------------------------------------------------------------

def create_opening(company: Company, data: dict, *, actor=None) -> Opening:
    """Create an opening at a company. ``offers`` None means the company's own offers; an empty
    place of work means the company's address. Raises ValidationError naming the field."""
    clean = _validated(company, data)
    status = _status(data.get("status") or OpeningStatus.KLADDE)
    now = utcnow()
    opening = Opening(company_id=company.id, status=status.value, confirmed_at=now, **clean)
    db.session.add(opening)
    db.session.flush()
    record_event("opening.create", "company", company.id, actor=actor,
                 details={"opening_id": opening.id, "title": opening.title, "kind": opening.kind,
                          "status": opening.status})
    if _is_employer(actor):
        log_employer_change(company, f"Arbejdsgiveren oprettede stillingen «{opening.title}» "
                                     f"({_danish_status(status)}) i portalen.", actor=actor)
    return opening


def update_opening(opening: Opening, data: dict, *, expected_version: int, actor=None) -> Opening:
    """Change an opening. Raises ConflictError when it changed since ``expected_version`` was
    read, and ValidationError for bad input; in both cases nothing is written."""
    if opening.version != expected_version:
        raise ConflictError(str(CONFLICT_MESSAGE))
    company = opening.company
    clean = _validated(company, data)
    changes = {}
    for key, value in clean.items():
        if getattr(opening, key) != value:
            setattr(opening, key, value)
            if key not in ("lat", "lon", "geo_precision"):
                changes[key] = _plain(value)
    new_status = data.get("status")
    if new_status and new_status != opening.status:
        changes["status"] = _apply_status(opening, _status(new_status)).value
    if not changes:
        return opening
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(str(CONFLICT_MESSAGE)) from None
    record_event("opening.update", "company", company.id, actor=actor,
                 details={"opening_id": opening.id, **changes})
    if _is_employer(actor):
        log_employer_change(company, f"Arbejdsgiveren ændrede stillingen «{opening.title}» i portalen "
                                     f"({_changed_names(changes)}).", actor=actor)
    return opening


def _apply_status(opening: Opening, status: OpeningStatus) -> OpeningStatus:
    opening.status = status.value
    if status == OpeningStatus.AABEN:
        # Opening (or reopening) an opening says it is open today.
        opening.confirmed_at = utcnow()
    return status


def is_ending(opening: Opening, status: str) -> bool:
    """Whether moving ``opening`` to ``status`` ends it (so the person confirms it first)."""
    return status in ENDING_STATUSES and opening.status != status


def change_opening_status(opening: Opening, status: str, *, actor=None) -> Opening:
    """Open, pause, fill (besat) or close an opening; every status may follow every other."""
    target = _status(status)
    if target == opening.status:
        return opening
    before = opening.status
    _apply_status(opening, target)
    db.session.flush()
    record_event("opening.status", "company", opening.company_id, actor=actor,
                 details={"opening_id": opening.id, "from": before, "to": target.value})
    if _is_employer(actor):
        log_employer_change(opening.company, f"Arbejdsgiveren satte stillingen «{opening.title}» "
                                             f"til {_danish_status(target)}.", actor=actor)
    return opening


def confirm_opening(opening: Opening, *, actor=None) -> Opening:
    """Confirm that an open opening is still open today.

    Written with a plain UPDATE that leaves the version counter alone: confirming is not an edit,
    so it must not make someone's open edit form conflict.
    """
    if opening.status != OpeningStatus.AABEN:
        raise ValidationError(_("Kun åbne stillinger kan bekræftes."))
    now = utcnow()
    db.session.execute(
        sa.update(Opening).where(Opening.id == opening.id)
        .values(confirmed_at=now, updated_at=Opening.updated_at)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(opening, "confirmed_at", now)
    record_event("opening.confirm", "company", opening.company_id, actor=actor,
                 details={"opening_id": opening.id})
    if _is_employer(actor):
        log_employer_change(opening.company, f"Arbejdsgiveren bekræftede, at stillingen "
                                             f"«{opening.title}» stadig er åben.", actor=actor)
    return opening


# --- reading --------------------------------------------------------------------------------

def openings_queries(*, company_id: int | None = None, status: str | None = None, kind: str | None = None,
                     q: str | None = None, needs_confirming: bool = False,
                     now: datetime | None = None) -> list[sa.Select]:
    """Openings for lists, with optional filters: the open ones, newest first, then the others, newest
    first. Page them as one list (``page_of``); each is read in order from an index on (status, updated)."""
    query = sa.select(Opening).options(joinedload(Opening.company))
    if company_id is not None:
        query = query.where(Opening.company_id == company_id)
    if status:
        query = query.where(Opening.status == status)
    if kind:
        query = query.where(Opening.kind == kind)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(sa.or_(
            sa.func.lower(Opening.title).like(pattern), sa.func.lower(Opening.occupation).like(pattern),
            Opening.company_id.in_(sa.select(Company.id).where(sa.func.lower(Company.name).like(pattern)))))
    if needs_confirming:
        query = query.where(Opening.status == OpeningStatus.AABEN,
                            Opening.confirmed_at <= stale_cutoff(now=now))
    newest_first = (Opening.updated_at.desc(), Opening.id.desc())
    others = [other.value for other in OpeningStatus if other != OpeningStatus.AABEN]
    return [query.where(Opening.status == OpeningStatus.AABEN).order_by(*newest_first),
            query.where(Opening.status.in_(others)).order_by(*newest_first)]


def list_openings(**filters) -> list[Opening]:
    """All openings matching ``filters`` (see openings_queries), open ones first."""
    return [opening for query in openings_queries(**filters) for opening in db.session.scalars(query)]


def company_openings(company: Company) -> list[Opening]:
    """The company's openings in the lists' order (open ones first, newest first). A company has a
    handful: read through the company's index and sorted here, so the page stays flat as the
    register grows (ordered in SQL, SQLite walked the index of every open opening instead)."""
    openings = db.session.scalars(sa.select(Opening).where(Opening.company_id == company.id)).all()
    return sorted(openings, key=lambda o: (o.status != OpeningStatus.AABEN, -o.updated_at.timestamp(), -o.id))
