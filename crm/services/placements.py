"""The placement pipeline: shortlist → foreslået → kontakt → møde → praktik → job/uddannelse →
afsluttet, dated, with the match's score and reasons saved when the vejleder acts on it.

Starting a job or education moves the borger to efterværn and plans the IPS follow-along
contacts: within 3 days of the start, weekly for the first month, then monthly for a year.
A job that ends gets a task to make contact within 3 days.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.i18n import in_language, language_for
from crm.models import Borger, Company, Opening, Placement, PlacementEvent, Task, User
from crm.models.borger import Phase, Stage
from crm.models.programme import OutcomeKind
from crm.models.user import Role
from crm.permissions import require
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.contacts import log_contact as log_contact_entry
from crm.services.outcomes import add_outcome_event, record_first_employer_contact
from crm.timeutil import add_months, today, utcnow
from matcher.kinds import REGISTRY

# Days after the start date of the follow-along contacts (efterværn).
FIRST_CONTACT_DAYS = 3
WEEKLY_DAYS = (7, 14, 21, 28)
MONTHLY_MONTHS = range(2, 13)
CONTACT_AFTER_JOB_END_DAYS = 3

STARTS = {Stage.JOB, Stage.UDDANNELSE}
# Stages that mean an employer has been contacted on the borger's behalf.
EMPLOYER_CONTACT_STAGES = {Stage.KONTAKT, Stage.MOEDE, Stage.PRAKTIK, Stage.JOB, Stage.UDDANNELSE}
# Which outcome a start records, by the opening's kind (the kind table's outcome column); without
# an opening it is kind "company": an ordinary job found through job development.
JOB_START_OUTCOMES = {kind.code: OutcomeKind(kind.outcome) for kind in REGISTRY}
# Efterværn asks whether the borger is still in the job at these weeks (retention figures).
RETENTION_WEEKS = (13, 26)


def follow_along_dates(start: date) -> list[date]:
    """The IPS follow-along cadence after a start in job or education."""
    dates = [start + timedelta(days=FIRST_CONTACT_DAYS)]
    dates += [start + timedelta(days=d) for d in WEEKLY_DAYS]
    dates += [add_months(start, m) for m in MONTHLY_MONTHS]
    return dates


def find_placement(borger: Borger, company_id: int, opening_id: int | None) -> Placement | None:
    return db.session.scalar(sa.select(Placement).where(
        Placement.borger_id == borger.id, Placement.company_id == company_id,
        Placement.opening_id.is_(None) if opening_id is None else Placement.opening_id == opening_id,
        Placement.stage != Stage.AFSLUTTET,
    ))


def _placement_for(borger: Borger, *, company: Company, opening: Opening | None, score: float | None,
                   components: dict, reasons: list[str], actor) -> tuple[Placement, bool]:
    """The borger's open placement at the target, shortlisted now if there is none (and whether)."""
    existing = find_placement(borger, company.id, opening.id if opening else None)
    if existing is not None:
        return existing, False
    placement = Placement(
        borger=borger, company_id=company.id, opening_id=opening.id if opening else None,
        stage=Stage.KORTLISTE, score=score, components=dict(components), reasons=list(reasons),
        created_by_id=actor.id,
    )
    placement.events.append(PlacementEvent(stage=Stage.KORTLISTE, on_date=today(), by_id=actor.id))
    db.session.add(placement)
    if borger.phase == Phase.OPSTART:
        borger.phase = Phase.VIRKSOMHEDSMATCH
    db.session.flush()
    return placement, True


def shortlist(borger: Borger, *, company: Company, opening: Opening | None, score: float | None,
              components: dict, reasons: list[str], actor) -> Placement:
    """Put a match on the borger's shortlist, saving the match as it stands now."""
    require(actor, "borger.edit", borger)
    placement, created = _placement_for(borger, company=company, opening=opening, score=score,
                                        components=components, reasons=reasons, actor=actor)
    if created:
        record_event("placement.shortlist", "borger", borger.id, actor=actor,
                     details={"placement_id": placement.id, "company_id": company.id})
    return placement


def propose_match(borger: Borger, *, company: Company, opening: Opening | None, score: float | None,
                  components: dict, reasons: list[str], actor) -> Placement:
    """Propose the borger for a match, shortlisting it on the way if needed: one operation, one
    audit row (the stage change). Raises ValidationError without the borger's consent."""
    require(actor, "borger.edit", borger)
    placement, _created = _placement_for(borger, company=company, opening=opening, score=score,
                                         components=components, reasons=reasons, actor=actor)
    propose(placement, actor=actor)
    return placement


@dataclass(frozen=True)
class ProposalReach:
    """Whether a proposal to ``company`` reaches someone in the employer portal, and, when it does
    not, whom to ask to pass it on (the company's konsulent)."""

    company: Company
    portal_users: int
    konsulent: User | None

    @property
    def reaches_portal(self) -> bool:
        return self.portal_users > 0

    @property
    def advice(self) -> str:
        """What the vejleder must do for the employer to hear of the proposal ("" when nothing)."""
        if self.reaches_portal:
            return ""
        if self.konsulent is None:
            return _("%(company)s har ingen brugere i arbejdsgiverportalen og ingen konsulent, så forslaget "
                     "når ikke frem af sig selv. Kontakt virksomheden direkte.", company=self.company.name)
        return _("%(company)s har ingen brugere i arbejdsgiverportalen, så forslaget når ikke frem af sig "
                 "selv. Kontakt virksomhedskonsulenten %(konsulent)s (%(email)s), som kan give forslaget videre.",
                 company=self.company.name, konsulent=self.konsulent.name, email=self.konsulent.email)


