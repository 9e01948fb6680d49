"""Find companies in the partner register: filters, typo-tolerant text search, distance, sorting.

Built to stay fast with 100,000 companies (``bench/company_search_bench.py`` measures it):

1. SQL does every filter it can: status, industry, konsulent, offers (through the
   ``company_offers`` table: a company must offer *all* the chosen tags), an exact CVR or postcode
   for a query of digits, and a latitude/longitude bounding box around the distance origin.
2. The exact distance of what is left in the box is computed at once with numpy
   (``matcher.geo.geodesic_km``, WGS84 ellipsoid, agrees with geopy's geodesic to < 0.1 %).
3. The typo-tolerant text match runs only over the remaining candidates' normalised name, city
   and free tags with ``rapidfuzz.process.cdist`` (WRatio, with a score cutoff) — one vectorised
   call per field, never a query per row. WRatio forgives little in a short word ("bagri" against
   "bageri" scores 72), so each word of the query is also matched against the words of each field
   (``WordIndex``): a letter dropped or added (and, in a long word, one wrong) still finds the
   word or its beginning ("bagri" → "bageriet"). Both sides are folded first: å/aa, æ/ae and ø/oe
   are the same ("aeblehaven" finds "Æblehaven"). Those text columns come from ``TextIndex``,
   read once per process and reused until the companies table changes (reading 100,000 names
   costs more than matching them); a query of digits is a CVR number or postcode and is matched
   in SQL.
4. Only the page that is shown is loaded as full ``Company`` objects (with offers and konsulent).

Without a text query or a distance the whole search, count and page included, is plain SQL.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, Levenshtein
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import Company
from crm.models.company import company_offers
from crm.sorting import danish, python_key
from crm.timeutil import utcnow
from crm.validators import normalize_company_name, normalize_cvr
from matcher.geo import geodesic_km

#: Lowest rapidfuzz score (0–100) for a text hit. WRatio gives a misspelt name 85–95
#: ("hasnens bageri" vs "hansens bageri": 93) and a prefix of a word 90 (partial match × 0.9),
#: while unrelated names of similar length stay below 70.
SCORE_CUTOFF = 78
#: Score of a company every word of whose query matches a word of its name with at most one
#: letter dropped or added (``WordIndex``): above the cutoff, below a whole-word prefix hit (90).
WORD_HIT_SCORE = 85
#: Query words this long may differ by one dropped or added letter (shorter ones must begin a word).
MIN_TYPO_WORD = 4
#: Query words this long may also have one wrong letter (shorter ones would match too much).
MIN_WRONG_LETTER_WORD = 6
#: Weight of a city or free-tag hit relative to a name hit, so the company whose *name* matches
#: ranks first when a query is also a town name.
OTHER_FIELD_WEIGHT = 0.95
#: km per degree of latitude (lower bound over the ellipsoid, so the box is never too small).
KM_PER_DEGREE_LAT = 110.57
#: Widen the bounding box a little; the exact geodesic check decides afterwards.
BOX_MARGIN = 1.02

SORTS = {
    "name": _l("Navn"),
    "city": _l("By"),
    "status": _l("Status"),
    "last_contact": _l("Længst siden kontakt"),
    "distance": _l("Afstand"),
    "relevance": _l("Relevans"),
}
STATUS_ORDER = ["emne", "dialog", "partner", "pause", "ophoert"]
#: The normalised name, or the lower-cased name for a row written without the service.
NAME_KEY = sa.case((Company.name_key == "", sa.func.lower(Company.name)), else_=Company.name_key)
#: The one definition of each column sort, then the id: SQL orders by these columns, and a text or
#: distance search sorts its candidates in Python by the same columns read with them.
#: Names in Danish order (crm/sorting.py): by the indexed ``sort_key``, and the city by the Danish
#: collation, which Python compares through ``python_key``.
SORT_KEYS = {
    "name": (Company.sort_key,),
    "city": (danish(sa.func.coalesce(Company.city, "")), Company.sort_key),
    "status": (sa.case({s: i for i, s in enumerate(STATUS_ORDER)}, value=Company.status, else_=99),
               Company.sort_key),
    # Longest without contact first; never contacted before everything else.
    "last_contact": (sa.case((Company.last_contact_at.is_(None), 0), else_=1), Company.last_contact_at),
}


@dataclass(frozen=True)
class CompanySearch:
    """What to look for. Empty values mean "no filter".

    ``radius_km`` needs an origin: ``postcode`` (its centroid) or ``origin`` (lat, lon), e.g. a
    company's position. ``sort`` is one of ``SORTS``; empty picks relevance when searching text,
    distance when there is an origin, else name.
    """

    q: str = ""
    statuses: tuple[str, ...] = ()
    industry_code: str | None = None
    offers: tuple[str, ...] = ()
    konsulent_id: int | None = None
    postcode: str | None = None
    origin: tuple[float, float] | None = None
    radius_km: float | None = None
    sort: str = ""
    exclude_id: int | None = None

    @property
    def has_origin(self) -> bool:
        return self.origin is not None

    def effective_sort(self) -> str:
        if self.sort == "distance" and not self.has_origin:
            return "name"
        if self.sort == "relevance" and not self.q.strip():
            return "name"
        if self.sort in SORTS:
            return self.sort
        if self.q.strip():
            return "relevance"
        return "distance" if self.has_origin else "name"


@dataclass
class SearchHit:
    company: Company
    distance_km: float | None = None
    score: float | None = None

    @property
    def days_since_contact(self) -> int | None:
        return days_since(self.company.last_contact_at)


class SearchResult(Pagination):
    """One page of hits, with Flask-SQLAlchemy's page arithmetic (``pages``, ``has_prev``,
    ``next_num`` …) for the pagination macro; ``sort`` and ``origin`` say how it was made."""

    def __init__(self, hits_on_page: Callable[[int, int], list[SearchHit]], *, total: int, page: int,
                 per_page: int, sort: str, origin: tuple[float, float] | None):
        self.sort = sort
        self.origin = origin
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False,
                         hits_on_page=hits_on_page, total=total)

    def _query_items(self) -> list[SearchHit]:
        return self._query_args["hits_on_page"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["total"]

    @property
    def hits(self) -> list[SearchHit]:
        return self.items

    @property
    def companies(self) -> list[Company]:
        return [hit.company for hit in self.items]


def days_since(moment: datetime | None) -> int | None:
    """Whole days from ``moment`` (naive UTC) until now; None when there was no contact."""
    if moment is None:
        return None
    return max(0, (utcnow() - moment).days)


def search_companies(filters: CompanySearch, *, page: int = 1, per_page: int | None = 50) -> SearchResult:
    """Return one page of companies matching ``filters`` (``per_page=None``: all of them).

    Distances are in km; a hit's ``score`` is the rapidfuzz text score in [0, 100] (None
    without a text query). A page past the end is clamped to the last page.
    """
    page = max(1, int(page or 1))
    sort = filters.effective_sort()
    query = filters.q.strip()
    where = _sql_filters(filters)
    digits = _digits_query(query)
    if digits:
        where.append(sa.or_(Company.cvr.like(f"{digits}%"), Company.postcode == digits)
                     if len(digits) == 4 else Company.cvr.like(f"{digits}%"))
    text = search_key(query) if query and not digits else ""

    if not text and filters.origin is None:
        return _sql_page(where, sort, filters, page, per_page)

    ids, distances, scores, keys = _candidates(where, filters, text, sort)
    order = _order(ids, distances, scores, keys, sort)

    def hits_on_page(offset: int, limit: int) -> list[SearchHit]:
        chosen = order[offset:offset + limit]
        loaded = _load(ids[chosen].tolist())
        return [
            SearchHit(loaded[int(ids[i])],
                      distance_km=float(distances[i]) if distances is not None else None,
                      score=float(scores[i]) if scores is not None else None)
            for i in chosen if int(ids[i]) in loaded  # one deleted meanwhile is left out
        ]

    return _result(hits_on_page, len(order), page, per_page, sort, filters.origin)


def _digits_query(query: str) -> str:
    """The digits of a query that is a CVR number or postcode (``DK 1234 5678``), else ""."""
    cleaned = normalize_cvr(query) or ""
    return cleaned if cleaned.isdigit() and len(cleaned) >= 4 else ""


def _sql_filters(filters: CompanySearch) -> list:
    where = []
    if filters.statuses:
        where.append(Company.status.in_(filters.statuses))
    if filters.industry_code:
        where.append(Company.industry_code == filters.industry_code)
    if filters.konsulent_id:
        where.append(Company.konsulent_id == filters.konsulent_id)
    if filters.exclude_id:
        where.append(Company.id != filters.exclude_id)
    offers = sorted(set(filters.offers))
    if offers:
        # Every chosen offer: the company must have as many matching rows as offers were chosen.
        having_all = (
            sa.select(company_offers.c.company_id)
            .where(company_offers.c.tag_code.in_(offers))
            .group_by(company_offers.c.company_id)
            .having(sa.func.count() == len(offers))
        )
        where.append(Company.id.in_(having_all))
    if filters.radius_km is not None:
        if filters.origin is None:
            raise ValueError("A distance filter needs an origin (postcode or company).")
        lat, lon = filters.origin
        dlat = filters.radius_km / KM_PER_DEGREE_LAT * BOX_MARGIN
        far_lat = min(89.0, abs(lat) + dlat)
        dlon = dlat / math.cos(math.radians(far_lat))
        where += [Company.lat.between(lat - dlat, lat + dlat), Company.lon.between(lon - dlon, lon + dlon)]
    return where


def _sql_page(where, sort, filters, page, per_page) -> SearchResult:
    total = db.session.scalar(sa.select(sa.func.count(Company.id)).where(*where)) or 0
    stmt = (sa.select(Company).where(*where).order_by(*SORT_KEYS.get(sort, SORT_KEYS["name"]), Company.id)
            .options(selectinload(Company.offers), joinedload(Company.konsulent)))

    def hits_on_page(offset: int, limit: int) -> list[SearchHit]:
        return [SearchHit(company) for company in db.session.scalars(stmt.limit(limit).offset(offset)).unique()]

    return _result(hits_on_page, total, page, per_page, sort, filters.origin)


def _result(hits_on_page, total: int, page: int, per_page: int | None, sort: str, origin) -> SearchResult:
    """The page of hits; a page past the end is the last page, ``per_page=None`` one page of all."""
    per_page = per_page or max(total, 1)
    last_page = max(1, math.ceil(total / per_page))
    return SearchResult(hits_on_page, total=total, page=min(page, last_page), per_page=per_page, sort=sort,
                        origin=origin)


_DANISH_FOLDS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def search_key(text: str | None) -> str:
    """The form a query and the searched text are compared in: the normalised company name
    (``normalize_company_name``: lower case, å as aa, no legal form) with æ as ae and ø as oe."""
    return normalize_company_name(text).translate(_DANISH_FOLDS)


@lru_cache(maxsize=4096)
def _city_key(city: str) -> str:
    return search_key(city)


def _tags_text(raw: str | None) -> str:
    if not raw or raw in ("[]", "null"):
        return ""
    try:
        return search_key(" ".join(str(t) for t in json.loads(raw)))
    except (TypeError, ValueError):
        return ""


@dataclass
class WordIndex:
    """The words of a list of texts, for matching a query word by word with one letter of slack.

    ``vocabulary`` holds each distinct word once; ``words`` the word numbers of every text one
    after the other and ``owner`` the text each belongs to, so a query costs one rapidfuzz call
    per query word over the vocabulary and one ``bincount``, never a loop over the texts.
    """

    vocabulary: list[str]
    words: np.ndarray
    owner: np.ndarray
    size: int

    @classmethod
    def of(cls, texts: list[str]) -> WordIndex:
        numbers: dict[str, int] = {}
        words, owner = [], []
        for i, text in enumerate(texts):
            for word in set(text.split()):
                words.append(numbers.setdefault(word, len(numbers)))
                owner.append(i)
        return cls(list(numbers), np.array(words, dtype=np.int64), np.array(owner, dtype=np.int64), len(texts))

    def matches(self, query_words: list[str]) -> np.ndarray:
        """Per text: does every query word match one of its words? A word matches when it begins
        the text's word, or (``MIN_TYPO_WORD`` letters or more) is the word or its beginning with
        one letter dropped or added, or (``MIN_WRONG_LETTER_WORD`` or more) the word with one
        letter wrong."""
        found = np.ones(self.size, dtype=bool)
        for word in query_words:
            known = self._known(word)
            found &= np.bincount(self.owner, weights=known[self.words], minlength=self.size) > 0
        return found

    def _known(self, word: str) -> np.ndarray:
        vocabulary = self.vocabulary
        known = np.fromiter((v.startswith(word) for v in vocabulary), dtype=bool, count=len(vocabulary))
        if len(word) >= MIN_TYPO_WORD and vocabulary:
            beginnings = [v[:len(word) + 1] for v in vocabulary]
            known |= process.cdist([word], beginnings, scorer=Indel.distance, score_cutoff=1,
                                   dtype=np.int32, workers=1)[0] <= 1
            if len(word) >= MIN_WRONG_LETTER_WORD:
                known |= process.cdist([word], vocabulary, scorer=Levenshtein.distance, score_cutoff=1,
                                       dtype=np.int32, workers=1)[0] <= 1
        return known


@dataclass
class TextIndex:
    """The searchable text of every company, kept in memory per database and process.

    Reading 100,000 names from the database costs more than matching them, so the text columns
    are read once and reused while the table's fingerprint (row count, highest id, sum of the
    version counters, latest ``updated_at``) is unchanged: every create, edit, merge and delete
    changes it, and checking it is one aggregate query. Cities are matched once per distinct
    city and free tags only where a company has some. Every text is folded (``search_key``).
    """

    fingerprint: tuple
    ids: np.ndarray  # company ids, ascending
    names: list[str]  # folded names, aligned with ids
    city_of: np.ndarray  # index into ``cities`` per company
    cities: list[str]  # distinct folded city names
    tag_pos: np.ndarray  # positions of the companies that have free tags
    tag_texts: list[str]
    name_words: WordIndex = field(init=False)
    city_words: WordIndex = field(init=False)
    tag_words: WordIndex = field(init=False)

    def __post_init__(self):
        self.name_words = WordIndex.of(self.names)
        self.city_words = WordIndex.of(self.cities)
        self.tag_words = WordIndex.of(self.tag_texts)

    def scores(self, text: str, pos: np.ndarray | None) -> np.ndarray:
        """rapidfuzz scores (0–100, 0 below ``SCORE_CUTOFF``) of the folded ``text`` at positions
        ``pos`` (None: every company); a company whose field matches the query word by word
        (``WordIndex``) scores at least ``WORD_HIT_SCORE``; a city or tag hit counts
        ``OTHER_FIELD_WEIGHT`` of a name hit."""
        words = text.split()
        by_word = any(len(word) >= MIN_TYPO_WORD for word in words)
        names = self.names if pos is None else [self.names[i] for i in pos]
        name_scores = _cdist(text, names)
        other = _cdist(text, self.cities)
        if by_word:
            name_hits = self.name_words.matches(words)
            name_scores = np.maximum(name_scores, WORD_HIT_SCORE * (name_hits if pos is None else name_hits[pos]))
            other = np.maximum(other, WORD_HIT_SCORE * self.city_words.matches(words))
        other = other[self.city_of]
        if len(self.tag_pos):
            tags = _cdist(text, self.tag_texts)
            if by_word:
                tags = np.maximum(tags, WORD_HIT_SCORE * self.tag_words.matches(words))
            other[self.tag_pos] = np.maximum(other[self.tag_pos], tags)
        if pos is not None:
            other = other[pos]
        return np.maximum(name_scores, other * OTHER_FIELD_WEIGHT)


_TEXT_INDEXES: dict[str, TextIndex] = {}
_TEXT_INDEX_LOCK = threading.Lock()


def _cdist(text: str, choices: list[str]) -> np.ndarray:
    if not choices:
        return np.zeros(0, dtype=np.float64)
    return process.cdist([text], choices, scorer=fuzz.WRatio, score_cutoff=SCORE_CUTOFF,
                         dtype=np.uint8, workers=1)[0].astype(np.float64)


def text_index() -> TextIndex:
    """Return the current text index for this app's database, rebuilding it when stale."""
    conn = db.session.connection()
    fingerprint = tuple(conn.execute(sa.select(
        sa.func.count(Company.id), sa.func.max(Company.id), sa.func.sum(Company.version),
        sa.func.max(Company.updated_at),
    )).one())
    key = str(db.engine.url)
    with _TEXT_INDEX_LOCK:
        index = _TEXT_INDEXES.get(key)
        if index is not None and index.fingerprint == fingerprint:
            return index
    rows = conn.execute(
        sa.select(Company.id, NAME_KEY, Company.city, sa.cast(Company.tags, sa.Text)).order_by(Company.id)
    ).all()
    city_numbers: dict[str, int] = {}
    city_of = np.fromiter((city_numbers.setdefault(_city_key(r[2] or ""), len(city_numbers)) for r in rows),
                          dtype=np.int64, count=len(rows))
    tags = [(i, _tags_text(r[3])) for i, r in enumerate(rows) if r[3] and r[3] not in ("[]", "null")]
    tags = [(i, t) for i, t in tags if t]
    index = TextIndex(
        fingerprint=fingerprint,
        ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        names=[(r[1] or "").translate(_DANISH_FOLDS) for r in rows],  # normalised already
        city_of=city_of,
        cities=list(city_numbers),
        tag_pos=np.array([i for i, _ in tags], dtype=np.int64),
        tag_texts=[t for _, t in tags],
    )
    with _TEXT_INDEX_LOCK:
        _TEXT_INDEXES[key] = index
    return index


