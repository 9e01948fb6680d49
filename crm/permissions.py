"""Who may do what: every named permission, the roles that hold it and the rule on the object, in one place.

A permission is a dotted name (``borger.read``, ``company.edit``, ``report.full_figures`` …). ``GRANTS``
maps each to the roles that hold it; ``OBJECT_RULES`` narrows some of them to the objects a user may
reach (a vejleder's own caseload, the programmes a teamleder leads, an employer's own company).
Everything asks this module:

- views declare ``@allow("borger.read")`` (``crm.access``), and a view with no declaration is refused;
- the navigation shows an entry exactly when its endpoint's permission lets the role in;
- templates ask ``can("company.edit", company)``;
- services call ``require(actor, "borger.erase", borger)``, which raises ``NotAuthorized`` (a 403 in a
  request), so a CLI command or an API gets the checks the pages get. ``actor=None`` is the system
  itself (the retention purge, the demo data) and is not checked.

Need-to-know (DOMAIN.md): the admin runs accounts, programmes and settings and opens no borger
record; a teamleder reads the caseloads of the programmes they lead (audited like any read), sees
their full figures and hands borgere over between vejledere.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.models.user import Role
from crm.services import NotAuthorized

ADMIN, TEAMLEDER, VEJLEDER, KONSULENT, EMPLOYER = (
    Role.ADMIN, Role.TEAMLEDER, Role.VEJLEDER, Role.KONSULENT, Role.EMPLOYER)
#: The municipality's own people; every other role group below is spelled out per permission.
STAFF_ROLES = frozenset({ADMIN, TEAMLEDER, VEJLEDER, KONSULENT})
ALL_ROLES = frozenset(Role)

GRANTS: dict[str, frozenset[Role]] = {
    # the session and the start page
    "session.logout": ALL_ROLES,
    "help.glossary": ALL_ROLES,  # the Danish domain words the English pages keep, explained
    "account.recovery_codes": STAFF_ROLES,
    "account.settings": STAFF_ROLES,  # the own daily digest's kinds and the own calendar feed
    "account.api_tokens": ALL_ROLES,  # one's own personal access tokens for the API
    "staff.home": STAFF_ROLES,
    "geo.lookup": STAFF_ROLES,
    # borgere (the casework); a konsulent or admin meets a borger only as a reference
    "borger.list": frozenset({VEJLEDER, TEAMLEDER}),
    "borger.read": frozenset({VEJLEDER, TEAMLEDER}),
    "borger.create": frozenset({VEJLEDER}),
    "borger.edit": frozenset({VEJLEDER}),
    "borger.reassign": frozenset({TEAMLEDER}),
    "borger.erase": frozenset({TEAMLEDER}),
    "borger.reverse_match": STAFF_ROLES,
    # the company register
    "company.read": STAFF_ROLES,
    "company.log": STAFF_ROLES,  # contact log entries and follow-up tasks
    "company.edit": frozenset({ADMIN, KONSULENT}),
    "company.import": frozenset({ADMIN, KONSULENT}),
    "company.merge": frozenset({ADMIN, KONSULENT}),  # the konsulent warned of a duplicate merges it
    "company.saved_filter": STAFF_ROLES,  # save, apply and delete one's own filter sets of the list
    "opening.read": STAFF_ROLES,
    "opening.edit": frozenset({ADMIN, KONSULENT}),
    "opening.view": STAFF_ROLES | {EMPLOYER},  # the API's openings: staff all, an employer its own
    "task.read": STAFF_ROLES,
    "task.change": STAFF_ROLES,
    # files on a company (agreements) and on a placement (praktik and løntilskud papers); the object
    # rules narrow a placement's files to those who may open the borger
    "attachment.read": STAFF_ROLES,
    "attachment.manage": frozenset({ADMIN, KONSULENT, VEJLEDER}),
    "job.read": STAFF_ROLES,  # one's own jobs (imports, big exports); an admin sees all
    "job.download": STAFF_ROLES,  # an export job's file: the asker's only
    # programmes and their figures
    "report.read": STAFF_ROLES,
    "report.full_figures": frozenset({ADMIN, TEAMLEDER}),
    "report.contacts": frozenset({ADMIN, TEAMLEDER}),  # another vejleder's contacts; one's own are always shown
    "report.my_week": frozenset({VEJLEDER}),
    "programme.manage": frozenset({ADMIN}),
    # a programme's results contract: its figures are exact, so only those with full figures see them
    "contract.read": frozenset({ADMIN, TEAMLEDER}),
    "contract.verify": frozenset({ADMIN, TEAMLEDER}),  # record a result as verified against its evidence
    "contract.manage": frozenset({ADMIN}),  # the contract's terms, invoices and payments
    # administration
    "user.manage": frozenset({ADMIN}),
    "audit.read": frozenset({ADMIN}),
    "match.weights": frozenset({ADMIN}),  # compare, adopt and go back on the learned match weights
    # the employer portal
    "portal.use": frozenset({EMPLOYER}),
}


# --- API scopes -------------------------------------------------------------------------------
# A personal access token (``/api/v1``) carries scopes; an API request needs both its route's
# scope and its user's permission (with the object rule). Each scope names the permissions of the
# routes behind it: a token may be given a scope only by a user whose role holds one of them.
SCOPES: dict[str, tuple[LazyString, frozenset[str]]] = {
    "companies:read": (_l("Læse virksomheder"), frozenset({"company.read"})),
    "companies:write": (_l("Oprette og ændre virksomheder, kontaktpersoner og kontaktlog"),
                        frozenset({"company.edit", "company.log"})),
    "openings:read": (_l("Læse stillinger"), frozenset({"opening.view"})),
    "openings:write": (_l("Oprette og ændre egne stillinger"), frozenset({"portal.use"})),
    "borgere:read": (_l("Læse borgere i egen sagsstamme"), frozenset({"borger.read"})),
    "borgere:write": (_l("Ændre borgeres matchprofil"), frozenset({"borger.edit"})),
    "matches:read": (_l("Læse match"), frozenset({"borger.read", "borger.reverse_match"})),
    "tasks:read": (_l("Læse egne opgaver"), frozenset({"task.read"})),
    "tasks:write": (_l("Oprette og afslutte opgaver"), frozenset({"task.change", "company.log"})),
    "reports:read": (_l("Læse indsatsernes tal"), frozenset({"report.read"})),
}


def scope_roles(scope: str) -> frozenset[Role]:
    """The roles that may hold ``scope``; an unknown scope is a programming error (KeyError)."""
    return frozenset().union(*(roles_with(permission) for permission in SCOPES[scope][1]))


def scopes_for(user) -> list[str]:
    """The scopes ``user``'s role may give a token, in the table's order."""
    return [scope for scope in SCOPES if user.role in scope_roles(scope)]


# --- object rules -----------------------------------------------------------------------------

def led_programme_ids(user) -> frozenset[int]:
    """The ids of the programmes ``user`` leads as teamleder (none for every other role)."""
    if user.role != TEAMLEDER:
        return frozenset()
    return frozenset(programme.id for programme in user.led_programmes)


def _in_caseload(user, borger) -> bool:
    return user.role == VEJLEDER and borger.vejleder_id == user.id


def _in_led_programme(user, borger) -> bool:
    return user.role == TEAMLEDER and borger.programme_id in led_programme_ids(user)


def _reads_borger(user, borger) -> bool:
    return _in_caseload(user, borger) or _in_led_programme(user, borger)


def _changes_task(user, task) -> bool:
    """The assignee and the creator may tick a task off; so may those who run the register."""
    return task.assignee_id == user.id or task.created_by_id == user.id or user.role in GRANTS["company.edit"]


def _sees_job(user, job) -> bool:
    return user.role == ADMIN or job.user_id == user.id


def _asked_for_job(user, job) -> bool:
    return job.user_id == user.id


def _undoes_import(user, batch) -> bool:
    return user.role == ADMIN or batch.user_id == user.id


def _leads_programme(user, programme) -> bool:
    return user.role == ADMIN or programme.id in led_programme_ids(user)


def _attachment_owner(obj):
    """What a file hangs on: the company or the placement itself, or an attachment's owner."""
    from crm.models import Attachment

    if isinstance(obj, Attachment):
        return obj.placement if obj.placement_id is not None else obj.company
    return obj


