"""Quotes and attribution: the seeds' expected quotes, every quote-mark style, split and
multi-sentence quotes, indirect speech, addressees, relay chains, anonymous sources, and the
hard cases (nested quotes, no speaker, a speaker named sentences later)."""

from __future__ import annotations

import pytest

from rashomon.annotate import annotate_texts
from rashomon.annotate.quote_marks import find_marked
from rashomon.model import Quote


def quotes_of(text: str, settings) -> list[Quote]:
    (doc,) = annotate_texts([text], settings)
    for quote in doc.quotes:
        assert text[quote.start : quote.end] == quote.text
        if quote.speaker_span:
            assert 0 <= quote.speaker_span[0] < quote.speaker_span[1] <= len(text)
        if quote.cue_span:
            assert quote.cue.split()[0] in text[quote.cue_span[0] : quote.cue_span[1]]
    return list(doc.quotes)


def quote_with(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if words in q.text]
    assert found, f"no quote contains {words!r}; quotes: {[q.text for q in quotes]}"
    return found[0]


# ------------------------------------------------------------------ the seeds


def _seed_cases(expected):
    for document in expected["documents"]:
        for quote in document["quotes"]:
            yield pytest.param(
                document["file"], quote, id=f"{document['file'][:3]}-{quote['starts'][:30]}"
            )


def pytest_generate_tests(metafunc):
    if "seed_quote" in metafunc.fixturenames:
        import json

        from conftest import SEEDS

        path = SEEDS / "expected.json"
        cases = list(_seed_cases(json.loads(path.read_text("utf-8")))) if path.is_file() else []
        metafunc.parametrize(("seed_file", "seed_quote"), cases)


def test_seed_quote(seed_docs, seed_file, seed_quote):
    doc = seed_docs[seed_file]
    found = [q for q in doc.quotes if seed_quote["starts"] in q.text]
    assert found, f"no quote holds {seed_quote['starts']!r}"
    quote = found[0]
    assert quote.kind == seed_quote["kind"]
    assert quote.speaker == seed_quote["speaker"]
    if seed_quote["cue"] is None:
        assert quote.cue is None and quote.continues is not None
    else:
        assert quote.cue is not None and quote.cue.startswith(seed_quote["cue"].split()[0])
    assert list(quote.via) == seed_quote["via"]
    if "addressee" in seed_quote:
        assert quote.addressee == seed_quote["addressee"]


def test_seed_narration_is_not_a_quote(seed_docs):
    doc = seed_docs["000_b336833760f4749c.txt"]
    assert not [q for q in doc.quotes if "first public communication" in q.text]
    assert not [q for q in doc.quotes if "unceremoniously removed" in q.text]


# ------------------------------------------------------------------ quote marks


@pytest.mark.parametrize(
    "text",
    [
        "“We will not back down,” the mayor said.",
        '"We will not back down," the mayor said.',
        "«We will not back down», the mayor said.",
        "„We will not back down“, the mayor said.",
        "‘We will not back down,’ the mayor said.",
        "''We will not back down,'' the mayor said.",
        "``We will not back down,'' the mayor said.",
    ],
)
def test_every_quote_mark_style(text, settings):
    quote = quote_with(quotes_of(text, settings), "We will not back down")
    assert quote.kind == "direct"
    assert quote.text == "We will not back down"
    assert quote.cue == "said"
    assert quote.speaker == "the mayor"


def test_apostrophes_are_not_quote_marks():
    text = "Russia’s army and the states’ budgets don’t move, the ministers’ aides said."
    assert find_marked(text) == []


def test_nested_quotes_stay_inside_the_outer_quote(settings):
    text = (
        "“They keep calling it ‘a limited operation’ but nobody believes that any more,” "
        "Senator Maria Lopez told reporters on Tuesday."
    )
    quotes = quotes_of(text, settings)
    assert len(quotes) == 1
    (quote,) = quotes
    assert "‘a limited operation’" in quote.text
    assert quote.speaker and "Maria Lopez" in quote.speaker
    assert quote.addressee == "reporters"


