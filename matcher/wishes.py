"""Wishes as vejledere write them down, parsed into what the matcher can use.

"vil gerne arbejde med dyr", "noget stille, ikke telefon", "få timer i en butik": a wish is a short
sentence, not a title. ``parse_wish`` turns it into

* ``terms``: the content words ("dyr"; "butik"), filler and stop words dropped ("vil gerne",
  "arbejde med", "noget med", "job som", "mennesker" …), and ``text``: those words joined, which is
  what the text model compares;
* ``negated``: words after "ikke"/"ingen"/"uden" ("ikke telefon", "ingen nattevagter"): targets
  that mention them are penalised, never credited;
* ``needs``: need-like words routed to the needs/offers logic ("stille", "rolig" → ``quiet``,
  "mentor", "fleksible tider", "let arbejde" …), with the Danish phrase for the reason;
* ``few_hours``: "få timer", "deltid", "nedsat tid" → the hours logic treats the borger as having
  few hours (``scoring.FEW_HOURS``).

"udendørs", "ude", "natur" are not needs here (no offer tag says "outdoor"): they stay terms and the
concept vocabulary maps them to outdoor occupations (gardening, forestry, parks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import N_
from .text import normalise

__all__ = ["ParsedWish", "parse_wish", "FILLER_PHRASES", "STOP_WORDS", "NEED_WORDS", "NEGATIONS"]

#: Multi-word filler dropped before anything else (longest first when matching).
FILLER_PHRASES: tuple[str, ...] = (
    "vil gerne", "vil rigtig gerne", "kunne godt tænke sig", "kunne tænke sig", "har lyst til",
    "drømmer om", "ønsker at", "interesseret i", "arbejde med", "arbejder med", "arbejde i", "arbejde på",
    "job med", "job som", "job i", "job inden for", "noget med", "noget i", "noget inden for", "inden for",
    "gerne noget", "et sted hvor", "et sted med", "want to", "work with", "working with", "job as", "work in",
    "would like", "something with",
)
#: Single words that carry no field: particles, pronouns, and words every job ad uses.
STOP_WORDS: frozenset[str] = frozenset("""
    vil gerne ønsker ønske ønsket drømmer kunne godt tænke sig har lyst til med i på som af for at en et den det de
    og eller men noget nogle lidt meget mest helst måske evt evt. fx f eks gerne også bare især særligt specielt
    arbejde arbejdet arbejder job jobs jobbet stilling beskæftigelse sted steder område områder felt branche
    mennesker folk personer ting opgaver opgave hjælp medhjælp hverdag tid hvor hvis kan skal vil være blive
    the a an to with in of and or job work working something would like want
""".split())
#: Negations: the words after one (up to the next "men"/"og"/comma) are not wanted.
NEGATIONS: frozenset[str] = frozenset({"ikke", "ingen", "uden", "aldrig", "not", "no"})
_NEGATION_END = frozenset({"men", "og", "eller", "but", "and"})
#: Need-like words: (normalised phrase, offer tag or "few_hours", Danish phrase for the reason, translated
#: when the reason is worded).
NEED_WORDS: tuple[tuple[str, str, str], ...] = (
    ("få timer", "few_hours", N_("få timer")),
    ("færre timer", "few_hours", N_("få timer")),
    ("nedsat tid", "few_hours", N_("få timer")),
    ("deltid", "few_hours", N_("få timer")),
    ("part time", "few_hours", N_("få timer")),
    ("stille", "quiet", N_("noget stille")),
    ("stilhed", "quiet", N_("noget stille")),
    ("rolig", "quiet", N_("noget roligt")),
    ("roligt", "quiet", N_("noget roligt")),
    ("rolige", "quiet", N_("noget roligt")),
    ("ro", "quiet", N_("noget roligt")),
    ("quiet", "quiet", N_("noget stille")),
    ("mentor", "mentor", N_("en mentor")),
    ("fleksible tider", "flexible_hours", N_("fleksible tider")),
    ("fleksibel arbejdstid", "flexible_hours", N_("fleksible tider")),
    ("fleksible arbejdstider", "flexible_hours", N_("fleksible tider")),
    ("fysisk let", "light_work", N_("fysisk let arbejde")),
    ("let arbejde", "light_work", N_("fysisk let arbejde")),
    ("lettere arbejde", "light_work", N_("fysisk let arbejde")),
    ("skånejob", "light_work", N_("fysisk let arbejde")),
)


_LEADING_FILLER = re.compile(r"^(?:(?:vil|gerne|rigtig|ønsker|kunne|godt|tænke|sig)\s+)+")


@dataclass(frozen=True)
class ParsedWish:
    """One wish, parsed (see the module docstring)."""

    original: str
    text: str
    terms: tuple[str, ...]
    negated: tuple[str, ...] = ()
    needs: tuple[tuple[str, str], ...] = ()  # (offer tag, Danish phrase)
    few_hours: bool = False

    @property
    def display(self) -> str:
        """The wish as the reasons quote it: "arbejde med dyr" for "Vil gerne arbejde med dyr"."""
        text = " ".join(self.original.split()).lower()
        shorter = _LEADING_FILLER.sub("", text)
        return shorter or text


def _replace_phrases(words: list[str], phrases, marker: str) -> list[str]:
    """Replace each occurrence of any of ``phrases`` (normalised, space separated) with ``marker``."""
    out: list[str] = []
    i = 0
    split = sorted((p.split() for p in phrases), key=len, reverse=True)
    while i < len(words):
        for p in split:
            if words[i : i + len(p)] == p:
                out.append(marker)
                i += len(p)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def parse_wish(wish: str) -> ParsedWish:
    """Parse one wish (see the module docstring). Pure and cheap; the index caches nothing."""
    # Commas end a negation's scope, so mark them before normalising them away.
    raw = (wish or "").replace(",", " , ").replace(";", " , ")
    words = [w for w in (normalise(part) if part != "," else "," for part in raw.split()) for w in (w.split() or [w])]
    needs: list[tuple[str, str]] = []
    few_hours = False
    # Need phrases first ("få timer" before "timer" is dropped as a word).
    for phrase, tag, label in NEED_WORDS:
        p = phrase.split()
        i = 0
        while i <= len(words) - len(p):
            if words[i : i + len(p)] == p:
                negated_before = i > 0 and words[i - 1] in NEGATIONS
                if not negated_before:
                    if tag == "few_hours":
                        few_hours = True
                    elif (tag, label) not in needs:
                        needs.append((tag, label))
                words[i : i + len(p)] = ["\x00"]
            i += 1
    words = _replace_phrases(words, FILLER_PHRASES, "\x00")
    terms: list[str] = []
    negated: list[str] = []
    negating = False
    for w in words:
        if w == ",":
            negating = False
            continue
        if w in NEGATIONS:
            negating = True
            continue
        if w in _NEGATION_END:
            negating = False
            continue
        if w == "\x00" or w in STOP_WORDS or len(w) < 2 and not w.isdigit():
            continue
        (negated if negating else terms).append(w)
    return ParsedWish(
        original=wish, text=" ".join(terms), terms=tuple(dict.fromkeys(terms)),
        negated=tuple(dict.fromkeys(negated)), needs=tuple(needs), few_hours=few_hours,
    )
