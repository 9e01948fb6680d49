"""Merge two records of the same company into one.

Everything that points at the duplicate (contact persons, the contact log, tasks, employer
accounts, status history, and whatever later features hang on a company: openings, placements …)
is moved to the kept company by following the foreign keys in the schema, so a new table cannot
be forgotten. Empty profile fields of the kept company are filled from the duplicate, offers and
free tags are united, and the duplicate is deleted.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import Borger, Company, CompanyStatusChange, ImportChange
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.companies import CONFLICT_MESSAGE, ConflictError, company_profile, update_company
from crm.timeutil import utcnow

# Handled on their own: offers are united, and an import's record of the duplicate is cut loose
# (pointing it at the kept company would let undoing that import delete the kept company).
SPECIAL_TABLES = frozenset({"companies", "company_offers", "import_changes"})


def company_references() -> list[sa.Column]:
    """Every column in the schema that is a foreign key to companies.id."""
    companies_id = Company.__table__.c.id
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(fk.references(Company.__table__) and fk.column is companies_id for fk in column.foreign_keys)
    ]


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _merged_profile(keep: dict, duplicate: dict) -> dict:
    merged = dict(keep)
    for key, value in duplicate.items():
        if key in ("offers", "tags"):
            merged[key] = sorted(set(keep[key] or []) | set(value or []))
        elif key != "status" and _is_empty(keep.get(key)) and not _is_empty(value):
            merged[key] = value
    return merged


def different_cvr(keep: Company, duplicate: Company) -> bool:
    """Both records carry a CVR number and they differ: most likely two companies, not one twice."""
    return bool(keep.cvr and duplicate.cvr and keep.cvr != duplicate.cvr)


def merge_companies(keep: Company, duplicate: Company, *, actor, keep_version: int | None = None,
                    duplicate_version: int | None = None, different_cvr_confirmed: bool = False) -> Company:
    """Move everything from ``duplicate`` to ``keep`` and delete ``duplicate``.

    With the versions the user saw, a company changed since raises ConflictError; a merge whose
    filled-in profile breaks the company rules raises ValidationError. In both cases the caller
    rolls back. The kept company's version always goes up, so an import that touched it can no
    longer be undone. Two records with different CVR numbers are merged only with
    ``different_cvr_confirmed`` (the kept record's number stays). The duplicate's status history
    joins the kept one's, without its creation row: the kept company was created once.
    """
    if keep.id == duplicate.id:
        raise ValidationError(_("Vælg to forskellige virksomheder."), field="duplicate_id")
    if (keep_version is not None and keep.version != keep_version) or (
            duplicate_version is not None and duplicate.version != duplicate_version):
        raise ConflictError(str(CONFLICT_MESSAGE))
    if different_cvr(keep, duplicate) and not different_cvr_confirmed:
        raise ValidationError(
            _("%(kept)s har CVR-nummer %(kept_cvr)s og %(other)s CVR-nummer %(other_cvr)s: det er "
              "sandsynligvis to forskellige virksomheder. Sæt kryds for at flette dem alligevel.",
              kept=keep.name, kept_cvr=keep.cvr, other=duplicate.name, other_cvr=duplicate.cvr),
            field="different_cvr_confirmed")
    keep_id, duplicate_id, duplicate_name = keep.id, duplicate.id, duplicate.name
    merged = _merged_profile(company_profile(keep), company_profile(duplicate))
    last_contacts = [t for t in (keep.last_contact_at, duplicate.last_contact_at) if t is not None]
    db.session.flush()

    # The duplicate's creation (no status before it) is in the audit log; kept, it would be a second one.
    db.session.execute(sa.delete(CompanyStatusChange).where(
        CompanyStatusChange.company_id == duplicate_id, CompanyStatusChange.from_status.is_(None)))
    moved = {}
    for column in company_references():
        if column.table.name in SPECIAL_TABLES:
            continue
        result = db.session.execute(
            sa.update(column.table).where(column == duplicate_id).values({column.name: keep_id})
        )
        if result.rowcount:
            moved[column.table.name] = result.rowcount
    db.session.execute(
        sa.update(ImportChange).where(ImportChange.company_id == duplicate_id).values(company_id=None)
    )
    _repoint_borger_exclusions(duplicate_id, keep_id)
    # The bulk updates went past the ORM: reload what it holds (nothing is pending after the flush).
    db.session.expire_all()
    db.session.delete(duplicate)
    db.session.flush()  # frees the duplicate's CVR for the kept company

    update_company(keep, merged, expected_version=keep.version, actor=actor)
    keep.last_contact_at = max(last_contacts) if last_contacts else None
    keep.updated_at = utcnow()
    db.session.flush()
    record_event("company.merge", "company", keep_id, actor=actor,
                 details={"kept_id": keep_id, "duplicate_id": duplicate_id,
                          "duplicate_name": duplicate_name, "moved": moved})
    return keep


def _repoint_borger_exclusions(duplicate_id: int, keep_id: int) -> None:
    """A borger who excluded the duplicate has excluded the kept company (a JSON list of ids)."""
    for borger in db.session.scalars(sa.select(Borger)):
        if duplicate_id in borger.excluded_company_ids:
            ids = [keep_id if i == duplicate_id else i for i in borger.excluded_company_ids]
            borger.excluded_company_ids = list(dict.fromkeys(ids))