def test_a_quote_spanning_sentences_is_one_quote(settings):
    text = (
        '"We were not consulted. Nobody asked us. This is a disgrace," said Anna Berg, '
        "the head of the farmers' union."
    )
    (quote,) = quotes_of(text, settings)
    assert quote.text.startswith("We were not consulted.") and quote.text.endswith("disgrace")
    assert quote.speaker and "Anna Berg" in quote.speaker


def test_split_quote_around_the_speaker(settings):
    text = (
        "“The bridge will reopen in May,” the transport minister, Jan Novak, said. "
        "“Until then, the ferry runs every hour.”"
    )
    quotes = quotes_of(text, settings)
    first = quote_with(quotes, "bridge will reopen")
    second = quote_with(quotes, "ferry runs every hour")
    assert first.cue == "said"
    assert second.speaker == first.speaker is not None
    assert second.cue is None and second.continues == quotes.index(first)


def test_quote_introduced_by_a_colon(settings):
    text = (
        "Asked about the new rail line, the chancellor said: "
        "“We cannot pay for this twice, and we will not.”"
    )
    quotes = quotes_of(text, settings)
    quote = quote_with(quotes, "We cannot pay")
    assert quote.kind == "direct"
    assert quote.speaker and "chancellor" in quote.speaker
    assert quote.cue is not None
    asked = quote_with(quotes, "the new rail line")  # the question put to her, by nobody named
    assert asked.speaker is None and asked.cue == "Asked"


def test_a_quote_with_no_speaker(settings):
    text = (
        "Posters went up across the city overnight. “No more war” was written on most of them. "
        "Police removed them by morning."
    )
    quotes = quotes_of(text, settings)
    assert [(q.kind, q.text, q.speaker, q.cue) for q in quotes] == [
        ("direct", "No more war", None, None)
    ]


def test_speaker_named_sentences_after_the_quote(settings):
    text = (
        "“We have lost everything. The water came in the night and took the house.” "
        "The words came slowly. Maria Santos, a 54-year-old farmer, said nothing more."
    )
    (quote,) = quotes_of(text, settings)
    assert quote.speaker and "Maria Santos" in quote.speaker


# ------------------------------------------------------------------ indirect speech


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        (
            "The finance minister said that inflation would fall below 3% next year.",
            "inflation would fall below 3% next year",
            "said",
            "finance minister",
        ),
        (
            "Inflation will fall below 3% next year, the central bank governor said on Monday.",
            "Inflation will fall below 3% next year",
            "said",
            "central bank governor",
        ),
        (
            "Angela Fischer pointed out that the plant had been idle since March.",
            "the plant had been idle since March",
            "pointed out",
            "Angela Fischer",
        ),
        (
            "The union stressed that no agreement had been reached.",
            "no agreement had been reached",
            "stressed",
            "union",
        ),
    ],
)
def test_indirect_speech(text, content, cue, speaker, settings):
    quote = quote_with(quotes_of(text, settings), content)
    assert quote.kind == "indirect"
    assert quote.cue == cue
    assert quote.speaker and speaker in quote.speaker


def test_urged_and_called_on_take_an_addressee(settings):
    text = "The UN envoy called on both parties to return to the talks in Geneva."
    quote = quote_with(quotes_of(text, settings), "return to the talks")
    assert quote.cue == "called on"
    assert quote.addressee == "both parties"


def test_told_names_the_addressee(settings):
    text = "Prime Minister Erik Lund told parliament that the budget would be balanced by 2026."
    quote = quote_with(quotes_of(text, settings), "budget would be balanced")
    assert quote.addressee == "parliament"
    assert quote.speaker and "Erik Lund" in quote.speaker


