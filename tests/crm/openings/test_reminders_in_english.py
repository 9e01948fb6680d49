"""The call task a reminder leaves a konsulent is stored as text, so it is written in the konsulent's
language (the e-mail to an employer in theirs: tests/crm/portal/test_portal_in_english.py)."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Task, User
from crm.services.reminders import send_reminders


@pytest.fixture
def outbox(app):
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def choose_language(app, email: str, language: str) -> int:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.language = language
        db.session.commit()
        return user.id


def test_call_task_for_an_english_speaking_konsulent_is_in_english(app, outbox, make_user, make_partner, make_opening):
    company_id = make_partner("Uden Portal ApS", "8000")
    konsulent_id = choose_language(app, make_user("konsulent"), "en")
    with app.app_context():
        db.session.get(Company, company_id).konsulent_id = konsulent_id
        db.session.commit()
    make_opening(company_id, title="Chauffør", days_unconfirmed=40)
    with app.app_context():
        [reminder] = send_reminders(link="x")
        db.session.commit()
        task = db.session.get(Task, reminder.task.id)
        assert task.title == "Call the company: openings need confirming"
        assert task.note.startswith("Uden Portal ApS has no user in the company portal")
    assert outbox == []
