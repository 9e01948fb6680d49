"""A vejleder's own week: their caseload per phase, this week's employer contacts, who waits, overdue tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, ContactLogEntry, OutcomeEvent, Programme, Task
from crm.models.borger import Phase
from crm.models.programme import DEFAULT_CASELOAD_NORM
from crm.services.reports.fidelity import FIRST_CONTACT_DAYS_GOAL, f2f_contacts, week_start
from crm.services.reports.figures import K
from crm.sorting import danish_key
from crm.timeutil import today


def my_phase_counts(user_id: int) -> dict[Phase, int]:
    """The vejleder's active borgere per phase (afsluttet left out)."""
    rows = dict(
        db.session.execute(
            sa.select(Borger.phase, sa.func.count())
            .where(Borger.vejleder_id == user_id, Borger.phase != Phase.AFSLUTTET)
            .group_by(Borger.phase)
        )
        .tuples()
        .all()
    )
    return {phase: rows.get(phase, 0) for phase in Phase if phase != Phase.AFSLUTTET}


def caseload_norm_for(user_id: int) -> int:
    """The caseload norm that applies to the vejleder: the strictest norm of the programmes their
    active borgere are in (the norm is about the person's whole load), else the IPS default."""
    norm = db.session.scalar(
        sa.select(sa.func.min(Programme.caseload_norm)).join(Borger, Borger.programme_id == Programme.id)
        .where(Borger.vejleder_id == user_id, Borger.phase != Phase.AFSLUTTET))
    return norm if norm is not None else DEFAULT_CASELOAD_NORM


def my_f2f_contacts_this_week(user_id: int, *, as_of: date | None = None) -> list[ContactLogEntry]:
    """Face-to-face employer contacts the user logged from Monday of this week up to ``as_of`` (goal 6)."""
    as_of = as_of or today()
    return f2f_contacts(user_id, week_start(as_of), as_of)


@dataclass
class Waiting:
    borger: Borger
    days: int

    @property
    def late(self) -> bool:
        return self.days > FIRST_CONTACT_DAYS_GOAL


def my_borgere_without_contact(user_id: int, *, as_of: date | None = None) -> list[Waiting]:
    """The vejleder's active borgere with no employer contact yet, longest waiting first."""
    as_of = as_of or today()
    contacted = sa.select(OutcomeEvent.borger_id).where(OutcomeEvent.kind == K.FIRST_EMPLOYER_CONTACT)
    borgere = db.session.scalars(
        sa.select(Borger).where(
            Borger.vejleder_id == user_id, Borger.phase != Phase.AFSLUTTET, Borger.id.not_in(contacted)
        )
    ).all()
    waiting = [Waiting(b, (as_of - b.enrolled_on).days) for b in borgere]
    return sorted(waiting, key=lambda w: (-w.days, danish_key(w.borger.first_name)))


def _overdue_tasks_query(user_id: int, as_of: date) -> sa.Select:
    return sa.select(Task).where(Task.assignee_id == user_id, Task.done.is_(False), Task.due < as_of)


def my_overdue_tasks(user_id: int, *, as_of: date | None = None) -> list[Task]:
    """Open tasks assigned to the user whose due date has passed, oldest first."""
    query = _overdue_tasks_query(user_id, as_of or today()).order_by(Task.due, Task.id)
    return list(db.session.scalars(query))


def count_my_overdue_tasks(user_id: int, *, as_of: date | None = None) -> int:
    query = _overdue_tasks_query(user_id, as_of or today())
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
