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

but never when the word is itself a known word (a word of any title, synonym, concept or
workplace term): "byggeri" is a word, so it is not "corrected" into "bryggeri".

Besides occupations the vocabulary holds

* **concepts**: what people name instead of a title ("dyr", "børn", "ældre", "udendørs", "med
  hænderne", "computere" …), each mapped to occupations with a grade in (0, 1]
  (``concepts.csv``: ``concept,terms,occupations`` with ``title:grade`` pairs);
* **workplaces**: kinds of workplace and the occupations they typically employ ("Børnehave" →
  pædagogmedhjælper, pædagog; "Plejecenter" → social- og sundhedshjælper …), so a company without an
  opening matches a wish through what it employs (``workplaces.csv``:
  ``workplace,terms,employs,employs_text``). Industry labels (DB07) are never read as occupations.

The occupation file format is CSV with a header ``disco_code,title,synonyms``; synonyms are
separated by ``|``. ``load_vocabulary`` only reads files; nothing is read at import time. The default
vocabulary ships with the library (``matcher/data/``) and is loaded on first use by
``default_vocabulary``.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from rapidfuzz import fuzz, process

from .morph import GENERIC_HEADS, is_known, stem, stems
from .text import normalise

__all__ = [
    "Occupation", "Concept", "Workplace", "Vocabulary", "load_vocabulary", "default_vocabulary", "DATA_DIR",
]

#: The vocabulary files shipped with the library.
DATA_DIR = Path(__file__).resolve().parent / "data"

#: rapidfuzz ratio (0–100) from which two terms count as the same word with a typo: one wrong
#: letter in a 12-letter word scores about 92, one in a 7-letter word about 86.
FUZZY_MIN_RATIO = 88.0
#: A word that splits into known words is corrected only when closer than this to a known term:
#: "hjemehjælper" (96 to "hjemmehjælper") is a typo, "bryggeriarbejder" (90 to "byggearbejder") is not.
COMPOUND_FUZZY_MIN_RATIO = 94.0
#: Words shorter than this are not fuzzy-matched on their own (too many near neighbours: "bager"/"maler").
FUZZY_MIN_WORD_CHARS = 7
#: Longest Danish inflection ending accepted after a one-word term: -en, -et, -er, -ne, -erne, -ens.
MAX_INFLECTION_CHARS = 4
#: Terms shorter than this are matched only as whole words, never as the start of a longer word.
MIN_PREFIX_TERM_CHARS = 4
#: Linking letters dropped between a first part and a generic head ("museum-s-medarbejder").
_LINKING = ("s", "e")


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


@dataclass(frozen=True)
class Concept:
    """A field or object people name instead of a title, with graded occupations (indices)."""

    name: str
    terms: tuple[str, ...]
    occupations: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Workplace:
    """A kind of workplace, the words that name it, and the occupations it typically employs."""

    name: str
    terms: tuple[str, ...]
    employs: tuple[int, ...]
    employs_text: str


def _phrase_index(items: Iterable[tuple[int, Iterable[str]]]) -> dict[tuple[str, ...], set[int]]:
    index: dict[tuple[str, ...], set[int]] = {}
    for owner, terms in items:
        for term in terms:
            key = stems(normalise(term).split())
            if key:
                index.setdefault(key, set()).add(owner)
    return index


def _find_phrases(words: list[str], index: dict[tuple[str, ...], set[int]], longest: int) -> set[int]:
    word_stems = stems(words)
    found: set[int] = set()
    for i in range(len(word_stems)):
        for n in range(1, longest + 1):
            owners = index.get(word_stems[i : i + n])
            if owners:
                found |= owners
    return found


class Vocabulary:
    """Looks up the occupations a text mentions and expands texts with their synonyms.

    Lookups are cached per normalised text, so expanding 100,000 targets with a few thousand
    distinct titles costs a few thousand lookups.
    """

    def __init__(
        self,
        occupations: Iterable[Occupation],
        concepts: Iterable[tuple[str, Iterable[str], Iterable[tuple[str, float]]]] = (),
        workplaces: Iterable[tuple[str, Iterable[str], Iterable[str], str]] = (),
    ) -> None:
        """``concepts``: (name, terms, (occupation title, grade) pairs); ``workplaces``: (name, terms,
        occupation titles employed, Danish plural for the reason). Unknown titles raise ``ValueError``."""
        self.occupations = tuple(occupations)
        by_title = {o.title.casefold(): i for i, o in enumerate(self.occupations)}

        def occupation(title: str, owner: str) -> int:
            i = by_title.get(title.strip().casefold())
            if i is None:
                raise ValueError(f"{owner}: unknown occupation title {title!r}")
            return i

        self.concepts = tuple(
            Concept(name, tuple(terms), tuple((occupation(t, name), float(g)) for t, g in occs))
            for name, terms, occs in concepts
        )
        self.workplaces = tuple(
            Workplace(name, tuple(terms), tuple(occupation(t, name) for t in employs), text)
            for name, terms, employs, text in workplaces
        )
        #: The one-word terms of each concept (normalised): the words a target about it may use.
        self.concept_words_ = tuple(
            tuple(dict.fromkeys(normalise(t) for t in c.terms if " " not in normalise(t))) for c in self.concepts
        )
        self.concept_phrases_ = _phrase_index((k, c.terms) for k, c in enumerate(self.concepts))
        self.workplace_phrases_ = _phrase_index((k, w.terms) for k, w in enumerate(self.workplaces))
        #: One-word workplace terms of 5+ letters, for compounds that end in one ("erhvervsrengøring").
        self.workplace_suffixes_: dict[str, set[int]] = {}
        for k, w in enumerate(self.workplaces):
            for t in w.terms:
                norm = normalise(t)
                if " " not in norm and len(norm) >= 5:
                    self.workplace_suffixes_.setdefault(norm, set()).add(k)
        self._longest = max([len(k) for k in (*self.concept_phrases_, *self.workplace_phrases_)] or [1])
        self.codes_ = tuple(o.disco_code for o in self.occupations)
        known: set[str] = set()
        all_terms = [t for o in self.occupations for t in o.terms]
        all_terms += [t for c in self.concepts for t in c.terms] + [t for w in self.workplaces for t in w.terms]
        for term in all_terms:
            for word in normalise(term).split():
                known.add(word)
                known.update(stems([word]))
        #: Words the vocabulary knows: never "corrected" into another word by the typo rule.
        self.known_words_ = frozenset(known)
        self._concept_cache: dict[str, dict[int, tuple[float, int]]] = {}
        self._workplace_cache: dict[str, tuple[int, ...]] = {}
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
        self.by_stem_: dict[str, set[int]] = {}
        for t in self.single_words_:
            self.by_stem_.setdefault(stem(self.terms_[t]), set()).update(self.term_owners_[t])
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
                head = word[:-cut]
                if len(head) < MIN_PREFIX_TERM_CHARS:
                    break
                for term_words, t in self.by_first_word_.get(head, ()):
                    if len(term_words) == 1:
                        found.update(self.term_owners_[t])
        for word in words:
            # Another inflection of a one-word term ("tømre" for "tømrer": the same Snowball stem).
            if len(word) >= MIN_PREFIX_TERM_CHARS:
                found.update(self.by_stem_.get(stem(word), ()))
            for head in GENERIC_HEADS:
                if word.endswith(head) and len(word) - len(head) >= MIN_PREFIX_TERM_CHARS:
                    first = word[: -len(head)]
                    for part in {first, *(first[:-1] for link in _LINKING if first.endswith(link))}:
                        for term_words, t in self.by_first_word_.get(part, ()):
                            if len(term_words) == 1:
                                found.update(self.term_owners_[t])
        if norm and not found:
            floors = [self._fuzzy_floor(w) for w in words]
            if any(f is not None for f in floors):
                floor = max(f for f in floors if f is not None) if all(f is not None for f in floors) else 0
                for t in _close(norm, self.terms_, max(floor, FUZZY_MIN_RATIO)):
                    found.update(self.term_owners_[t])
            for word, floor in zip(words, floors) if len(words) > 1 else ():
                if len(word) >= FUZZY_MIN_WORD_CHARS and floor is not None:
                    for j in _close(word, self.single_word_terms_, floor):
                        found.update(self.term_owners_[self.single_words_[j]])
        result = tuple(sorted(found))
        self._cache[norm] = result
        return result

    def _fuzzy_floor(self, word: str) -> float | None:
        """The typo ratio needed to correct ``word``: None for a known word (never corrected), a
        higher one for a word that splits into known words (a compound, or a typo that looks like
        one: "hjemehjælper"), ``FUZZY_MIN_RATIO`` otherwise."""
        known = self.known_words_
        if word in known or stem(word) in known:
            return None
        return COMPOUND_FUZZY_MIN_RATIO if is_known(word, known) else FUZZY_MIN_RATIO

    def concepts_in(self, text: str) -> tuple[int, ...]:
        """Indices of the concepts ``text`` names."""
        return tuple(sorted(_find_phrases(normalise(text).split(), self.concept_phrases_, self._longest)))

    def concept_occupations(self, text: str) -> dict[int, tuple[float, int]]:
        """Occupations the concepts named in ``text`` point to: index -> (grade, concept index)."""
        norm = normalise(text)
        cached = self._concept_cache.get(norm)
        if cached is not None:
            return cached
        result: dict[int, tuple[float, int]] = {}
        for k in sorted(_find_phrases(norm.split(), self.concept_phrases_, self._longest)):
            for i, grade in self.concepts[k].occupations:
                if grade > result.get(i, (0.0, -1))[0]:
                    result[i] = (grade, k)
        self._concept_cache[norm] = result
        return result

    def workplaces_in(self, text: str) -> tuple[int, ...]:
        """Indices of the workplaces ``text`` names, as a phrase or as the end of a compound
        ("Kirkegaards Erhvervsrengøring" → Rengøringsfirma; "Plejecenter Solgården" → Plejecenter)."""
        norm = normalise(text)
        cached = self._workplace_cache.get(norm)
        if cached is not None:
            return cached
        words = norm.split()
        found = _find_phrases(words, self.workplace_phrases_, self._longest)
        suffixes = self.workplace_suffixes_
        for word in words:
            # Each proper suffix of at least 5 letters, leaving a first part of at least 3: a few
            # dict lookups per word instead of a scan over the workplace terms.
            for start in range(3, len(word) - 4):
                owners = suffixes.get(word[start:])
                if owners:
                    found |= owners
        result = tuple(sorted(found))
        self._workplace_cache[norm] = result
        return result

    def expand(self, text: str) -> str:
        """``text`` normalised, followed by the titles and synonyms of the occupations it mentions."""
        parts = [normalise(text)]
        parts.extend(self.expansions_[i] for i in self.lookup(text))
        return " ".join(p for p in parts if p)


def _close(text: str, choices: list[str] | tuple[str, ...], floor: float = FUZZY_MIN_RATIO) -> list[int]:
    """Indices of ``choices`` within a typo of ``text`` (ratio >= ``floor``)."""
    hits = process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=floor, limit=None)
    return [index for _, _, index in hits]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (value or "").split("|") if s.strip())


