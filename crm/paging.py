"""One way to page a list: the ``page`` query parameter read safely, a fixed page size per list."""

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination

from crm.extensions import db

# Lists of people and tasks: long enough to scan, short enough to stay fast at any register size.
PAGE_SIZE = 50
# A page number beyond this is tampering (it would overflow the database's OFFSET): show page 1.
MAX_PAGE = 100_000


def requested_page() -> int:
    """The ``page`` query parameter, or 1 when it is missing, not a number or out of range."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= MAX_PAGE else 1


def page_of(query: sa.Select, *, per_page: int = PAGE_SIZE) -> Pagination:
    """One page of ``query`` (ordered by the caller), with what the pagination macro needs."""
    return db.paginate(query, page=requested_page(), per_page=per_page, max_per_page=per_page, error_out=False)