def test_according_to_alone_names_the_source(settings):
    text = "According to the health ministry, 42 people were taken to hospital."
    quote = quote_with(quotes_of(text, settings), "42 people were taken to hospital")
    assert quote.speaker and "health ministry" in quote.speaker
    assert quote.cue == "According to"
    assert quote.via == ()


# ------------------------------------------------------------------ relay chains


@pytest.mark.parametrize(
    ("text", "relay"),
    [
        (
            "The strikes will continue, army chief Ivan Petrov said, according to the state "
            "news agency.",
            "state news agency",
        ),
        (
            "The strikes will continue, army chief Ivan Petrov said, as quoted by the "
            "Interfax news agency.",
            "Interfax",
        ),
        (
            "The strikes will continue, army chief Ivan Petrov said, as cited by the defence "
            "ministry.",
            "defence ministry",
        ),
        (
            "Army chief Ivan Petrov said the strikes will continue, Reuters reported.",
            "Reuters",
        ),
        (
            "Army chief Ivan Petrov said the strikes will continue, the newspaper Kommersant "
            "reported, citing a transcript.",
            "Kommersant",
        ),
    ],
)
def test_relays_between_speaker_and_outlet(text, relay, settings):
    quote = quote_with(quotes_of(text, settings), "strikes will continue")
    assert quote.speaker and "Ivan Petrov" in quote.speaker
    assert any(relay in v for v in quote.via), quote.via


@pytest.mark.parametrize(
    "text",
    [
        "Dong Jun said the talks had been constructive, the Russian Defence Ministry's readout "
        "said.",
        "The talks had been constructive, Dong Jun said, according to a readout of the call "
        "published by the Russian Defence Ministry.",
    ],
)
def test_a_readout_relays_the_speaker(text, settings):
    quote = quote_with(quotes_of(text, settings), "talks had been constructive")
    assert quote.speaker == "Dong Jun"
    assert quote.via == ("Ministry of Defence of the Russian Federation",)


def test_a_statement_names_its_owner_as_speaker(settings):
    text = "The Russian Defence Ministry's statement said the talks had been constructive."
    quote = quote_with(quotes_of(text, settings), "talks had been constructive")
    assert quote.speaker == "Ministry of Defence of the Russian Federation"
    assert quote.via == ()


def test_anonymous_sources_are_flagged(settings):
    text = "Two senior officials said the deal could be signed as early as next week."
    quote = quote_with(quotes_of(text, settings), "deal could be signed")
    assert quote.anonymous
    named = quote_with(
        quotes_of("Mayor Carla Ruiz said the deal could be signed next week.", settings),
        "deal could be signed",
    )
    assert not named.anonymous


def test_narration_is_not_speech(settings):
    text = (
        "The river rose two metres overnight. Thousands of residents left their homes. "
        "The army built a wall of sandbags along the embankment."
    )
    assert quotes_of(text, settings) == []


def test_a_relative_pronoun_speaker_is_named_by_its_noun(settings):
    text = "The plan was opposed by Chris Cox, who said the rules would not stop a single shooting."
    quote = quote_with(quotes_of(text, settings), "rules would not stop")
    assert quote.speaker and "Chris Cox" in quote.speaker
    assert text[quote.speaker_span[0] : quote.speaker_span[1]] == "who"


def test_the_verb_after_a_closing_mark_attributes_the_quote(settings):
    text = "“A lot of it is justified because nothing got better,” he continued, citing the data."
    (quote,) = quotes_of(text, settings)
    assert quote.cue == "continued"
    assert text[quote.speaker_span[0] : quote.speaker_span[1]] == "he"


def test_names_joined_by_and_speak_together(settings):
    text = "China and Russia pledged to hold joint naval drills in the Pacific this summer."
    quote = quote_with(quotes_of(text, settings), "hold joint naval drills")
    assert quote.speaker == "China and Russia"
    text = "The Chinese Defense Minister and his staff said the drills would go ahead."
    quote = quote_with(quotes_of(text, settings), "drills would go ahead")
    assert quote.speaker != "China and Russia"


