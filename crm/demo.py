"""Fictitious demo data for a fresh installation: users of every role and the demo companies with
their contact persons, contact log and tasks (seeds/demo_companies.json).

Dates in the seed file are relative ("days_ago", "due_in_days") and resolved against today, so the
demo always shows partners going stale, renewals coming up and overdue tasks. Everything goes
through the same services as the app, so the demo data obeys the same rules (the status pipeline,
one primary contact, face-to-face flags).
"""

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from crm.demo_match_history import load_demo_match_history
from crm.demo_openings import load_demo_openings
from crm.demo_programmes import load_demo_programme_histories
from crm.extensions import db
from crm.models import Borger, Company, Programme, User
from crm.models.user import Role
from crm.services.borgere import create_borger
from crm.services.companies import change_status, create_company
from crm.services.contacts import add_contact_person, create_task, log_contact, set_task_done
from crm.services.matching import matches_for
from crm.services.placements import advance, propose_match, shortlist
from crm.services.programmes import load_demo_programmes
from crm.services.users import create_user, set_led_programmes
from crm.timeutil import DANISH_TZ, today, utcnow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DEMO_COMPANIES_FILE = SEEDS / "demo_companies.json"
DEMO_BORGERE_FILE = SEEDS / "demo_borgere.json"
# Every DEMO_PIPELINE_EVERY-th demo borger gets a placement history, so pipelines, efterværn tasks
# and the programme figures have something to show.
DEMO_PIPELINE_EVERY = 4
# Shown in the README and printed by `make run`; demo data is refused in production.
DEMO_PASSWORD = "demo-adgang-2026"  # noqa: S105 - public by design, refused in production
DEMO_USERS = [
    ("admin@demo.fodfaeste.dk", "Anne Admin", Role.ADMIN),
    ("teamleder@demo.fodfaeste.dk", "Tove Teamleder", Role.TEAMLEDER),
    ("vejleder1@demo.fodfaeste.dk", "Vera Vejleder", Role.VEJLEDER),
    ("vejleder2@demo.fodfaeste.dk", "Villads Vejleder", Role.VEJLEDER),
    ("vejleder3@demo.fodfaeste.dk", "Vibeke Vejleder", Role.VEJLEDER),
    ("konsulent@demo.fodfaeste.dk", "Karen Konsulent", Role.KONSULENT),
    ("konsulent2@demo.fodfaeste.dk", "Kasper Konsulent", Role.KONSULENT),
    ("arbejdsgiver@demo.fodfaeste.dk", "Erik Arbejdsgiver", Role.EMPLOYER),
]
# The demo teamleder leads this programme (27 of the demo borgere; "Job in mind" has the rest).
DEMO_LED_PROGRAMMES = ("Din vej i job",)
# Logged contacts happen in office hours (Danish time), so "days ago" reads naturally.
CONTACT_HOUR = time(10, 0)


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def _days_ago_utc(days: int) -> datetime:
    """A naive UTC moment ``days`` ago in office hours, never in the future."""
    local = datetime.combine(today() - timedelta(days=days), CONTACT_HOUR, tzinfo=DANISH_TZ)
    moment = local.astimezone(UTC).replace(tzinfo=None)
    return min(moment, utcnow() - timedelta(minutes=1))


def _days_ago_local(days: int) -> datetime:
    """The same moment as naive Danish local time, the form log_contact takes."""
    moment = _days_ago_utc(days).replace(tzinfo=UTC)
    return moment.astimezone(DANISH_TZ).replace(tzinfo=None)


def _load_company(row: dict, users: dict[str, User]) -> Company:
    konsulent = users.get(row.get("konsulent") or "")
    history = row.get("status_history") or [{"status": row.get("status") or "emne", "days_ago": 0}]
    agreement = row.get("agreement") or {}
    data = {key: row.get(key) for key in (
        "name", "cvr", "pnummer", "address", "postcode", "city", "industry_code", "industry_text",
        "size_band", "website", "phone", "email", "description", "tags", "offers")}
    data.update(
        status=history[0]["status"],
        konsulent_id=konsulent.id if konsulent else None,
        agreement_signed=today() - timedelta(days=agreement["signed_days_ago"])
        if agreement.get("signed_days_ago") is not None else None,
        agreement_renewal=today() + timedelta(days=agreement["renewal_in_days"])
        if agreement.get("renewal_in_days") is not None else None,
        agreement_note=agreement.get("note") or "",
    )
    company = create_company(data, actor=konsulent)
    for step in history[1:]:
        change_status(company, step["status"], actor=konsulent)
    # Backdate the history to the seed's relative dates.
    for change, step in zip(company.status_changes, history, strict=True):
        change.changed_at = _days_ago_utc(step["days_ago"])
    company.status_changed_at = company.status_changes[-1].changed_at
    company.created_at = company.status_changes[0].changed_at

    people = {}
    for person in row.get("contacts") or []:
        people[person["name"]] = add_contact_person(company, person, actor=konsulent)
    for entry in sorted(row.get("log") or [], key=lambda e: -e["days_ago"]):
        person = people.get(entry.get("with") or "")
        log_contact(company, {
            "kind": entry["kind"], "at": _days_ago_local(entry["days_ago"]),
            "contact_person_id": person.id if person else None, "with_whom": entry.get("with") or "",
            "summary": entry["summary"],
        }, actor=users.get(entry.get("by") or ""))
    for item in row.get("tasks") or []:
        assignee = users[item["assignee"]]
        due = today() + timedelta(days=item["due_in_days"])
        task = create_task(title=item["title"], due=max(due, today()), assignee_id=assignee.id,
                           company=company, actor=konsulent)
        # An overdue demo task was set in the past, when its due date still lay ahead.
        task.due = due
        if item.get("done"):
            set_task_done(task, True, actor=assignee)
    return company


