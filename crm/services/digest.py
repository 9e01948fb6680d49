"""The daily e-mail digest: what each staff user has to attend to, in one e-mail a day (in the
user's language, ``crm.i18n.language_for``).

A digest holds up to five kinds of item (``DigestKind``): the user's tasks due today or overdue,
efterværn follow-ups in the coming week, the samarbejdsaftaler of the user's companies to renew
within 30 days, employers' answers to proposals since the last digest, and the open openings of
the user's companies that need confirming. A user turns each kind off on the account page or with
the signed link under its heading in the mail (no login needed: the link names the user and kind).

Idempotent per user and Danish calendar day: each user's digest for a day is made once
(``DigestRun``, unique on user and day), written before any mail goes out, so a second run the same
day sends nothing, and two runs at once cannot both send (the second waits on the unique key and
fails without sending). A digest with nothing in it is recorded but not sent.

Data protection (DOMAIN.md): a mail leaves the app, so it names a borger by the internal reference
only, and carries no free text about a borger (no task title or note of a task about a borger, no
contact-log text); it links to the app for the rest.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_mailman import EmailMessage
from itsdangerous import BadSignature, URLSafeTimedSerializer

from crm.extensions import db, mail
from crm.formatting import long_date
from crm.i18n import in_language, language_for
from crm.models import Borger, Company, DigestKind, DigestOptOut, DigestRun, Opening, Placement, Task, User
from crm.models.company import PartnershipStatus
from crm.models.opening import OpeningStatus
from crm.permissions import roles_with
from crm.services import ServiceError
from crm.services.audit import record_event
from crm.services.openings import days_unconfirmed, stale_cutoff
from crm.services.proposals import ANSWER_LABELS
from crm.timeutil import to_local, utcnow

#: Efterværn follow-ups due within this many days ahead are announced (overdue ones too).
EFTERVAERN_AHEAD_DAYS = 7
#: Agreements whose renewal date falls within this many days are announced.
RENEWAL_AHEAD_DAYS = 30
#: Answers are those since the user's previous digest; never further back than this (days).
ANSWERS_LOOKBACK_DAYS = 7
#: The unsubscribe link in a mail works this long (seconds): long after the mail, not forever.
UNSUBSCRIBE_MAX_AGE = 180 * 24 * 3600
#: A digest lists at most this many items of one kind, then says how many more there are.
MAX_LINES = 25
SALT = "fodfaeste.digest-unsubscribe"
INVALID_LINK = _l("Linket virker ikke. Tjek, at du har kopieret hele linket, eller slå påmindelserne fra under "
                  "Min konto.")


class UnsubscribeError(ServiceError):
    """An unsubscribe link that is tampered, expired or names no active user."""


@dataclass
class Section:
    kind: DigestKind
    lines: list[str]
    unsubscribe_url: str = ""


@dataclass
class Digest:
    user: User
    day: date
    sections: list[Section] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(section.lines) for section in self.sections)


# --- opting out ---------------------------------------------------------------------------------

def opted_out(user: User) -> set[DigestKind]:
    """The kinds the user has turned off."""
    kinds = db.session.scalars(sa.select(DigestOptOut.kind).where(DigestOptOut.user_id == user.id))
    return {DigestKind(kind) for kind in kinds if kind in DigestKind._value2member_map_}


def set_digest_kind(user: User, kind: DigestKind, *, enabled: bool, actor=None) -> bool:
    """Turn one kind of digest item on or off for ``user``; returns whether anything changed."""
    existing = db.session.scalar(sa.select(DigestOptOut).where(
        DigestOptOut.user_id == user.id, DigestOptOut.kind == kind.value))
    if enabled == (existing is None):
        return False
    if enabled:
        db.session.delete(existing)
    else:
        db.session.add(DigestOptOut(user_id=user.id, kind=kind.value))
    db.session.flush()
    record_event("digest.subscribe" if enabled else "digest.unsubscribe", "user", user.id,
                 actor=actor or user, details={"kind": kind.value})
    return True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user: User, kind: DigestKind) -> str:
    return _serializer().dumps({"u": user.id, "k": kind.value})


def read_unsubscribe_token(token: str) -> tuple[User, DigestKind]:
    """The user and kind a signed link names. Raises UnsubscribeError (with the reason)."""
    try:
        payload = _serializer().loads(token, max_age=UNSUBSCRIBE_MAX_AGE)
    except BadSignature:  # also SignatureExpired
        raise UnsubscribeError(str(INVALID_LINK)) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int) \
            or payload.get("k") not in DigestKind._value2member_map_:
        raise UnsubscribeError(str(INVALID_LINK))
    user = db.session.get(User, payload["u"])
    if user is None or not user.active:
        raise UnsubscribeError(INVALID_LINK)
    return user, DigestKind(payload["k"])


# --- what goes in a digest ------------------------------------------------------------------------

def task_label(task: Task) -> str:
    """A task as a mail or a calendar shows it: about a borger, by reference only (see the module doc)."""
    if task.borger_id is not None:
        what = _("Opgave om borger %(reference)s", reference=task.borger.reference)
    else:
        what = task.title
    return f"{what} ({task.company.name})" if task.company is not None else what


def _due_text(due: date, day: date) -> str:
    if due < day:
        return _("%(date)s (overskredet)", date=long_date(due))
    return _("i dag") if due == day else long_date(due)


def _tasks(user: User, day: date, *, eftervaern: bool) -> list[str]:
    until = day + timedelta(days=EFTERVAERN_AHEAD_DAYS) if eftervaern else day
    tasks = db.session.scalars(
        sa.select(Task).where(Task.assignee_id == user.id, Task.done.is_(False), Task.due <= until,
                              Task.eftervaern.is_(eftervaern))
        .order_by(Task.due, Task.id))
    if eftervaern:
        return [_("%(due)s: efterværnsopfølgning med borger %(reference)s", due=_due_text(t.due, day),
                  reference=t.borger.reference)
                if t.borger is not None else f"{_due_text(t.due, day)}: {t.title}" for t in tasks]
    return [f"{_due_text(t.due, day)}: {task_label(t)}" for t in tasks]


def _renewals(user: User, day: date) -> list[str]:
    companies = db.session.scalars(
        sa.select(Company).where(Company.konsulent_id == user.id,
                                 Company.status != PartnershipStatus.OPHOERT,
                                 Company.agreement_renewal >= day,
                                 Company.agreement_renewal <= day + timedelta(days=RENEWAL_AHEAD_DAYS))
        .order_by(Company.agreement_renewal, Company.id))
    return [_("%(company)s: samarbejdsaftalen skal fornys senest %(date)s", company=c.name,
              date=long_date(c.agreement_renewal)) for c in companies]


def _answers(user: User, since: datetime) -> list[str]:
    # Answers about the user's own borgere, and about the companies they are the konsulent of.
    mine = sa.or_(Borger.vejleder_id == user.id, Company.konsulent_id == user.id)
    placements = db.session.scalars(
        sa.select(Placement).join(Borger, Borger.id == Placement.borger_id)
        .join(Company, Company.id == Placement.company_id)
        .where(Placement.employer_answered_at > since, Placement.employer_answer.is_not(None), mine)
        .order_by(Placement.employer_answered_at, Placement.id))
    return [_("%(company)s har svaret «%(answer)s» på forslaget om borger %(reference)s", company=p.company.name,
              answer=str(ANSWER_LABELS.get(p.employer_answer, p.employer_answer)), reference=p.borger.reference)
            for p in placements]


def _openings(user: User, now: datetime) -> list[str]:
    openings = db.session.scalars(
        sa.select(Opening).join(Company, Company.id == Opening.company_id)
        .where(Company.konsulent_id == user.id, Opening.status == OpeningStatus.AABEN,
               Opening.confirmed_at <= stale_cutoff(now=now))
        .order_by(Opening.confirmed_at, Opening.id))
    return [ngettext("%(company)s: «%(title)s» er ikke bekræftet i %(num)s dage",
                     "%(company)s: «%(title)s» er ikke bekræftet i %(num)s dage",
                     days_unconfirmed(o, now=now), company=o.company.name, title=o.title)
            for o in openings]


def _previous_run(user: User, day: date) -> DigestRun | None:
    return db.session.scalar(sa.select(DigestRun).where(DigestRun.user_id == user.id, DigestRun.day < day)
                             .order_by(DigestRun.day.desc()).limit(1))


def build_digest(user: User, *, now: datetime | None = None) -> Digest:
    """What ``user``'s digest holds today (kinds turned off left out); writes nothing."""
    now = now or utcnow()
    day = to_local(now).date()
    off = opted_out(user)
    previous = _previous_run(user, day)
    since = max(previous.made_at if previous else now - timedelta(days=1),
                now - timedelta(days=ANSWERS_LOOKBACK_DAYS))
    makers = {
        DigestKind.TASKS: lambda: _tasks(user, day, eftervaern=False),
        DigestKind.EFTERVAERN: lambda: _tasks(user, day, eftervaern=True),
        DigestKind.RENEWALS: lambda: _renewals(user, day),
        DigestKind.ANSWERS: lambda: _answers(user, since),
        DigestKind.OPENINGS: lambda: _openings(user, now),
    }
    digest = Digest(user=user, day=day)
    for kind in DigestKind:
        if kind in off:
            continue
        lines = makers[kind]()
        if lines:
            digest.sections.append(Section(kind, lines))
    return digest