def _candidates(where, filters: CompanySearch, text: str, sort: str):
    """Keep the SQL-filtered companies within the radius and matching the text.

    Returns numpy arrays (ids, distances|None, scores|None) and the sort keys (or None)."""
    index = text_index() if text else None
    wanted = {"id": Company.id}
    if filters.origin is not None:
        wanted.update(lat=Company.lat, lon=Company.lon)
    sort_keys = SORT_KEYS.get(sort, ())
    wanted.update({f"key{i}": column for i, column in enumerate(sort_keys)})
    at = {name: i for i, name in enumerate(wanted)}
    # A text search with nothing else to narrow or sort by needs no rows from the database.
    if index is not None and len(wanted) == 1 and not where:
        rows, ids, pos = None, index.ids, None
    else:
        rows = db.session.connection().execute(sa.select(*wanted.values()).where(*where)).all()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        pos = None
    count = len(ids)
    keep = np.ones(count, dtype=bool)
    distances = None
    if filters.origin is not None:
        lat = np.fromiter((np.nan if r[at["lat"]] is None else r[at["lat"]] for r in rows),
                          dtype=np.float64, count=count)
        lon = np.fromiter((np.nan if r[at["lon"]] is None else r[at["lon"]] for r in rows),
                          dtype=np.float64, count=count)
        distances = geodesic_km(filters.origin[0], filters.origin[1], lat, lon)
        if filters.radius_km is not None:
            keep &= np.nan_to_num(distances, nan=np.inf) <= filters.radius_km
    scores = None
    if index is not None:
        scores = np.zeros(count, dtype=np.float64)
        if rows is None:
            scores = index.scores(text, None)
        else:
            # Only companies in the index can match (one created this instant waits for the next).
            sel = np.flatnonzero(keep)
            pos = np.searchsorted(index.ids, ids[sel])
            known = pos < len(index.ids)
            known[known] = index.ids[pos[known]] == ids[sel][known]
            scores[sel[known]] = index.scores(text, pos[known])
        keep &= scores > 0
    sel = np.flatnonzero(keep)
    keys = None
    if sort_keys:
        columns = [(at[f"key{i}"], python_key(column)) for i, column in enumerate(sort_keys)]
        keys = [(*(key(rows[i][c]) for c, key in columns), rows[i][0]) for i in sel]
    return (ids[sel], None if distances is None else distances[sel],
            None if scores is None else scores[sel], keys)


def _order(ids, distances, scores, keys, sort) -> np.ndarray:
    """Positions into ``ids`` in display order."""
    if sort == "relevance" and scores is not None:
        secondary = distances if distances is not None else ids.astype(np.float64)
        return np.lexsort((ids, secondary, -scores))
    if sort == "distance" and distances is not None:
        return np.lexsort((ids, np.nan_to_num(distances, nan=np.inf)))
    if keys is not None:
        return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    return np.argsort(ids, kind="stable")


def _load(ids: list[int]) -> dict[int, Company]:
    if not ids:
        return {}
    stmt = (sa.select(Company).where(Company.id.in_(ids))
            .options(selectinload(Company.offers), joinedload(Company.konsulent)))
    return {company.id: company for company in db.session.scalars(stmt).unique()}
