"""Borger records: who may see them, and every view and change written to the audit log.

A vejleder sees and works their own caseload; a teamleder reads the caseloads of the programmes
they lead and hands borgere over between vejledere; nobody else opens a borger record (an admin or
a konsulent sees only the pseudonymous reference in reverse matches). The rules are in
crm/permissions.py. Services that touch borger data check them and audit themselves, so no caller
can forget.
"""

import secrets
from dataclasses import dataclass
from datetime import date

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from crm.extensions import db
from crm.models import Borger, Industry, IssuedReference, OfferTag, Programme, User
from crm.models.borger import SHAREABLE_FIELDS, Phase, Transport
from crm.models.user import Role
from crm.permissions import borger_scope, can, require
from crm.services import ConflictError, ValidationError
from crm.services.audit import record_event, record_events
from crm.services.company_search import WordIndex, search_key
from crm.services.fields import MAX_HOURS_PER_WEEK
from crm.services.geocoding import geocode
from crm.sorting import danish
from crm.timeutil import today
from crm.validators import parse_id, split_items
from matcher import KINDS

CONFLICT_MESSAGE = _l(
    "Borgerens oplysninger er blevet ændret af en anden, siden du åbnede dem. Dine ændringer er "
    "ikke gemt: se de nye oplysninger, og gem igen."
)
MIN_TRAVEL_MINUTES = 5
MAX_TRAVEL_MINUTES = 180
# First name or initials only: a full name is more than a borger is shown by.
FIRST_NAME_MAX = 60
# A borger's reference is drawn at random and never handed out twice (borger_references keeps
# every one ever issued), so it cannot point to someone else after an erasure, and it says
# nothing about how many borgere came before. The symbols are easy to read aloud in Danish and
# to type: digits 2-9 and consonants that neither look like a digit (no I, L, O, S, Z) nor
# sound like another symbol over the phone (no B/C/D/G/P/T/V, which rhyme on "e"; no N beside
# M; no X, "æks", beside 6, "seks").
REFERENCE_PREFIX = "B-"
REFERENCE_ALPHABET = "23456789FHJKMRW"
REFERENCE_LENGTH = 4  # 15**4 = 50,625 references; a longer one is drawn once they grow scarce
REFERENCE_TRIES = 20


def can_view_borger(user, borger: Borger) -> bool:
    return can(user, "borger.read", borger)


def visible_borgere(user, *, for_edit: bool = False) -> sa.Select:
    """A query of the borgere this user may open (the list shows only what you may open), or
    with ``for_edit`` work on (a vejleder's own caseload)."""
    return sa.select(Borger).where(borger_scope(user, "borger.edit" if for_edit else "borger.read"))


@dataclass(frozen=True)
class BorgerSearch:
    """What to look for in the borgere one may open; empty values mean "no filter".

    ``q`` is matched word by word against the first name and the reference, folded and with a
    letter of slack as the company search does (``WordIndex``: "soeren" finds Søren, "7k3" finds
    B-7K3M); ``phase`` is a ``Phase`` value and ``programme_id`` a programme's id.
    """

    q: str = ""
    phase: str | None = None
    programme_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q.strip() or self.phase or self.programme_id)


def search_borgere(user, search: BorgerSearch = BorgerSearch()) -> sa.Select:
    """The borgere ``user`` may open (``borger_scope``) that match ``search``, in list order:
    the active ones first, then by first name in Danish order. A caseload is small (a vejleder's
    20, a teamleder's programmes), so the text is matched in Python over the scoped rows."""
    stmt = visible_borgere(user)
    if search.phase:
        stmt = stmt.where(Borger.phase == search.phase)
    if search.programme_id:
        stmt = stmt.where(Borger.programme_id == search.programme_id)
    words = search_key(search.q[:200]).split()
    if words:
        rows = db.session.execute(stmt.with_only_columns(Borger.id, Borger.first_name, Borger.reference)).all()
        found = WordIndex.of([search_key(f"{name} {reference}") for _, name, reference in rows]).matches(words)
        stmt = stmt.where(Borger.id.in_([rows[i][0] for i in np.flatnonzero(found)] or [-1]))
    return (stmt.options(selectinload(Borger.vejleder))  # the list shows each borger's vejleder
            .order_by(Borger.phase == Phase.AFSLUTTET, danish(Borger.first_name), Borger.id))


def programmes_of_visible_borgere(user) -> list[Programme]:
    """The programmes of the borgere ``user`` may open, in Danish order (the search's choices)."""
    ids = sa.select(Borger.programme_id).where(borger_scope(user, "borger.read"), Borger.programme_id.is_not(None))
    return list(db.session.scalars(sa.select(Programme).where(Programme.id.in_(ids))
                                   .order_by(danish(Programme.name))))


