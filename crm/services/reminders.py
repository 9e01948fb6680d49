"""Remind employers to confirm openings that have gone stale.

An open opening not confirmed for ``STALE_DAYS`` days is due a reminder. Each employer user of the
company gets one e-mail listing the company's stale openings with a link to the portal, where one
click confirms an opening. ``Opening.reminded_at`` makes it idempotent: an opening reminded after
its last confirmation (reminded_at > confirmed_at) is not reminded again until it has been
confirmed since, so the command can run twice a day and sends each reminder once.

A company with no active portal user cannot be mailed: its konsulent gets a task to call the
company instead, once per confirmation due (the openings are marked reminded as for a mail). A
company with neither is only listed, each run, for whoever reads the job's result.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_mailman import EmailMessage

from crm.extensions import db, mail
from crm.i18n import in_language, language_for
from crm.models import Company, Opening, Task, User
from crm.models.opening import OpeningStatus
from crm.models.user import Role
from crm.services.audit import record_event
from crm.services.openings import stale_cutoff
from crm.timeutil import to_local, utcnow

SUBJECT = _l("Er jeres stillinger stadig åbne?")
KONSULENT_TASK_TITLE = _l("Ring til virksomheden: stillinger skal bekræftes")


@dataclass
class Reminder:
    company: Company
    openings: list[Opening]
    recipients: list[User] = field(default_factory=list)
    # The konsulent's task, when the company has no portal user to mail.
    task: Task | None = None

    @property
    def sent(self) -> bool:
        return bool(self.recipients)


def openings_due(*, now: datetime | None = None) -> list[Opening]:
    """Open openings unconfirmed for ``STALE_DAYS`` days and not reminded since confirmation."""
    return list(db.session.scalars(
        sa.select(Opening).where(
            Opening.status == OpeningStatus.AABEN,
            Opening.confirmed_at <= stale_cutoff(now=now),
            sa.or_(Opening.reminded_at.is_(None), Opening.reminded_at <= Opening.confirmed_at),
        ).order_by(Opening.company_id, Opening.confirmed_at)
    ))


def _opening_lines(openings: list[Opening], now: datetime) -> str:
    return "\n".join(ngettext("- %(title)s (senest bekræftet for %(num)s dag siden)",
                              "- %(title)s (senest bekræftet for %(num)s dage siden)",
                              (now - o.confirmed_at).days, title=o.title) for o in openings)


def _body(user: User, company: Company, openings: list[Opening], link: str, now: datetime) -> str:
    """The reminder to ``user``, in the language of the current locale (``send_reminders`` sets it)."""
    return (
        _("Kære %(name)s", name=user.name) + "\n\n"
        + _("Disse stillinger hos %(company)s står stadig som åbne i Fodfæste, men er ikke bekræftet i "
            "over en måned:", company=company.name) + "\n\n" + _opening_lines(openings, now) + "\n\n"
        + _("Er de stadig åbne, så bekræft dem med ét klik i virksomhedsportalen. Er de besat eller lukket, "
            "så marker dem dér, så jobcentrets vejledere kun foreslår det, der er åbent i dag:") + "\n"
        + f"{link}\n\n" + _("Venlig hilsen") + "\n" + _("Jobcentret") + "\n"
    )


def send_reminders(*, link: str, now: datetime | None = None) -> list[Reminder]:
    """E-mail each company's employer users about its stale openings; return what was done.

    Companies without an active portal user are returned unsent; their konsulent gets a task to
    call them (and the openings count as reminded). Without a konsulent they are not marked reminded.
    """
    now = now or utcnow()
    by_company: dict[int, list[Opening]] = {}
    for opening in openings_due(now=now):
        by_company.setdefault(opening.company_id, []).append(opening)
    reminders = []
    messages = []
    for company_id, openings in by_company.items():
        company = db.session.get(Company, company_id)
        recipients = list(db.session.scalars(sa.select(User).where(
            User.company_id == company_id, User.role == Role.EMPLOYER, User.active).order_by(User.id)))
        reminder = Reminder(company, openings, recipients)
        reminders.append(reminder)
        if not recipients:
            if company.konsulent_id is None:
                continue
            reminder.task = _konsulent_task(company, openings, now)
        for user in recipients:
            with in_language(language_for(user)):
                messages.append(EmailMessage(subject=str(SUBJECT), body=_body(user, company, openings, link, now),
                                             to=[user.email]))
        ids = [o.id for o in openings]
        db.session.execute(
            # Not an edit: leave the version counter and the update stamp alone.
            sa.update(Opening).where(Opening.id.in_(ids))
            .values(reminded_at=now, updated_at=Opening.updated_at)
            .execution_options(synchronize_session=False)
        )
        record_event("opening.remind", "company", company_id,
                     details={"opening_ids": ids, "recipients": [u.email for u in recipients],
                              **({"konsulent_task_id": reminder.task.id} if reminder.task else {})})
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    return reminders


def _konsulent_task(company: Company, openings: list[Opening], now: datetime) -> Task:
    """A task for the company's konsulent to call about the openings an e-mail cannot reach."""
    # The task is stored as text, so it is written in the language of the konsulent who reads it.
    with in_language(language_for(db.session.get(User, company.konsulent_id))):
        task = Task(title=str(KONSULENT_TASK_TITLE), due=to_local(now).date(), assignee_id=company.konsulent_id,
                    company_id=company.id,
                    note=_("%(company)s har ingen bruger i virksomhedsportalen, så påmindelsen kan ikke mailes. "
                           "Ring og spørg, om disse stillinger stadig er åbne:\n%(openings)s",
                           company=company.name, openings=_opening_lines(openings, now)))
    db.session.add(task)
    db.session.flush()
    return task
