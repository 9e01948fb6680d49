"""Failed logins at the same moment all count toward the lock (SQLite and PostgreSQL): the counter
goes up in the database, not from a value each request read before the others wrote."""

import threading

import sqlalchemy as sa

from crm.extensions import db
from crm.models import LoginAttempt
from tests.conftest import Browser, csrf_token_from

WAIT_SECONDS = 30


def test_concurrent_failed_logins_are_all_counted(app, make_user):
    email = make_user("vejleder")
    n = app.config["LOGIN_MAX_FAILURES"] - 1
    clients = [app.test_client() for _ in range(n)]
    tokens = [csrf_token_from(client.get("/login").get_data(as_text=True)) for client in clients]
    barrier, statuses = threading.Barrier(n), [None] * n

    def fail(i):
        barrier.wait(WAIT_SECONDS)
        response = clients[i].post("/login", data={"email": email, "password": "forkert",
                                                   "csrf_token": tokens[i]})
        statuses[i] = response.status_code

    threads = [threading.Thread(target=fail, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert statuses == [401] * n
    with app.app_context():
        assert db.session.scalar(sa.select(LoginAttempt.failures).where(LoginAttempt.email == email)) == n
    response = Browser(app.test_client()).login(email, "forkert")
    assert "For mange mislykkede forsøg" in response.get_data(as_text=True)