def audit_view(borger: Borger, *, actor, page: str, details: dict | None = None) -> None:
    """A page showed the borger (by name) to ``actor``: a read of the record."""
    record_event("borger.view", "borger", borger.id, actor=actor, details={"page": page, **(details or {})})


def audit_shown_by_name(borgere, *, actor, page: str, details: dict | None = None) -> None:
    """A page showed these borgere with something of their casework to ``actor``: those it
    showed by name (the ones ``actor`` may open) were read, one audit row each."""
    shown = dict.fromkeys(borger.id for borger in borgere if can_view_borger(actor, borger))
    record_events("borger.view", "borger", shown, actor=actor, details={"page": page, **(details or {})})


def audit_denied(borger_id: int, *, actor, page: str) -> None:
    record_event("borger.denied", "borger", borger_id, actor=actor, details={"page": page})


def _number(data: dict, key: str, *, low: float, high: float, message: str) -> float:
    try:
        value = float(str(data.get(key)).replace(",", "."))
    except (TypeError, ValueError):
        raise ValidationError(message, field=key) from None
    if not low <= value <= high:
        raise ValidationError(message, field=key)
    return value


def _validated(data: dict) -> dict:
    clean = {}
    first_name = " ".join((data.get("first_name") or "").split())
    if not first_name:
        raise ValidationError(_("Angiv fornavn eller initialer."), field="first_name")
    if len(first_name) > FIRST_NAME_MAX or len(first_name.split()) > 2:
        raise ValidationError(_("Kun fornavn eller initialer (ikke fulde navn)."), field="first_name")
    clean["first_name"] = first_name
    vejleder = db.session.get(User, int(data.get("vejleder_id") or 0))
    if vejleder is None or vejleder.role != Role.VEJLEDER or not vejleder.active:
        raise ValidationError(_("Vælg en aktiv vejleder."), field="vejleder_id")
    clean["vejleder_id"] = vejleder.id
    programme_id = data.get("programme_id") or None
    if programme_id is not None and db.session.get(Programme, int(programme_id)) is None:
        raise ValidationError(_("Ukendt indsats."), field="programme_id")
    clean["programme_id"] = int(programme_id) if programme_id else None
    enrolled_on = data.get("enrolled_on") or today()
    if not isinstance(enrolled_on, date):
        raise ValidationError(_("Angiv en dato."), field="enrolled_on")
    if enrolled_on > today():
        raise ValidationError(_("Indskrivningsdatoen kan ikke ligge i fremtiden."), field="enrolled_on")
    clean["enrolled_on"] = enrolled_on
    phase = data.get("phase") or Phase.OPSTART
    if phase not in set(Phase):
        raise ValidationError(_("Ukendt fase."), field="phase")
    clean["phase"] = phase
    place = geocode(postcode=data.get("postcode") or "")
    clean.update(postcode=place.postcode, lat=place.lat, lon=place.lon)
    transport = data.get("transport") or Transport.PUBLIC
    if transport not in set(Transport):
        raise ValidationError(_("Ukendt transportform."), field="transport")
    clean["transport"] = transport
    clean["max_travel_minutes"] = int(_number(
        data, "max_travel_minutes", low=MIN_TRAVEL_MINUTES, high=MAX_TRAVEL_MINUTES,
        message=_("Angiv en rejsetid mellem %(min)s og %(max)s minutter.", min=MIN_TRAVEL_MINUTES,
                  max=MAX_TRAVEL_MINUTES)))
    clean["hours_min"] = _number(data, "hours_min", low=0, high=MAX_HOURS_PER_WEEK,
                                 message=_("Angiv timer om ugen mellem 0 og %(max)s.", max=MAX_HOURS_PER_WEEK))
    clean["hours_max"] = _number(data, "hours_max", low=0, high=MAX_HOURS_PER_WEEK,
                                 message=_("Angiv timer om ugen mellem 0 og %(max)s.", max=MAX_HOURS_PER_WEEK))
    if clean["hours_min"] > clean["hours_max"]:
        raise ValidationError(_("Mindste antal timer kan ikke være større end højeste."), field="hours_max")
    clean["wishes"] = split_items(data.get("wishes"))
    clean["strengths"] = split_items(data.get("strengths"))
    needs = sorted(set(data.get("needs") or []))
    known_tags = set(db.session.scalars(sa.select(OfferTag.code)))
    if set(needs) - known_tags:
        raise ValidationError(_("Ukendt behov."), field="needs")
    clean["needs"] = needs
    accepts = sorted(set(data.get("accepts") or []))
    if set(accepts) - set(KINDS):
        raise ValidationError(_("Ukendt type."), field="accepts")
    clean["accepts"] = accepts
    excluded = sorted(set(data.get("excluded_industries") or []))
    if set(excluded) - set(db.session.scalars(sa.select(Industry.code))):
        raise ValidationError(_("Ukendt branche."), field="excluded_industries")
    clean["excluded_industries"] = excluded
    clean["consent_to_propose"] = bool(data.get("consent_to_propose"))
    shared = sorted(set(data.get("shared_fields") or []))
    if set(shared) - set(SHAREABLE_FIELDS):
        raise ValidationError(_("Ukendt felt."), field="shared_fields")
    # Without consent nothing is shared, whatever boxes were ticked.
    clean["shared_fields"] = shared if clean["consent_to_propose"] else []
    clean["disclosure"] = bool(data.get("disclosure"))
    clean["notes"] = (data.get("notes") or "").strip()
    return clean


