"""Referral periods on the dashboard of a programme with a referral limit (Job in mind).

Counted in borgere of the programme: referred now (a referral running today), ending within
``REMINDER_DAYS``, and renewals (referrals after a borger's first: a new plan). Masked like every
dashboard count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import Borger, Programme
from crm.models.borger import Phase
from crm.models.contract import ReferralPeriod
from crm.services.reports.figures import mask_count
from crm.services.reports.tables import Row, Table
from crm.timeutil import today

REMINDER_DAYS = 14  # the vejleder's task about a referral's end comes this early (crm.services.referrals)


@dataclass
class ReferralFigures:
    referred_now: int
    ending_soon: int
    without_referral: int  # active borgere with no running referral
    renewals: int
    renewed_borgere: int


def referral_figures(programme: Programme, *, as_of: date | None = None) -> ReferralFigures:
    as_of = as_of or today()
    rows = db.session.execute(
        sa.select(ReferralPeriod.borger_id, ReferralPeriod.starts_on, ReferralPeriod.ends_on, ReferralPeriod.renewal)
        .join(Borger, Borger.id == ReferralPeriod.borger_id)
        .where(ReferralPeriod.programme_id == programme.id, Borger.programme_id == programme.id)
    ).tuples().all()
    active = set(db.session.scalars(sa.select(Borger.id).where(
        Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET)))
    running = {b: ends for b, starts, ends, _ in rows if starts <= as_of <= ends and b in active}
    soon = as_of + timedelta(days=REMINDER_DAYS)
    return ReferralFigures(
        referred_now=len(running),
        ending_soon=sum(1 for ends in running.values() if ends <= soon),
        without_referral=len(active - set(running)),
        renewals=sum(1 for *_, renewal in rows if renewal),
        renewed_borgere=len({b for b, *_, renewal in rows if renewal}),
    )


def referrals_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    f = referral_figures(programme, as_of=as_of)

    def shown(n: int) -> str:
        return str(mask_count(n, full=full))

    return Table(
        "henvisninger",
        _("Henvisningsperioder"),
        [_("Figur"), _("Antal")],
        [
            Row([_("Borgere henvist nu"), shown(f.referred_now)]),
            Row([_("Henvisningen udløber inden for %(days)s dage", days=REMINDER_DAYS), shown(f.ending_soon)]),
            Row([_("Aktive borgere uden løbende henvisning"), shown(f.without_referral)]),
            Row([_("Fornyelser (ny plan)"), shown(f.renewals)]),
            Row([_("Borgere med mindst én fornyelse"), shown(f.renewed_borgere)]),
        ],
        note=_("En borger henvises højst %(months)s måneder ad gangen; derefter lægges en ny plan. Vejlederen "
               "får en opgave %(days)s dage før henvisningen udløber.", months=programme.referral_months,
               days=REMINDER_DAYS),
    )
