"""What the matcher showed and what came of it (issue 14): recording the shown lists, the
vejleder's "passer ikke", the employer's reason for "ikke lige nu", and turning the records into
the graded outcomes the weights are fitted on (``matcher.learning.Outcome``).

Data protection: a shown row holds the borger's id, the target's key, its rank and component
scores, the weights version that ranked it and the date, nothing else (no text, no name). It is
erased with the borger (``erase_match_history``), purged after ``BORGER_RETENTION_DAYS``
(``purge_match_history``) and listed in the borger's right-of-access copy (``access_facts``).

How a shown target's outcome is read from the records (the grades are ``Outcome``'s):

===================================== ==========================================================
"passer ikke" for the borger            ``NOT_A_FIT`` (whatever else happened)
a placement for the target             ``SHORTLISTED``; proposed or contacted: ``PROPOSED``;
                                       the employer answered "interesseret": ``EMPLOYER_INTERESTED``;
                                       a meeting: ``MEETING``; praktik, or a job start at a
                                       praktik/løntilskud opening: ``PRAKTIK_STARTED``; a job
                                       (flexjob too) or education: ``JOB_STARTED``; retention
                                       at 13 or 26 weeks recorded for that job (or, recorded by
                                       hand, for the borger): ``RETAINED_3M``
nothing                                ``PASSED_OVER``
===================================== ==========================================================
"""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import long_date
from crm.models import Borger, Company, MatchFeedback, MatchShown, Opening, OutcomeEvent, Placement
from crm.models.borger import Stage
from crm.models.match_feedback import ProposalReason
from crm.models.programme import OutcomeKind
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.timeutil import today
from matcher.learning import Outcome, ShownTarget

#: The vejleder's reasons for "passer ikke" (codes stored, labels shown); never free text.
NOT_A_FIT_REASONS = {
    "forkert_fag": _l("Forkert fag"),
    "for_langt_vaek": _l("For langt væk"),
    "timer": _l("Timerne passer ikke"),
    "arbejdsmiljoe": _l("Arbejdsmiljøet"),
    "vil_ikke": _l("Borgeren vil ikke"),
    "andet": _l("Andet"),
}
#: The employer's optional reasons for "ikke lige nu".
NOT_NOW_REASONS = {
    "ingen_plads": _l("Vi har ikke plads lige nu"),
    "opgaver": _l("Opgaverne passer ikke"),
    "timer": _l("Timerne passer ikke"),
    "stoette": _l("Vi kan ikke give den støtte, der skal til"),
    "andet": _l("Andet"),
}
TARGET_KINDS = ("company", "opening")
RETAINED = (OutcomeKind.RETAINED_13W, OutcomeKind.RETAINED_26W)
STEPPING_STONE_KINDS = ("praktik", "loentilskud")
_STAGE_OUTCOME = {
    Stage.KORTLISTE: Outcome.SHORTLISTED, Stage.FORESLAAET: Outcome.PROPOSED, Stage.KONTAKT: Outcome.PROPOSED,
    Stage.MOEDE: Outcome.MEETING, Stage.PRAKTIK: Outcome.PRAKTIK_STARTED, Stage.JOB: Outcome.JOB_STARTED,
    Stage.UDDANNELSE: Outcome.JOB_STARTED, Stage.AFSLUTTET: Outcome.SHORTLISTED,
}


def _valid_target_key(target_key: str) -> bool:
    kind, _, raw_id = (target_key or "").partition(":")
    return kind in TARGET_KINDS and raw_id.isdigit() and len(target_key) <= 40


def record_shown(borger: Borger, rows, *, weights_version: str, on: date | None = None) -> int:
    """Record the targets of a match list as shown to the borger's vejleder today (the first
    showing of a target a day counts; later ones are ignored). Returns the rows offered."""
    values = [{"borger_id": borger.id, "target_key": row.target_key, "rank": rank,
               "components": {name: round(float(value), 4) for name, value in row.match.components.items()},
               "weights_version": weights_version, "shown_on": on or today()}
              for rank, row in enumerate(rows, start=1)]
    if not values:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(MatchShown).values(values).on_conflict_do_nothing())
    return len(values)


