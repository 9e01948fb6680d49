"""The revision log an admin reads: filters, rows in the reader's words, and the export.

Who may read it is ``audit.read`` (crm/permissions.py). What a row may show follows DOMAIN.md's
need-to-know: a borger appears by the internal reference only (never a name), an erased borger as
"Slettet borger", and free text that might describe a borger (a task's title, which names them) is
never shown; codes are shown by their labels (``ACTION_LABELS`` for the actions, the model
label tables for statuses, stages and kinds), in the language of the request: the page, and the
export's headers too (a job writes in the language of the request that queued it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from crm.extensions import db
from crm.formatting import format_number, short_date, short_datetime
from crm.models import AuditEvent, Borger, Company, Programme, User
from crm.models.borger import STAGE_LABELS
from crm.models.company import CONTACT_KIND_LABELS, STATUS_LABELS
from crm.models.opening import OPENING_KIND_LABELS, OPENING_STATUS_LABELS
from crm.models.programme import OUTCOME_LABELS
from crm.models.user import ROLE_LABELS
from crm.services import ValidationError
from crm.services.audit import ACTION_LABELS, record_event
from crm.services.borger_rights import ERASED_SUBJECT_PREFIX
from crm.services.company_export import neutralize
from crm.services.match_feedback import NOT_A_FIT_REASONS
from crm.services.proposals import ANSWER_LABELS
from crm.services.reference import offer_tag_labels
from crm.services.reports import DrillKey, figure_title
from crm.timeutil import local_to_utc, to_local
from crm.validators import parse_id

OBJECT_TYPE_LABELS = {
    "user": _l("Bruger"), "borger": _l("Borger"), "company": _l("Virksomhed"), "task": _l("Opgave"),
    "import_batch": _l("Import"), "programme": _l("Indsats"), "match_weights": _l("Matchvægte"),
    "audit": _l("Revisionslog"),
}
# The names of the details' keys.
DETAIL_LABELS = {
    "email": _l("E-mail"), "reason": _l("Årsag"), "format": _l("Format"), "page": _l("Side"),
    "reference": _l("Reference"), "vejleder_id": _l("Vejleder"), "from_vejleder_id": _l("Fra vejleder"),
    "to_vejleder_id": _l("Til vejleder"), "fields": _l("Felter"), "name": _l("Navn"), "cvr": _l("CVR"),
    "from": _l("Fra"), "to": _l("Til"), "status": _l("Status"), "count": _l("Antal"), "criteria": _l("Filtre"),
    "filename": _l("Fil"), "created": _l("Oprettet"), "updated": _l("Opdateret"), "removed": _l("Fjernet"),
    "restored": _l("Gendannet"), "kept_id": _l("Beholdt"), "duplicate_id": _l("Dublet"),
    "duplicate_name": _l("Dublettens navn"), "moved": _l("Flyttet"), "contact_id": _l("Kontaktperson nr."),
    "primary": _l("Primær kontakt"), "due": _l("Frist"), "assignee_id": _l("Ansvarlig"), "company_id": _l("Virksomhed"),
    "log_entry_id": _l("Kontakt nr."), "kind": _l("Type"), "at": _l("Tidspunkt"),
    "face_to_face": _l("Ansigt til ansigt"), "first_employer_contact": _l("Første arbejdsgiverkontakt"),
    "contract_id": _l("Kontrakt nr."), "rules": _l("Regler"), "investment": _l("Investering (kr.)"),
    "rule_id": _l("Regel nr."), "verification_id": _l("Verificering nr."), "outcome_event_id": _l("Resultat nr."),
    "evidence_kind": _l("Dokumentation"), "invoice": _l("Faktura"), "results": _l("Resultater"),
    "amount": _l("Beløb (kr.)"), "invitation_id": _l("Invitation nr."), "user_id": _l("Bruger"), "target": _l("Match"),
    "suggest": _l("Forslag"), "outcomes": _l("Udfald"), "fit_id": _l("Beregning nr."), "weights": _l("Vægte"),
    "based_on": _l("Ud fra"), "opening_id": _l("Stilling nr."), "title": _l("Titel"), "placement_id": _l("Forløb nr."),
    "stage": _l("Trin"), "targets": _l("Mål"), "answer": _l("Svar"), "masked": _l("Maskeret"),
    "referral_id": _l("Henvisning nr."), "starts_on": _l("Fra"), "ends_on": _l("Til"), "task_id": _l("Opgave nr."),
    "opening_ids": _l("Stillinger nr."), "recipients": _l("Modtagere"), "role": _l("Rolle"), "active": _l("Aktiv"),
    "phone": _l("Telefon"), "programme_ids": _l("Indsatser"), "offers": _l("Kan tilbyde"),
    "konsulent_id": _l("Konsulent"), "excluded_company_ids": _l("Fravalgte virksomheder"),
    "attachment_id": _l("Bilag nr."), "size": _l("Størrelse (byte)"), "sha256": _l("Kontrolsum (SHA-256)"),
    "kinds": _l("Afsnit"), "day": _l("Dag"), "items": _l("Punkter"), "token_id": _l("API-nøgle nr."),
    "scopes": _l("Adgang"), "days": _l("Dage"), "achieved_on": _l("Opnået"), "result_reference": _l("Pseudonym"),
    "language": _l("Sprog"), "figure": _l("Opgørelse"),
    # The fields a company, opening, borger or programme edit names (company.update, opening.update,
    # borger.update and programme.update "fields"), in the words of their forms.
    "pnummer": _l("P-nummer"), "address": _l("Adresse"), "city": _l("By"), "industry_code": _l("Branche (DB07)"),
    "industry_text": _l("Branche, fritekst"), "size_band": _l("Antal ansatte"), "website": _l("Hjemmeside"),
    "description": _l("Beskrivelse"), "agreement_signed": _l("Aftale underskrevet"),
    "agreement_renewal": _l("Aftale fornyes"), "agreement_note": _l("Note om aftalen"), "tags": _l("Mærker"),
    "occupation": _l("Stillingsbetegnelse"), "hours_min": _l("Timer om ugen, fra"),
    "hours_max": _l("Timer om ugen, til"), "low_hour_start": _l("Kan starte med få timer"),
    "start_date": _l("Start"), "apply_by": _l("Ansøgningsfrist"), "places": _l("Antal pladser"),
    "skills": _l("Ønskede kompetencer"), "first_name": _l("Fornavn eller initialer"), "programme_id": _l("Indsats"),
    "enrolled_on": _l("Indskrevet"), "phase": _l("Fase"), "transport": _l("Transport"),
    "max_travel_minutes": _l("Højst rejsetid (minutter)"), "wishes": _l("Jobønsker"), "strengths": _l("Styrker"),
    "needs": _l("Behov for støtte"), "accepts": _l("Åben for"), "excluded_industries": _l("Fravalgte brancher"),
    "consent_to_propose": _l("Samtykke til forslag"), "shared_fields": _l("Må deles med arbejdsgiveren"),
    "disclosure": _l("Må arbejdsgiveren vide det"), "notes": _l("Noter"), "ended_on": _l("Afsluttet"),
    "end_reason": _l("Årsag til afslutning"), "municipality": _l("Kommune"), "target_group": _l("Målgruppe"),
    "caseload_norm": _l("Norm for sagsstamme"), "referral_months": _l("Henvisningsperiode (måneder)"),
    # The tables a merge moves rows of (company.merge "moved").
    "company_status_changes": _l("statusændringer"), "contact_log": _l("kontakter"),
    "contact_persons": _l("kontaktpersoner"), "invitations": _l("invitationer"), "openings": _l("stillinger"),
    "outcome_events": _l("resultater"), "placements": _l("forløb"), "tasks": _l("opgaver"),
    "users": _l("portalbrugere"),
    # The filters of an export (company.export and audit.export "criteria", as in the query string).
    "q": _l("søgning"), "industry": _l("branche"), "konsulent": _l("konsulent"), "postcode": _l("Postnummer"),
    "radius": _l("km"), "sort": _l("sortering"), "user": _l("bruger"), "borger": _l("borger"),
    "company": _l("virksomhed"), "action": _l("handling"), "since": _l("fra"), "until": _l("til"),
}
USER_KEYS = frozenset({"vejleder_id", "from_vejleder_id", "to_vejleder_id", "assignee_id", "user_id", "konsulent_id",
                       "konsulent", "user"})
COMPANY_KEYS = frozenset({"company_id", "kept_id", "duplicate_id"})
# Keys never shown: a task's title names the borger it is about (the erasure clears it for that reason).
HIDDEN_KEYS = frozenset({"title"})
PAGE_LABELS = {
    "detail": _l("borgerens side"), "edit": _l("redigering"), "match": _l("match"), "shortlist": _l("kortlisten"),
    "propose": _l("forslag til arbejdsgiver"), "exclude": _l("fravalg af virksomhed"), "placement": _l("forløb"),
    "outcome": _l("resultater"), "end": _l("afslutning"), "export": _l("indsigt"), "erase": _l("sletning"),
    "reassign": _l("overdragelse"), "reverse_match": _l("borgere til en virksomhed"),
    "portal.proposal": _l("virksomhedsportalen"), "company_log": _l("virksomhedens kontaktlog"),
    "report_figure": _l("opgørelse"), "list": _l("borgerlisten"), "my_week": _l("vejlederens uge"),
    "referral": _l("henvisninger"), "tasks": _l("opgaver"), "match_print": _l("matchliste til mødet"),
    "attachment": _l("bilag"),
}
ERASE_REASONS = {"request": _l("Borgerens anmodning"), "retention": _l("Opbevaringsperioden udløb")}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}
# Code → label for the keys whose values are codes (statuses, stages, kinds, reasons).
VALUE_LABELS = {
    "page": PAGE_LABELS, "format": FORMAT_LABELS, "role": ROLE_LABELS, "stage": STAGE_LABELS,
    "answer": ANSWER_LABELS, "action": ACTION_LABELS, "evidence_kind": OUTCOME_LABELS, "outcomes": OUTCOME_LABELS,
}
ACTION_VALUE_LABELS = {
    "company": {"from": STATUS_LABELS, "to": STATUS_LABELS, "status": STATUS_LABELS},
    "opening": {"from": OPENING_STATUS_LABELS, "to": OPENING_STATUS_LABELS, "status": OPENING_STATUS_LABELS,
                "kind": OPENING_KIND_LABELS},
    "contact_log": {"kind": CONTACT_KIND_LABELS},
    "outcome": {"kind": OUTCOME_LABELS},
    "borger.erase": {"reason": ERASE_REASONS},
    "match.not_a_fit": {"reason": NOT_A_FIT_REASONS},
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CVR = re.compile(r"^\d{8}$")
MAX_SEARCH_CHARS = 120
EXPORT_COLUMNS = (_l("Tidspunkt"), _l("Bruger"), _l("Rolle"), _l("Handling"), _l("Handlingskode"), _l("Objekt"),
                  _l("Objekt nr."), _l("Detaljer"), _l("IP-adresse"))
XLSX_SHEET_TITLE = _l("Revisionslog")
XLSX_DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
CSV_DELIMITER = ";"
PROGRESS_ROWS = 1000


@dataclass(frozen=True)
class AuditFilter:
    """What the log shows: every field optional; ``since``/``until`` are Danish calendar days, inclusive."""

    user_id: int | None = None
    borger_id: int | None = None
    company_ids: tuple[int, ...] = ()
    action: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class LogRow:
    """One audit event in words."""

    event_id: int
    at: datetime  # Danish local time, naive
    stored_at: datetime  # the same moment as stored (naive UTC), for the formatters
    actor: str
    actor_role: str
    action: str
    action_label: str
    object_label: str
    object_number: int | None
    company_id: int | None
    details: list[tuple[str, str]] = field(default_factory=list)
    ip: str = ""

    @property
    def details_text(self) -> str:
        return "; ".join(f"{label}: {text}" for label, text in self.details)


# --- filters ------------------------------------------------------------------------------------

def find_borger_id(reference: str) -> int:
    """The borger with this internal reference (any case); ValidationError on field ``borger``."""
    text = reference.strip()[:MAX_SEARCH_CHARS]
    borger_id = db.session.scalar(sa.select(Borger.id).where(sa.func.upper(Borger.reference) == text.upper()))
    if borger_id is None:
        raise ValidationError(_("Ingen borger har referencen «%(reference)s».", reference=text), field="borger")
    return borger_id


def find_company_ids(text: str) -> tuple[int, ...]:
    """Companies with this CVR number or exactly this name (any case); ValidationError on ``company``."""
    text = text.strip()[:MAX_SEARCH_CHARS]
    # SQLite's lower() folds ASCII only: the name as typed always matches, other case in ASCII too.
    where = Company.cvr == text if CVR.match(text) else sa.or_(
        Company.name == text, sa.func.lower(Company.name) == text.lower())
    ids = tuple(db.session.scalars(sa.select(Company.id).where(where).order_by(Company.id)))
    if not ids:
        raise ValidationError(_("Ingen virksomhed hedder «%(text)s» eller har det CVR-nummer.", text=text),
                              field="company")
    return ids


def check_period(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and until < since:
        raise ValidationError(_("Til-datoen skal være samme dag som fra-datoen eller senere."), field="until")


def events_query(audit_filter: AuditFilter) -> sa.Select:
    """The filtered events, newest first."""
    query = sa.select(AuditEvent)
    f = audit_filter
    if f.user_id is not None:
        query = query.where(AuditEvent.actor_id == f.user_id)
    if f.borger_id is not None:
        query = query.where(AuditEvent.object_type == "borger", AuditEvent.object_id == str(f.borger_id))
    if f.company_ids:
        query = query.where(AuditEvent.object_type == "company",
                            AuditEvent.object_id.in_([str(i) for i in f.company_ids]))
    if f.action is not None:
        query = query.where(AuditEvent.action == f.action)
    if f.since is not None:
        query = query.where(AuditEvent.at >= local_to_utc(datetime.combine(f.since, time.min)))
    if f.until is not None:
        query = query.where(AuditEvent.at < local_to_utc(datetime.combine(f.until + timedelta(days=1), time.min)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def count_events(audit_filter: AuditFilter) -> int:
    query = events_query(audit_filter).order_by(None).with_only_columns(sa.func.count(AuditEvent.id))
    return db.session.scalar(query) or 0


# --- rows in words --------------------------------------------------------------------------------

class _Names:
    """The names a page of events refers to, looked up in one query per kind."""

    def __init__(self, events: list[AuditEvent]):
        user_ids, company_ids, borger_ids, programme_ids = set(), set(), set(), set()
        for event in events:
            if event.actor_id is not None:
                user_ids.add(event.actor_id)
            number = _number(event.object_id)
            if number is not None:
                {"user": user_ids, "company": company_ids, "borger": borger_ids,
                 "programme": programme_ids}.get(event.object_type, set()).add(number)
            for key, value in (event.details or {}).items():
                target = user_ids if key in USER_KEYS else company_ids if key in COMPANY_KEYS else None
                if target is not None and isinstance(value, int) and not isinstance(value, bool) and parse_id(value):
                    target.add(value)
        self.users = {u.id: u for u in _by_id(User, user_ids)}
        self.companies = _pairs(Company.id, Company.name, company_ids)
        self.references = _pairs(Borger.id, Borger.reference, borger_ids)
        self.programmes = _pairs(Programme.id, Programme.name, programme_ids)
        self._offers = None

    def offer(self, code: str) -> str:
        """An offer tag's label in the reader's language (a company edit lists the codes)."""
        if self._offers is None:
            self._offers = offer_tag_labels()
        return _(self._offers[code]) if code in self._offers else code

    def user(self, user_id: int) -> str:
        if user_id not in self.users:  # an id inside a nested detail (an export's filters)
            self.users[user_id] = db.session.get(User, user_id)
        user = self.users[user_id]
        return user.name if user else _("slettet bruger nr. %(number)s", number=user_id)

    def borger(self, borger_id: int) -> str:
        if borger_id not in self.references:
            self.references[borger_id] = db.session.scalar(sa.select(Borger.reference).where(Borger.id == borger_id))
        return self.references[borger_id] or _("slettet borger")

    def company(self, company_id: int) -> str:
        if company_id not in self.companies:
            self.companies[company_id] = db.session.scalar(sa.select(Company.name).where(Company.id == company_id))
        return self.companies[company_id] or _("virksomhed nr. %(number)s (findes ikke længere)", number=company_id)


def _pairs(id_column, value_column, ids: set[int]) -> dict:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(id_column, value_column).where(id_column.in_(ids))).tuples().all())


def _by_id(model, ids: set[int]) -> list:
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []


def _number(text: str | None) -> int | None:
    """An object id written as text ("12"), or None (a pseudonym, an odd value)."""
    return parse_id(text) if text and text.isdigit() else None


def _object_label(event: AuditEvent, names: _Names) -> str:
    kind = str(OBJECT_TYPE_LABELS.get(event.object_type, event.object_type))
    number = _number(event.object_id)
    if event.object_type == "borger":
        if event.object_id and event.object_id.startswith(ERASED_SUBJECT_PREFIX):
            return _("Slettet borger")
        reference = names.references.get(number) if number is not None else None
        if reference:
            return _("Borger %(reference)s", reference=reference)
        return _("Borger nr. %(number)s (slettet)", number=event.object_id)
    if number is None:
        return kind
    if event.object_type == "user":
        return _("Bruger: %(name)s", name=names.user(number))
    if event.object_type == "company":
        return _("Virksomhed: %(name)s", name=names.company(number))
    if event.object_type == "programme" and number in names.programmes:
        return _("Indsats: %(name)s", name=names.programmes[number])
    return _("%(kind)s nr. %(number)s", kind=kind, number=number)


def _value_labels(action: str, key: str) -> dict | None:
    for scope in (action, action.split(".", 1)[0]):
        labels = ACTION_VALUE_LABELS.get(scope, {}).get(key)
        if labels is not None:
            return labels
    return VALUE_LABELS.get(key)


def _inner_label(key: str) -> str:
    """A key inside a detail, in lower case mid-sentence ("status Partner"), an abbreviation kept."""
    label = str(DETAIL_LABELS.get(key, key.replace("_", " ")))
    return label if label.isupper() else label[:1].lower() + label[1:]


def _text(action: str, key: str, value, names: _Names) -> str:
    """One detail value in the reader's words."""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    number = parse_id(value) if isinstance(value, int) else _number(value) if isinstance(value, str) else None
    if number is not None and key in USER_KEYS:
        return names.user(number)
    if number is not None and key in COMPANY_KEYS:
        return names.company(number)
    if number is not None and key == "borger":  # an export's borger filter
        return names.borger(number)
    if key == "offers" and isinstance(value, str):
        return names.offer(value)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple):
        if key == "fields":
            return ", ".join(str(DETAIL_LABELS.get(str(v), str(v).replace("_", " "))) for v in value)
        return ", ".join(_text(action, key, item, names) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{_inner_label(str(k))} {_text(action, str(k), v, names)}" for k, v in value.items())
    text = str(value)
    labels = _value_labels(action, key)
    if labels is not None and text in labels:
        return str(labels[text])
    if ISO_DATE.match(text):
        return short_date(date.fromisoformat(text))
    if ISO_DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        # The services write stored times: naive UTC.
        return short_datetime(moment.replace(tzinfo=None))
    return text


def _figure_text(key: str, programme_id) -> str:
    """A dashboard figure a borger was shown under ("phase:job"), by the heading of its page."""
    drill = DrillKey.parse(str(key))
    programme = db.session.get(Programme, programme_id) if isinstance(programme_id, int) else None
    if drill is None or programme is None:
        return str(key)
    return figure_title(programme, drill)


def describe(events: Iterable[AuditEvent]) -> list[LogRow]:
    """The events as rows in the reader's words (names looked up once for all of them)."""
    events = list(events)
    names = _Names(events)
    rows = []
    for event in events:
        actor = names.users.get(event.actor_id) if event.actor_id is not None else None
        details = [(str(DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())),
                    _figure_text(value, event.details.get("programme_id")) if key == "figure"
                    else _text(event.action, key, value, names))
                   for key, value in (event.details or {}).items() if key not in HIDDEN_KEYS]
        rows.append(LogRow(
            event_id=event.id, at=to_local(event.at).replace(tzinfo=None),
            stored_at=event.at,
            actor=actor.name if actor else (_("Systemet") if event.actor_id is None else names.user(event.actor_id)),
            actor_role=actor.role_enum.label if actor else "",
            action=event.action, action_label=str(ACTION_LABELS.get(event.action, event.action)),
            object_label=_object_label(event, names),
            object_number=_number(event.object_id) if event.object_type != "borger" else None,
            company_id=_number(event.object_id) if event.object_type == "company" else None,
            details=details, ip=event.ip or "",
        ))
    return rows