def test_people_familiar_with_the_matter_are_anonymous(settings):
    text = "The company will cut 4,000 jobs, according to two people familiar with the matter."
    quote = quote_with(quotes_of(text, settings), "cut 4,000 jobs")
    assert quote.anonymous and quote.cue == "according to"
    assert quote.text == "The company will cut 4,000 jobs"


def test_a_fronted_clause_parsed_as_an_adverbial_is_the_content(settings):
    text = (
        "As yet, there is no evidence linking the third case to the earlier two, the regional "
        "health commission said, according to Reuters."
    )
    quote = quote_with(quotes_of(text, settings), "no evidence linking")
    assert quote.speaker and "health commission" in quote.speaker
    assert quote.via == ("Reuters",)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The senator leaned in and boomed: “We will defeat her in November.”", "senator"),
        ("Issa: “Hillary Clinton’s honesty is in question.”", "Issa"),
    ],
)
def test_a_quote_after_a_colon_belongs_to_what_stands_before_it(text, speaker, settings):
    (quote,) = quotes_of(text, settings)
    assert quote.speaker and speaker in quote.speaker


def test_an_attribution_set_inside_the_clause_by_commas(settings):
    text = "In his state, Governor Chris Christie said, first-time offenders are sent to treatment."
    quote = quote_with(quotes_of(text, settings), "offenders are sent to treatment")
    assert quote.speaker and "Chris Christie" in quote.speaker
    assert "said" not in quote.text


def test_said_nothing_reports_nothing(settings):
    assert quotes_of("The mayor said nothing more and left the hall.", settings) == []


def test_reported_speech_goes_on_past_a_semicolon(settings):
    text = (
        "Dong Jun met his counterpart. He noted that Western countries have been trying to "
        "isolate Russia; China understands this and is trying to provide strong support."
    )
    quote = quote_with(quotes_of(text, settings), "trying to isolate Russia")
    assert quote.text.endswith("trying to provide strong support")
    text = "He noted that prices rose; the central bank said inflation would fall."
    first = quote_with(quotes_of(text, settings), "prices rose")
    assert first.text == "prices rose"


def test_mixed_straight_and_curly_marks_pair_up(settings):
    text = (
        'Mayor Tom Berg spoke last. "The police have done an unbelievable job,” he continued. '
        '"They are afraid.”'
    )
    assert [text[s:e] for s, e in find_marked(text)] == [
        "The police have done an unbelievable job",
        "They are afraid.",
    ]
    quotes = quotes_of(text, settings)
    assert quotes[0].cue == "continued" and quotes[1].continues == 0


def test_a_name_before_a_colon_beats_an_earlier_verb(settings):
    text = (
        "But polls did predict the Democratic caucus - HuffPollster: “While the caucuses "
        "provided an upset, most pollsters were right about the Democrats.”"
    )
    quote = quote_with(quotes_of(text, settings), "most pollsters were right")
    assert quote.speaker == "HuffPollster"


def test_marks_around_a_title_are_not_a_quote(settings):
    text = (
        "Susan Sarandon, star of the cult classic “Thelma and Louise,” is not sure she can "
        "vote for Hillary Clinton. She hosted “Saturday Night Live” twice."
    )
    assert [q for q in quotes_of(text, settings) if q.kind == "direct"] == []


