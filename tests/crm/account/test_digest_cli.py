"""`flask digest send`: the scheduler's command runs the digest as a job and is safe to run again."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Job, User
from crm.services.contacts import create_task
from crm.services.job_kinds import DIGEST_SEND
from crm.timeutil import today


@pytest.fixture
def outbox(app):
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def test_digest_send_mails_once_a_day_and_is_recorded_as_a_job(app, runner, outbox, make_user):
    email = make_user("vejleder")
    make_user("konsulent")  # nothing to say: no mail
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        create_task(title="Ring til bageren", due=today() - timedelta(days=1), assignee_id=user.id, actor=None)
        db.session.commit()
    first = runner.invoke(args=["digest", "send", "--base-url", "https://fodfaeste.example.dk"])
    second = runner.invoke(args=["digest", "send"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert f"Overblik sendt til {email}: 1 punkt" in first.output
    assert "1 overblik sendt, 1 uden indhold (ikke sendt), 0 allerede lavet i dag." in first.output
    assert "0 overblik sendt, 0 uden indhold (ikke sendt), 2 allerede lavet i dag." in second.output
    assert [m.to for m in outbox] == [[email]]
    assert "https://fodfaeste.example.dk/overblik/afmeld/" in outbox[0].body
    with app.app_context():
        jobs = db.session.scalars(sa.select(Job).where(Job.kind == DIGEST_SEND)).all()
        assert [job.status for job in jobs] == ["done", "done"]
        assert [job.result["sent"] for job in jobs] == [1, 0]


def test_digest_send_with_no_staff_says_so(runner, outbox):
    result = runner.invoke(args=["digest", "send"])
    assert result.exit_code == 0
    assert "0 overblik sendt" in result.output and outbox == []
