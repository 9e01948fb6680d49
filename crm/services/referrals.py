"""Referral periods: a programme with a referral limit (Job in mind: half a year at a time) refers a
borger for a period; then a new plan is needed, and a new referral after the first is a renewal.

The vejleder gets a task ``REMINDER_DAYS`` before a referral ends, made once by the daily reminders
job (``openings remind``, kind ``openings.remind``), so it is safe to run again.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import long_date
from crm.i18n import in_language, language_for
from crm.models import Borger, Task
from crm.models.borger import Phase
from crm.models.contract import ReferralPeriod
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.reports.referrals import REMINDER_DAYS
from crm.timeutil import add_months, today, utcnow

REMINDER_TITLE = _l("Henvisningen udløber")


def latest_referral(borger: Borger) -> ReferralPeriod | None:
    return db.session.scalar(
        sa.select(ReferralPeriod).where(ReferralPeriod.borger_id == borger.id)
        .order_by(ReferralPeriod.starts_on.desc(), ReferralPeriod.id.desc()).limit(1)
    )


def referrals_of(borger: Borger) -> list[ReferralPeriod]:
    return list(db.session.scalars(
        sa.select(ReferralPeriod).where(ReferralPeriod.borger_id == borger.id)
        .order_by(ReferralPeriod.starts_on, ReferralPeriod.id)
    ))


def longest_end(programme, starts_on: date) -> date:
    """The last day a referral starting on ``starts_on`` may run: the day before the same date
    ``referral_months`` later (1 March → 31 August for half a year)."""
    return add_months(starts_on, programme.referral_months) - timedelta(days=1)


def referral_form_defaults(borger: Borger) -> dict | None:
    """The next referral period to suggest (the day after the last one ends, or today; as long as
    allowed), or None when the borger's programme does not limit referrals or the course ended."""
    programme = borger.programme
    if programme is None or not programme.referral_months or borger.phase == Phase.AFSLUTTET:
        return None
    previous = latest_referral(borger)
    starts_on = previous.ends_on + timedelta(days=1) if previous else max(today(), borger.enrolled_on)
    return {"starts_on": starts_on, "ends_on": longest_end(programme, starts_on)}


def start_referral(borger: Borger, *, starts_on: date | None, ends_on: date | None = None, plan: str = "",
                   actor) -> ReferralPeriod:
    """Refer the borger for a period of their programme (a renewal after the first: a new plan is
    required). ``ends_on`` defaults to the longest the programme allows. Raises ValidationError."""
    programme = borger.programme
    if programme is None or not programme.referral_months:
        raise ValidationError(_("Borgerens indsats har ingen regel om henvisningsperioder."))
    if borger.phase == Phase.AFSLUTTET:
        raise ValidationError(_("Borgerens forløb er afsluttet."))
    if not isinstance(starts_on, date):
        raise ValidationError(_("Angiv henvisningens startdato."), field="starts_on")
    longest = longest_end(programme, starts_on)
    ends_on = ends_on or longest
    if ends_on < starts_on:
        raise ValidationError(_("Slutdatoen skal ligge efter startdatoen."), field="ends_on")
    if ends_on > longest:
        raise ValidationError(
            _("En borger kan højst henvises %(months)s måneder ad gangen (senest til %(date)s).",
              months=programme.referral_months, date=long_date(longest)), field="ends_on")
    previous = latest_referral(borger)
    plan = " ".join(plan.split())[:500]
    if previous is not None:
        if starts_on <= previous.ends_on:
            raise ValidationError(
                _("Den nye henvisning skal begynde efter den forrige slutter (%(date)s).",
                  date=long_date(previous.ends_on)),
                field="starts_on")
        if not plan:
            raise ValidationError(_("Beskriv den nye plan for borgeren."), field="plan")
    referral = ReferralPeriod(borger_id=borger.id, programme_id=programme.id, starts_on=starts_on,
                              ends_on=ends_on, plan=plan, renewal=previous is not None,
                              created_by_id=actor.id if actor else None)
    db.session.add(referral)
    db.session.flush()
    record_event("referral.renew" if referral.renewal else "referral.start", "borger", borger.id, actor=actor,
                 details={"referral_id": referral.id, "starts_on": starts_on.isoformat(),
                          "ends_on": ends_on.isoformat()})
    return referral


def referrals_due_reminder(*, as_of: date | None = None) -> list[ReferralPeriod]:
    """Referrals ending within ``REMINDER_DAYS`` (and not ended) whose vejleder has no reminder
    yet, of borgere still in their course and not referred again already."""
    as_of = as_of or today()
    candidates = db.session.scalars(
        sa.select(ReferralPeriod).join(Borger, Borger.id == ReferralPeriod.borger_id)
        .where(ReferralPeriod.reminded_at.is_(None), ReferralPeriod.ends_on >= as_of,
               ReferralPeriod.ends_on <= as_of + timedelta(days=REMINDER_DAYS),
               Borger.phase != Phase.AFSLUTTET, Borger.programme_id == ReferralPeriod.programme_id)
        .order_by(ReferralPeriod.ends_on, ReferralPeriod.id)
    )
    return [r for r in candidates if latest_referral(r.borger).id == r.id]


def remind_referrals_ending(*, as_of: date | None = None) -> list[ReferralPeriod]:
    """Give each due referral's vejleder a task to make a new plan before it ends; once per referral."""
    as_of = as_of or today()
    due = referrals_due_reminder(as_of=as_of)
    for referral in due:
        borger = referral.borger
        with in_language(language_for(borger.vejleder)):  # the task is the vejleder's, in their language
            title = _("%(title)s %(date)s: læg en ny plan", title=REMINDER_TITLE, date=long_date(referral.ends_on))
            note = _("Borgeren %(reference)s kan højst henvises %(months)s måneder ad gangen.",
                     reference=borger.reference, months=borger.programme.referral_months)
        task = Task(
            title=title,
            note=note,
            due=max(as_of, referral.ends_on - timedelta(days=REMINDER_DAYS)),
            assignee_id=borger.vejleder_id, borger_id=borger.id,
        )
        db.session.add(task)
        db.session.flush()
        referral.reminded_at = utcnow()
        referral.reminder_task_id = task.id
        record_event("referral.remind", "borger", borger.id,
                     details={"referral_id": referral.id, "task_id": task.id})
    db.session.flush()
    return due