def not_a_fit(borger: Borger, target_key: str, reason: str, *, actor) -> MatchFeedback:
    """The vejleder's "passer ikke": hide the target for this borger and keep the reason (audited).
    Raises ValidationError for an unknown reason or target."""
    if reason not in NOT_A_FIT_REASONS:
        raise ValidationError(_("Vælg hvorfor matchet ikke passer."), field="reason")
    if not _valid_target_key(target_key):
        raise ValidationError(_("Ukendt match."), field="target")
    feedback = db.session.scalar(sa.select(MatchFeedback).where(
        MatchFeedback.borger_id == borger.id, MatchFeedback.target_key == target_key))
    if feedback is None:
        feedback = MatchFeedback(borger_id=borger.id, target_key=target_key, reason=reason, on_date=today())
        db.session.add(feedback)
    else:
        feedback.reason, feedback.on_date = reason, today()
    record_event("match.not_a_fit", "borger", borger.id, actor=actor,
                 details={"page": "match", "target": target_key, "reason": reason})
    db.session.flush()
    return feedback


def hidden_targets(borger_id: int) -> set[str]:
    """The target keys the borger's vejleder marked "passer ikke" (never shown to them again)."""
    return set(db.session.scalars(sa.select(MatchFeedback.target_key).where(MatchFeedback.borger_id == borger_id)))


def borgere_hiding(target_key: str) -> set[int]:
    """The borgere for whom this target was marked "passer ikke"."""
    return set(db.session.scalars(sa.select(MatchFeedback.borger_id).where(MatchFeedback.target_key == target_key)))


def record_not_now_reason(placement: Placement, answer: str, reason: str | None) -> None:
    """Keep the employer's optional reason with an "ikke lige nu" answer (dropped with any other
    answer). Raises ValidationError for an unknown reason."""
    reason = (reason or "").strip()
    if reason and reason not in NOT_NOW_REASONS:
        raise ValidationError(_("Ukendt begrundelse."), field="reason")
    db.session.execute(sa.delete(ProposalReason).where(ProposalReason.placement_id == placement.id))
    if answer == "ikke_nu" and reason:
        db.session.add(ProposalReason(placement_id=placement.id, reason=reason, on_date=today()))


def not_now_reason(placement_id: int) -> str | None:
    code = db.session.scalar(sa.select(ProposalReason.reason).where(ProposalReason.placement_id == placement_id))
    return NOT_NOW_REASONS.get(code) if code else None


# --- erasure, retention, right of access ---------------------------------------------------------

def erase_match_history(borger_id: int) -> None:
    """Delete what the matcher recorded about the borger (part of ``erase_borger``)."""
    db.session.execute(sa.delete(MatchShown).where(MatchShown.borger_id == borger_id))
    db.session.execute(sa.delete(MatchFeedback).where(MatchFeedback.borger_id == borger_id))


def retention_cutoff(on: date | None = None) -> date:
    return (on or today()) - timedelta(days=current_app.config["BORGER_RETENTION_DAYS"])


def purge_match_history(*, on: date | None = None, dry_run: bool = False) -> int:
    """Delete shown-list rows older than the retention period (``BORGER_RETENTION_DAYS``); returns
    how many there were."""
    old = MatchShown.shown_on < retention_cutoff(on)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(MatchShown).where(old)) or 0
    if count and not dry_run:
        db.session.execute(sa.delete(MatchShown).where(old))
    return count


def _target_names(keys: set[str]) -> dict[str, str]:
    ids = {kind: {int(k.split(":")[1]) for k in keys if k.startswith(f"{kind}:")} for kind in TARGET_KINDS}
    names = {f"company:{i}": name for i, name in db.session.execute(
        sa.select(Company.id, Company.name).where(Company.id.in_(ids["company"])))}
    names |= {f"opening:{i}": f"{title}, {name}" for i, title, name in db.session.execute(
        sa.select(Opening.id, Opening.title, Company.name).join(Company, Company.id == Opening.company_id)
        .where(Opening.id.in_(ids["opening"])))}
    return names


def access_data(borger: Borger) -> dict:
    """The match history for the right-of-access JSON (stable English keys)."""
    shown = db.session.scalars(sa.select(MatchShown).where(MatchShown.borger_id == borger.id)
                               .order_by(MatchShown.shown_on, MatchShown.rank)).all()
    feedback = db.session.scalars(sa.select(MatchFeedback).where(MatchFeedback.borger_id == borger.id)
                                  .order_by(MatchFeedback.on_date)).all()
    names = _target_names({s.target_key for s in shown} | {f.target_key for f in feedback})
    return {
        "match_lists_shown": [
            {"date": s.shown_on.isoformat(), "target": names.get(s.target_key, s.target_key), "rank": s.rank,
             "components": s.components, "weights_version": s.weights_version} for s in shown],
        "not_a_fit": [{"date": f.on_date.isoformat(), "target": names.get(f.target_key, f.target_key),
                       "reason": str(NOT_A_FIT_REASONS.get(f.reason, f.reason))} for f in feedback],
    }


