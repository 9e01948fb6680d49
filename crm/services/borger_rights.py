"""The borger's rights: a copy of their data and of who has looked at it (GDPR art. 15, and
Datatilsynet's practice after CJEU C-579/21), and erasure on request or when the retention period
after the course has run out."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import format_number, long_date
from crm.models import AuditEvent, Borger, Company, ContactLogEntry, Industry, OutcomeEvent, Task, User
from crm.models.borger import SHAREABLE_FIELDS, Phase, Stage
from crm.models.company import ContactKind
from crm.permissions import require
from crm.services.attachments import erase_placement_files, placement_attachments
from crm.services.audit import record_event
from crm.services.match_feedback import access_data, access_facts, erase_match_history
from crm.services.matching import KIND_LABELS
from crm.services.proposals import ANSWER_LABELS
from crm.services.reference import offer_tag_labels
from crm.sorting import danish
from crm.timeutil import to_local, today, utcnow

# Every audit action on a borger record, in the words the borger reads in their copy. The access
# log lists them all (a test checks every borger action in the code has a label here).
ACCESS_ACTION_LABELS = {
    "borger.create": _l("Oprettede dine oplysninger"),
    "borger.view": _l("Så dine oplysninger"),
    "borger.update": _l("Ændrede dine oplysninger"),
    "borger.reassign": _l("Gav dig en ny vejleder"),
    "borger.export": _l("Udleverede en kopi af dine oplysninger (indsigt)"),
    "borger.denied": _l("Forsøgte at åbne dine oplysninger, men havde ikke adgang"),
    "borger.contact_logged": _l("Noterede en kontakt med en arbejdsgiver om dig"),
    "placement.shortlist": _l("Satte en virksomhed på din kortliste"),
    "placement.stage": _l("Registrerede et trin i et forløb med en virksomhed"),
    "outcome.record": _l("Registrerede et resultat"),
    "proposal.answer": _l("Arbejdsgiveren svarede på forslaget om dig"),
    "match.not_a_fit": _l("Markerede et forslag som «passer ikke»"),
    "referral.start": _l("Registrerede en henvisningsperiode"),
    "referral.renew": _l("Fornyede henvisningen med en ny plan"),
    "referral.remind": _l("Mindede vejlederen om, at henvisningen snart udløber"),
    "contract.verify": _l("Bekræftede et resultat over for indsatsens resultatkontrakt (uden dit navn)"),
    "attachment.upload": _l("Gemte et bilag til et forløb med en virksomhed"),
    "attachment.download": _l("Hentede et bilag til et forløb med en virksomhed"),
    "attachment.delete": _l("Slettede et bilag til et forløb med en virksomhed"),
    "attachment.unavailable": _l("Forsøgte at hente et bilag, der var beskadiget eller manglede"),
}
# Where in the app it happened (the audit row's "page").
ACCESS_PAGE_LABELS = {
    "detail": _l("din side"),
    "edit": _l("redigering af dine oplysninger"),
    "match": _l("virksomheder, der passer til dig"),
    "shortlist": _l("kortlisten"),
    "propose": _l("forslag til en arbejdsgiver"),
    "exclude": _l("fravalg af en virksomhed"),
    "placement": _l("et forløb med en virksomhed"),
    "outcome": _l("resultater"),
    "end": _l("afslutning af forløbet"),
    "export": _l("indsigt"),
    "erase": _l("sletning"),
    "reassign": _l("overdragelse til en anden vejleder"),
    "reverse_match": _l("borgere, der passer til en virksomhed eller stilling"),
    "portal.proposal": _l("forslaget i virksomhedsportalen"),
    "company_log": _l("en virksomheds kontaktlog"),
    "report_figure": _l("en opgørelse over en indsats"),
    "list": _l("listen over borgere"),
    "attachment": _l("bilag til et forløb"),
    "my_week": _l("vejlederens ugeoversigt"),
    "referral": _l("henvisningsperioder"),
}


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "hour"):
        return to_local(value).isoformat(timespec="minutes")
    return value.isoformat()


def _audit_export(borger: Borger, *, actor, fmt: str) -> None:
    record_event("borger.export", "borger", borger.id, actor=actor, details={"format": fmt})
    db.session.flush()


def _access_events(borger: Borger) -> list[AuditEvent]:
    # By id: ids are never reused, and an erased borger's rows are moved to a pseudonym.
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ))


def _outcomes(borger: Borger) -> list[OutcomeEvent]:
    return list(db.session.scalars(sa.select(OutcomeEvent).where(OutcomeEvent.borger_id == borger.id)
                                   .order_by(OutcomeEvent.on_date, OutcomeEvent.id)))


def _contacts(borger: Borger) -> list[ContactLogEntry]:
    return list(db.session.scalars(sa.select(ContactLogEntry).where(ContactLogEntry.borger_id == borger.id)
                                   .order_by(ContactLogEntry.at, ContactLogEntry.id)))


def _tasks(borger: Borger) -> list[Task]:
    return list(db.session.scalars(sa.select(Task).where(Task.borger_id == borger.id)
                                   .order_by(Task.due, Task.id)))


def _excluded_company_names(borger: Borger) -> list[str]:
    if not borger.excluded_company_ids:
        return []
    return list(db.session.scalars(sa.select(Company.name).where(Company.id.in_(borger.excluded_company_ids))
                                   .order_by(danish(Company.name))))


def export_borger_data(borger: Borger, *, actor) -> dict:
    """Everything stored about the borger, and every access to the record (who, when, what), as
    machine-readable data (stable English keys and codes). Audited."""
    require(actor, "borger.read", borger)
    _audit_export(borger, actor=actor, fmt="json")
    users = {u.id: u.name for u in db.session.scalars(sa.select(User))}
    files = placement_attachments(borger)
    return {
        "borger": {
            "reference": borger.reference, "first_name": borger.first_name,
            "vejleder": users.get(borger.vejleder_id), "programme": borger.programme.name if borger.programme else None,
            "enrolled_on": _iso(borger.enrolled_on), "phase": borger.phase_enum.label,
            "postcode": borger.postcode, "transport": borger.transport_enum.label,
            "max_travel_minutes": borger.max_travel_minutes,
            "hours_per_week": [borger.hours_min, borger.hours_max], "wishes": borger.wishes,
            "strengths": borger.strengths, "needs": borger.needs, "open_to": borger.accepts,
            "excluded_industries": borger.excluded_industries,
            "excluded_companies": _excluded_company_names(borger),
            "consent_to_be_proposed": borger.consent_to_propose, "shared_with_employers": borger.shared_fields,
            "employer_may_be_told_of_illness": borger.disclosure, "notes": borger.notes,
            "ended_on": _iso(borger.ended_on), "end_reason": borger.end_reason,
        },
        "placements": [
            {"company": p.company.name, "opening": p.opening.title if p.opening else None,
             "stage": p.stage_enum.label, "employer_answer": p.employer_answer,
             "steps": [{"stage": e.stage, "date": _iso(e.on_date), "note": e.note} for e in p.events],
             "attachments": [{"name": a.original_name, "type": a.content_type, "bytes": a.size,
                              "sha256": a.sha256, "saved_at": _iso(a.uploaded_at)}
                             for a in files.get(p.id, [])]}
            for p in borger.placements
        ],
        "outcomes": [
            {"outcome": o.kind_enum.label, "date": _iso(o.on_date), "hours_per_week": o.hours_per_week}
            for o in _outcomes(borger)
        ],
        "contacts_with_employers": [
            {"company": entry.company.name, "at": _iso(entry.at), "summary": entry.summary}
            for entry in _contacts(borger)
        ],
        "tasks": [{"title": t.title, "due": _iso(t.due), "done": t.done} for t in _tasks(borger)],
        **access_data(borger),
        **_economics(borger),
        "access_log": [
            {"at": _iso(e.at), "who": users.get(e.actor_id, _("ukendt")), "what": e.action, "details": e.details}
            for e in _access_events(borger)
        ],
    }


def _economics(borger: Borger) -> dict:
    """Referral periods and results verified under a results contract (issue 17)."""
    from crm.models.contract import ResultVerification
    from crm.services.referrals import referrals_of

    verified = db.session.scalars(sa.select(ResultVerification).where(ResultVerification.borger_id == borger.id)
                                  .order_by(ResultVerification.id))
    return {
        "referral_periods": [{"from": _iso(r.starts_on), "to": _iso(r.ends_on), "plan": r.plan,
                              "renewal": r.renewal} for r in referrals_of(borger)],
        "verified_results": [{"result": v.rule.label, "achieved_on": _iso(v.achieved_on),
                              "verified_at": _iso(v.verified_at), "reference_in_contract": v.reference}
                             for v in verified],
    }


@dataclass(frozen=True)
class AccessRow:
    at: datetime  # naive UTC, as stored (the template shows Danish time)
    who: str
    what: str
    where: str


@dataclass(frozen=True)
class AccessDocument:
    """The borger's copy in plain words (the reader's language): labelled facts, the course, and who looked when."""

    reference: str
    first_name: str
    made_at: datetime
    made_by: str
    facts: list[tuple[str, str]]
    placements: list[dict]
    outcomes: list[tuple[date, str, str]]
    contacts: list[tuple[datetime, str, str, str]]
    tasks: list[tuple[date, str, str]]
    access_log: list[AccessRow]


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nej")


def _listing(values) -> str:
    return ", ".join(values) or _("Ingen")


def _who(user: User | None) -> str:
    if user is None:
        return _("Systemet (automatisk)")
    where = f", {user.company.name}" if user.company is not None else ""
    return f"{user.name} ({user.role_enum.label.lower()}{where})"


def _facts(borger: Borger) -> list[tuple[str, str]]:
    tags = offer_tag_labels()
    industries = dict(db.session.execute(sa.select(Industry.code, Industry.label)).tuples().all())
    return [
        (_("Reference"), borger.reference),
        (_("Fornavn eller initialer"), borger.first_name),
        (_("Vejleder"), borger.vejleder.name),
        (_("Indsats"), borger.programme.name if borger.programme else _("Ingen")),
        (_("Indskrevet"), long_date(borger.enrolled_on)),
        (_("Fase"), borger.phase_enum.label),
        (_("Postnummer"), borger.postcode),
        (_("Transport"), borger.transport_enum.label),
        (_("Højeste rejsetid"), _("%(minutes)s minutter", minutes=borger.max_travel_minutes)),
        (_("Timer om ugen nu"), f"{format_number(borger.hours_min)}–{format_number(borger.hours_max)}"),
        (_("Jobønsker"), _listing(borger.wishes)),
        (_("Styrker"), _listing(borger.strengths)),
        (_("Behov på arbejdspladsen"), _listing(_(tags[code]) if code in tags else code for code in borger.needs)),
        (_("Åben for"), _listing(KIND_LABELS.get(kind, kind) for kind in borger.accepts)
         if borger.accepts else _("Alle slags job og forløb")),
        (_("Fravalgte brancher"), _listing(_(industries[code]) if code in industries else code
                                                for code in borger.excluded_industries)),
        (_("Fravalgte virksomheder"), _listing(_excluded_company_names(borger))),
        (_("Må foreslås over for arbejdsgivere"), _yes_no(borger.consent_to_propose)),
        (_("Må vises for en arbejdsgiver, du foreslås til"),
         _listing(str(SHAREABLE_FIELDS[key]) for key in borger.shared_fields if key in SHAREABLE_FIELDS)),
        (_("Arbejdsgiveren må få at vide, at du har en psykisk sygdom"), _yes_no(borger.disclosure)),
        (_("Noter"), borger.notes or _("Ingen")),
        (_("Forløbet sluttede"), long_date(borger.ended_on) if borger.ended_on else _("Forløbet er i gang")),
        (_("Årsag til at forløbet sluttede"), borger.end_reason or "—"),
        *access_facts(borger),
    ]


def access_document(borger: Borger, *, actor) -> AccessDocument:
    """The right-of-access copy as a document the borger can read (in the reader's language). Audited."""
    require(actor, "borger.read", borger)
    _audit_export(borger, actor=actor, fmt="html")
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    files = placement_attachments(borger)
    return AccessDocument(
        reference=borger.reference, first_name=borger.first_name, made_at=utcnow(),
        made_by=actor.name if actor is not None else _("Systemet"),
        facts=_facts(borger),
        placements=[
            {"company": p.company.name, "opening": p.opening.title if p.opening else None,
             "stage": p.stage_enum.label,
             "answer": str(ANSWER_LABELS.get(p.employer_answer or "", _("Intet svar endnu"))),
             "steps": [(e.on_date, Stage(e.stage).label, e.note)
                       for e in sorted(p.events, key=lambda e: (e.on_date, e.at))],
             "attachments": [(a.original_name, a.size, a.uploaded_at) for a in files.get(p.id, [])]}
            for p in borger.placements
        ],
        outcomes=[(o.on_date, o.kind_enum.label,
                   _("%(hours)s timer om ugen", hours=format_number(o.hours_per_week)) if o.hours_per_week else "")
                  for o in _outcomes(borger)],
        contacts=[(entry.at, entry.company.name, ContactKind(entry.kind).label, entry.summary)
                  for entry in _contacts(borger)],
        tasks=[(t.due, t.title, _("Udført") if t.done else _("Ikke udført")) for t in _tasks(borger)],
        access_log=[
            AccessRow(at=e.at, who=_who(users.get(e.actor_id)),
                      what=str(ACCESS_ACTION_LABELS.get(e.action, _("Anden handling"))),
                      where=str(ACCESS_PAGE_LABELS.get((e.details or {}).get("page", ""), "")))
            for e in _access_events(borger)
        ],
    )


# What an erased borger's audit rows are filed under: a random key, the same for all of that
# person's rows and known to nothing else, so the rows still show who looked when, but can never
# be matched to the borger's id (or anyone else's) again.
ERASED_SUBJECT_PREFIX = "slettet-"


def erase_borger(borger: Borger, *, actor, reason: str) -> None:
    """Erase the borger and what concerns only them; the audit log keeps who did what and when.

    Placements (with their files, from the disk too), outcome events and tasks about the borger go
    with them; contact-log entries about the borger stay with the company but lose the link and
    their summary (it may name them). The
    borger's audit rows are moved to a pseudonym that dies here and lose their details (they name
    companies, fields and the reference); so do the rows about the borger's tasks (their titles
    name the borger). The reference stays issued (borger_references), so it is never given again.
    ``actor=None`` is the retention purge; a user must hold ``borger.erase`` (NotAuthorized).
    """
    require(actor, "borger.erase", borger)
    borger_id = borger.id
    pseudonym = ERASED_SUBJECT_PREFIX + secrets.token_hex(12)
    task_ids = [str(task_id) for task_id in db.session.scalars(sa.select(Task.id).where(Task.borger_id == borger_id))]
    db.session.execute(
        sa.update(ContactLogEntry).where(ContactLogEntry.borger_id == borger_id)
        .values(borger_id=None, summary="(slettet sammen med borgerens oplysninger)")
    )
    db.session.execute(sa.delete(Task).where(Task.borger_id == borger_id))
    db.session.execute(sa.delete(OutcomeEvent).where(OutcomeEvent.borger_id == borger_id))
    erase_match_history(borger_id)
    erase_placement_files(borger_id)  # the rows now, the files from the disk once this is committed
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger_id))
        .values(object_id=pseudonym, details={})
    )
    if task_ids:
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.object_type == "task", AuditEvent.object_id.in_(task_ids))
            .values(details={})
        )
    db.session.delete(borger)
    db.session.flush()
    record_event("borger.erase", "borger", pseudonym, actor=actor, details={"reason": reason})


def due_for_erasure(*, on: date | None = None) -> list[Borger]:
    """Borgere whose course ended longer ago than the retention period (BORGER_RETENTION_DAYS)."""
    cutoff = (on or today()) - timedelta(days=current_app.config["BORGER_RETENTION_DAYS"])
    return list(db.session.scalars(sa.select(Borger).where(
        Borger.phase == Phase.AFSLUTTET, Borger.ended_on.is_not(None), Borger.ended_on < cutoff)))
