"""HTTP done properly, once for every resource: page links, ETag / If-Match on the optimistic
version, 201 with Location, and idempotent creates (``Idempotency-Key``)."""

import hashlib
import json
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import gettext as _
from werkzeug.datastructures import Headers

from crm.api.auth import current_token
from crm.extensions import db
from crm.models import IdempotentRequest
from crm.paging import page_of
from crm.timeutil import utcnow

IDEMPOTENCY_KEY_MAX = 200
#: How long a create's answer is kept for a retry with the same key; older keys are forgotten
#: (and deleted), so a stored answer's text does not outlive the day it was needed for.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


def paged(*queries, page: int, per_page: int):
    """One page of ``queries`` (``crm.paging.page_of``, the lists' own paging) at ``page``."""
    return page_of(*queries, per_page=per_page, page=page)


def page_body(items: list, pagination) -> dict:
    return {"items": items, "meta": {"page": pagination.page, "per_page": pagination.per_page,
                                     "total": pagination.total or 0, "pages": pagination.pages or 1}}


def link_header(pagination) -> dict:
    """RFC 8288 ``Link`` with first/prev/next/last, keeping the request's other query parameters."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]

    def url(page: int) -> str:
        return f"{request.base_url}?{urlencode([*args, ('page', page)])}"

    links = [f'<{url(1)}>; rel="first"', f'<{url(max(pagination.pages, 1))}>; rel="last"']
    if pagination.has_prev:
        links.append(f'<{url(pagination.prev_num)}>; rel="prev"')
    if pagination.has_next:
        links.append(f'<{url(pagination.next_num)}>; rel="next"')
    return {"Link": ", ".join(links)}


def etag_of(obj) -> str:
    return f'"{obj.id}-{obj.version}"'


def etag_header(obj) -> dict:
    return {"ETag": etag_of(obj)}


def expected_version(obj) -> int:
    """The version an update is based on, from ``If-Match`` (412 when it is not the current one,
    428 when it is missing): nobody overwrites a change they have not seen."""
    if_match = request.headers.get("If-Match")
    if not if_match:
        abort(428)
    candidates = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in candidates or etag_of(obj) in candidates:
        return obj.version
    abort(412)


def created(body: dict, location: str, obj, *, etag: bool = True) -> tuple:
    headers = Headers({"Location": location, **(etag_header(obj) if etag else {})})
    return body, 201, headers


# --- Idempotency-Key ----------------------------------------------------------------------------

def _body_hash() -> str:
    data = request.get_json(silent=True)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False) if data is not None else request.get_data()
    raw = canonical.encode() if isinstance(canonical, str) else canonical
    return hashlib.sha256(raw).hexdigest()


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        abort(422, description=_("Idempotency-Key skal være 1–%(max)s synlige tegn.", max=IDEMPOTENCY_KEY_MAX))
    return key


def replay():
    """The stored answer of an earlier create with this request's ``Idempotency-Key`` (None: a
    first attempt). The same key with another body or on another URL is refused (422)."""
    key = idempotency_key()
    if key is None:
        return None
    stored = db.session.scalar(db.select(IdempotentRequest).where(
        IdempotentRequest.token_id == current_token().id, IdempotentRequest.key == key,
        IdempotentRequest.created_at >= utcnow() - IDEMPOTENCY_KEY_LIFETIME))
    if stored is None:
        return None
    if stored.body_hash != _body_hash() or stored.path != request.path or stored.method != request.method:
        abort(422, description=_("Idempotency-Key er allerede brugt til en anden forespørgsel."))
    headers = Headers({"Idempotent-Replayed": "true"})
    if stored.location:
        headers["Location"] = stored.location
    return stored.response, stored.status, headers


def remember(body: dict, status: int, location: str) -> None:
    """Keep a create's answer under its ``Idempotency-Key`` (committed with the create itself)."""
    key = idempotency_key()
    if key is None:
        return
    token_id = current_token().id
    db.session.execute(sa.delete(IdempotentRequest).where(
        IdempotentRequest.token_id == token_id, IdempotentRequest.created_at < utcnow() - IDEMPOTENCY_KEY_LIFETIME))
    try:
        with db.session.begin_nested():
            db.session.add(IdempotentRequest(token_id=token_id, key=key, method=request.method,
                                             path=request.path, body_hash=_body_hash(), status=status,
                                             location=location, response=body))
    except sa.exc.IntegrityError:
        # The same key committed by a request running at the same time: this create is undone
        # (the error rolls the request back) and a retry gets the first one's answer.
        abort(409, description=_("En forespørgsel med samme Idempotency-Key blev behandlet samtidig; "
                                 "prøv igen for at få dens svar."))


def create_with(make, dump, location_for, *, etag: bool = True):
    """Run a create (``make()`` → the new object) idempotently: 201, Location, and the ETag of an
    object that keeps a version."""
    earlier = replay()
    if earlier is not None:
        return earlier
    obj = make()
    db.session.flush()
    body = dump(obj)
    location = location_for(obj)
    remember(body, 201, location)
    return created(body, location, obj, etag=etag)



def object_first(load):
    """Check the object of the URL (``load(**view_args)``: 404/403) before the body is read, so a
    foreign object's id answers 404/403 whatever the body holds, never a 422 that tells it exists.
    Put it above ``@bp.arguments``; the view takes the loaded object from ``url_object()``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.api_url_object = load(**{key: value for key, value in kwargs.items() if key.endswith("_id")})
            return view(*args, **kwargs)

        return wrapped

    return decorator


def url_object():
    """The object ``object_first`` loaded (and checked) for this request."""
    return g.api_url_object