def access_facts(borger: Borger) -> list[tuple[str, str]]:
    """The match history in the borger's copy, as labelled facts (in the reader's language)."""
    first, last, count = db.session.execute(
        sa.select(sa.func.min(MatchShown.shown_on), sa.func.max(MatchShown.shown_on), sa.func.count())
        .where(MatchShown.borger_id == borger.id)).one()
    days = current_app.config["BORGER_RETENTION_DAYS"]
    shown = (_("%(count)s forslag vist på matchlisten fra %(first)s til %(last)s (hvilke virksomheder og "
               "stillinger, deres plads og delpoint; gemmes højst %(days)s dage)",
               count=count, first=long_date(first), last=long_date(last), days=days)
             if count else _("Ingen"))
    feedback = access_data(borger)["not_a_fit"]
    return [
        (_("Virksomheder og stillinger vist for dig"), shown),
        (_("Markeret som «passer ikke»"), ", ".join(f"{f['target']} ({f['reason'].lower()})" for f in feedback)
         or _("Ingen")),
    ]


# --- outcomes for the fit -----------------------------------------------------------------------

def _placement_key(placement: Placement) -> str:
    return f"opening:{placement.opening_id}" if placement.opening_id else f"company:{placement.company_id}"


def outcome_of(placement: Placement, *, retained: bool) -> Outcome:
    """The best outcome a placement reached (see the module docstring)."""
    stages = {Stage(event.stage) for event in placement.events} | {Stage(placement.stage)}
    best = max(_STAGE_OUTCOME[stage] for stage in stages)
    if placement.proposed_at is not None:
        best = max(best, Outcome.PROPOSED)
    if placement.employer_answer == "interesseret":
        best = max(best, Outcome.EMPLOYER_INTERESTED)
    if best == Outcome.JOB_STARTED and placement.opening is not None \
            and placement.opening.kind in STEPPING_STONE_KINDS:
        best = Outcome.PRAKTIK_STARTED
    if retained and best == Outcome.JOB_STARTED:
        best = Outcome.RETAINED_3M
    return best


def labelled_targets(*, since: date | None = None, programme_id: int | None = None) -> list[ShownTarget]:
    """Every shown target (since ``since``, of one programme's borgere if given) with its outcome:
    the training data of ``matcher.learning`` (ids, keys and numbers only)."""
    query = sa.select(MatchShown, Borger.programme_id).join(Borger, Borger.id == MatchShown.borger_id)
    if since is not None:
        query = query.where(MatchShown.shown_on >= since)
    if programme_id is not None:
        query = query.where(Borger.programme_id == programme_id)
    shown = db.session.execute(query.order_by(MatchShown.borger_id, MatchShown.shown_on, MatchShown.rank)).all()
    borger_ids = {row.MatchShown.borger_id for row in shown}
    if not borger_ids:
        return []
    # Retention recorded by the pipeline names its placement; one recorded by hand names none and
    # counts for the borger's job (a borger holds one job at a time).
    retention = db.session.execute(sa.select(OutcomeEvent.borger_id, OutcomeEvent.placement_id).where(
        OutcomeEvent.borger_id.in_(borger_ids), OutcomeEvent.kind.in_(RETAINED))).all()
    retained_placements = {placement_id for _b, placement_id in retention if placement_id is not None}
    retained_borgere = {borger_id for borger_id, placement_id in retention if placement_id is None}
    outcomes: dict[tuple[int, str], Outcome] = {}
    for placement in db.session.scalars(sa.select(Placement).where(Placement.borger_id.in_(borger_ids))):
        key = (placement.borger_id, _placement_key(placement))
        grade = outcome_of(placement, retained=placement.id in retained_placements
                           or placement.borger_id in retained_borgere)
        outcomes[key] = max(outcomes.get(key, Outcome.PASSED_OVER), grade)
    for borger_id, target_key in db.session.execute(
            sa.select(MatchFeedback.borger_id, MatchFeedback.target_key)
            .where(MatchFeedback.borger_id.in_(borger_ids))):
        outcomes[(borger_id, target_key)] = Outcome.NOT_A_FIT
    return [ShownTarget(list_id=(s.borger_id, s.shown_on.isoformat()), group=s.borger_id,
                        components=s.components, outcome=outcomes.get((s.borger_id, s.target_key),
                                                                      Outcome.PASSED_OVER))
            for s, _programme in shown]