def _rows(path, required: set[str]):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            yield reader.line_num, row


def _concepts(path):
    for line, row in _rows(path, {"concept", "terms", "occupations"}):
        pairs = []
        for item in _split(row["occupations"]):
            title, _, grade = item.rpartition(":")
            try:
                value = float(grade)
            except ValueError:
                raise ValueError(f"{path}:{line}: occupation {item!r} needs a grade (title:0.8)") from None
            if not title or not 0 < value <= 1:
                raise ValueError(f"{path}:{line}: bad occupation {item!r}")
            pairs.append((title, value))
        yield row["concept"].strip(), _split(row["terms"]), tuple(pairs)


def _workplaces(path):
    for _, row in _rows(path, {"workplace", "terms", "employs", "employs_text"}):
        yield row["workplace"].strip(), _split(row["terms"]), _split(row["employs"]), row["employs_text"].strip()


def load_vocabulary(
    path: str | PathLike[str],
    *,
    concepts: str | PathLike[str] | None = None,
    workplaces: str | PathLike[str] | None = None,
) -> Vocabulary:
    """Read an occupation vocabulary CSV (``disco_code,title,synonyms``; synonyms split on ``|``),
    and optionally a concepts and a workplaces CSV (see the module docstring).

    Raises ``ValueError`` naming the line when a row lacks a code or a title.
    """
    occupations = _occupations(path)
    return Vocabulary(
        occupations,
        concepts=list(_concepts(concepts)) if concepts is not None else (),
        workplaces=list(_workplaces(workplaces)) if workplaces is not None else (),
    )


_default: Vocabulary | None = None
_default_lock = threading.Lock()


def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped in ``matcher/data`` (occupations, concepts, workplaces), loaded once on
    first use; ``MatchIndex`` and ``rank`` use it when no vocabulary is given."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load_vocabulary(
                DATA_DIR / "occupations.csv",
                concepts=DATA_DIR / "concepts.csv",
                workplaces=DATA_DIR / "workplaces.csv",
            )
        return _default


def _occupations(path) -> list[Occupation]:
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
    return occupations
