"""The occupation vocabulary: Danish occupation titles with DISCO-08 codes and synonyms.

The vocabulary bridges words that share no letters: a borger who wishes for "pluk og pak" and an
opening titled "Lagermedarbejder" both mention occupation 4321, so both texts are expanded with that
occupation's title and synonyms before they are vectorised, and the index also records the shared
occupation directly.

A text mentions an occupation when (after ``text.normalise``)

* a title or synonym occurs in it as a whole phrase ("pluk og pak i Brabrand"),
* one of its words is an inflected form of a one-word title or synonym (the word starts with it and
  adds at most ``MAX_INFLECTION_CHARS`` characters: "butikken" → "butik"), or
* the whole text or one of its longer words is within a typo of a title or synonym
  (``rapidfuzz.fuzz.ratio`` >= ``FUZZY_MIN_RATIO``: "lagermedarbjder" → "lagermedarbejder").

The file format is CSV with a header ``disco_code,title,synonyms``; synonyms are separated by ``|``.
``load_vocabulary`` only reads the file; nothing is read at import time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike

from rapidfuzz import fuzz, process

from .text import normalise

__all__ = ["Occupation", "Vocabulary", "load_vocabulary"]

#: rapidfuzz ratio (0–100) from which two terms count as the same word with a typo: one wrong
#: letter in a 12-letter word scores about 92, one in a 7-letter word about 86.
FUZZY_MIN_RATIO = 88.0
#: Words shorter than this are not fuzzy-matched on their own (too many near neighbours: "bager"/"maler").
FUZZY_MIN_WORD_CHARS = 7
#: Longest Danish inflection ending accepted after a one-word term: -en, -et, -er, -ne, -erne, -ens.
MAX_INFLECTION_CHARS = 4
#: Terms shorter than this are matched only as whole words, never as the start of a longer word.
MIN_PREFIX_TERM_CHARS = 4


@dataclass(frozen=True)
class Occupation:
    """One occupation: a DISCO-08 code (4-digit ISCO-08 unit group, optionally a Danish 6-digit
    extension), its Danish title and synonyms."""

    disco_code: str
    title: str
    synonyms: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.title, *self.synonyms)


class Vocabulary:
    """Looks up the occupations a text mentions and expands texts with their synonyms.

    Lookups are cached per normalised text, so expanding 100,000 targets with a few thousand
    distinct titles costs a few thousand lookups.
    """

    def __init__(self, occupations: Iterable[Occupation]) -> None:
        self.occupations = tuple(occupations)
        term_owners: dict[str, set[int]] = {}
        for i, occupation in enumerate(self.occupations):
            for term in occupation.terms:
                norm = normalise(term)
                if norm:
                    term_owners.setdefault(norm, set()).add(i)
        self.terms_: tuple[str, ...] = tuple(term_owners)
        self.term_owners_ = tuple(tuple(sorted(term_owners[t])) for t in self.terms_)
        self.by_first_word_: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for t, term in enumerate(self.terms_):
            words = tuple(term.split())
            self.by_first_word_.setdefault(words[0], []).append((words, t))
        self.single_words_ = [t for t, term in enumerate(self.terms_) if " " not in term]
        self.single_word_terms_ = [self.terms_[t] for t in self.single_words_]
        self.expansions_ = tuple(
            normalise(" ".join(occupation.terms)) for occupation in self.occupations
        )
        self._cache: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.occupations)

    def lookup(self, text: str) -> tuple[int, ...]:
        """Indices into ``occupations`` of the occupations ``text`` mentions (sorted, may be empty)."""
        norm = normalise(text)
        cached = self._cache.get(norm)
        if cached is not None:
            return cached
        found: set[int] = set()
        words = norm.split()
        for i, word in enumerate(words):
            for term_words, t in self.by_first_word_.get(word, ()):
                if tuple(words[i : i + len(term_words)]) == term_words:
                    found.update(self.term_owners_[t])
        for word in words:
            # Inflected forms of one-word terms: try each shorter prefix as a term.
            for cut in range(1, MAX_INFLECTION_CHARS + 1):
                stem = word[:-cut]
                if len(stem) < MIN_PREFIX_TERM_CHARS:
                    break
                for term_words, t in self.by_first_word_.get(stem, ()):
                    if len(term_words) == 1:
                        found.update(self.term_owners_[t])
        if norm and not found:
            for t in _close(norm, self.terms_):
                found.update(self.term_owners_[t])
            for word in words if len(words) > 1 else ():
                if len(word) >= FUZZY_MIN_WORD_CHARS:
                    for j in _close(word, self.single_word_terms_):
                        found.update(self.term_owners_[self.single_words_[j]])
        result = tuple(sorted(found))
        self._cache[norm] = result
        return result

    def expand(self, text: str) -> str:
        """``text`` normalised, followed by the titles and synonyms of the occupations it mentions."""
        parts = [normalise(text)]
        parts.extend(self.expansions_[i] for i in self.lookup(text))
        return " ".join(p for p in parts if p)


def _close(text: str, choices: list[str] | tuple[str, ...]) -> list[int]:
    """Indices of ``choices`` within a typo of ``text`` (``FUZZY_MIN_RATIO``)."""
    hits = process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=None)
    return [index for _, _, index in hits]


def load_vocabulary(path: str | PathLike[str]) -> Vocabulary:
    """Read an occupation vocabulary CSV (``disco_code,title,synonyms``; synonyms split on ``|``).

    Raises ``ValueError`` naming the line when a row lacks a code or a title.
    """
    occupations = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"disco_code", "title"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            code = (row.get("disco_code") or "").strip()
            title = (row.get("title") or "").strip()
            if not code or not title:
                raise ValueError(f"{path}:{reader.line_num}: disco_code and title are required")
            synonyms = tuple(s.strip() for s in (row.get("synonyms") or "").split("|") if s.strip())
            occupations.append(Occupation(code, title, synonyms))
    return Vocabulary(occupations)
