"""The claims layer: units, stance, numbers, dates, entities and negation."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import SEEDS

from rashomon.annotate.claims import find_claims
from rashomon.model import Claim, Entity, Quote, TimeExpr


def _quote(text: str, content: str, cue: str | None = None, speaker: str | None = None) -> Quote:
    """A Quote over `content` as it occurs in `text`, with cue and speaker spans found there."""
    start = text.index(content)

    def span(word: str | None) -> tuple[int, int] | None:
        if word is None:
            return None
        at = text.index(word)
        return at, at + len(word)

    return Quote(
        kind="indirect",
        start=start,
        end=start + len(content),
        text=content,
        speaker=speaker,
        speaker_span=span(speaker),
        cue=cue,
        cue_span=span(cue),
    )


def _entity(
    text: str, mention: str, canonical: str, kind: str = "GPE", start: int | None = None
) -> Entity:
    start = text.index(mention) if start is None else start
    return Entity(start, start + len(mention), mention, kind, canonical, canonical.lower())


def _time(text: str, mention: str, value: str | None) -> TimeExpr:
    start = text.index(mention)
    return TimeExpr(start, start + len(mention), mention, value, "day", "absolute")


def _claims(nlp, text: str, quotes=(), entities=(), times=()) -> list[Claim]:
    claims = find_claims(
        nlp(text), list(quotes), SimpleNamespace(entities=list(entities)), list(times)
    )
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.text == claim.text.strip()
    return claims


def _one(nlp, text: str, **kwargs) -> Claim:
    claims = _claims(nlp, text, **kwargs)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


def _containing(claims: list[Claim], words: str) -> Claim:
    found = [c for c in claims if words in c.text]
    assert found, f"no claim holds {words!r}: {[c.text for c in claims]}"
    return found[0]


@pytest.fixture(scope="module")
def bodies(expected) -> dict[str, str]:
    """The seed reports' bodies, from the analyst's first to last words."""
    out = {}
    for doc in expected["documents"]:
        text = (SEEDS / doc["file"]).read_text("utf-8")
        start = text.index(doc["body_starts"])
        end = text.index(doc["body_ends"]) + len(doc["body_ends"])
        out[doc["file"]] = text[start:end]
    return out


# -- seeds -----------------------------------------------------------------------------------


def test_seed_000_stances(nlp, bodies, expected) -> None:
    name = "000_b336833760f4749c.txt"
    text = bodies[name]
    content = "this year marks the 75th anniversary of the establishment of diplomatic relations"
    content += " between the two superpowers"
    claims = _claims(nlp, text, quotes=[_quote(text, content, "pointed out", "Dong")])

    for anchor in next(d for d in expected["documents"] if d["file"] == name)["opinion"]:
        assert _containing(claims, anchor).stance == "opinion", anchor
    lead = _containing(claims, "More bad news")
    assert lead.text == "More bad news for the government of Ukraine."
    assert "bad" in lead.cues
    assert "seems" in _containing(claims, "a sort of synergy").cues

    reported = _containing(claims, "this year marks")
    assert (reported.stance, reported.quote, reported.text) == ("reported", 0, content)
    assert reported.cues == ("pointed out",)
    assert "75th anniversary" in reported.numbers
    assert not any("pointed out" in c.text for c in claims)  # the frame is no claim

    assert _containing(claims, "held a video call").stance == "asserted"
    assert _containing(claims, "African leaders seem").stance == "hedged"
    assert _containing(claims, "Dong succeeded Gen. Li Shangfu").stance == "asserted"


def test_seed_001_reported_negated_dated(nlp, bodies) -> None:
    text = bodies["001_e0f29892ad68ab7a.txt"]
    content = (
        "China will not give up on its support for Russia on the Ukraine issue regardless "
        "of Western pressure"
    )
    quotes = [_quote(text, content, "said", "Chinese Defense Minister Dong Jun")]
    entities = [
        _entity(text, "China", "China"),
        _entity(text, "Russia", "Russia", start=text.index("Russia on the Ukraine")),
        _entity(text, "Ukraine", "Ukraine"),
        _entity(text, "Dong Jun", "Dong Jun", "PERSON"),
    ]
    times = [_time(text, "January 31", "2024-01-31")]
    claims = _claims(nlp, text, quotes=quotes, entities=entities, times=times)

    first = claims[0]
    assert first.text.startswith("On January 31, the Russian and Chinese defense ministers")
    assert (first.stance, first.dates, first.negated) == ("asserted", ("2024-01-31",), False)

    support = _containing(claims, "will not give up")
    assert (support.stance, support.quote, support.text) == ("reported", 0, content)
    assert support.negated
    assert support.entities == ("China", "Russia", "Ukraine")
    assert not any("as quoted by" in c.text for c in claims)


def test_seed_sentences_are_covered(nlp, bodies) -> None:
    for text in bodies.values():
        sdoc = nlp(text)
        claims = find_claims(sdoc, [], SimpleNamespace(entities=[]), [])
        for sent in sdoc.sents:
            if sum(1 for t in sent if t.is_alpha) < 3:
                continue
            assert any(c.start < sent.end_char and c.end > sent.start_char for c in claims), sent
        assert [c.start for c in claims] == sorted(c.start for c in claims)


def test_examples_match_shared_seeds(seed_paths) -> None:
    shared = sorted(SEEDS.glob("0*.txt"))
    if not shared:
        pytest.skip(f"shared seeds not found at {SEEDS}")
    assert [p.name for p in seed_paths] == [p.name for p in shared]
    for path in seed_paths:
        assert path.read_bytes() == (SEEDS / path.name).read_bytes(), path.name


# -- stance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "stance", "cue"),
    [
        ("The central bank raised its key rate to 16% on Friday.", "asserted", None),
        ("Unfortunately, the ceasefire talks collapsed within hours.", "opinion", "unfortunately"),
        ("It was a disgraceful display by the ruling party.", "opinion", "disgraceful"),
        ("Of course, the ministry never explained the delay.", "opinion", "of course"),
        ("Why should taxpayers foot the bill for the stadium?", "opinion", "?"),
        ("The government must resign before the summer recess.", "opinion", "must"),
        ("We have asked the ministry for comment on the figures.", "opinion", "we"),
        ("More trouble for the embattled coalition government.", "opinion", "more"),
        ("Read our full coverage of the election here.", "opinion", "read"),
        ("The rebels reportedly seized the airport overnight.", "hedged", "reportedly"),
        ("The suspect is believed to have fled to Spain.", "hedged", "believed"),
        ("The plan appears to have stalled in parliament.", "hedged", "appears"),
        ("Turnout may reach a record level this year.", "hedged", "may"),
        ("The minister appeared in court on Monday morning.", "asserted", None),
        ("According to police, three people died in the crash.", "reported", "according to"),
    ],
)
def test_stance(nlp, sentence: str, stance: str, cue: str | None) -> None:
    claim = _one(nlp, sentence)
    assert claim.stance == stance
    assert claim.quote is None
    if cue is None:
        assert claim.cues == ()
    else:
        assert cue in claim.cues


def test_opinion_beats_hedge_and_keeps_both_cues(nlp) -> None:
    claim = _one(nlp, "The deal now seems to be a sort of truce that nobody really trusts.")
    assert claim.stance == "opinion"
    assert claim.cues[0] == "seems"
    assert {"sort of", "really"} <= set(claim.cues)


def test_words_inside_quotation_marks_are_not_the_outlets(nlp) -> None:
    claim = _one(nlp, '"We must not let this happen again," the mayor told reporters.')
    assert (claim.stance, claim.cues, claim.quote) == ("reported", ("quoted",), None)
    scare = _one(nlp, 'The company called the report "shocking" on its website.')
    assert scare.stance == "asserted"


def test_reported_drops_the_frame(nlp) -> None:
    text = "The finance minister said on Tuesday that inflation would fall below 4% by June."
    content = "inflation would fall below 4% by June"
    claim = _one(nlp, text, quotes=[_quote(text, content, "said", "The finance minister")])
    assert (claim.stance, claim.quote, claim.text) == ("reported", 0, content)
    assert claim.numbers == ("4%",)
    assert claim.cues == ("said",)


def test_direct_quote_over_several_sentences(nlp) -> None:
    text = (
        '"The bridge will reopen in May. Repairs cost 2 million euros, and the city paid '
        'half of it," the mayor said, according to the local paper.'
    )
    content = text[1 : text.index(',"')]
    claims = _claims(nlp, text, quotes=[_quote(text, content, "said", "the mayor")])
    assert [c.text for c in claims] == [
        "The bridge will reopen in May.",
        "Repairs cost 2 million euros",
        "the city paid half of it",
    ]
    assert all(c.stance == "reported" and c.quote == 0 for c in claims)
    assert claims[1].numbers == ("2 million EUR",)


def test_fragment_outside_a_short_quote_span_stays_reported(nlp) -> None:
    text = (
        "He urged both sides to respect the truce, release all prisoners and reopen the "
        "border crossings."
    )
    quote = _quote(text, "both sides to respect the truce", "urged", "He")
    claims = _claims(nlp, text, quotes=[quote])
    assert [(c.stance, c.quote) for c in claims] == [("reported", 0), ("reported", 0)]
    assert claims[1].text == "release all prisoners and reopen the border crossings."


def test_own_clause_beside_a_quote_is_the_outlets(nlp) -> None:
    text = (
        "He noted that exports had fallen sharply in recent years; the statistics office "
        "confirmed the decline in March."
    )
    quote = _quote(text, "exports had fallen sharply in recent years", "noted", "He")
    claims = _claims(nlp, text, quotes=[quote])
    assert [(c.stance, c.quote) for c in claims] == [("reported", 0), ("asserted", None)]
    assert claims[1].text.startswith("the statistics office confirmed")


def test_short_quote_marks_the_whole_sentence_or_nothing(nlp) -> None:
    text = 'The opposition leader called the budget "a farce" in parliament.'
    called = _quote(text, "a farce", "called", "The opposition leader")
    claim = _one(nlp, text, quotes=[called])
    assert (claim.stance, claim.quote, claim.text) == ("reported", 0, text)
    scare = _quote(text, "a farce")  # no cue, no speaker: a scare quote
    assert _one(nlp, text, quotes=[scare]).quote is None


def test_nested_quote_is_ignored(nlp) -> None:
    text = '"They keep aiming their spearhead at us and our partners," the envoy said.'
    outer = _quote(text, "They keep aiming their spearhead at us and our partners", "said")
    inner = _quote(text, "spearhead")
    claim = _one(nlp, text, quotes=[inner, outer])
    assert (claim.stance, claim.quote) == ("reported", 1)


def test_denial_cue_negates_the_content(nlp) -> None:
    text = "The ministry denied that troops had crossed the border."
    quote = _quote(text, "troops had crossed the border", "denied", "The ministry")
    claim = _one(nlp, text, quotes=[quote])
    assert claim.stance == "reported"
    assert claim.negated


# -- units -----------------------------------------------------------------------------------


def test_coordinated_clauses_split(nlp) -> None:
    claims = _claims(nlp, "Prices rose 5% and unemployment fell to 3.1%.")
    assert [c.text for c in claims] == ["Prices rose 5%", "unemployment fell to 3.1%."]
    assert [c.numbers for c in claims] == [("5%",), ("3.1%",)]


def test_but_and_semicolon_split(nlp) -> None:
    claims = _claims(
        nlp,
        "The company cut 300 jobs in March, but its shares rose 4% on Monday; analysts "
        "expect further cuts this year.",
    )
    assert [c.text for c in claims] == [
        "The company cut 300 jobs in March",
        "its shares rose 4% on Monday",
        "analysts expect further cuts this year.",
    ]


def test_shared_subject_does_not_split(nlp) -> None:
    text = "China understands this and is trying to provide strong support to Russia."
    assert _one(nlp, text).text == text
    said = "The army said 3,000 troops crossed the border and seized two villages."
    assert _one(nlp, said).text == said


def test_paragraph_break_ends_a_unit_and_short_lines_drop(nlp) -> None:
    text = "Breaking news\n\nThe dam burst after three days of rain\nMore soon."
    claims = _claims(nlp, text)
    assert [c.text for c in claims] == ["The dam burst after three days of rain"]


def test_empty_text(nlp) -> None:
    assert _claims(nlp, "") == []
    assert _claims(nlp, "   \n\n  ") == []


# -- negation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("China will not give up on its support for Russia.", True),
        ("The government hasn't published the audit.", True),
        ("The government has never published the figures.", True),
        ("The treaty no longer binds the two countries.", True),
        ("No one was injured in the blast.", True),
        ("There were no casualties in the attack.", True),
        ("Officials refused to comment on the report.", True),
        ("The deal not only cuts tariffs but also opens markets.", False),
        ("The army seized the town that the rebels could not hold.", False),
        ("The bill passed with 300 votes.", False),
        ("The minister does not seem to have read the report.", True),
    ],
)
def test_negation(nlp, sentence: str, negated: bool) -> None:
    assert _one(nlp, sentence).negated is negated


# -- numbers, dates, entities ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "numbers"),
    [
        ("The fund paid $5 million in fines last year.", ("5 million USD",)),
        ("The army moved 3,000 troops to the border.", ("3000 troops",)),
        ("Inflation rose 12 percent while wages rose 3.5 per cent.", ("12%", "3.5%")),
        ("Rebels killed two soldiers near the airport.", ("2 soldiers",)),
        ("Two hundred and fifty people were evacuated overnight.", ("250 people",)),
        ("The company earned €3.2 billion in the quarter.", ("3.2 billion EUR",)),
        ("The storm dumped 30 centimetres of snow on the city.", ("30 centimetres",)),
        ("This year marks the 75th anniversary of the treaty.", ("75th anniversary",)),
    ],
)
def test_numbers(nlp, sentence: str, numbers: tuple[str, ...]) -> None:
    assert _one(nlp, sentence).numbers == numbers


def test_dates_come_from_time_expressions(nlp) -> None:
    text = "The talks began on Monday and ended last week. Nothing changed after that point."
    times = [
        _time(text, "Monday", "2024-01-29"),
        _time(text, "last week", None),
        _time(text, "that point", None),
    ]
    claims = _claims(nlp, text, times=times)
    assert claims[0].dates == ("2024-01-29", "last week")
    assert claims[1].dates == ("that point",)


def test_entities_are_canonical_and_deduplicated(nlp) -> None:
    text = "Shoigu met Dong Jun in Moscow, and Dong later flew home."
    entities = [
        _entity(text, "Shoigu", "Sergei Shoigu", "PERSON"),
        _entity(text, "Dong Jun", "Dong Jun", "PERSON"),
        _entity(text, "Moscow", "Moscow"),
        _entity(text, "Dong", "Dong Jun", "PERSON", start=text.rindex("Dong")),
    ]
    claims = _claims(nlp, text, entities=entities)
    assert [c.entities for c in claims] == [
        ("Sergei Shoigu", "Dong Jun", "Moscow"),
        ("Dong Jun",),
    ]


def test_overlapping_quotes_give_disjoint_units(nlp) -> None:
    text = "The envoy said the talks were useful and the two sides would meet again in May."
    first = _quote(text, "the talks were useful and the two sides", "said", "The envoy")
    second = _quote(text, "the two sides would meet again in May", "said", "The envoy")
    claims = _claims(nlp, text, quotes=[first, second])
    assert all(a.end <= b.start for a, b in zip(claims, claims[1:], strict=False))
    assert {c.quote for c in claims} <= {0, 1}


def test_stances_and_quote_kinds_are_their_enums_and_survive_the_codec(seed_docs) -> None:
    from rashomon import codec
    from rashomon.model import Doc, QuoteKind, Stance

    for doc in seed_docs.values():
        again = codec.loads(Doc, codec.dumps(doc))
        for found in (doc, again):
            assert found.claims and all(type(c.stance) is Stance for c in found.claims)
            assert found.quotes and all(type(q.kind) is QuoteKind for q in found.quotes)
        assert again == doc
        assert '"asserted"' in codec.dumps(doc)  # written as the plain value