# --- the mail ---------------------------------------------------------------------------------------

def subject(digest: Digest) -> str:
    return _("Dit overblik fra Fodfæste %(date)s", date=long_date(digest.day))


def body(digest: Digest, *, tasks_url: str, account_url: str) -> str:
    parts = [_("Kære %(name)s", name=digest.user.name) + "\n\n"
             + _("Her er dit overblik for %(date)s.", date=long_date(digest.day))]
    for section in digest.sections:
        shown = section.lines[:MAX_LINES]
        more = len(section.lines) - len(shown)
        lines = [f"- {line}" for line in shown] + (["- " + _("… og %(more)s til", more=more)] if more else [])
        parts.append(f"{section.kind.label}:\n" + "\n".join(lines) + "\n"
                     + _("Vil du ikke have denne slags i overblikket, så afmeld den her:")
                     + f"\n{section.unsubscribe_url}")
    parts.append(_("Se og afslut dine opgaver i Fodfæste:") + f"\n{tasks_url}\n\n"
                 + _("Vælg, hvad overblikket skal indeholde, under Min konto:") + f"\n{account_url}")
    return "\n\n".join(parts) + "\n\n" + _("Venlig hilsen") + "\nFodfæste\n"


def recipients() -> list[User]:
    """Active staff users (the roles holding "account.settings") with an e-mail address."""
    return list(db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_([str(r) for r in roles_with("account.settings")]))
        .order_by(User.id)))


