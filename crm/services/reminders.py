"""Remind employers to confirm openings that have gone stale.

An open opening not confirmed for ``STALE_DAYS`` days is due a reminder. Each employer user of the
company gets one e-mail listing the company's stale openings with a link to the portal, where one
click confirms an opening. ``Opening.reminded_at`` makes it idempotent: an opening reminded after
its last confirmation (reminded_at > confirmed_at) is not reminded again until it has been
confirmed since, so the command can run twice a day and sends each reminder once.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_mailman import EmailMessage

from crm.extensions import db, mail
from crm.models import Company, Opening, User
from crm.models.opening import OpeningStatus
from crm.models.user import Role
from crm.services.audit import record_event
from crm.services.openings import stale_cutoff
from crm.timeutil import utcnow

SUBJECT = "Er jeres stillinger stadig åbne?"


@dataclass
class Reminder:
    company: Company
    openings: list[Opening]
    recipients: list[User] = field(default_factory=list)

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


def _body(user: User, company: Company, openings: list[Opening], link: str, now: datetime) -> str:
    lines = [f"- {o.title} (senest bekræftet for {(now - o.confirmed_at).days} dage siden)" for o in openings]
    return (
        f"Kære {user.name}\n\n"
        f"Disse stillinger hos {company.name} står stadig som åbne i Fodfæste, men er ikke bekræftet i "
        "over en måned:\n\n" + "\n".join(lines) + "\n\n"
        "Er de stadig åbne, så bekræft dem med ét klik i virksomhedsportalen. Er de besat eller lukket, "
        "så marker dem dér, så jobcentrets vejledere kun foreslår det, der er åbent i dag:\n"
        f"{link}\n\nVenlig hilsen\nJobcentret\n"
    )


def send_reminders(*, link: str, now: datetime | None = None) -> list[Reminder]:
    """E-mail each company's employer users about its stale openings; return what was done.

    Companies without an active portal user are returned unsent (and not marked reminded), so the
    konsulent can call them instead.
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
            continue
        for user in recipients:
            messages.append(EmailMessage(subject=SUBJECT, body=_body(user, company, openings, link, now),
                                         to=[user.email]))
        ids = [o.id for o in openings]
        db.session.execute(
            # Not an edit: leave the version counter and the update stamp alone.
            sa.update(Opening).where(Opening.id.in_(ids))
            .values(reminded_at=now, updated_at=Opening.updated_at)
            .execution_options(synchronize_session=False)
        )
        record_event("opening.remind", "company", company_id,
                     details={"opening_ids": ids, "recipients": [u.email for u in recipients]})
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    return reminders
