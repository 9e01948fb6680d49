import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import User


@pytest.fixture
def user_id(app):
    def _id(email):
        with app.app_context():
            return db.session.scalar(sa.select(User.id).where(User.email == email))

    return _id


@pytest.fixture
def make_borger(app, user_id):
    """Enrol a borger through the service; returns its id."""
    from crm.services.borgere import create_borger

    def _make(vejleder_email, **overrides):
        data = {
            "first_name": "Mette", "vejleder_id": user_id(vejleder_email), "postcode": "8000",
            "transport": "bike", "max_travel_minutes": 30, "hours_min": 10, "hours_max": 20,
            "wishes": ["lagerarbejde"], "strengths": ["punktlig"], "consent_to_propose": True,
            "shared_fields": ["first_name", "wishes"],
        }
        data.update(overrides)
        with app.app_context():
            actor = db.session.get(User, data["vejleder_id"])
            borger = create_borger(data, actor=actor)
            db.session.commit()
            return borger.id

    return _make


@pytest.fixture
def make_partner(app):
    """A partner company through the service; returns its id."""
    from crm.services.companies import create_company

    def _make(name, postcode="8000", industry_text="", **overrides):
        with app.app_context():
            company = create_company({"name": name, "postcode": postcode, "industry_text": industry_text,
                                      "status": "partner", **overrides})
            db.session.commit()
            return company.id

    return _make