@dataclass
class DigestReport:
    sent: list[Digest] = field(default_factory=list)
    empty: int = 0
    already: int = 0


def send_digests(*, base_url: str, now: datetime | None = None) -> DigestReport:
    """Make today's digest for every staff user not yet done today; mail the ones with something in them.

    ``base_url`` is the site's public address for the links in the mails. The caller commits; the
    mails go out after every run row is written (flushed), so a second run the same day finds them.
    """
    now = now or utcnow()
    day = to_local(now).date()
    report = DigestReport()
    done_today = set(db.session.scalars(sa.select(DigestRun.user_id).where(DigestRun.day == day)))
    messages = []
    with current_app.test_request_context(base_url=base_url):
        tasks_url = url_for("tasks.mine", _external=True)
        account_url = url_for("account.index", _external=True)
        for user in recipients():
            if user.id in done_today:
                report.already += 1
                continue
            with in_language(language_for(user)):  # the mail is worded in the reader's language
                digest = build_digest(user, now=now)
                db.session.add(DigestRun(user_id=user.id, day=day, made_at=now, items=digest.items))
                db.session.flush()  # the unique key: a run racing this one waits here, then fails unsent
                if not digest.items:
                    report.empty += 1
                    continue
                for section in digest.sections:
                    token = unsubscribe_token(user, section.kind)
                    section.unsubscribe_url = url_for("account.unsubscribe", unsubscribe_token=token,
                                                      _external=True)
                messages.append(EmailMessage(subject=subject(digest),
                                             body=body(digest, tasks_url=tasks_url, account_url=account_url),
                                             to=[user.email]))
            record_event("digest.send", "user", user.id,
                         details={"day": day.isoformat(), "kinds": [s.kind.value for s in digest.sections],
                                  "items": digest.items})
            report.sent.append(digest)
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    return report
