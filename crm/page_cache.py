"""Parts of pages computed from the register, cached per register version in each process.

A ``VersionedCache`` holds, per database, the values made at one register version
(``crm.services.register_version``): reading the version is one indexed row, and when it has moved
every value of the older version is dropped at once, so a company edit, a new company, a merge or
an import shows at the next request in every worker. Bounded (least recently used goes first);
values must hold nothing personal to a user (no CSRF token, no name of the reader): the key says
what else the value depends on (language, the permission signature, the query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from crm.extensions import db
from crm.services import register_version

T = TypeVar("T")


class VersionedCache:
    """A bounded LRU of values valid for one register version of one database."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._generations: dict[str, tuple[int, OrderedDict]] = {}

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value cached for ``key`` at the current version, else ``make()`` (then cached).

        A request whose own uncommitted writes touch the register gets ``make()`` uncached: what
        it sees is newer than any version."""
        if register_version.changes_pending():
            return make()
        database = str(db.engine.url)
        version = register_version.current()  # read before making: a value is never older than its version
        if version is None:
            return make()
        with self._lock:
            generation = self._generations.get(database)
            if generation is None or generation[0] != version:
                generation = (version, OrderedDict())
                self._generations[database] = generation
            entries = generation[1]
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = make()
        with self._lock:
            entries[key] = value
            while len(entries) > self.max_entries:
                entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generations.clear()


#: Counts over the whole register that pages show (stale partners, openings to confirm): on SQLite a
#: COUNT reads every matching index entry, so it grows with the register; made once per version.
#: The key names the count and what else it depends on (the day, the konsulent).
REGISTER_COUNTS = VersionedCache(max_entries=256)
