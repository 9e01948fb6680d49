"""Text similarity for Danish job titles and free-text wishes.

Model: TF-IDF over character n-grams within word boundaries (scikit-learn ``char_wb``, 3–5
characters) after a light normalisation (NFKC, lower case, punctuation to spaces; æ/ø/å are kept).
Character n-grams are what make this work for Danish without a stemmer:

* compound words share n-grams with their parts ("lager" ↔ "lagermedarbejder"),
* inflections share all but the last n-grams ("lagerarbejde" ↔ "lagerarbejderen"),
* a typo breaks only the few n-grams around it ("lagermedarbjder").

Synonyms that share no letters ("pluk og pak" ↔ "lagermedarbejder") come from the occupation
vocabulary (``matcher.vocabulary``), which expands a title or a parsed wish with the titles and
synonyms of the occupations it mentions before it is vectorised (never an industry label: DB07
sectors are not occupations). Whole words, inflections and compounds are matched besides, by the
word model in ``matcher.morph``.

Cosine similarities are not match probabilities: unrelated Danish titles still share endings
("-medarbejder", "-assistent") and reach 0.1–0.2, while the same occupation written differently
reaches 0.8–1.0 once expanded. ``calibrate`` maps them linearly from [``SIM_FLOOR``, ``SIM_FULL``]
onto [0, 1].
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["normalise", "make_vectorizer", "calibrate", "SIM_FLOOR", "SIM_FULL", "DESCRIPTION_MAX_CHARS"]

#: Character n-gram lengths: 3 catches short Danish stems ("kok", "bud"), 5 keeps enough context
#: to tell "lager" from "læger"; longer n-grams add size without improving recall on short texts.
CHAR_NGRAM_RANGE = (3, 5)

#: Cosine below this is noise (shared endings such as "-er", "-medarbejder" alone).
SIM_FLOOR = 0.15
#: Cosine at or above this counts as a full match (a wish that names the title, possibly inflected,
#: or the same occupation once both texts are expanded with their synonyms).
SIM_FULL = 0.8

#: Only the start of a description is vectorised: Danish job ads name the role and the tasks first,
#: and the index's size and query time grow with the characters kept (about 3 n-grams per character).
DESCRIPTION_MAX_CHARS = 1000

_NON_WORD = re.compile(r"[^\w]+|_")


def normalise(text: str) -> str:
    """Lower-case ``text``, fold Unicode compatibility forms and turn punctuation into single spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def make_vectorizer() -> TfidfVectorizer:
    """An unfitted TF-IDF vectoriser for normalised text (float32, L2-normalised rows)."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAM_RANGE,
        lowercase=False,  # inputs are already normalised
        sublinear_tf=True,  # a repeated word in a long description should not dominate
        dtype=np.float32,
    )


def calibrate(similarity: np.ndarray) -> np.ndarray:
    """Map cosine similarities onto a match score in [0, 1] (see ``SIM_FLOOR``/``SIM_FULL``)."""
    return np.clip((np.asarray(similarity, dtype=np.float32) - SIM_FLOOR) / (SIM_FULL - SIM_FLOOR), 0.0, 1.0)
