"""Create and change companies in the partner register; every change is audited.

Edits carry the version the user started from. If the company has changed since, the save is
refused with ConflictError (nothing is written) so the user can compare and try again; the
mapper's version counter also catches a race between two saves that passed the check together.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz
from sqlalchemy.orm.exc import StaleDataError

from crm.extensions import db
from crm.models import Company, CompanyStatusChange, Industry, OfferTag, User
from crm.models.company import SIZE_BANDS, STATUS_TRANSITIONS, PartnershipStatus
from crm.permissions import roles_with
from crm.services import ConflictError, ValidationError, fields
from crm.services.audit import record_event
from crm.services.fields import clean_text
from crm.services.geocoding import geocode
from crm.sorting import sort_key
from crm.timeutil import utcnow
from crm.validators import is_valid_cvr, is_valid_pnummer, normalize_company_name, normalize_cvr, parse_id

CONFLICT_MESSAGE = _l(
    "Virksomheden er blevet ændret af en anden, siden du åbnede den. Dine ændringer er ikke gemt: "
    "se de nye oplysninger, og gem igen."
)
# Two names in the same postcode at least this similar (0–100, rapidfuzz token_sort_ratio on the
# normalised names) are shown as a likely duplicate before saving.
DUPLICATE_NAME_THRESHOLD = 88
NAME_REQUIRED = _l("Angiv virksomhedens navn.")

# Fields a form or an import may set directly (besides status, offers and konsulent).
PROFILE_FIELDS = (
    "name", "cvr", "pnummer", "address", "postcode", "city", "industry_code", "industry_text",
    "size_band", "website", "phone", "email", "description", "agreement_signed",
    "agreement_renewal", "agreement_note", "tags",
)


@dataclass(frozen=True)
class Duplicate:
    company: Company
    reason: str


class Lookups:
    """What validating a company asks the database. The import passes one that answers from
    data it fetched in bulk, so checking a row costs no query."""

    def cvr_owner(self, cvr: str) -> int | None:
        return db.session.scalar(sa.select(Company.id).where(Company.cvr == cvr))

    def industry_exists(self, code: str) -> bool:
        return db.session.get(Industry, code) is not None

    def offer_tags(self, codes: set[str]) -> list[OfferTag]:
        return list(db.session.scalars(sa.select(OfferTag).where(OfferTag.code.in_(codes))))

    def user_role(self, user_id: int) -> str | None:
        return db.session.scalar(sa.select(User.role).where(User.id == user_id))


DATABASE = Lookups()


def _validated(data: dict, *, company_id: int | None = None, lookups: Lookups = DATABASE) -> dict:
    """Check and normalise the profile fields; raise ValidationError naming the field."""
    clean = {}
    clean["name"] = clean_text(data, "name", max_length=fields.TITLE_MAX, required=NAME_REQUIRED)
    cvr = normalize_cvr(data.get("cvr"))
    if cvr is not None and not is_valid_cvr(cvr):
        raise ValidationError(_("CVR-nummeret er ikke gyldigt (8 cifre med korrekt kontrolciffer)."),
                              field="cvr")
    if cvr is not None:
        owner = lookups.cvr_owner(cvr)
        if owner is not None and owner != company_id:
            raise ValidationError(_("Der findes allerede en virksomhed med det CVR-nummer."), field="cvr")
    clean["cvr"] = cvr
    pnummer = (data.get("pnummer") or "").replace(" ", "") or None
    if pnummer is not None and not is_valid_pnummer(pnummer):
        raise ValidationError(_("P-nummeret skal være 10 cifre."), field="pnummer")
    clean["pnummer"] = pnummer
    for key, length in (("address", fields.ADDRESS_MAX), ("industry_text", fields.INDUSTRY_TEXT_MAX),
                        ("website", fields.WEBSITE_MAX), ("phone", fields.PHONE_MAX), ("email", fields.EMAIL_MAX),
                        ("description", fields.LONG_TEXT_MAX), ("agreement_note", fields.AGREEMENT_NOTE_MAX)):
        clean[key] = clean_text(data, key, max_length=length)
    if clean["website"] and not clean["website"].lower().startswith(("http://", "https://")):
        # Only web links: a stored "javascript:" URL must never become a clickable link.
        if ":" in clean["website"].split("/")[0]:
            raise ValidationError(_("Hjemmesiden skal være en webadresse (https://…)."), field="website")
        clean["website"] = "https://" + clean["website"]
    if clean["email"] and "@" not in clean["email"]:
        raise ValidationError(_("Angiv en gyldig e-mailadresse."), field="email")
    place = geocode(street=clean["address"], postcode=data.get("postcode") or "", city=data.get("city") or "")
    clean["postcode"] = place.postcode
    clean["city"] = clean_text(data, "city", max_length=fields.CITY_MAX) or place.city
    clean["_place"] = place
    industry_code = (data.get("industry_code") or "").strip().upper() or None
    if industry_code is not None and not lookups.industry_exists(industry_code):
        raise ValidationError(_("Ukendt branche (DB07-hovedgruppe)."), field="industry_code")
    clean["industry_code"] = industry_code
    size_band = data.get("size_band") or None
    if size_band is not None and size_band not in SIZE_BANDS:
        raise ValidationError(_("Ukendt størrelse."), field="size_band")
    clean["size_band"] = size_band
    for key in ("agreement_signed", "agreement_renewal"):
        value = data.get(key)
        if value is not None and not isinstance(value, date):
            raise ValidationError(_("Angiv en dato."), field=key)
        clean[key] = value
    if clean["agreement_signed"] and clean["agreement_renewal"] \
            and clean["agreement_renewal"] < clean["agreement_signed"]:
        raise ValidationError(_("Fornyelsen kan ikke ligge før underskrivelsen."), field="agreement_renewal")
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    clean["tags"] = sorted({t.strip() for t in tags if t and t.strip()})
    return clean


def _offers(codes, lookups: Lookups = DATABASE) -> list[OfferTag]:
    codes = set(codes or [])
    if not codes:
        return []
    tags = lookups.offer_tags(codes)
    unknown = codes - {t.code for t in tags}
    if unknown:
        raise ValidationError(_("Ukendte tilbud: %(offers)s.", offers=", ".join(sorted(unknown))), field="offers")
    return tags


def _konsulent(konsulent_id, lookups: Lookups = DATABASE) -> int | None:
    if konsulent_id in (None, ""):
        return None
    user_id = parse_id(konsulent_id)
    if user_id is None or lookups.user_role(user_id) not in roles_with("company.edit"):
        raise ValidationError(_("Vælg en virksomhedskonsulent."), field="konsulent_id")
    return user_id


def _record_status(company: Company, from_status: str | None, to_status: str, *, actor, note="") -> None:
    company.status = to_status
    company.status_changed_at = utcnow()
    company.status_changes.append(CompanyStatusChange(
        from_status=from_status, to_status=to_status, changed_at=company.status_changed_at,
        changed_by_id=actor.id if actor else None, note=note,
    ))


def new_company_values(data: dict, *, lookups: Lookups = DATABASE) -> tuple[dict, list[OfferTag]]:
    """The validated column values of a new company, and its offers. Raises ValidationError."""
    clean = _validated(data, lookups=lookups)
    status = data.get("status") or PartnershipStatus.EMNE
    if status not in set(PartnershipStatus):
        raise ValidationError(_("Ukendt status."), field="status")
    place = clean.pop("_place")
    offers = _offers(data.get("offers"), lookups)
    values = {**clean, "lat": place.lat, "lon": place.lon, "geo_precision": place.precision,
              "name_key": (name_key := normalize_company_name(clean["name"])), "sort_key": sort_key(name_key),
              "status": str(status),
              "konsulent_id": _konsulent(data.get("konsulent_id"), lookups)}
    return values, offers


def build_company(data: dict, *, actor=None, lookups: Lookups = DATABASE) -> Company:
    """A new company from form or import data, not yet added to the session. Raises ValidationError."""
    values, offers = new_company_values(data, lookups=lookups)
    status = values.pop("status")
    company = Company(**values)
    company.offers = offers
    _record_status(company, None, status, actor=actor)
    return company


def create_company(data: dict, *, actor=None) -> Company:
    """Create a company from form or import data. Raises ValidationError."""
    company = build_company(data, actor=actor)
    db.session.add(company)
    db.session.flush()
    record_event("company.create", "company", company.id, actor=actor,
                 details={"name": company.name, "cvr": company.cvr})
    return company


# What ``plan_update`` compares: the profile and the columns derived from it.
CURRENT_FIELDS = (*PROFILE_FIELDS, "lat", "name_key", "status", "konsulent_id")


@dataclass
class PlannedUpdate:
    """What an update sets: ``values`` (column → new value, only those that differ), ``offers``
    (the new offer tags, or None when they stay), the audit details and the status move."""

    values: dict
    offers: list[OfferTag] | None
    changes: dict
    status_move: dict | None


def plan_update(current: dict, data: dict, *, company_id: int | None, lookups: Lookups = DATABASE) -> PlannedUpdate:
    """Check an update of a company whose current values are ``current`` (the keys in
    CURRENT_FIELDS, ``offers`` as a set of codes) and say what it changes, on plain values: the
    form sets them on the object (``apply_update``), the import writes them in bulk.
    Raises ValidationError before anything is set when a field is invalid."""
    clean = _validated(data, company_id=company_id, lookups=lookups)
    offers = _offers(data["offers"], lookups) if "offers" in data else None
    konsulent_id = _konsulent(data["konsulent_id"], lookups) if "konsulent_id" in data else None
    new_status = data.get("status")
    if new_status and new_status != current["status"]:
        target = _transition_target(PartnershipStatus(current["status"]), new_status)
    place = clean.pop("_place")
    values, changes = {}, {}
    for key, value in clean.items():
        if current[key] != value:
            changes[key] = value.isoformat() if isinstance(value, date) else value
            values[key] = value
    if current["lat"] is None or {"address", "postcode"} & changes.keys():
        values.update(lat=place.lat, lon=place.lon, geo_precision=place.precision)
    name_key = normalize_company_name(clean["name"])
    if name_key != current["name_key"]:
        values.update(name_key=name_key, sort_key=sort_key(name_key))
    if offers is not None and {t.code for t in offers} != current["offers"]:
        changes["offers"] = sorted(t.code for t in offers)
    else:
        offers = None
    if "konsulent_id" in data and konsulent_id != current["konsulent_id"]:
        changes["konsulent_id"] = values["konsulent_id"] = konsulent_id
    status_move = None
    if new_status and new_status != current["status"]:
        status_move = {"from": current["status"], "to": target.value}
        values.update(status=target.value, status_changed_at=utcnow())
        changes["status"] = new_status
    return PlannedUpdate(values, offers, changes, status_move)


def apply_update(company: Company, data: dict, *, actor=None,
                 lookups: Lookups = DATABASE) -> tuple[dict, dict | None]:
    """Set a company's new profile, offers, konsulent and status without writing or auditing.

    Returns the changes and the status move (audit details) for the caller to record after its
    flush. Raises ValidationError before anything is set when a field is invalid.
    """
    with db.session.no_autoflush:
        current = {key: getattr(company, key) for key in CURRENT_FIELDS} | {"offers": company.offer_codes}
        update = plan_update(current, data, company_id=company.id, lookups=lookups)
        for key, value in update.values.items():
            setattr(company, key, value)
        if update.offers is not None:
            company.offers = update.offers
        if update.status_move:
            _record_status(company, update.status_move["from"], update.status_move["to"], actor=actor)
    if update.changes:
        company.updated_at = utcnow()
    return update.changes, update.status_move


def update_company(company: Company, data: dict, *, expected_version: int, actor=None) -> Company:
    """Change a company's profile, offers and konsulent.

    Raises ConflictError when the company changed since ``expected_version`` was read, and
    ValidationError for bad input; in both cases nothing is written.
    """
    if company.version != expected_version:
        raise ConflictError(str(CONFLICT_MESSAGE))
    # One flush for the whole edit, so the version goes up by exactly one.
    changes, status_move = apply_update(company, data, actor=actor)
    if status_move:
        record_event("company.status", "company", company.id, actor=actor, details=status_move)
    if changes:
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            raise ConflictError(str(CONFLICT_MESSAGE)) from None
        record_event("company.update", "company", company.id, actor=actor, details=changes)
    return company


def _transition_target(current: PartnershipStatus, new_status: str) -> PartnershipStatus:
    """The status to move to from ``current``; ValidationError when the pipeline does not allow it."""
    try:
        target = PartnershipStatus(new_status)
    except ValueError:
        raise ValidationError(_("Ukendt status."), field="status") from None
    if target != current and target not in STATUS_TRANSITIONS[current]:
        raise ValidationError(
            _("Status kan ikke gå fra %(current)s til %(target)s.", current=current.label.lower(),
              target=target.label.lower()), field="status"
        )
    return target


def change_status(company: Company, new_status: str, *, actor=None, note: str = "") -> None:
    """Move the partnership along the pipeline; the date of each change is kept."""
    current = company.status_enum
    target = _transition_target(current, new_status)
    if target == current:
        return
    _record_status(company, current.value, target.value, actor=actor, note=note)
    record_event("company.status", "company", company.id, actor=actor,
                 details={"from": current.value, "to": target.value})


def find_duplicates(*, name: str, postcode: str, cvr: str | None = None,
                    exclude_id: int | None = None) -> list[Duplicate]:
    """Return likely duplicates: the same CVR anywhere, or a similar name in the same postcode."""
    found: dict[int, Duplicate] = {}
    cvr = normalize_cvr(cvr)
    if cvr:
        same = db.session.scalar(sa.select(Company).where(Company.cvr == cvr))
        if same is not None and same.id != exclude_id:
            found[same.id] = Duplicate(same, _("Samme CVR-nummer"))
    key = normalize_company_name(name)
    if key and postcode:
        # Compare names only (no full rows): an import checks thousands of rows this way.
        nearby = db.session.execute(
            sa.select(Company.id, Company.name_key).where(Company.postcode == postcode.strip())).all()
        similar = [company_id for company_id, name_key in nearby
                   if company_id != exclude_id and company_id not in found
                   and fuzz.token_sort_ratio(key, name_key) >= DUPLICATE_NAME_THRESHOLD]
        for other in db.session.scalars(sa.select(Company).where(Company.id.in_(similar))) if similar else ():
            found[other.id] = Duplicate(other, _("Lignende navn i samme postnummer"))
    return list(found.values())


def company_profile(company: Company) -> dict:
    """The company's current editable data, in the shape create/update_company take."""
    data = {key: getattr(company, key) for key in PROFILE_FIELDS}
    data.update(status=company.status, offers=sorted(company.offer_codes),
                konsulent_id=company.konsulent_id)
    return data
