"""Fictitious demo data for a fresh installation: users of every role and the demo companies."""

import json
from pathlib import Path

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, User
from crm.models.user import Role
from crm.services.geocoding import geocode
from crm.services.users import create_user

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DEMO_COMPANIES_FILE = SEEDS / "demo_companies.json"
# Shown in the README and printed by `make run`; demo data is refused in production.
DEMO_PASSWORD = "demo-adgang-2026"
DEMO_USERS = [
    ("admin@demo.fodfaeste.dk", "Anne Admin", Role.ADMIN),
    ("vejleder1@demo.fodfaeste.dk", "Vera Vejleder", Role.VEJLEDER),
    ("vejleder2@demo.fodfaeste.dk", "Villads Vejleder", Role.VEJLEDER),
    ("vejleder3@demo.fodfaeste.dk", "Vibeke Vejleder", Role.VEJLEDER),
    ("konsulent@demo.fodfaeste.dk", "Karen Konsulent", Role.KONSULENT),
    ("konsulent2@demo.fodfaeste.dk", "Kasper Konsulent", Role.KONSULENT),
    ("arbejdsgiver@demo.fodfaeste.dk", "Erik Arbejdsgiver", Role.EMPLOYER),
]


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo_companies() -> list[Company]:
    if not DEMO_COMPANIES_FILE.exists():
        return []
    companies = []
    for row in json.loads(DEMO_COMPANIES_FILE.read_text(encoding="utf-8")):
        place = geocode(street=row.get("address", ""), postcode=row["postcode"])
        company = Company(
            name=row["name"], cvr=row.get("cvr"), address=row.get("address", ""),
            postcode=place.postcode, city=row.get("city") or place.city,
            lat=place.lat, lon=place.lon, geo_precision=place.precision,
        )
        db.session.add(company)
        companies.append(company)
    db.session.flush()
    return companies


def load_demo_data() -> dict:
    """Create demo users and companies in an empty database; return what was created."""
    companies = load_demo_companies()
    if not companies:
        first = geocode(postcode="8000")
        companies = [Company(name="Demo Virksomhed ApS", postcode=first.postcode, city=first.city,
                             lat=first.lat, lon=first.lon, geo_precision=first.precision)]
        db.session.add_all(companies)
        db.session.flush()
    users = []
    for email, name, role in DEMO_USERS:
        company_id = companies[0].id if role == Role.EMPLOYER else None
        users.append(create_user(email=email, name=name, role=role, password=DEMO_PASSWORD,
                                 company_id=company_id))
    return {"users": users, "companies": companies}
