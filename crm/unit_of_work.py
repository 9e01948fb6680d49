"""One request, one unit of work: views and services never commit; the request does, once, at the end.

``run_request`` wraps Flask's dispatch of every request (``FodfaesteFlask.full_dispatch_request``),
and ``end_of_request`` (an after-request hook, so before the session is saved into the response)
commits or rolls back:

- a response below 400 (a page, a redirect after a save, a download) commits everything the request
  wrote, the audit rows of a GET included; a 4xx/5xx response or an exception rolls it all back,
  unless the view called ``keep_writes`` (a refused attempt that must stay audited, a failed login
  that must count);
- the session (flash messages, login state) is put back as it was when the commit fails, so no
  "saved" message and no login outlives a write that was lost: the user sees the error page instead;
  an error response takes back the flash messages of the request the same way (``discard_flashes``);
- PostgreSQL may abort a transaction that collided with another (serialization failure, deadlock;
  often only at the commit); the request is then run again from the start, on the restored session;
- ``after_commit`` callbacks run once the commit succeeded (handing a committed job to its queue).

A CLI command or a job is its own unit of work and commits itself (``crm.cli``, ``crm.services.jobs``).
"""

import copy
from collections.abc import Callable

from flask import Response, g, request, session
from sqlalchemy.exc import OperationalError

from crm.extensions import db

# PostgreSQL SQLSTATEs of a transaction aborted because it collided: serialization failure, deadlock.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# Runs of one request before the collision is answered with an error page.
REQUEST_ATTEMPTS = 3
# Statuses below this commit the request's writes.
FIRST_ERROR_STATUS = 400

_KEEP_WRITES = "_uow_keep_writes"
_AFTER_COMMIT = "_uow_after_commit"
_COMMITTED = "_uow_committed"
_FLASHES_BEFORE = "_uow_flashes_before"
FLASHES_KEY = "_flashes"  # where Flask keeps flash messages in the session


def keep_writes() -> None:
    """Commit this request's writes even though its response is an error status (401, 403 …)."""
    setattr(g, _KEEP_WRITES, True)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` when this request's writes are committed (never if they are rolled back)."""
    getattr(g, _AFTER_COMMIT).append(callback)


def discard_flashes() -> None:
    """Take back the flash messages this request added, unless it keeps its writes: an error page
    (and the page after it) must not say "saved" about a change that was rolled back."""
    if getattr(g, _KEEP_WRITES, True):
        return  # outside a request's unit of work, or a refusal that keeps its writes (and says so)
    before = getattr(g, _FLASHES_BEFORE)
    if before:
        session[FLASHES_KEY] = copy.deepcopy(before)
    else:
        session.pop(FLASHES_KEY, None)


def _is_retryable(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_request(dispatch: Callable[[], Response]) -> Response:
    """Run ``dispatch`` (one full dispatch of the request) as one unit of work; see the module docstring."""
    if request.endpoint == "static":
        return dispatch()  # a file: nothing to write, and its answer stays free of the session
    for attempt in range(1, REQUEST_ATTEMPTS + 1):
        saved_session = copy.deepcopy(dict(session))
        setattr(g, _KEEP_WRITES, False)
        setattr(g, _AFTER_COMMIT, [])
        setattr(g, _FLASHES_BEFORE, saved_session.get(FLASHES_KEY))
        setattr(g, _COMMITTED, False)
        try:
            response = dispatch()
        except OperationalError as exc:
            _abandon(saved_session)
            if attempt == REQUEST_ATTEMPTS or not _is_retryable(exc):
                raise
            continue
        except BaseException:
            _abandon(saved_session)
            raise
        if getattr(g, _COMMITTED):
            for callback in getattr(g, _AFTER_COMMIT):
                callback()
        return response
    raise AssertionError("unreachable")


def end_of_request(response: Response) -> Response:
    """after_request hook: commit by the response's status (or ``keep_writes``), else roll back and
    take back the request's flash messages; runs before the session is saved into the response."""
    if response.status_code < FIRST_ERROR_STATUS or g.get(_KEEP_WRITES):
        db.session.commit()  # a failure propagates to ``run_request``
        setattr(g, _COMMITTED, True)
    else:
        db.session.rollback()
        discard_flashes()
    return response


def _abandon(saved_session: dict) -> None:
    """Undo the attempt: its writes, and what it put in the session (flashes, login)."""
    db.session.rollback()
    session.clear()
    session.update(saved_session)
    g.pop("_login_user", None)  # Flask-Login's cached user: loaded again from the restored session
