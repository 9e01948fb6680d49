"""Fixtures for openings: openings and proposals made through the services."""

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.models import Borger, Company, Opening, User
from crm.timeutil import utcnow


@pytest.fixture
def make_opening(app):
    """An opening through the service; ``days_unconfirmed`` backdates its confirmation."""
    from crm.services.openings import create_opening

    def _make(company_id, *, days_unconfirmed=0, **fields):
        data = {"title": "Lagermedarbejder", "kind": "job", "hours_min": 10, "hours_max": 20,
                "status": "aaben", "description": "Pluk og pak på lageret."}
        data.update(fields)
        with app.app_context():
            opening = create_opening(db.session.get(Company, company_id), data)
            opening.confirmed_at = utcnow() - timedelta(days=days_unconfirmed)
            db.session.commit()
            return opening.id

    return _make


@pytest.fixture
def propose(app):
    """Shortlist and propose a borger to a company (optionally an opening); returns the placement id."""
    from crm.services.placements import propose as propose_placement
    from crm.services.placements import shortlist

    def _propose(borger_id, company_id, opening_id=None):
        with app.app_context():
            borger = db.session.get(Borger, borger_id)
            actor = db.session.get(User, borger.vejleder_id)
            placement = shortlist(borger, company=db.session.get(Company, company_id),
                                  opening=db.session.get(Opening, opening_id) if opening_id else None,
                                  score=None, components={}, reasons=[], actor=actor)
            if borger.consent_to_propose:
                propose_placement(placement, actor=actor)
            db.session.commit()
            return placement.id

    return _propose


@pytest.fixture
def employer(make_user, make_partner):
    """An employer user of a fresh partner company: (email, company_id)."""
    company_id = make_partner("Lager A/S", "8000", "Lager")
    return make_user("employer", company_id=company_id), company_id

