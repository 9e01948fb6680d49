"""One way to page a list: the ``page`` query parameter read safely, a fixed page size per list."""

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination

from crm.extensions import db
from crm.validators import parse_int

# Lists of people and tasks: long enough to scan, short enough to stay fast at any register size.
PAGE_SIZE = 50
# A page number beyond this is tampering (it would overflow the database's OFFSET): show page 1.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query parameter as a page number from 1 to MAX_PAGE (1 when missing or odd)."""
    return parse_int(request.args.get("page", ""), minimum=1, maximum=MAX_PAGE) or 1


def page_of(query: sa.Select, *, per_page: int = PAGE_SIZE) -> Pagination:
    """One page of ``query`` (ordered by the caller), with what the pagination macro needs."""
    return db.paginate(query, page=page_number(), per_page=per_page, max_per_page=per_page, error_out=False)
