"""An employer's changes to its own company's public profile (through the portal)."""

from flask_babel import lazy_gettext as _l

from crm.models import Company
from crm.services import ConflictError
from crm.services.companies import company_profile, update_company
from crm.services.openings import log_employer_change

# The fields named (in Danish, like the rest of what is stored) in the company's contact log.
FIELD_LABELS = {"phone": "telefon", "email": "e-mail", "website": "hjemmeside",
                "description": "beskrivelse", "offers": "hvad arbejdspladsen kan tilbyde"}
PUBLIC_FIELDS = tuple(FIELD_LABELS)


PROFILE_CONFLICT_MESSAGE = _l("Profilen er blevet ændret af en anden, siden du åbnede den. Dine ændringer er "
                              "ikke gemt: tjek felterne, og gem igen.")


def update_public_profile(company: Company, data: dict, *, expected_version: int, actor) -> list[str]:
    """Change the public part of the profile (contact details, description, offers) with the
    register's version check; return the names of the fields that changed.

    Raises ConflictError and ValidationError like update_company; only ``PUBLIC_FIELDS`` are taken
    from ``data``, the rest of the profile is kept as it is.
    """
    before = company_profile(company)
    merged = {**before, **{key: data[key] for key in PUBLIC_FIELDS if key in data}}
    try:
        update_company(company, merged, expected_version=expected_version, actor=actor)
    except ConflictError:
        raise ConflictError(str(PROFILE_CONFLICT_MESSAGE)) from None
    after = company_profile(company)
    changed = [key for key in PUBLIC_FIELDS if before[key] != after[key]]
    if changed:
        log_employer_change(company, "Arbejdsgiveren opdaterede virksomhedsprofilen i portalen ("
                                     + ", ".join(FIELD_LABELS[k] for k in changed) + ").", actor=actor)
    return changed
