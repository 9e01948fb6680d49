"""One way to page a list: the ``page`` query parameter read safely, a fixed page size per list."""

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import lazyload

from crm.extensions import db
from crm.validators import parse_int

# Lists of people and tasks: long enough to scan, short enough to stay fast at any register size.
PAGE_SIZE = 50
# A page number beyond this is tampering (it would overflow the database's OFFSET): show page 1.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query parameter as a page number from 1 to MAX_PAGE (1 when missing or odd)."""
    return parse_int(request.args.get("page", ""), minimum=1, maximum=MAX_PAGE) or 1


def page_of(*queries: sa.Select, per_page: int = PAGE_SIZE, page: int | None = None,
            counts: list[int] | None = None) -> Pagination:
    """One page of ``query`` (ordered by the caller), with what the pagination macro needs.

    Several queries are paged as one list, the rows of the first, then of the second …: a list
    ordered "open ones first" is two queries that an index each serves in order, where one query
    ordered by an expression would sort every row of the register for each page. ``counts``: the
    number of rows of each query when the caller knows them (e.g. cached), else they are counted.
    """
    page = page or page_number()
    if len(queries) == 1:
        return db.paginate(queries[0], page=page, per_page=per_page, max_per_page=per_page,
                           error_out=False)
    known = {} if counts is None else {"counts": list(counts)}
    return ConcatenatedPagination(page=page, per_page=per_page, max_per_page=per_page,
                                  error_out=False, parts=queries, **known)


class ConcatenatedPagination(Pagination):
    """A page of the rows of several ordered queries, one after the other (see ``page_of``)."""

    def _counts(self) -> list[int]:
        if "counts" not in self._query_args:
            self._query_args["counts"] = [
                db.session.scalar(sa.select(sa.func.count()).select_from(
                    part.options(lazyload("*")).order_by(None).subquery()))
                for part in self._query_args["parts"]]
        return self._query_args["counts"]

    def _query_items(self) -> list:
        skip, wanted, items = self._query_offset, self.per_page, []
        for part, count in zip(self._query_args["parts"], self._counts(), strict=True):
            if skip >= count:
                skip -= count
                continue
            items += db.session.scalars(part.offset(skip).limit(wanted)).unique().all()
            skip, wanted = 0, self.per_page - len(items)
            if wanted <= 0:
                break
        return items

    def _query_count(self) -> int:
        return sum(self._counts())