def proposal_reach(company: Company) -> ProposalReach:
    """Who at the company would see a proposal in the portal (active employer users)."""
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.company_id == company.id, User.role == Role.EMPLOYER, User.active))
    return ProposalReach(company, users or 0, company.konsulent)


def propose(placement: Placement, *, actor) -> None:
    """Propose the borger to the employer; allowed only with the borger's consent."""
    borger = placement.borger
    require(actor, "borger.edit", borger)
    if not borger.consent_to_propose:
        raise ValidationError(_("Borgeren har ikke givet samtykke til at blive foreslået over for "
                                "arbejdsgivere."))
    if placement.stage not in (Stage.KORTLISTE, Stage.FORESLAAET):
        raise ValidationError(_("Forløbet er allerede i gang."))
    placement.proposed_at = utcnow()
    _set_stage(placement, Stage.FORESLAAET, on_date=today(), actor=actor)


def advance(placement: Placement, stage: str, *, on_date: date, actor, hours_per_week: float | None = None,
            end_reason: str = "", note: str = "", log_contact: str | None = None) -> None:
    """Move a placement to a later (or ending) stage, with the date it happened.

    ``log_contact`` (a ContactKind) also writes a contact-log entry with the company.
    """
    require(actor, "borger.edit", placement.borger)
    try:
        target = Stage(stage)
    except ValueError:
        raise ValidationError(_("Ukendt trin."), field="stage") from None
    if placement.stage == Stage.AFSLUTTET:
        raise ValidationError(_("Forløbet er afsluttet."))
    if on_date > today():
        raise ValidationError(_("Datoen kan ikke ligge i fremtiden."), field="on_date")
    if target == Stage.AFSLUTTET and not end_reason.strip():
        raise ValidationError(_("Angiv hvorfor forløbet slutter."), field="end_reason")
    if target == Stage.JOB and hours_per_week is None:
        raise ValidationError(_("Angiv timer om ugen i jobbet."), field="hours_per_week")
    was = placement.stage_enum
    if target == Stage.FORESLAAET:
        propose(placement, actor=actor)
        return
    audit_row = _set_stage(placement, target, on_date=on_date, actor=actor, note=note)
    borger = placement.borger
    outcomes = []

    def outcome(kind: OutcomeKind, **fields) -> None:
        add_outcome_event(borger, kind, on_date=on_date, actor=actor, company_id=placement.company_id,
                          placement_id=placement.id, **fields)
        outcomes.append(kind.value)

    if target in EMPLOYER_CONTACT_STAGES and record_first_employer_contact(
            borger, on_date=on_date, actor=actor, company_id=placement.company_id):
        outcomes.append(OutcomeKind.FIRST_EMPLOYER_CONTACT.value)
    if target in STARTS:
        placement.hours_per_week = hours_per_week
        borger.phase = Phase.EFTERVAERN
        outcome(OutcomeKind.EDUCATION_START if target == Stage.UDDANNELSE else
                JOB_START_OUTCOMES[placement.opening.kind if placement.opening else "company"],
                hours_per_week=hours_per_week)
        for due in follow_along_dates(on_date):
            _task(borger, placement, lambda: _("Efterværn: opfølgning med %(name)s", name=borger.first_name),
                  due, actor, eftervaern=True)
        for weeks in RETENTION_WEEKS:
            _task(borger, placement, lambda weeks=weeks: _(
                "Efterværn: er %(name)s stadig i job efter %(weeks)s uger? Registrér det på borgerens side.",
                name=borger.first_name, weeks=weeks), on_date + timedelta(weeks=weeks), actor, eftervaern=True)
    elif target == Stage.PRAKTIK:
        borger.phase = Phase.VIRKSOMHEDSFORLOEB
        outcome(OutcomeKind.PRAKTIK_START)
    elif target == Stage.AFSLUTTET:
        placement.end_reason = end_reason.strip()
        if was in STARTS:
            outcome(OutcomeKind.JOB_ENDED, note=end_reason)
            _task(borger, placement, lambda: _("Kontakt %(name)s: job/uddannelse er stoppet", name=borger.first_name),
                  on_date + timedelta(days=CONTACT_AFTER_JOB_END_DAYS), actor)
            borger.phase = Phase.VIRKSOMHEDSMATCH
    if log_contact:
        entry = log_contact_entry(placement.company, {
            "kind": log_contact, "summary": f"{Stage(target).label}: {note}".strip(": ")}, actor=actor)
        # Linked here rather than through the form's borger field: this stage change is the
        # borger's one audit row and has counted the first employer contact already.
        entry.borger_id = borger.id
        audit_row.details = {**audit_row.details, "log_entry_id": entry.id}
    if outcomes:
        # One operation, one audit row: the outcomes it recorded go in the stage change's row.
        audit_row.details = {**audit_row.details, "outcomes": outcomes}


def _set_stage(placement: Placement, stage: Stage, *, on_date: date, actor, note: str = ""):
    placement.stage = stage
    placement.updated_at = utcnow()
    placement.events.append(PlacementEvent(stage=stage, on_date=on_date, by_id=actor.id, note=note))
    return record_event("placement.stage", "borger", placement.borger_id, actor=actor,
                        details={"placement_id": placement.id, "stage": stage.value})


def _task(borger: Borger, placement: Placement, title: Callable[[], str], due: date, actor, *,
          eftervaern: bool = False) -> None:
    """A task for the borger's vejleder, its ``title()`` worded in the vejleder's language."""
    with in_language(language_for(borger.vejleder)):
        worded = title()
    db.session.add(Task(title=worded, due=due, assignee_id=borger.vejleder_id, borger_id=borger.id,
                        company_id=placement.company_id, created_by_id=actor.id, eftervaern=eftervaern))
