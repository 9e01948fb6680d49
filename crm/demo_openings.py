"""Demo openings: about 30 varied openings at the demo partner companies, a few of them stale
(35 days: "skal bekræftes"; 65 days: no longer offered to borgere), and openings at the demo
employer's own company so the portal has something to show. Called from crm.demo after the
companies and users exist; everything goes through the openings service."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Opening, User
from crm.models.company import PartnershipStatus
from crm.services.openings import create_opening
from crm.timeutil import today, utcnow

DEMO_EMPLOYER_EMAIL = "arbejdsgiver@demo.fodfaeste.dk"
DEMO_OPENING_COUNT = 30

# Openings that suit an industry (matched on the company's free-text industry), then generic ones.
# (title, kind, hours_min, hours_max, low_hour_start, description, skills)
BY_INDUSTRY = {
    "rengøring": ("Rengøringsassistent", "job", 15, 25, True,
                  "Rengøring af kontorer om morgenen. Faste ruter og en fast makker.", ["grundig", "stabil"]),
    "café": ("Caféassistent", "flexjob", 8, 15, True,
             "Kaffe, smørrebrød og oprydning i en rolig café.", ["serviceminded"]),
    "restaurant": ("Køkkenmedhjælper", "loentilskud", 20, 30, False,
                   "Forberedelse og opvask i restaurantkøkkenet.", ["hurtig", "hygiejne"]),
    "autoværksted": ("Lærling som automekaniker", "uddannelse", 37, 37, False,
                     "Uddannelsesaftale med skoleophold.", ["teknisk interesse"]),
    "gartneri": ("Gartnermedhjælper", "praktik", 10, 20, True,
                 "Potning, vanding og pasning af planter i væksthus.", ["udendørs arbejde"]),
    "plejecenter": ("Serviceassistent", "job", 20, 30, False,
                    "Servering, oprydning og hyggelige stunder med beboerne.", ["omsorg"]),
    "maler": ("Malerhjælper", "loentilskud", 25, 37, False,
              "Afdækning, slibning og maling sammen med en svend.", ["præcis"]),
    "smede": ("Produktionsmedarbejder", "job", 30, 37, False,
              "Montage og kvalitetskontrol i metalværkstedet.", ["håndværk"]),
    "el-": ("Lagermedarbejder", "job", 15, 30, True,
            "Pluk og pak af el-materialer, varemodtagelse.", ["orden", "truckcertifikat"]),
    "tegnestue": ("Kontorassistent", "flexjob", 6, 12, True,
                  "Scanning, arkiv og telefon på en stille tegnestue.", ["IT", "struktur"]),
}
GENERIC = [
    ("Lagermedarbejder", "job", 15, 30, True, "Pluk og pak på lageret; oplæring på stedet.", ["orden"]),
    ("Butiksassistent", "job", 10, 25, True, "Varepåfyldning og kundeservice.", ["serviceminded"]),
    ("Chauffør", "job", 30, 37, False, "Udbringning af varer i lokalområdet.", ["kørekort B"]),
    ("Pedelmedhjælper", "praktik", 10, 20, True, "Små reparationer og vedligehold af udearealer.",
     ["praktisk"]),
    ("Kontorelev", "uddannelse", 37, 37, False, "Kontoruddannelse med speciale i administration.",
     ["IT", "struktur"]),
    ("Pakkemedarbejder", "flexjob", 5, 12, True, "Pakning af webordrer i et roligt hjørne af lageret.",
     ["grundig"]),
    ("Kantinemedhjælper", "loentilskud", 20, 30, False, "Anretning og opvask i personalekantinen.",
     ["hygiejne"]),
]
# Which of the openings are backdated, and by how many days (the rest are 0–25 days old).
STALE = {3: 35, 11: 35, 17: 35, 7: 65, 23: 65}


def _template(company: Company, index: int) -> tuple:
    industry = (company.industry_text or "").lower()
    for key, template in BY_INDUSTRY.items():
        if key in industry and index % 2 == 0:
            return template
    return GENERIC[(index // 2) % len(GENERIC)]


def _open(company: Company, template: tuple, *, days_old: int, actor=None) -> Opening:
    title, kind, low, high, low_start, description, skills = template
    opening = create_opening(company, {
        "title": title, "kind": kind, "hours_min": low, "hours_max": high, "low_hour_start": low_start,
        "description": description, "skills": skills, "status": "aaben",
        "start_date": None if days_old % 3 else today() + timedelta(days=30),
    }, actor=actor)
    opening.confirmed_at = utcnow() - timedelta(days=days_old)
    return opening


def load_demo_openings() -> list[Opening]:
    """Create the demo openings (about 30); returns them. The caller commits."""
    konsulent = db.session.scalar(sa.select(User).where(User.role == "konsulent").order_by(User.id))
    employer = db.session.scalar(sa.select(User).where(User.email == DEMO_EMPLOYER_EMAIL))
    companies = db.session.scalars(
        sa.select(Company).where(Company.status.in_([PartnershipStatus.PARTNER, PartnershipStatus.DIALOG]),
                                 Company.lat.is_not(None))
        .order_by(Company.id)).all()
    own = employer.company if employer is not None else None
    others = [c for c in companies if own is None or c.id != own.id]
    openings = []
    if own is not None:
        # The demo employer's own company: one fresh, one to confirm, one no longer offered.
        for days_old, template in ((2, GENERIC[0]), (35, _template(own, 0)), (65, GENERIC[5])):
            openings.append(_open(own, template, days_old=days_old, actor=konsulent))
    for index, company in enumerate(others[:DEMO_OPENING_COUNT - len(openings)]):
        days_old = STALE.get(index, (index * 7) % 26)
        openings.append(_open(company, _template(company, index), days_old=days_old, actor=konsulent))
    pause = openings[-1] if len(openings) > 3 else None
    if pause is not None:
        pause.status = "pause"
    db.session.flush()
    return openings
