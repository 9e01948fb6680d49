"""Fixtures for report tests: programmes, outcome events and contacts built directly with models
(fast)."""

from datetime import date, datetime, time, timedelta

import pytest

from crm.extensions import db
from crm.models import ContactLogEntry, OutcomeEvent, Programme, ProgrammeTarget


@pytest.fixture
def make_programme(app):
    def _make(name="Testindsats", *, targets=(), starts_on=None, ends_on=None, caseload_norm=20):
        with app.app_context():
            programme = Programme(
                name=name,
                municipality="Aarhus",
                starts_on=starts_on,
                ends_on=ends_on,
                caseload_norm=caseload_norm,
            )
            for position, (outcome, goal_kind, goal) in enumerate(targets):
                programme.targets.append(
                    ProgrammeTarget(
                        outcome=outcome,
                        label=f"Mål {outcome}",
                        goal_kind=goal_kind,
                        goal=goal,
                        position=position,
                    )
                )
            db.session.add(programme)
            db.session.commit()
            return programme.id

    return _make


@pytest.fixture
def add_outcome(app):
    """Add an OutcomeEvent for a borger in a programme, ``days_ago`` before today by default."""
    from crm.timeutil import today

    def _add(borger_id, programme_id, kind, *, on_date=None, days_ago=1, company_id=None, placement_id=None):
        with app.app_context():
            db.session.add(
                OutcomeEvent(
                    borger_id=borger_id,
                    programme_id=programme_id,
                    kind=kind,
                    on_date=on_date or today() - timedelta(days=days_ago),
                    company_id=company_id,
                    placement_id=placement_id,
                )
            )
            db.session.commit()

    return _add


@pytest.fixture
def add_contact(app):
    """Log an employer contact by a user on a Danish local date (stored at noon UTC)."""

    def _add(user_id, company_id, on: date, *, face_to_face=True):
        with app.app_context():
            db.session.add(
                ContactLogEntry(
                    company_id=company_id,
                    user_id=user_id,
                    kind="visit",
                    face_to_face=face_to_face,
                    at=datetime.combine(on, time(11)),
                )
            )
            db.session.commit()

    return _add