def issue_reference() -> str:
    """Draw a reference never issued before and register it (it stays after an erasure)."""
    length = REFERENCE_LENGTH
    while True:
        for _attempt in range(REFERENCE_TRIES):
            reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(length))
            if db.session.get(IssuedReference, reference) is None:
                db.session.add(IssuedReference(reference=reference))
                db.session.flush()  # before the borger that refers to it
                return reference
        length += 1  # the short references are nearly all used


def create_borger(data: dict, *, actor) -> Borger:
    """Enrol a borger in a vejleder's caseload (a vejleder: their own). Raises ValidationError or
    NotAuthorized."""
    require(actor, "borger.create")
    clean = _validated(data)
    borger = Borger(**clean)
    require(actor, "borger.edit", borger)
    borger.reference = issue_reference()
    db.session.add(borger)
    db.session.flush()
    record_event("borger.create", "borger", borger.id, actor=actor,
                 details={"reference": borger.reference, "vejleder_id": borger.vejleder_id})
    return borger


def update_borger(borger: Borger, data: dict, *, expected_version: int, actor) -> Borger:
    """Change a borger's record (not the vejleder: see ``reassign_borger``). Raises ConflictError,
    ValidationError or NotAuthorized; nothing is written then."""
    require(actor, "borger.edit", borger)
    if borger.version != expected_version:
        raise ConflictError(str(CONFLICT_MESSAGE))
    clean = _validated(data)
    if clean["vejleder_id"] != borger.vejleder_id:
        require(actor, "borger.reassign", borger)
    changed = sorted(k for k, v in clean.items() if getattr(borger, k) != v)
    for key in changed:
        setattr(borger, key, clean[key])
    if changed:
        try:
            db.session.flush()
        except StaleDataError:  # another save won the race after our version check
            db.session.rollback()
            raise ConflictError(str(CONFLICT_MESSAGE)) from None
        # Field names only: the audit log must not copy the borger's data.
        record_event("borger.update", "borger", borger.id, actor=actor, details={"fields": changed})
    return borger


def exclude_company(borger: Borger, company_id: int, *, actor) -> None:
    """Never propose this company to the borger again (the borger's own choice)."""
    require(actor, "borger.edit", borger)
    if company_id not in borger.excluded_company_ids:
        borger.excluded_company_ids = [*borger.excluded_company_ids, company_id]
        record_event("borger.update", "borger", borger.id, actor=actor,
                     details={"fields": ["excluded_company_ids"]})


def reassign_borger(borger: Borger, vejleder_id, *, actor, expected_version: int | None = None) -> Borger:
    """Hand the borger over to another active vejleder (a teamleder, in a programme they lead).
    Audited with both vejledere. Raises ValidationError, ConflictError or NotAuthorized."""
    require(actor, "borger.reassign", borger)
    if expected_version is not None and borger.version != expected_version:
        raise ConflictError(str(CONFLICT_MESSAGE))
    vejleder = db.session.get(User, parse_id(vejleder_id) or 0)
    if vejleder is None or vejleder.role != Role.VEJLEDER or not vejleder.active:
        raise ValidationError(_("Vælg en aktiv vejleder."), field="vejleder_id")
    if vejleder.id == borger.vejleder_id:
        raise ValidationError(_("Borgeren har allerede den vejleder."), field="vejleder_id")
    previous = borger.vejleder_id
    borger.vejleder_id = vejleder.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(str(CONFLICT_MESSAGE)) from None
    record_event("borger.reassign", "borger", borger.id, actor=actor,
                 details={"from_vejleder_id": previous, "to_vejleder_id": vejleder.id})
    return borger