def load_demo_companies(users: dict[str, User]) -> list[Company]:
    if not DEMO_COMPANIES_FILE.exists():
        return []
    rows = json.loads(DEMO_COMPANIES_FILE.read_text(encoding="utf-8"))
    companies = [_load_company(row, users) for row in rows]
    db.session.flush()
    return companies


def load_demo_borgere(users: dict[str, User]) -> list[Borger]:
    """The demo caseloads: about 40 borgere over three vejledere (seeds/demo_borgere.json)."""
    if not DEMO_BORGERE_FILE.exists():
        return []
    programmes = {p.name: p.id for p in db.session.scalars(sa.select(Programme))}
    borgere = []
    for row in json.loads(DEMO_BORGERE_FILE.read_text(encoding="utf-8")):
        vejleder = users[row["vejleder"]]
        data = {key: row[key] for key in (
            "first_name", "phase", "postcode", "transport", "max_travel_minutes", "hours_min", "hours_max",
            "wishes", "strengths", "needs", "consent_to_propose", "shared_fields", "disclosure")}
        data.update(vejleder_id=vejleder.id, programme_id=programmes.get(row.get("programme")),
                    enrolled_on=today() - timedelta(days=row["enrolled_days_ago"]))
        borgere.append(create_borger(data, actor=vejleder))
    for i, borger in enumerate(borgere):
        if i % DEMO_PIPELINE_EVERY == 0:
            _demo_pipeline(borger, depth=i // DEMO_PIPELINE_EVERY)
    return borgere


def _demo_pipeline(borger: Borger, *, depth: int) -> None:
    """Shortlist the borger's best match and walk it some steps along the pipeline, in the past."""
    rows = matches_for(borger, limit=1)
    if not rows:
        return
    row = rows[0]
    placement = shortlist(borger, company=row.company, opening=row.opening, score=row.match.score,
                          components=row.match.components, reasons=list(row.match.reasons),
                          actor=borger.vejleder)
    enrolled_days = (today() - borger.enrolled_on).days
    steps = [("kontakt", 0.2), ("moede", 0.35), ("praktik", 0.5), ("job", 0.8)][: 1 + depth % 4]
    for stage, share in steps:
        on_date = borger.enrolled_on + timedelta(days=int(enrolled_days * share))
        advance(placement, stage, on_date=on_date, actor=borger.vejleder,
                hours_per_week=borger.hours_max if stage == "job" else None)


def _demo_proposal(borgere: list[Borger], users: dict[str, User]) -> None:
    """Propose one consenting borger to the demo employer's company, so the portal has a proposal."""
    employer = next((u for u in users.values() if u.role == Role.EMPLOYER), None)
    borger = next((b for b in borgere if b.consent_to_propose and not b.placements), None)
    if employer is None or borger is None:
        return
    propose_match(borger, company=employer.company, opening=None, score=None, components={}, reasons=[],
                  actor=borger.vejleder)


def _run_demo_programmes_now() -> None:
    """The seed programmes keep their real targets, but those that have ended are moved (keeping
    their length) to end a year from today, so the demo caseloads fall inside a running period."""
    for programme in db.session.scalars(sa.select(Programme)):
        if programme.starts_on and programme.ends_on and programme.ends_on < today():
            length = programme.ends_on - programme.starts_on
            programme.ends_on = today() + timedelta(days=365)
            programme.starts_on = programme.ends_on - length


def load_demo_data() -> dict:
    """Create demo users and companies in an empty database; return what was created."""
    users = {email: create_user(email=email, name=name, role=role, password=DEMO_PASSWORD)
             for email, name, role in DEMO_USERS if role != Role.EMPLOYER}
    companies = load_demo_companies(users)
    if not companies:
        companies = [create_company({"name": "Demo Virksomhed ApS", "postcode": "8000"})]
    for email, name, role in DEMO_USERS:
        if role == Role.EMPLOYER:
            users[email] = create_user(email=email, name=name, role=role, password=DEMO_PASSWORD,
                                       company_id=companies[0].id)
    load_demo_openings()
    load_demo_programmes()
    _run_demo_programmes_now()
    for user in users.values():
        if user.role == Role.TEAMLEDER:
            set_led_programmes(user, db.session.scalars(
                sa.select(Programme.id).where(Programme.name.in_(DEMO_LED_PROGRAMMES))))
    borgere = load_demo_borgere(users)
    _demo_proposal(borgere, users)
    load_demo_match_history(borgere)
    load_demo_programme_histories(users)
    return {"users": list(users.values()), "companies": companies, "borgere": borgere}
