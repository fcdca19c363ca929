"""Quotes: who said what, to whom, and who relayed it.

Three passes over one spaCy parse:

1. marks: direct quotes are the stretches inside quote marks (“ ” " « » „ ‘ ’), across
   sentences, nested marks left inside the outer quote;
2. frames: every attribution the parse shows — a speech or belief verb with its subject
   (speaker), object (addressee) and complement (content), "according to X", and the relay
   phrases of the sentence ("as quoted by X", "citing X", "X reported");
3. assembly: each direct quote takes the frame beside it (split quotes, a colon before it, a
   speaker named a few sentences later, or the speaker of the quote before it); frames left
   over with a content clause are indirect quotes; a sentence right after reported speech that
   speaks for the speaker's own side carries that speech on without a new cue.

Speakers, addressees and relays are named by the entity layer (`Mentions.best_in`), so pronouns
and descriptions reach their canonical names.
"""

from __future__ import annotations

import bisect
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rashomon.annotate.nlp import sentences_of, text_of
from rashomon.model import Entity, Quote, QuoteKind

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["context_of", "find_marked", "find_quotes", "name_of", "strip_span"]


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


@dataclass
class Frame:
    """One attribution the parse shows: cue, speaker, addressee, content, relays."""

    cue: tuple[int, int]
    cue_text: str
    speaker: tuple[int, int] | None
    addressee: tuple[int, int] | None
    content: tuple[int, int] | None
    sentence: int
    relays: list[tuple[int, int]] = field(default_factory=list)
    according: bool = False
    named_by: tuple[int, int] | None = None  # the phrase that names a relative-pronoun speaker
    passive: bool = False  # "it was reported that …": an attribution with no speaker named
    used: bool = False


# ---------------------------------------------------------------- pass 1: quote marks


def find_marked(text: str) -> list[tuple[int, int]]:
    """Content spans (inside the marks) of every top-level quotation in `text`.

    Pairs marks within a paragraph; a quote still open at the paragraph's end closes there
    (a multi-paragraph quote reopens with a mark in the next one). Apostrophes are not marks.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n\n"):
        spans.extend((offset + s, offset + e) for s, e in _marked_in(paragraph))
        offset += len(paragraph) + 2
    return spans


def _marked_in(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        if paragraph.startswith(("''", "``"), i) and _opens_double(paragraph, i):
            found = paragraph.find("''", i + 2)
            stop = found if found > i + 2 else n
            span = _strip_span(paragraph, i + 2, stop)
            if span is not None:
                spans.append(span)
            i = stop + 2
            continue
        if ch in OPENING and _opens(paragraph, i):
            closing = _closing(paragraph, i)
            stop = closing if closing is not None else n
            span = _strip_span(paragraph, i + 1, stop)
            if span is not None:
                spans.append(span)
            i = stop + 1
            continue
        i += 1
    return spans


def _opens_double(text: str, i: int) -> bool:
    """Doubled apostrophes or backticks as quote marks (''…'' and ``…'' in wire copy)."""
    before = text[i - 1] if i else " "
    after = text[i + 2] if i + 2 < len(text) else " "
    return not before.isalnum() and after.isalnum()


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding spaces and a trailing comma."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ',;“”"'):
        end -= 1
    return (start, end) if end > start else None


def _opens(text: str, i: int) -> bool:
    """A mark at `i` opens a quote: after a space, start or opening punctuation, before text."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if text[i] in SINGLE_OPEN or text[i] == "‘":
        return not before.isalnum() and (after.isalnum() or after in "[(")
    if text[i] == '"':
        return not before.isalnum() and not after.isspace()
    return not after.isspace()


def _closing(text: str, i: int) -> int | None:
    """Index of the mark that closes the quote opened at `i` (nested single marks skipped)."""
    closers = OPENING[text[i]]
    single = text[i] in SINGLE_OPEN or text[i] == "‘"
    j = i + 1
    while j < len(text):
        ch = text[j]
        if not single and text.startswith(("’’", "''"), j) and j > i + 1:
            return j  # two apostrophes closing a double quote (“…,’’ wire style)
        if ch in closers and j > i + 1:
            after = text[j + 1] if j + 1 < len(text) else " "
            if ch == "“" and text[i] != "„" and (after.isalnum() or text[j - 1].isspace()):
                pass  # an opening mark: a new quote starts here, this one never closed
            elif not single or not after.isalnum():
                return j
        j += 1
    return None


# ---------------------------------------------------------------- pass 2: frames


def _char_span(tokens: list[Token]) -> tuple[int, int]:
    start = tokens[0].idx
    last = tokens[-1]
    return start, last.idx + len(last.text)


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop punctuation, quote marks, spaces and a leading complementizer from both ends."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].dep_ == "mark"):
        if tokens[0].text in "[(":
            break
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ == "cc"):
        if tokens[-1].text in "])":
            break
        tokens = tokens[:-1]
    return tokens


def _phrase(head: Token) -> tuple[int, int] | None:
    """The noun phrase of `head`: its subtree without relative clauses or trailing asides."""
    cut = {t.i for c in head.children if c.dep_ in ("relcl", "acl", "punct") for t in c.subtree}
    cut |= {t.i for c in head.children if c.dep_ == "prep" and c.lower_ == "as" for t in c.subtree}
    cut |= {t.i for c in head.children if c.dep_ == "appos" and c.i > head.i for t in c.subtree}
    tokens = [t for t in head.subtree if t.i not in cut and t.i <= _last_of_phrase(head)]
    tokens = _trim(_contiguous(tokens, head))
    return _char_span(tokens) if tokens else None


def _last_of_phrase(head: Token) -> int:
    for t in head.subtree:
        if t.i > head.i and t.text in {",", ";", "—", "–", "("}:
            return t.i - 1
    return head.right_edge.i