def test_the_company_is_the_business_named_before(settings):
    text = (
        "Volkswagen will close two plants in Saxony next year. The company said the decision "
        "was forced by falling demand for electric cars."
    )
    quote = quote_with(quotes_of(text, settings), "decision was forced")
    assert quote.speaker == "Volkswagen"
    text = "The storm hit the coast on Monday. The company said the plant was safe."
    quote = quote_with(quotes_of(text, settings), "plant was safe")
    assert quote.speaker == "The company"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Senator Paul Ryan endorsed the new budget plan on Tuesday.",
            "the new budget plan",
            "Paul Ryan",
        ),
        (
            "Analyst Tom Peck doesn't expect a deal before 2017 at the earliest.",
            "a deal",
            "Tom Peck",
        ),
        (
            "Paul Manafort called Viktor Yanukovych an outstanding leader.",
            "an outstanding leader",
            "Paul Manafort",
        ),
    ],
)
def test_what_a_verb_of_stance_takes_as_its_object_is_attributed(text, content, speaker, settings):
    quote = quote_with(quotes_of(text, settings), content)
    assert quote.speaker and speaker in quote.speaker


def test_a_passive_attribution_names_nobody(settings):
    quote = quote_with(
        quotes_of("It was reported that the talks had failed.", settings), "talks had failed"
    )
    assert quote.speaker is None and quote.cue == "reported"
    assert quotes_of("He was named chief executive in 2019.", settings) == []
    quote = quote_with(
        quotes_of("The plan was described by aides as a compromise.", settings), "compromise"
    )
    assert quote.speaker == "aides"


def test_stances_after_is_are_attributed(settings):
    quote = quote_with(
        quotes_of("Senator Clinton is skeptical that the deal will pass.", settings),
        "the deal will pass",
    )
    assert quote.speaker and "Clinton" in quote.speaker
    assert quotes_of("The weather was warm and the sea calm.", settings) == []


def test_support_and_votes_are_stances(settings):
    quote = quote_with(
        quotes_of("Most union members voted for the new contract on Friday.", settings),
        "the new contract",
    )
    assert quote.speaker and "union members" in quote.speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        ("Most Democrats view Trump as a threat to the republic.", "as a threat", "Democrats"),
        ("New polls show Clinton ahead in Ohio.", "Clinton ahead", "polls"),
        ("Reporters asked Obama about the shooting.", "the shooting", "Reporters"),
    ],
)
def test_judging_showing_and_asking(text, content, speaker, settings):
    quote = quote_with(quotes_of(text, settings), content)
    assert quote.speaker and speaker in quote.speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Superdelegates who back him would be going against the will of the voters, "
            "campaign manager Robby Mook said.",
            "going against the will of the voters",
            "Robby Mook",
        ),
        (
            "To get their votes, participants said, the Democrats must consider new policies.",
            "the Democrats must consider new policies",
            "participants",
        ),
    ],
)
def test_the_attribution_that_frames_the_sentence_wins(text, content, speaker, settings):
    quote = quote_with(quotes_of(text, settings), content)
    assert quote.speaker and speaker in quote.speaker
    assert quote.via == ()


@pytest.mark.parametrize(
    "text",
    [
        "Early recognition of the exposure is critical to recovery for patients.",
        "To charge it, you need the Apple Watch charging piece.",
        "The lake is known to be very cold in spring.",
        "Blue Origin will offer its Blue Moon lander to NASA.",
    ],
)
def test_things_that_are_no_ones_words(text, settings):
    assert quotes_of(text, settings) == []


def test_two_apostrophes_close_a_double_quote(settings):
    text = (
        "“It was an attempt to mislead voters,’’ Will Moy, chief executive of Full Fact, told "
        "the BBC. “And I think it is inappropriate.”"
    )
    quotes = quotes_of(text, settings)
    first = quote_with(quotes, "mislead voters")
    assert first.text == "It was an attempt to mislead voters"
    assert first.speaker and "Will Moy" in first.speaker


def test_a_blank_line_ends_reported_speech(settings):
    text = (
        "Governor Kristi Noem said South Dakota spends $449K on a new ad campaign\n\n"
        "South Dakota's meth crisis is growing fast, officials say."
    )
    quotes = quotes_of(text, settings)
    noem = quote_with(quotes, "spends $449K")
    assert "meth crisis" not in noem.text and noem.via == ()
    officials = quote_with(quotes, "meth crisis is growing")
    assert officials.anonymous
