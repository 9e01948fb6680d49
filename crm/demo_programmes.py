"""Demo histories for the seed programmes' own rules and figures (issue 17): Futurum and Rum til os
get borgere with courses behind them, so their dashboards show real figures; Job in mind's borgere
get referral periods (half a year at a time, some renewed, one ending soon); Din vej i job gets
former borgere whose results earn under a demo results contract, verified, invoiced and partly paid.

All **fictitious** (first names only). Called from crm.demo after the programmes, users and demo
caseloads exist; everything goes through the services. The contract's prices are made up for the
demo (the seeds name the investment, 3 mio. kr., and the goal, 60 borgere, not the price per result).
"""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Programme, User
from crm.models.borger import Phase
from crm.models.programme import OutcomeKind as K
from crm.models.user import Role
from crm.services.borgere import create_borger
from crm.services.contracts import (
    invoice_verified,
    pending_results,
    record_payment,
    save_contract,
    verify_result,
)
from crm.services.outcomes import end_course, record_outcome
from crm.services.referrals import latest_referral, longest_end, remind_referrals_ending, start_referral
from crm.timeutil import today

# A course as outcome events on days after enrolment; events still in the future are left out, and
# the course ends (afsluttet) on the last day when that has passed.
STORIES = {
    "job": [(K.FIRST_EMPLOYER_CONTACT, 14), (K.ORDINARY_JOB_START, 60), (K.RETAINED_13W, 151),
            (K.RETAINED_26W, 242), ("end", 260)],
    "education": [(K.FIRST_EMPLOYER_CONTACT, 20), (K.EDUCATION_START, 75), (K.RETAINED_13W, 166), ("end", 200)],
    "flexjob": [(K.FIRST_EMPLOYER_CONTACT, 10), (K.FLEXJOB_CLARIFIED, 90), (K.FLEXJOB_START, 130),
                (K.RETAINED_13W, 221), ("end", 240)],
    "praktik_job": [(K.FIRST_EMPLOYER_CONTACT, 12), (K.PRAKTIK_START, 40), (K.ORDINARY_JOB_START, 120),
                    (K.RETAINED_13W, 211)],
    "praktik": [(K.FIRST_EMPLOYER_CONTACT, 18), (K.PRAKTIK_START, 45), ("end", 150)],
    "clarified": [(K.FIRST_EMPLOYER_CONTACT, 15), (K.PRAKTIK_START, 50), (K.FLEXJOB_CLARIFIED, 110), ("end", 160)],
    "job_ended": [(K.FIRST_EMPLOYER_CONTACT, 25), (K.ORDINARY_JOB_START, 70), (K.JOB_ENDED, 100), ("end", 180)],
}
END_REASONS = {
    "job": "I job; efterværnet er afsluttet efter aftale",
    "education": "I uddannelse; efterværnet er afsluttet efter aftale",
    "flexjob": "I fleksjob; efterværnet er afsluttet efter aftale",
    "praktik": "Praktikken er slut; borgeren er overgået til jobcentret",
    "clarified": "Afklaret til fleksjob; sagen er overdraget",
    "job_ended": "Jobbet stoppede; borgeren ønskede at afslutte forløbet",
}

# (first name, days since enrolment, story, postcode)
FUTURUM = [
    ("Asger", 900, "education", "8000"), ("Birgitte", 860, "job", "8200"), ("Camilla", 820, "education", "8210"),
    ("Dennis", 780, "job", "8220"), ("Eva", 720, "praktik", "8230"), ("Frederik", 690, "education", "8240"),
    ("Gitte", 640, "job_ended", "8000"), ("Hans", 600, "job", "8200"), ("Ida", 540, "education", "8210"),
    ("Jacob", 480, "flexjob", "8220"), ("Karina", 420, "job", "8000"), ("Lasse", 300, "praktik_job", "8230"),
    ("Mia", 190, "education", "8240"), ("Nikolaj", 90, "praktik", "8200"),
]
RUM_TIL_OS = [
    ("Ole", 640, "job", "8722"), ("Pia", 610, "flexjob", "8781"), ("Rasmus", 590, "clarified", "7160"),
    ("Susanne", 560, "praktik", "8763"), ("Thomas", 530, "education", "8722"), ("Ulla", 500, "flexjob", "8781"),
    ("Vagn", 470, "praktik_job", "7160"), ("Winnie", 440, "clarified", "8763"), ("Yvonne", 400, "praktik", "8722"),
    ("Allan", 360, "job", "8781"), ("Bente", 320, "education", "7160"), ("Claus", 280, "praktik_job", "8763"),
    ("Dorthe", 230, "clarified", "8722"), ("Erling", 150, "praktik", "8781"),
]
DIN_VEJ_ALUMNI = [
    ("Ali", 350, "job", "8000"), ("Britt", 340, "education", "8200"), ("Casper", 330, "job", "8210"),
    ("Ditte", 320, "praktik_job", "8220"), ("Elias", 300, "job", "8230"), ("Fie", 280, "education", "8240"),
    ("Gustav", 260, "flexjob", "8000"), ("Hanne", 240, "job", "8200"), ("Isak", 220, "praktik_job", "8210"),
    ("Jytte", 200, "education", "8220"),
]
DIN_VEJ_CONTRACT = {
    "municipality": "Aarhus Kommune, Jobcenter Aarhus",
    "investor": "Rådet for Sociale Investeringer, Aarhus Kommune",
    "operator": "IPSCenter Danmark og SIND Erhverv",
    "investment": 3_000_000,
    "rules": [
        {"label": "Ordinært job eller uddannelse", "amount": 30_000, "cap": 60,
         "evidence": [K.ORDINARY_JOB_START, K.FLEXJOB_START, K.EDUCATION_START],
         "verifier": "Jobcenter Aarhus, kontraktansvarlig"},
        {"label": "Ordinært job eller uddannelse, fastholdt 3 måneder", "amount": 20_000, "cap": 60,
         "evidence": [K.RETAINED_13W], "verifier": "Jobcenter Aarhus, kontraktansvarlig"},
    ],
}
# Results of the first rule left for the demo admin to verify.
DEMO_PENDING = 2