def _contiguous(tokens: list[Token], head: Token) -> list[Token]:
    """The run of consecutive tokens around `head`."""
    index = {t.i for t in tokens}
    lo = hi = head.i
    while lo - 1 in index:
        lo -= 1
    while hi + 1 in index:
        hi += 1
    return [t for t in tokens if lo <= t.i <= hi]


def _content(tokens: list[Token]) -> tuple[int, int] | None:
    tokens = _trim(sorted(tokens, key=lambda t: t.i))
    if len([t for t in tokens if t.is_alpha]) < 2:
        return None
    return _char_span(tokens)


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if subjects:
        return subjects[-1]  # "the newspaper Kommersant" parsed as two subjects: the name
    if verb.dep_ == "acl" and verb.head.dep_ == "ROOT" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head  # "The envoy called on …" parsed as a noun phrase
    shared = verb.dep_ in ("conj", "dep") and verb.head.pos_ in ("VERB", "AUX")
    if shared or (verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG"):
        if verb.head is verb:
            return None
        passive = [c for c in verb.head.children if c.dep_ == "nsubjpass"]
        if shared and passive and not _subject_of(verb.head):
            return passive[-1]  # "Trump was forced into damage control and said …"
        return _subject(verb.head)  # "leaned in and boomed"
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("quote", "be"):
        for child in verb.head.children:
            if child.dep_ == "nsubjpass":
                return child
    return None


def _subject_of(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)


def _cue_tokens(verb: Token) -> list[Token]:
    tokens = [verb]
    wanted = PARTICLES.get(verb.lemma_, frozenset())
    tokens += [c for c in verb.children if c.dep_ in ("prt", "prep") and c.lower_ in wanted]
    return sorted(tokens, key=lambda t: t.i)


def _is_cue(token: Token) -> bool:
    lemma = token.lemma_
    if lemma not in CUE_LEMMAS or token.pos_ not in ("VERB", "AUX"):
        return False
    wanted = PARTICLES.get(lemma)
    if lemma in ("point", "go") and wanted:
        return any(c.lower_ in wanted for c in token.children)
    if lemma in PREPOSITION_ONLY:  # "pushed for talks", not "pushed relations higher"
        return any(c.lower_ in PREPOSITIONS[lemma] for c in token.children)
    if lemma in CLAUSE_ONLY:
        return _has_clause(token) or _passive(token) or _names_as(token) or _shows(token)
    if lemma in BELIEF and lemma not in OBJECT_CONTENT:
        return _has_clause(token) or _has_object(token)
    return True


def _shows(verb: Token) -> bool:
    """ "polls show Clinton ahead": evidence showing a state of things."""
    return verb.lemma_ in ("show", "find") and any(
        c.dep_ in ("ccomp", "dobj") for c in verb.children
    )


def _names_as(verb: Token) -> bool:
    """ "called himself pro-choice", "portrayed Trump as divisive": calling X something."""
    return verb.lemma_ in NAMING_VERBS and bool(_naming(verb))


def _naming(verb: Token) -> list[Token]:
    """What X is called: the predicate after the object ("pro-choice", "as divisive")."""
    tokens: list[Token] = []
    agent = _agent(verb)
    children = list(verb.children) + (list(agent.children) if agent is not None else [])
    for child in children:
        if (
            child.dep_ in ("oprd", "attr", "acomp")
            or (child.dep_ == "prep" and child.lower_ == "as")
            or child.dep_ == "xcomp"
            and child.pos_ in ("NOUN", "ADJ", "PROPN")
        ):
            tokens += list(child.subtree)
    return tokens


def _passive(verb: Token) -> bool:
    """A passive of a verb that attributes ("is seen as", "was reported", "is expected to"),
    not one that merely happens to a person ("was named CEO", "was asked to leave")."""
    if verb.lemma_ not in PASSIVE_CUES:
        return False
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    # "Asked about the vote, she …": a participle opening the sentence, nobody asking
    return verb.tag_ == "VBN" and verb.dep_ == "advcl" and _subject_of(verb) is None


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _has_object(verb: Token) -> bool:
    """ "doesn't expect a deal before 2017": a belief about a thing, not about nothing."""
    return any(c.dep_ == "dobj" and _says_something(c) for c in verb.children)


def _has_clause(verb: Token) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)