# --- export ------------------------------------------------------------------------------------------

def _row_values(row: LogRow) -> list:
    return [row.at, row.actor, row.actor_role, row.action_label, row.action, row.object_label,
            row.object_number, row.details_text, row.ip]


def _export_rows(audit_filter: AuditFilter, total: int, progress: Callable[[int, int], None] | None):
    """The filtered rows, newest first, read PROGRESS_ROWS at a time (keyset on (at, id), so a big
    log is never held whole nor re-scanned with an OFFSET)."""
    query, done, last = events_query(audit_filter), 0, None
    while True:
        page = query
        if last is not None:
            page = page.where(sa.or_(AuditEvent.at < last.at,
                                     sa.and_(AuditEvent.at == last.at, AuditEvent.id < last.id)))
        batch = list(db.session.scalars(page.limit(PROGRESS_ROWS)))
        if not batch:
            return
        yield from describe(batch)
        done, last = done + len(batch), batch[-1]
        if progress is not None:
            progress(done, total)


def _csv(rows: Iterable[LogRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([str(column) for column in EXPORT_COLUMNS])
    for row in rows:
        values = _row_values(row)
        values[0] = short_datetime(row.stored_at, seconds=True)
        writer.writerow([neutralize(v) if isinstance(v, str) else ("" if v is None else v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: Iterable[LogRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(XLSX_SHEET_TITLE))
    sheet.append([str(column) for column in EXPORT_COLUMNS])
    for row in rows:
        values = _row_values(row)
        when = WriteOnlyCell(sheet, value=values[0])
        when.number_format = XLSX_DATETIME_FORMAT
        sheet.append([when, *(neutralize(v) if isinstance(v, str) else v for v in values[1:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_log(audit_filter: AuditFilter, *, fmt: str, actor, criteria: dict,
               progress: Callable[[int, int], None] | None = None) -> bytes:
    """The filtered log as ``fmt`` ("csv" or "xlsx"; times as Danish local time, numbers as numbers),
    audited with the filters used. ``progress(done, total)`` hears every PROGRESS_ROWS rows."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Unknown export format {fmt!r}")
    count = count_events(audit_filter)
    rows = _export_rows(audit_filter, count, progress)
    data = _csv(rows) if fmt == "csv" else _xlsx(rows)
    record_event("audit.export", "audit", None, actor=actor,
                 details={"format": fmt, "count": count, "criteria": criteria})
    return data
