"""Fodfæste matcher: rank jobs, openings and partner companies for a borger.

A pure library: it never imports flask, sqlalchemy or the app (``crm``), reads no files at import,
and works on plain dataclasses. The app builds ``Target`` and ``Candidate`` values from its rows,
keeps one ``MatchIndex`` and rebuilds it when the data changes::

    from matcher import Candidate, Target, MatchIndex, Weights
    index = MatchIndex(targets, weights=Weights.from_mapping(cfg),
                       tag_labels={"mentor": "Mentor på arbejdspladsen", ...})
    matches = index.rank(candidate, limit=20, today=date.today())   # best first

An index is plain numpy arrays and scipy CSR matrices: ``index.save(folder)`` writes them as
``.npy`` files (atomically), ``MatchIndex.load(folder)`` maps them read-only, so processes that load
the same folder share one copy. ``LiveIndex(base, added=..., retired=...)`` ranks a base plus a small
delta of changed targets, vectorised with the base's text model (``MatchIndex.derive``).

Hard rules the app can rely on: excluded industries/companies and kinds the borger does not accept
are never returned; nor is a target beyond ``max_travel_minutes``; nor an opening of any kind but
``company`` whose ``updated`` date is more than ``STALE_EXCLUDE_DAYS`` (60) days before ``today``
(openings unconfirmed for more than ``STALE_SOFT_DAYS`` (30) days score lower and say so).

The vocabulary (occupations with DISCO-08 codes and synonyms, concepts, workplaces) ships with the
library in ``matcher/data/`` and is loaded on first use (``default_vocabulary``); pass
``vocabulary=load_vocabulary(path, concepts=..., workplaces=...)`` to use another.

See ``matcher.kinds`` for the kinds of target (one table: code, IPS score, implied offer, outcome,
label), ``matcher.scoring`` for the components, weights and hard rules, ``matcher.geo`` for the travel
model, ``matcher.wishes`` for how a wish is read, and ``matcher.text`` / ``matcher.morph`` /
``matcher.vocabulary`` for the text model.
"""

from .index import LiveIndex, MatchIndex, TextModel, rank
from .scoring import COMPONENTS, KIND_SCORE, STALE_EXCLUDE_DAYS, STALE_SOFT_DAYS, Weights
from .types import KINDS, TRANSPORTS, Candidate, Match, Target
from .vocabulary import Occupation, Vocabulary, default_vocabulary, load_vocabulary

__all__ = [
    "Candidate",
    "Target",
    "Match",
    "MatchIndex",
    "LiveIndex",
    "TextModel",
    "rank",
    "Weights",
    "COMPONENTS",
    "KINDS",
    "TRANSPORTS",
    "KIND_SCORE",
    "STALE_SOFT_DAYS",
    "STALE_EXCLUDE_DAYS",
    "Occupation",
    "Vocabulary",
    "load_vocabulary",
    "default_vocabulary",
]