def _verb_frame(verb: Token, sentence: int) -> Frame | None:
    subject = _subject(verb)
    content_tokens: list[Token] = []
    addressee: tuple[int, int] | None = None
    for child in verb.children:
        if _relay_clause(child, verb) or (child.dep_ == "parataxis" and _is_cue(child)):
            continue  # "…, Reuters reported" / "participants said," set into the clause
        if child.dep_ in ("ccomp", "parataxis") or (
            child.dep_ == "xcomp" and verb.lemma_ not in ("be",)
        ):
            content_tokens += list(child.subtree)
        elif child.dep_ == "dobj" and _names_as(verb):
            content_tokens += list(child.subtree) + _naming(verb)
        elif child.dep_ in ("dobj", "dative") and verb.lemma_ in ADDRESSING and _animate(child):
            addressee = _phrase(child)
            for grand in child.children:
                if grand.dep_ in ("acl", "relcl") and grand.tag_ in ("VB", "TO"):
                    content_tokens += list(grand.subtree)
        elif child.dep_ == "dobj" and _shows(verb):
            content_tokens += [t for t in verb.subtree if t.i >= child.i]
        elif child.dep_ == "dobj" and verb.lemma_ not in CLAUSE_ONLY and _says_something(child):
            content_tokens += list(child.subtree)
        elif child.dep_ == "prep" and _statement_clause(child):
            content_tokens += _statement_clause(child)
        elif child.dep_ == "prep" and child.lower_ == "on" and verb.lemma_ == "call":
            addressee = _object_phrase(child)
        elif child.dep_ == "prep" and child.lower_ in PREPOSITIONS.get(verb.lemma_, ()):
            content_tokens += [
                t for g in child.children if g.dep_ in ("pobj", "pcomp") for t in g.subtree
            ]
        elif child.dep_ == "prep" and child.lower_ == "to" and verb.lemma_ in ("say", "explain"):
            for grand in child.children:
                if grand.dep_ == "pobj":
                    addressee = _phrase(grand)
    if not content_tokens and _inverted(verb):
        content_tokens = _head_clause(verb)
    if not content_tokens:
        content_tokens = _fronted_clause(verb)
    if not content_tokens:
        content_tokens = _before_comma(verb, subject)
    passive = subject is None and _passive(verb)
    if passive:
        subject = _agent(verb)  # "was described by aides as …": the aides; else nobody
        if not content_tokens:  # "X is seen as Y": X and Y; "it was reported that Z": Z
            content_tokens += [t for c in verb.children if c.dep_ == "nsubjpass" for t in c.subtree]
            content_tokens += _naming(verb)
    if subject is None and not content_tokens:
        return None
    if subject is not None and subject.lower_ == "you":
        return None  # the outlet talking to its reader ("you need the charger"), no source
    cue_tokens = _cue_tokens(verb)
    named_by = None
    if subject is not None and subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
        named_by = _phrase(subject.head.head)  # "Cox, who said …": Cox
    return Frame(
        cue=_char_span(cue_tokens),
        cue_text=" ".join(t.text for t in cue_tokens),
        speaker=_speaker_phrase(subject) if subject is not None else None,
        addressee=addressee,
        content=_content(content_tokens) if content_tokens else None,
        sentence=sentence,
        named_by=named_by,
        passive=passive,
    )


def _statement_clause(prep: Token) -> list[Token]:
    """ "says in a statement that …": the clause hangs on the statement noun."""
    for obj in prep.children:
        if obj.dep_ == "pobj" and obj.lemma_.lower() in STATEMENT_NOUNS:
            clauses = [
                c for c in obj.children if c.dep_ in ("ccomp", "acl") and c.pos_ in ("VERB", "AUX")
            ]
            return [t for c in clauses for t in c.subtree]
    return []


def _object_phrase(prep: Token) -> tuple[int, int] | None:
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return _phrase(obj) if obj is not None else None


def _relay_clause(child: Token, verb: Token) -> bool:
    """ "…, Reuters reported" hanging off the speech verb: a relay, not content."""
    return (
        child.lemma_ in RELAY_CLAUSE_VERBS
        and child.i > verb.i
        and child.dep_ in ("ccomp", "parataxis", "conj", "advcl")
        and not any(c.dep_ in ("ccomp", "dobj") for c in child.children)
        and any(c.dep_ == "nsubj" for c in child.children)
    )


def _fronted_clause(verb: Token) -> list[Token]:
    """ "Y, X said" parsed with Y as an adverbial clause of `said`: Y, unless it is a real
    adverbial ("When she arrived, X said …": it has a subordinator)."""
    for child in verb.children:
        if child.dep_ != "advcl" or child.i > verb.i:
            continue
        if any(c.dep_ == "mark" for c in child.children) or child.tag_ in ("VBG", "VBN"):
            continue
        if _after_break(verb.doc[child.right_edge.i + 1]):
            return list(child.subtree)
    return []


def _before_comma(verb: Token, subject: Token | None) -> list[Token]:
    """ "Y, he said." that the parse did not join: a sentence-final speech verb whose subject
    follows a comma takes what stands before the comma."""
    if subject is None or verb.dep_ != "ROOT" or verb.lemma_ not in SPEECH:
        return []
    if any(c.dep_ == "dobj" for c in verb.children):
        return []  # "Asked about it, she said nothing": no words of hers before the comma
    if any(t.pos_ in ("VERB", "AUX") for t in verb.doc[verb.i + 1 : verb.sent.end]):
        return []
    comma = subject.left_edge.i - 1
    if comma <= verb.sent.start or verb.doc[comma].text not in {",", "”", '"'}:
        return []
    before = list(verb.doc[verb.sent.start : comma])
    if before[0].tag_ in ("VBN", "VBG"):
        return []  # an opening participle ("Asked about the vote, …") is no reported clause
    return before


def _inverted(verb: Token) -> bool:
    """ "Y, X said": the cue hangs off the reported clause, after it, behind a comma."""
    head = verb.head
    if verb.dep_ not in ("parataxis", "ccomp", "conj"):
        return False
    if head.i < verb.i:
        return head.lemma_ not in CUE_LEMMAS and _after_break(verb.left_edge)
    edge = verb.right_edge  # interposed: "In his state, Christie said, offenders …"
    comma = edge.text == "," or (edge.i + 1 < len(verb.doc) and verb.doc[edge.i + 1].text == ",")
    return comma and _after_break(verb.left_edge)


def _after_break(token: Token) -> bool:
    marks = {",", "”", '"', "’", "—", "–"}
    return token.text in marks or (token.i > 0 and token.doc[token.i - 1].text in marks)


def _head_clause(verb: Token) -> list[Token]:
    """ "Y, X said" parsed with `said` hanging off Y: the content is Y without the aside; with
    the aside inside Y ("In his state, Christie said, offenders are sent …") the longer side."""
    aside = {t.i for t in verb.subtree}
    aside |= {t.i for r in verb.head.subtree if _relay_head(r) for t in r.subtree}
    clause = [t for t in verb.head.subtree if t.i not in aside]
    before = [t for t in clause if t.i < verb.left_edge.i]
    after = [t for t in clause if t.i > verb.right_edge.i]
    return before if _words_in(before) >= _words_in(after) else after