def _reads_attachment(user, obj) -> bool:
    """A company's files: every staff member who sees the company. A placement's files: those who
    may open the borger (the caseload rules)."""
    from crm.models import Placement

    owner = _attachment_owner(obj)
    if isinstance(owner, Placement):
        return _reads_borger(user, owner.borger)
    return True


def _manages_attachment(user, obj) -> bool:
    """A company's files: those who edit the company. A placement's files: the borger's vejleder."""
    from crm.models import Placement

    owner = _attachment_owner(obj)
    if isinstance(owner, Placement):
        return _in_caseload(user, owner.borger)
    return user.role in GRANTS["company.edit"]


def _own_saved_filter(user, saved) -> bool:
    return saved.user_id == user.id


def _sees_opening(user, opening) -> bool:
    return user.role in STAFF_ROLES or (user.company_id is not None and opening.company_id == user.company_id)


def _own_company(user, company) -> bool:
    return company is not None and user.company_id == company.id


OBJECT_RULES: dict[str, Callable[[object, object], bool]] = {
    "borger.read": _reads_borger,
    "borger.edit": _in_caseload,
    "borger.reassign": _in_led_programme,
    "borger.erase": _in_led_programme,
    "task.change": _changes_task,
    "attachment.read": _reads_attachment,
    "attachment.manage": _manages_attachment,
    "job.read": _sees_job,
    "job.download": _asked_for_job,
    "company.import": _undoes_import,
    "company.saved_filter": _own_saved_filter,
    "report.full_figures": _leads_programme,
    "report.contacts": _leads_programme,
    "contract.read": _leads_programme,
    "contract.verify": _leads_programme,
    "portal.use": _own_company,
    "opening.view": _sees_opening,
}


# --- asking -----------------------------------------------------------------------------------

def roles_with(permission: str) -> frozenset[Role]:
    """The roles that hold ``permission``; an unknown name is a programming error (KeyError)."""
    return GRANTS[permission]


def can(user, permission: str, obj=None) -> bool:
    """Whether ``user`` holds ``permission`` (on ``obj``, when given and the permission has an object rule)."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if user.role not in roles_with(permission):
        return False
    rule = OBJECT_RULES.get(permission)
    return obj is None or rule is None or rule(user, obj)


def require(user, permission: str, obj=None) -> None:
    """Raise ``NotAuthorized`` unless ``user`` may; ``user=None`` is the system itself and may."""
    if user is not None and not can(user, permission, obj):
        raise NotAuthorized(_("Du har ikke adgang til at gøre dette."))


def is_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.role in STAFF_ROLES


def borger_scope(user, permission: str = "borger.read") -> sa.ColumnElement[bool]:
    """The SQL condition of the borgere ``user`` holds ``permission`` on ("borger.read" or
    "borger.edit"): the object rules above as a query, so a list shows only what you may open."""
    from crm.models import Borger

    if not user.is_authenticated or user.role not in roles_with(permission):
        return sa.false()
    if user.role == VEJLEDER:
        return Borger.vejleder_id == user.id
    if user.role == TEAMLEDER and permission == "borger.read":
        return Borger.programme_id.in_(led_programme_ids(user) or {-1})
    return sa.false()
