"""Unknown e-mails and wrong passwords look the same (status, body, time); the rate limit is
shared between workers through Redis when RATELIMIT_STORAGE_URI is set."""

import os
import re
import time

import pytest

from tests.conftest import Browser, csrf_token_from, fresh_redis, worker_redis_url

REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def _body(response, email):
    html = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "CSRF", html)


def test_unknown_email_and_wrong_password_do_the_same_work(make_app, monkeypatch):
    """Same answer, and the same Argon2 work: one verification at the production cost either way.

    The work is counted, and the time is this thread's CPU time (not wall time), so a loaded machine cannot fail it.
    """
    from argon2 import PasswordHasher, extract_parameters

    from crm.extensions import db
    from crm.services.users import create_user

    # Real Argon2 cost: the timing claim is about the production hash, not the cheap test one.
    app = make_app(PASSWORD_HASH_PROFILE="default", LOGIN_MAX_FAILURES=1000, LOGIN_RATE_LIMIT="1000 per minute")
    known = "kendt@test.fodfaeste.dk"
    with app.app_context():
        create_user(email=known, name="Kendt", role="vejleder", password="korrekt-hest-batteri-9")
        db.session.commit()
    unknown = "ingen.konto@test.fodfaeste.dk"
    verifications = []
    real_verify = PasswordHasher.verify

    def counting_verify(hasher, hash, password):
        params = extract_parameters(hash)
        verifications.append((params.type, params.time_cost, params.memory_cost, params.parallelism))
        return real_verify(hasher, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    work = {known: [], unknown: []}
    cpu = {known: [], unknown: []}
    bodies = {known: set(), unknown: set()}
    for _ in range(10):
        for email in (known, unknown):
            verifications.clear()
            start = time.thread_time()
            response = client.post("/login", data={"email": email, "password": "forkert-kode",
                                                   "csrf_token": token})
            cpu[email].append(time.thread_time() - start)
            work[email].append(tuple(verifications))
            bodies[email].add((response.status_code, _body(response, email)))
    assert bodies[known] == bodies[unknown] and len(bodies[known]) == 1
    assert len(set(work[known])) == 1 and set(work[known]) == set(work[unknown])
    ((_type, _time_cost, memory_cost, _parallelism),) = work[known][0]
    assert memory_cost >= 64 * 1024  # the RFC 9106 profile, not the test one
    # The fastest of ten runs is the least disturbed by other processes sharing the core; the work is
    # proven equal above, so this only catches large extra work outside Argon2 on one path.
    a, b = min(cpu[known]), min(cpu[unknown])
    assert abs(a - b) / max(a, b) < 0.25, (a, b)


@pytest.fixture
def redis_url():
    return fresh_redis(REDIS_URL)


def test_rate_limit_is_shared_between_workers_through_redis(make_app, redis_url):
    workers = [make_app(RATELIMIT_STORAGE_URI=redis_url, LOGIN_RATE_LIMIT="4 per minute") for _ in range(2)]
    codes = []
    for i in range(6):
        client = workers[i % 2].test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        codes.append(client.post("/login", data={"email": "x@y.dk", "password": "z",
                                                 "csrf_token": token}).status_code)
    assert codes == [401, 401, 401, 401, 429, 429]


def test_failed_login_counter_lives_in_the_database_for_every_worker(make_app, make_user):
    email = make_user("vejleder")
    workers = [make_app(), make_app()]
    for i in range(workers[0].config["LOGIN_MAX_FAILURES"]):
        Browser(workers[i % 2].test_client()).login(email, "forkert")
    response = Browser(workers[1].test_client()).login(email)
    assert "For mange mislykkede forsøg" in response.get_data(as_text=True)