def _says_something(obj: Token) -> bool:
    """An object that is content, not "said nothing" or "said so"."""
    return obj.lower_ not in EMPTY_OBJECTS


def _relay_head(token: Token) -> bool:
    """The head of "according to X", "as quoted by X", "citing X"."""
    if token.lower_ == "according":
        return True
    return token.lemma_ in RELAY_VERBS and token.tag_ in ("VBN", "VBG")


def _animate(token: Token) -> bool:
    """A person, group or body one can speak to: a pronoun, a name, or a group noun."""
    return (
        token.pos_ in ("PRON", "PROPN")
        or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
        or token.lemma_.lower() in ADDRESSEE_NOUNS
    )


def _speaker_phrase(subject: Token) -> tuple[int, int] | None:
    """The speaker's phrase; "the ministry's statement" names the ministry; "who" in a
    relative clause names the noun it hangs on."""
    if subject.lemma_.lower() in STATEMENT_NOUNS:
        for child in subject.children:
            if child.dep_ == "poss":
                return _phrase(child)
    span = _phrase(subject)
    before = [c for c in subject.head.children if c.dep_ == "nsubj" and c.i < subject.i]
    if span and before and before[-1].right_edge.i == subject.left_edge.i - 1:
        start = _phrase(before[-1])
        return (start[0], span[1]) if start else span
    return span


def _stance_frame(adjective: Token, sentence: int) -> Frame | None:
    """ "X is skeptical that …", "X is critical of Y": a stance held by the subject."""
    subject = _subject_of(adjective.head)
    if subject is None or subject.lower_ == "you":
        return None
    if not (_animate(subject) or subject.lemma_.lower() in ANONYMOUS_HEADS):
        return None  # "early recognition is critical to recovery" holds no one's stance
    content = [
        t
        for c in adjective.children
        if c.dep_ in ("prep", "ccomp", "xcomp")
        and c.lower_ not in ("in", "at", "on", "for")
        or c.dep_ in ("ccomp", "xcomp")
        for t in c.subtree
    ]
    span = _content(content) if content else None
    if subject is None or span is None:
        return None
    cue = [adjective.head, adjective] if adjective.head.i < adjective.i else [adjective]
    return Frame(
        cue=_char_span(cue),
        cue_text=" ".join(t.text for t in cue),
        speaker=_speaker_phrase(subject),
        addressee=None,
        content=span,
        sentence=sentence,
    )


def _according_frame(token: Token, sentence: SpacySpan, index: int) -> Frame | None:
    """ "according to X": X is a source (or a relay when the sentence has another speaker)."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if obj is None:
        return None
    aside = {t.i for t in token.subtree}
    before = [t for t in sentence if t.i < token.left_edge.i]
    after = [t for t in sentence if t.i > token.right_edge.i and t.i not in aside]
    content = before if _words_in(before) >= _words_in(after) else after
    return Frame(
        cue=_char_span([token, to]),  # type: ignore[list-item]
        cue_text=f"{token.text} {to.text}",  # type: ignore[union-attr]
        speaker=_phrase(obj),
        addressee=None,
        content=_content(content),
        sentence=index,
        according=True,
    )


def _words_in(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t.is_alpha)


def _relays(sentence: SpacySpan) -> list[tuple[int, int]]:
    """Relay phrases in a sentence: "as quoted/cited/reported by X", "citing X"."""
    found: list[tuple[int, int]] = []
    for token in sentence:
        if token.lemma_ in RELAY_VERBS and token.tag_ in ("VBN", "VBG"):
            agent = next((c for c in token.children if c.dep_ == "agent"), None)
            target = agent if agent is not None else token
            dep = "pobj" if agent is not None else "dobj"
            obj = next((c for c in target.children if c.dep_ == dep), None)
            if obj is not None and (agent is not None or token.lower_ == "citing"):
                phrase = _phrase(obj)
                if phrase:
                    found.append(phrase)
    return found


def _frames(sdoc: SpacyDoc, inside: _Inside) -> list[Frame]:
    frames: list[Frame] = []
    for index, sentence in enumerate(sentences_of(sdoc)):
        relays = _relays(sentence)
        for token in sentence:
            if inside.contains(token.idx):
                continue
            frame = None
            if token.lower_ == "according" and token.dep_ == "prep":
                frame = _according_frame(token, sentence, index)
            elif _is_cue(token) and not _relay_verb(token):
                frame = _verb_frame(token, index)
            elif token.lemma_.lower() in STANCE_ADJECTIVES and token.dep_ == "acomp":
                frame = _stance_frame(token, index)
            if frame is not None:
                frame.relays = list(relays)
                frames.append(frame)
    return _fold_relays(frames)


def _relay_verb(token: Token) -> bool:
    """ "as quoted by X", "citing X" — but not the passive "it was reported that"."""
    relay = token.lemma_ in RELAY_VERBS and token.tag_ in ("VBN", "VBG")
    return relay and not any(c.dep_ == "auxpass" for c in token.children)


def _fold_relays(frames: list[Frame]) -> list[Frame]:
    """Within a sentence, an outer frame whose content holds another frame's cue is a relay of
    it ("Petrov said …, TASS reported"; "…, Petrov said, according to the ministry")."""
    by_sentence: dict[int, list[Frame]] = {}
    for frame in frames:
        by_sentence.setdefault(frame.sentence, []).append(frame)
    kept: list[Frame] = []
    for group in by_sentence.values():
        outer = {id(f) for f in group if _wraps_other(f, group)}
        relays = [f for f in group if id(f) in outer and f.speaker]
        for frame in group:
            if id(frame) in outer:
                continue
            wrapping = [r.speaker for r in relays if r.speaker and r.speaker not in frame.relays]
            frame.relays = sorted(set(frame.relays)) + sorted(set(wrapping))
            kept.append(frame)
    return sorted(kept, key=lambda f: f.cue)


def _wraps_other(frame: Frame, group: list[Frame]) -> bool:
    for other in group:
        if other is frame:
            continue
        if frame.according and not other.according and _speaks_beside(other, frame):
            return True
        if other.according or not other.speaker or frame.cue[0] < other.cue[0]:
            continue
        reporting = frame.cue_text.split()[0].lower() in ("reported", "reports", "wrote")
        if reporting and (frame.content is None or frame.content[0] <= other.cue[0]):
            return True
        if reporting and other.content and other.content[0] <= frame.cue[0] < other.content[1]:
            _cut_before(other, frame)  # "X said Y, Interfax reported" parsed inside Y
            return True
        if frame.content and other.speaker and abs(other.speaker[0] - frame.content[0]) <= 2:
            return True  # "X said Y, the ministry's readout said": the readout relays X
    return False


def _speaks_beside(speech: Frame, according: Frame) -> bool:
    """ "…, Petrov said, according to the ministry": the speech frame reports something and
    stands right before the according phrase (or holds it)."""
    if speech.content is not None and speech.speaker is not None:
        return True
    return speech.speaker is not None and 0 <= according.cue[0] - speech.cue[1] <= 40


def _cut_before(frame: Frame, relay: Frame) -> None:
    """End `frame`'s content before the relay clause that the parse hung inside it."""
    assert frame.content is not None
    stop = relay.speaker[0] if relay.speaker else relay.cue[0]
    if stop > frame.content[0]:
        frame.content = (frame.content[0], stop)


