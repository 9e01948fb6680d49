"""What an employer sees of a borger proposed to it, and the employer's answer.

An employer sees a proposal only when it was made to the employer's own company and the borger
has consented to be proposed; it then sees exactly the fields the borger agreed to share
(``Borger.shared_fields``) and nothing else. Templates get a ``ProposalView`` built here, never the
borger record, so no template can show more by mistake.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import format_number
from crm.i18n import in_language, language_for
from crm.models import Borger, Placement, PlacementEvent, Task
from crm.models.borger import SHAREABLE_FIELDS
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.timeutil import today, utcnow

ANSWER_LABELS = {
    "interesseret": _l("Interesseret – kontakt mig"),
    "ikke_nu": _l("Ikke lige nu"),
}
VEJLEDER_TASK_TITLE = _l("Arbejdsgiver har svaret på forslag")


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the employer may see it."""

    placement_id: int
    opening_title: str | None
    proposed_at: datetime
    answer: str | None
    answered_at: datetime | None
    fields: tuple[tuple[str, str], ...]  # (label in the reader's language, value), only consented fields
    first_name: str | None = None  # when the borger shares it

    @property
    def answer_label(self) -> str | None:
        return str(ANSWER_LABELS[self.answer]) if self.answer in ANSWER_LABELS else None

    @property
    def heading(self) -> str:
        return self.first_name or _("Forslag fra jobcentret")


def _proposals_query(company_id: int) -> sa.Select:
    return (sa.select(Placement).join(Borger, Borger.id == Placement.borger_id)
            .where(Placement.company_id == company_id, Placement.proposed_at.is_not(None),
                   Borger.consent_to_propose.is_(True)))


def visible_proposal(placement: Placement | None, company_id: int) -> bool:
    """Whether an employer of ``company_id`` may see this placement as a proposal."""
    return (placement is not None and placement.company_id == company_id
            and placement.proposed_at is not None and placement.borger.consent_to_propose)


def _hours(borger: Borger) -> str:
    low, high = format_number(borger.hours_min), format_number(borger.hours_max)
    return _("%(hours)s timer om ugen", hours=low if low == high else low + "–" + high)


def _shared_value(borger: Borger, key: str) -> str:
    if key == "first_name":
        return borger.first_name
    if key == "wishes":
        return ", ".join(borger.wishes or [])
    if key == "strengths":
        return ", ".join(borger.strengths or [])
    if key == "hours":
        return _hours(borger)
    raise KeyError(key)


def proposal_view(placement: Placement) -> ProposalView:
    borger = placement.borger
    shared = [key for key in SHAREABLE_FIELDS if key in set(borger.shared_fields or [])]
    return ProposalView(
        placement_id=placement.id,
        opening_title=placement.opening.title if placement.opening else None,
        proposed_at=placement.proposed_at, answer=placement.employer_answer,
        answered_at=placement.employer_answered_at,
        fields=tuple((str(SHAREABLE_FIELDS[key]), _shared_value(borger, key)) for key in shared),
        first_name=borger.first_name if "first_name" in shared else None,
    )


def proposals_for(company_id: int) -> list[ProposalView]:
    """The proposals an employer of the company may see, newest first."""
    placements = db.session.scalars(_proposals_query(company_id)
                                    .order_by(Placement.proposed_at.desc(), Placement.id.desc()))
    return [proposal_view(p) for p in placements]


def audit_employer_view(placement: Placement, *, actor) -> None:
    """Seeing a proposal is seeing (part of) a borger record: audited like every borger view."""
    record_event("borger.view", "borger", placement.borger_id, actor=actor,
                 details={"page": "portal.proposal", "placement_id": placement.id,
                          "company_id": placement.company_id})


def answer_proposal(placement: Placement, answer: str, *, actor) -> None:
    """Record the employer's answer on the borger's pipeline, the company's contact log and a
    task for the borger's vejleder. Raises ValidationError for an unknown answer."""
    from crm.services.openings import log_employer_change

    if answer not in ANSWER_LABELS:
        raise ValidationError(_("Vælg et svar."), field="answer")
    borger = placement.borger
    now = utcnow()
    placement.employer_answer = answer
    placement.employer_answered_at = now
    placement.updated_at = now
    # What is written down is read by the borger's vejleder (and the company's konsulent): in the
    # vejleder's language, whichever language the employer answered in.
    with in_language(language_for(borger.vejleder)):
        label = str(ANSWER_LABELS[answer])
        step_note = _("Arbejdsgiverens svar: %(answer)s", answer=label)
        if placement.opening:
            log_text = _("Arbejdsgiveren svarede på forslaget til stillingen «%(title)s»: %(answer)s.",
                         title=placement.opening.title, answer=label)
        else:
            log_text = _("Arbejdsgiveren svarede på forslaget: %(answer)s.", answer=label)
        title = str(VEJLEDER_TASK_TITLE)
        task_note = _("%(company)s har svaret «%(answer)s» på forslaget om %(name)s.",
                      company=placement.company.name, answer=label, name=borger.display_name)
    placement.events.append(PlacementEvent(stage=placement.stage, on_date=today(), by_id=actor.id,
                                           note=step_note))
    log_employer_change(placement.company, log_text, actor=actor, borger_id=borger.id)
    db.session.add(Task(
        title=title, due=today(), assignee_id=borger.vejleder_id, borger_id=borger.id,
        company_id=placement.company_id, created_by_id=actor.id, note=task_note,
    ))
    db.session.flush()
    record_event("proposal.answer", "borger", borger.id, actor=actor,
                 details={"placement_id": placement.id, "company_id": placement.company_id,
                          "answer": answer})
