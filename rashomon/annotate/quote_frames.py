"""Pass 2 of the quote finder: every attribution the parse shows, as a `Frame` — a speech or
belief verb with its subject (speaker), object (addressee) and complement (content), "according
to X", a stance ("X was adamant that"), and the relay phrases of the sentence ("as quoted by
X", "citing X", "X reported").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rashomon.annotate.nlp import sentences_of
from rashomon.annotate.quote_marks import Inside
from rashomon.annotate.quote_words import (
    ADDRESSEE_NOUNS,
    ADDRESSING,
    ANONYMOUS_HEADS,
    BELIEF,
    CLAUSE_ONLY,
    CUE_LEMMAS,
    EMPTY_OBJECTS,
    NAMING_VERBS,
    OBJECT_CONTENT,
    PARTICLES,
    PASSIVE_CUES,
    PREPOSITION_ONLY,
    PREPOSITIONS,
    RELAY_CLAUSE_VERBS,
    RELAY_VERBS,
    SPEECH,
    STANCE_ADJECTIVES,
    STATEMENT_NOUNS,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


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


def phrase_span(head: Token) -> tuple[int, int] | None:
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


def content_span(tokens: list[Token]) -> tuple[int, int] | None:
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


def is_cue(token: Token) -> bool:
    lemma = token.lemma_
    if lemma not in CUE_LEMMAS or token.pos_ not in ("VERB", "AUX"):
        return False
    wanted = PARTICLES.get(lemma)
    if lemma in ("point", "go") and wanted:
        return any(c.lower_ in wanted for c in token.children)
    if lemma in PREPOSITION_ONLY:  # "pushed for talks", not "pushed relations higher"
        return any(c.lower_ in PREPOSITIONS[lemma] for c in token.children)
    if lemma in CLAUSE_ONLY:
        return has_clause(token) or _passive(token) or _names_as(token) or _shows(token)
    if lemma in BELIEF and lemma not in OBJECT_CONTENT:
        return has_clause(token) or _has_object(token)
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


def has_clause(verb: Token) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)


def verb_frame(verb: Token, sentence: int) -> Frame | None:
    subject = _subject(verb)
    content_tokens: list[Token] = []
    addressee: tuple[int, int] | None = None
    for child in verb.children:
        if _relay_clause(child, verb) or (child.dep_ == "parataxis" and is_cue(child)):
            continue  # "…, Reuters reported" / "participants said," set into the clause
        if child.dep_ in ("ccomp", "parataxis") or (
            child.dep_ == "xcomp" and verb.lemma_ not in ("be",)
        ):
            content_tokens += list(child.subtree)
        elif child.dep_ == "dobj" and _names_as(verb):
            content_tokens += list(child.subtree) + _naming(verb)
        elif child.dep_ in ("dobj", "dative") and verb.lemma_ in ADDRESSING and _animate(child):
            addressee = phrase_span(child)
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
                    addressee = phrase_span(grand)
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
        named_by = phrase_span(subject.head.head)  # "Cox, who said …": Cox
    return Frame(
        cue=_char_span(cue_tokens),
        cue_text=" ".join(t.text for t in cue_tokens),
        speaker=_speaker_phrase(subject) if subject is not None else None,
        addressee=addressee,
        content=content_span(content_tokens) if content_tokens else None,
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
    return phrase_span(obj) if obj is not None else None


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
                return phrase_span(child)
    span = phrase_span(subject)
    before = [c for c in subject.head.children if c.dep_ == "nsubj" and c.i < subject.i]
    if span and before and before[-1].right_edge.i == subject.left_edge.i - 1:
        start = phrase_span(before[-1])
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
    span = content_span(content) if content else None
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
        speaker=phrase_span(obj),
        addressee=None,
        content=content_span(content),
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
                phrase = phrase_span(obj)
                if phrase:
                    found.append(phrase)
    return found


def find_frames(sdoc: SpacyDoc, inside: Inside) -> list[Frame]:
    frames: list[Frame] = []
    for index, sentence in enumerate(sentences_of(sdoc)):
        relays = _relays(sentence)
        for token in sentence:
            if inside.contains(token.idx):
                continue
            frame = None
            if token.lower_ == "according" and token.dep_ == "prep":
                frame = _according_frame(token, sentence, index)
            elif is_cue(token) and not _relay_verb(token):
                frame = verb_frame(token, index)
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