# ---------------------------------------------------------------- pass 3: assembly


class _Inside:
    """Fast membership of a character offset in the direct-quote spans."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def contains(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]


@dataclass
class _Context:
    sdoc: Any
    mentions: Any
    sentence_starts: list[int]
    sentence_ends: list[int]
    inside: _Inside = field(default_factory=lambda: _Inside([]))
    text: str = ""  # sdoc.text, which spaCy rebuilds on every access
    sents: list[Any] = field(default_factory=list)

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)


def find_quotes(sdoc: SpacyDoc, mentions: Any) -> list[Quote]:
    """Direct and indirect quotes of one parsed article, in text order."""
    context = context_of(sdoc, mentions)
    marked = list(context.inside.spans)
    frames = _drop_nested(_frames(sdoc, context.inside))
    quotes, marked = _mixed_quotes(marked, frames, context)
    quotes += _direct_quotes(marked, frames, context)
    quotes += _indirect_quotes(frames, marked, context)
    quotes.sort(key=lambda q: q.start)
    quotes = _continue_unattributed(quotes, context)
    quotes = [_through_semicolon(q, context) for q in quotes]
    return _continuations(quotes, context)


def context_of(sdoc: SpacyDoc, mentions: Any) -> _Context:
    """What naming a phrase needs: the text, its sentences, the quote marks that count."""
    text = text_of(sdoc)
    marked = [s for s in find_marked(text) if _words(text[s[0] : s[1]]) >= MIN_QUOTE_WORDS]
    marked = [s for s in marked if not _a_title(text, *s)]
    sents = sentences_of(sdoc)
    return _Context(
        sdoc,
        mentions,
        [s.start_char for s in sents],
        [s.end_char for s in sents],
        _Inside(marked),
        text,
        sents,
    )


def name_of(span: tuple[int, int], context: _Context) -> tuple[str | None, bool]:
    """The canonical name of the phrase at `span` and whether it is an unnamed source."""
    return _name(span, context)


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """`start`..`end` without the spaces and quote marks around it (None when nothing is left)."""
    return _strip_span(text, start, end)


def _a_title(text: str, start: int, end: int) -> bool:
    """Marks around a name inside a sentence, not around words said: “Saturday Night Live”,
    “Thelma and Louise” (a few words, each capitalised or a short joining word)."""
    before = text[max(0, start - 3) : start].rstrip("“\"'‘«„ ")
    if not before or before[-1] in ".:!?\n":
        return False  # a quote that opens a sentence or follows a colon is speech
    words = [w.strip(".,!?") for w in text[start:end].split()]
    if not 1 <= len(words) <= 8:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w in TITLE_JOINING for w in words if w)


def _through_semicolon(quote: Quote, context: _Context) -> Quote:
    """Reported speech goes on past a semicolon to the end of its sentence when nothing after
    it names another source ("He noted that X; China understands this and …")."""
    if quote.kind != "indirect" or not context.text[quote.end :].lstrip().startswith(";"):
        return quote
    number = context.sentence_of(quote.start)
    sentence = context.sents[number]
    rest = sentence[0].doc.char_span(quote.end, sentence.end_char, alignment_mode="expand")
    if rest is None or _has_cue(rest) or context.inside.contains(quote.end + 2):
        return quote
    end = _strip_span(context.text, quote.start, sentence.end_char)
    if end is None:
        return quote
    stop = end[1] - 1 if context.text[end[1] - 1] == "." else end[1]
    return replace(quote, end=stop, text=context.text[quote.start : stop])


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def _drop_nested(frames: list[Frame]) -> list[Frame]:
    """A speech verb inside what another speaker said is part of that speech, not a second
    attribution ("Cox says the actions would not have stopped the shootings Obama mentioned").
    The widest frames are kept first."""
    kept: list[Frame] = []
    for frame in sorted(frames, key=_width, reverse=True):
        if not any(_holds(k, frame) for k in kept):
            kept.append(frame)
    return sorted(kept, key=lambda f: f.cue)


def _width(frame: Frame) -> int:
    return frame.content[1] - frame.content[0] if frame.content else 0


def _holds(outer: Frame, inner: Frame) -> bool:
    if outer.content is None or outer.speaker is None or outer.according:
        return False
    return outer.content[0] <= inner.cue[0] < outer.content[1]


def _mixed_quotes(
    marked: list[tuple[int, int]], frames: list[Frame], context: _Context
) -> tuple[list[Quote], list[tuple[int, int]]]:
    """A reported clause that quotes some of its words ("Trump says “the game has become
    soft” because …") is one quote: the clause, marks and all."""
    quotes: list[Quote] = []
    consumed: set[tuple[int, int]] = set()
    text = context.text
    for frame in frames:
        if frame.content is None or frame.speaker is None or frame.according:
            continue
        inner = [m for m in marked if frame.content[0] - 1 <= m[0] and m[1] <= frame.content[1] + 1]
        inner = [m for m in inner if not _after_colon(text, m[0])]
        if not inner:
            continue
        outside = text[frame.content[0] : frame.content[1]]
        for start, end in sorted(inner, reverse=True):
            rel_start, rel_end = start - frame.content[0], end - frame.content[0]
            outside = outside[: max(rel_start, 0)] + " " + outside[rel_end:]
        if _words(outside) >= 2:
            frame.used = True
            consumed.update(inner)
            quotes.append(_quote(QuoteKind.INDIRECT, frame.content, frame, context))
    return quotes, [m for m in marked if m not in consumed]


def _after_colon(text: str, start: int) -> bool:
    """A quote right after a colon is introduced, not woven into the clause."""
    return text[max(0, start - 4) : start].rstrip("“\"'‘«„ ").endswith(":")


def _direct_quotes(
    marked: list[tuple[int, int]], frames: list[Frame], context: _Context
) -> list[Quote]:
    quotes: list[Quote] = []
    for start, end in marked:
        frame = _frame_for(start, end, frames, context)
        if frame is not None:
            frame.used = True
        quotes.append(_quote(QuoteKind.DIRECT, (start, end), frame, context))
    return quotes


def _frame_for(start: int, end: int, frames: list[Frame], context: _Context) -> Frame | None:
    """The frame that attributes the quote [start, end): after it in the closing sentence,
    before it in the opening sentence, or a colon-ended sentence just before it."""
    first, last = context.sentence_of(start), context.sentence_of(max(start, end - 1))
    after = [f for f in frames if f.sentence == last and f.cue[0] >= end and not f.used]
    after = [
        f
        for f in after
        if (f.according or _speaker_outside(f, context)) and not _says_its_own(f, end, context)
    ]
    if after:
        return _prefer_speaker(after)
    adjacent = _adjacent_frame(end, last, context)
    if adjacent is not None:
        return adjacent
    colon = _colon_frame(start, first, context)
    if colon is not None:
        return colon
    before = [f for f in frames if f.sentence == first and f.cue[1] <= start and not f.used]
    before = [f for f in before if f.speaker is not None]
    if before:
        return before[-1]
    earlier = [f for f in frames if f.sentence == first - 1 and not f.used and f.speaker]
    prev_text = context.text[context.sentence_starts[first - 1] : start] if first else ""
    if earlier and prev_text.rstrip().endswith(":"):
        return earlier[-1]
    return None


def _colon_frame(start: int, sentence: int, context: _Context) -> Frame | None:
    """A quote after a colon belongs to what stands before the colon: its verb and subject
    ("Trump leaned in and boomed: “…”") or, headline style, a bare name ("Issa: “…”")."""
    if not _after_colon(context.text, start):
        return None
    colon_at = context.text.rfind(":", 0, start)
    span = context.sdoc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
    if span is None or span[0].i == 0:
        return None
    last = context.sdoc[span[0].i - 1]
    if last.pos_ in ("VERB", "AUX") or last.head.pos_ == "VERB" and last.dep_ in ("prt", "advmod"):
        verb = last if last.pos_ in ("VERB", "AUX") else last.head
        frame = _verb_frame(verb, sentence)
        if frame is not None and _speaker_outside(frame, context):
            frame.content = None
            return frame
        return None
    named = last.pos_ == "PROPN" or (last.is_title and last.pos_ in ("NOUN", "ADJ"))
    if named and not context.inside.contains(last.idx):
        speaker = _phrase(last)
        if speaker is not None:
            cue = (colon_at, colon_at + 1)
            return Frame(cue, ":", speaker, None, None, sentence)
    return None


def _says_its_own(frame: Frame, end: int, context: _Context) -> bool:
    """A frame after a quote whose own clause follows its cue attributes that clause, not the
    quote ("“Sunday Morning Futures,” Issa said Clinton's judgment is in question")."""
    if frame.content is None or frame.according or frame.content[0] < frame.cue[1]:
        return False
    return _words(context.text[frame.content[0] : frame.content[1]]) >= 4


def _speaker_outside(frame: Frame, context: _Context) -> bool:
    return frame.speaker is not None and not context.inside.contains(frame.speaker[0])


def _adjacent_frame(end: int, sentence: int, context: _Context) -> Frame | None:
    """The verb right after a closing quote mark attributes the quote whatever the verb
    ("…,” he continued; “…,” replied Sanders; “…,” Ramos, 58, told AFP)."""
    sdoc = context.sdoc
    stop = context.sentence_ends[sentence]
    span = sdoc.char_span(end, stop, alignment_mode="expand")
    if span is None:
        return None
    for token in [t for t in span if not t.is_punct][:5]:
        if context.inside.contains(token.idx) or token.pos_ != "VERB":
            continue
        frame = _verb_frame(token, sentence)
        if frame is None or _says_its_own(frame, end, context):
            return None
        if not _speaker_outside(frame, context):
            frame.speaker = _nearby_name(token, end, context)
        frame.content = None
        return frame if frame.speaker is not None else None
    return None


def _nearby_name(verb: Token, end: int, context: _Context) -> tuple[int, int] | None:
    """A name between the closing mark and the verb, or right after the verb."""
    doc = verb.doc
    window = [t for t in doc[max(verb.i - 6, 0) : verb.i + 3] if t.idx >= end and t.i != verb.i]
    for token in window:
        if token.pos_ in ("PROPN", "PRON") and not context.inside.contains(token.idx):
            head = token
            while head.dep_ == "compound" and head.head.i > head.i:
                head = head.head
            return _phrase(head)
    return None


def _prefer_speaker(frames: list[Frame]) -> Frame:
    """Of the frames after a quote, the first that names a speaker by a verb ("Petrov said,
    according to the ministry": Petrov)."""
    verbs = [f for f in frames if not f.according]
    return verbs[0] if verbs else frames[0]


def _indirect_quotes(
    frames: list[Frame], marked: list[tuple[int, int]], context: _Context
) -> list[Quote]:
    inside = _Inside(marked)
    quotes: list[Quote] = []
    for frame in frames:
        if frame.used or frame.content is None or (frame.speaker is None and not frame.passive):
            continue
        content = _before_introduced(frame.content, marked, context.text)
        if content is None or inside.contains(content[0]) or _covers_marked(content, marked):
            continue
        quotes.append(_quote(QuoteKind.INDIRECT, content, frame, context))
    return quotes


def _before_introduced(
    span: tuple[int, int], marked: list[tuple[int, int]], text: str
) -> tuple[int, int] | None:
    """The content up to a quote it introduces with a colon ("… - HuffPollster: “…”")."""
    for start, _ in marked:
        if span[0] < start < span[1] and _after_colon(text, start):
            cut = text.rfind(":", span[0], start)
            words = _words(text[span[0] : cut])
            return _strip_span(text, span[0], cut) if words >= 2 else None
    return span


def _covers_marked(span: tuple[int, int], marked: list[tuple[int, int]]) -> bool:
    """The span holds a whole quote, or most of one."""
    for s, e in marked:
        overlap = min(span[1], e) - max(span[0], s)
        if overlap > 0 and (span[0] <= s and e <= span[1] or overlap >= (e - s) / 2):
            return True
    return False


def _quote(kind: QuoteKind, span: tuple[int, int], frame: Frame | None, context: _Context) -> Quote:
    text = context.text
    span = _strip_span(text, *span) or span
    if kind == "indirect":
        span = _one_paragraph(span, frame, text)
    if frame is None:
        return Quote(kind, span[0], span[1], text[span[0] : span[1]], None, None, None, None)
    speaker, anonymous = _name(frame.named_by or frame.speaker, context)
    addressee, _ = _name(frame.addressee, context)
    via = tuple(n for n in (_relay_name(r, context) for r in frame.relays) if n and n != speaker)
    return Quote(
        kind=kind,
        start=span[0],
        end=span[1],
        text=text[span[0] : span[1]],
        speaker=speaker,
        speaker_span=frame.speaker,
        cue=frame.cue_text,
        cue_span=frame.cue,
        addressee=addressee,
        addressee_span=frame.addressee,
        via=tuple(dict.fromkeys(via)),
        anonymous=anonymous,
    )


def _one_paragraph(span: tuple[int, int], frame: Frame | None, text: str) -> tuple[int, int]:
    """Reported words stay in the cue's paragraph: a heading glued on by the sentence splitter
    is not part of them."""
    anchor = frame.cue[0] if frame is not None else span[0]
    start = text.rfind("\n\n", span[0], anchor)
    start = span[0] if start < 0 else start + 2
    end = text.find("\n\n", max(anchor, start), span[1])
    end = span[1] if end < 0 else end
    return _strip_span(text, start, end) or span


def _name(span: tuple[int, int] | None, context: _Context) -> tuple[str | None, bool]:
    """Canonical name of the phrase at `span`, and whether it is an unnamed source."""
    if span is None:
        return None, False
    phrase = context.text[span[0] : span[1]]
    joint = _joint_names(span, phrase, context)
    if joint:
        return joint, False
    mention: Entity | None = context.mentions.best_in(*span) if context.mentions else None
    if mention is not None:
        return mention.canonical, False
    words = phrase.lower().split()
    if not words or (len(words) == 1 and words[0] in PERSONAL):
        return None, False
    body = _body_named_before(words, span[0], context)
    if body is not None:
        return body, False
    anonymous = _anonymous(words)
    return phrase, anonymous


def _body_named_before(words: list[str], start: int, context: _Context) -> str | None:
    """ "the company said" after "Apple …": the last organisation named in the three sentences
    before, whose name holds the noun ("the ministry" → the Defence Ministry) or, for a
    company, any business named there."""
    if len(words) != 2 or words[0] not in ("the", "its") or words[1] not in BODY_NOUNS:
        return None
    noun = words[1]
    floor = context.sentence_starts[max(0, context.sentence_of(start) - 3)]
    named = [
        m
        for m in context.mentions.entities
        if m.type == "ORG" and floor <= m.start < start and m.via != "description"
    ]
    fitting = [m for m in named if noun in m.canonical.lower()]
    if not fitting and noun in ("company", "firm", "group"):
        fitting = [m for m in named if not any(w in m.canonical.lower() for w in GOVERNMENT)]
    return fitting[-1].canonical if fitting else None


def _relay_name(span: tuple[int, int], context: _Context) -> str | None:
    """A relay's name: "a readout of the call published by the ministry" is the ministry's."""
    name, _ = _name(span, context)
    if context.mentions is None or context.mentions.best_in(*span) is not None:
        return name
    inside = [m for m in context.mentions.within(*span) if m.type in ("ORG", "PERSON", "GPE")]
    return inside[0].canonical if inside else name


def _joint_names(span: tuple[int, int], phrase: str, context: _Context) -> str | None:
    """ "China and Russia pledged": both names, when the phrase is names joined by "and"."""
    if context.mentions is None or " and " not in phrase:
        return None
    names = [m for m in context.mentions.within(*span) if m.via not in ("demonym",)]
    canonical = list(dict.fromkeys(m.canonical for m in names))
    covered = sum(m.end - m.start for m in names)
    if len(canonical) < 2 or covered < len(phrase.replace(" and ", "").replace(",", "")) * 0.8:
        return None
    return ", ".join(canonical[:-1]) + " and " + canonical[-1]


def _anonymous(words: list[str]) -> bool:
    """The phrase's own nouns, before any "of"/"with"/"familiar" tail, include an unnamed
    source ("officials", "two people familiar with the matter")."""
    own: list[str] = []
    for word in words:
        if word in ANONYMOUS_TAIL:
            break
        own.append(word.strip(".,"))
    return any(w in ANONYMOUS_HEADS for w in own)


# ---------------------------------------------------------------- continuations


def _continue_unattributed(quotes: list[Quote], context: _Context) -> list[Quote]:
    """A direct quote with no frame carries on the speaker of the quote just before it (same
    or previous paragraph), or takes a speaker named in the next few sentences."""
    out: list[Quote] = []
    for index, quote in enumerate(quotes):
        if quote.speaker is not None or quote.kind != "direct" or quote.speaker_span:
            out.append(quote)
            continue
        previous = _previous_speaker(out, quote, context)
        if previous is not None:
            out.append(_carry(quote, out[previous], previous))
            continue
        later = _later_speaker(quotes, index, context)
        out.append(later if later is not None else quote)
    return out


def _previous_speaker(done: list[Quote], quote: Quote, context: _Context) -> int | None:
    if not done:
        return None
    last = done[-1]
    if last.speaker is None or last.kind != "direct":
        return None
    between = context.text[last.end : quote.start]
    if between.count("\n\n") > 1 or _words(between) > 12:
        return None
    return len(done) - 1


_NOBODY = (None, None, None, None)  # speaker, speaker_span, cue, cue_span


def _carry(quote: Quote, source: Quote, index: int) -> Quote:
    """`quote` spoken by `source`'s speaker, carried on from quote `index` with no cue."""
    return replace(
        quote,
        speaker=source.speaker,
        addressee=source.addressee,
        via=source.via,
        anonymous=source.anonymous,
        continues=index,
    )


def _later_speaker(quotes: list[Quote], index: int, context: _Context) -> Quote | None:
    """A bare "X said." within a few sentences after the quote, not attributing anything
    else, names its speaker."""
    quote = quotes[index]
    first = context.sentence_of(quote.end)
    sdoc = context.sdoc
    for offset in range(1, LOOKAHEAD_SENTENCES + 1):
        number = first + offset
        if number >= len(context.sentence_starts):
            break
        span = sdoc.char_span(
            context.sentence_starts[number], context.sentence_ends[number], alignment_mode="expand"
        )
        if span is None:
            continue
        for token in span:
            if _is_cue(token) and not _has_clause(token):
                frame = _verb_frame(token, number)
                if frame is not None and frame.speaker is not None:
                    return _quote(QuoteKind.DIRECT, (quote.start, quote.end), frame, context)
        if any(q.start >= context.sentence_starts[number] for q in quotes[index + 1 : index + 2]):
            break
    return None


def _continuations(quotes: list[Quote], context: _Context) -> list[Quote]:
    """A sentence right after an indirect quote that ends its sentence, with no cue of its
    own, whose subject is the speaker's own side ("Russia is ready to …" after the Russian
    minister's words), carries that speech on."""
    if not quotes:
        return quotes
    text = context.text
    covered = _Inside([(q.start, q.end) for q in quotes])
    added: list[Quote] = []
    sents = context.sents
    for index, quote in enumerate(quotes):
        if quote.kind != "indirect" or quote.speaker is None:
            continue
        number = context.sentence_of(quote.start)
        if number + 1 >= len(sents):
            continue
        if text[quote.end : sents[number].end_char].strip(" .\n") != "":
            continue
        nxt = sents[number + 1]
        if covered.contains(nxt.start_char) or _has_cue(nxt):
            continue
        if _speaks_for(nxt, quote, context):
            span = _content(list(nxt))
            if span is not None:
                fresh = Quote(
                    QuoteKind.INDIRECT, span[0], span[1], text[span[0] : span[1]], *_NOBODY
                )
                added.append(_carry(fresh, quote, index))
    return sorted(quotes + added, key=lambda q: q.start)


def _has_cue(sentence: SpacySpan) -> bool:
    return any(_is_cue(t) or t.lower_ == "according" for t in sentence) or any(
        c in sentence.text for c in '“"«„'
    )


def _speaks_for(sentence: SpacySpan, quote: Quote, context: _Context) -> bool:
    """The sentence's subject is the speaker's country or side, and it names not the
    speaker himself (a narrator would)."""
    root = sentence.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or context.mentions is None:
        return False
    mentions = context.mentions.within(sentence.start_char, sentence.end_char)
    if any(m.canonical == quote.speaker for m in mentions):
        return False
    subject_span = _phrase(subject)
    if subject_span is None:
        return False
    if subject.lower_ in ("we", "both", "sides") or "two sides" in sentence.text[:40].lower():
        return True
    named = context.mentions.best_in(*subject_span)
    role = _speaker_role(quote, context)
    return named is not None and bool(role) and named.canonical in role


def _speaker_role(quote: Quote, context: _Context) -> str:
    for mention in context.mentions.entities:
        if mention.canonical == quote.speaker and mention.role:
            return str(mention.role)
    return ""
