"""The quote finder's cue lexicon: the word lists of rashomon/data/attribution.toml (speech and
belief verbs, relay verbs and clauses, statement and anonymous-source nouns, ...), read once,
and the quote marks that open and close a quote.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    """The word lists of rashomon/data/attribution.toml, read once."""
    path = resources.files("rashomon").joinpath("data", "attribution.toml")
    return tomllib.loads(path.read_text("utf-8"))


def _words_of(name: str) -> frozenset[str]:
    return frozenset(_lexicon()[name].split())


SPEECH = _words_of("speech")
BELIEF = _words_of("belief")
CUE_LEMMAS = SPEECH | BELIEF
ADDRESSING = _words_of("addressing")
OBJECT_CONTENT = _words_of("object_content")
CLAUSE_ONLY = _words_of("clause_only")
ADDRESSEE_NOUNS = _words_of("addressee_nouns")
PREPOSITIONS = {k: frozenset(v.split()) for k, v in _lexicon()["prepositions"].items()}
PARTICLES = {k: frozenset(v.split()) for k, v in _lexicon()["particles"].items()}
RELAY_VERBS = frozenset(_lexicon()["relays"]["verbs"].split())
RELAY_CLAUSE_VERBS = frozenset(_lexicon()["relays"]["clauses"].split())
STATEMENT_NOUNS = _words_of("statement_nouns")
ANONYMOUS_HEADS = _words_of("anonymous_heads")
ANONYMOUS_TAIL = frozenset(
    ["of", "with", "from", "in", "at", "familiar", "close", "who", "that", "briefed"]
)
EMPTY_OBJECTS = frozenset(
    ["nothing", "something", "anything", "little", "much", "more", "so", "it", "this", "that"]
)
TITLE_JOINING = frozenset(["and", "of", "the", "for", "in", "on", "a", "an", "to", "with", "&"])
BODY_NOUNS = _words_of("body_nouns")
GOVERNMENT = ("ministry", "department", "government", "council", "court", "army", "police")
PASSIVE_CUES = _words_of("passive_cues")
STANCE_ADJECTIVES = _words_of("stance_adjectives")
PREPOSITION_ONLY = frozenset(["push", "press", "vote"])
NAMING_VERBS = _words_of("naming_verbs")
PERSONAL = frozenset(["he", "she", "they", "we", "i", "him", "her", "them"])

# Each opening mark and the marks that may close it: scraped text mixes straight and curly
# double marks ("…” and “…"), so any double mark closes a double quote.
OPENING = {
    "“": '”"“',
    "„": '“”"',
    "«": "»",
    "‹": "›",
    '"': '"”“',
    "‘": "’",
    "‚": "‘’",
    "「": "」",
}
SINGLE_OPEN = frozenset("‘‚‹")
MIN_QUOTE_WORDS = 3
LOOKAHEAD_SENTENCES = 3
