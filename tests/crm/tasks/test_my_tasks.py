"""Mine opgaver: a task about a borger links to them for those who may open the record, and the
list is paged (issue 16)."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger, Task
from crm.paging import PAGE_SIZE
from crm.timeutil import today


def _task(app, assignee_id, *, borger_id=None, title="Opfølgning", days=1):
    with app.app_context():
        db.session.add(Task(title=title, due=today() + timedelta(days=days), assignee_id=assignee_id,
                            borger_id=borger_id))
        db.session.commit()


def test_the_vejleder_reaches_the_borger_of_a_task_and_the_read_is_audited(app, browser, make_user,
                                                                         make_borger, user_id):
    email = make_user("vejleder")
    borger_id = make_borger(email, first_name="Mette")
    _task(app, user_id(email), borger_id=borger_id, title="Ring til arbejdsgiveren")
    browser.login(email)
    html = browser.get("/opgaver/").get_data(as_text=True)
    assert f'<a href="/borgere/{borger_id}">Mette' in html
    with app.app_context():
        pages = db.session.scalars(sa.select(AuditEvent.details).where(
            AuditEvent.action == "borger.view", AuditEvent.object_id == str(borger_id))).all()
        assert any(details.get("page") == "tasks" for details in pages)


def test_someone_who_may_not_open_the_borger_sees_only_the_reference(app, browser, make_user, make_borger,
                                                                     user_id):
    borger_id = make_borger(make_user("vejleder"), first_name="Mette")
    konsulent = make_user("konsulent")
    _task(app, user_id(konsulent), borger_id=borger_id)
    browser.login(konsulent)
    html = browser.get("/opgaver/").get_data(as_text=True)
    with app.app_context():
        reference = db.session.get(Borger, borger_id).reference
    assert reference in html
    assert "Mette" not in html and f"/borgere/{borger_id}" not in html


def test_a_long_task_list_is_paged(app, browser, make_user, user_id):
    email = make_user("konsulent")
    for n in range(PAGE_SIZE + 5):
        _task(app, user_id(email), title=f"Opgave {n:03d}", days=n)
    browser.login(email)
    first = browser.get("/opgaver/").get_data(as_text=True)
    assert "Side 1 af 2" in first and "Opgave 000" in first and f"Opgave {PAGE_SIZE:03d}" not in first
    second = browser.get("/opgaver/?page=2").get_data(as_text=True)
    assert f"Opgave {PAGE_SIZE:03d}" in second