def _programme(name: str) -> Programme | None:
    return db.session.scalar(sa.select(Programme).where(Programme.name == name))


def _phase(story: list, days: int) -> str:
    passed = [kind for kind, day in story if day <= days]
    if "end" in passed:
        return Phase.AFSLUTTET
    if any(k in passed for k in (K.ORDINARY_JOB_START, K.EDUCATION_START, K.FLEXJOB_START)):
        return Phase.EFTERVAERN
    if K.PRAKTIK_START in passed:
        return Phase.VIRKSOMHEDSFORLOEB
    return Phase.VIRKSOMHEDSMATCH if passed else Phase.OPSTART


def _load_histories(programme: Programme, rows, vejledere: list[User]) -> list[Borger]:
    borgere = []
    for i, (first_name, days, story_key, postcode) in enumerate(rows):
        vejleder = vejledere[i % len(vejledere)]
        story = STORIES[story_key]
        enrolled_on = today() - timedelta(days=days)
        borger = create_borger({
            "first_name": first_name, "vejleder_id": vejleder.id, "programme_id": programme.id,
            "enrolled_on": enrolled_on, "phase": Phase.OPSTART, "postcode": postcode,
            "transport": "public", "max_travel_minutes": 40, "hours_min": 10, "hours_max": 25,
            "wishes": [], "strengths": [], "needs": [], "consent_to_propose": False, "shared_fields": [],
            "disclosure": False,
        }, actor=vejleder)
        for kind, day in story:
            if day > days:
                break
            if kind == "end":
                end_course(borger, on_date=enrolled_on + timedelta(days=day), reason=END_REASONS[story_key],
                           actor=vejleder)
            else:
                record_outcome(borger, kind, on_date=enrolled_on + timedelta(days=day), actor=vejleder)
        if borger.phase != Phase.AFSLUTTET:
            borger.phase = _phase(story, days)
        borgere.append(borger)
    db.session.flush()
    return borgere


def _load_referrals(programme: Programme) -> None:
    """Refer Job in mind's active borgere from enrolment, half a year at a time, renewed with a new
    plan while the course goes on; the newest borger past five months gets a shorter period that ends
    within two weeks, so a reminder task shows."""
    borgere = db.session.scalars(sa.select(Borger).where(
        Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET).order_by(Borger.enrolled_on)).all()
    short = next((b for b in reversed(borgere) if 150 <= (today() - b.enrolled_on).days < 170), None)
    for borger in borgere:
        vejleder = borger.vejleder
        starts_on = borger.enrolled_on
        while starts_on <= today():
            ends_on = today() + timedelta(days=10) if borger is short else longest_end(programme, starts_on)
            plan = "" if latest_referral(borger) is None else "Ny plan: virksomhedspraktik med mentor"
            start_referral(borger, starts_on=starts_on, ends_on=ends_on, plan=plan, actor=vejleder)
            starts_on = ends_on + timedelta(days=1)
    remind_referrals_ending()


def _load_contract(programme: Programme, admin: User) -> None:
    contract = save_contract(programme, {**DIN_VEJ_CONTRACT, "starts_on": programme.starts_on,
                                         "ends_on": programme.ends_on}, actor=admin)
    job_rule, retained_rule = contract.rules
    first = [r for r in pending_results(contract) if r.rule_id == job_rule.id]
    for result in first[:-DEMO_PENDING] if len(first) > DEMO_PENDING else first:
        verify_result(job_rule, result.borger_id, actor=admin, note="Ansættelses- eller optagelsesbrev set")
    invoice = invoice_verified(contract, actor=admin)
    record_payment(contract, invoice.id, actor=admin)
    for result in [r for r in pending_results(contract) if r.rule_id == retained_rule.id]:
        verify_result(retained_rule, result.borger_id, actor=admin, note="Lønsedler for tre måneder set")
    invoice_verified(contract, actor=admin)  # not paid yet: outstanding


def load_demo_programme_histories(users: dict[str, User]) -> None:
    """Histories, referral periods and the Din vej i job contract (see the module docstring)."""
    vejledere = [u for u in users.values() if u.role == Role.VEJLEDER]
    admin = next(u for u in users.values() if u.role == Role.ADMIN)
    for name, rows in (("Futurum", FUTURUM), ("Rum til os", RUM_TIL_OS), ("Din vej i job", DIN_VEJ_ALUMNI)):
        programme = _programme(name)
        if programme is not None and vejledere:
            _load_histories(programme, rows, vejledere)
    job_in_mind = _programme("Job in mind")
    if job_in_mind is not None and job_in_mind.referral_months:
        _load_referrals(job_in_mind)
    din_vej = _programme("Din vej i job")
    if din_vej is not None and din_vej.starts_on and din_vej.ends_on:
        _load_contract(din_vej, admin)
