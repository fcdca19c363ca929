"""Entities: names, roles, aliases, demonyms, pronouns and descriptions, and the resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.annotate.entities import Mentions, find_entities
from rashomon.annotate.resolver import Resolver, resolve_docs
from rashomon.clean import clean
from rashomon.lexicon.names import name_key
from rashomon.model import Entity, RawDoc
from rashomon.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _find(nlp, text: str) -> Mentions:
    sdoc = nlp(text)
    mentions = find_entities(sdoc)
    for e in mentions.entities:
        assert text[e.start : e.end] == e.text
    return mentions


def _of(mentions: Mentions, text: str) -> Entity:
    return next(e for e in mentions.entities if e.text == text)


def _norm(text: str) -> str:
    return text.removeprefix("The ").removeprefix("the ").lower()


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, tuple[str, str]]:
    out = {}
    for path in sorted(EXAMPLES.glob("0*.txt")):
        art = clean(RawDoc.from_bytes(path.read_bytes(), "text/plain", str(path)), Settings())
        out[path.name] = (art.title or "", art.text)
    return out


@pytest.fixture(scope="module")
def seeds(nlp, seed_articles) -> dict[str, Mentions]:
    return {name: _find(nlp, text) for name, (_, text) in seed_articles.items()}


def test_seed_entities_match_the_analysts_list(nlp, seeds, seed_articles, expected):
    for doc in expected["documents"]:
        title = _find(nlp, seed_articles[doc["file"]][0]).entities  # the analyst reads it too
        found = seeds[doc["file"]].entities + title
        for want in doc["entities"]:
            same = [e for e in found if e.canonical == want["canonical"]]
            assert same, want["canonical"]
            assert want["type"] in {e.type for e in same}, want
            texts = {_norm(e.text) for e in same}
            for text in want.get("mentions", []):
                assert _norm(text) in texts, (want["canonical"], text)
            if "role" in want:
                assert {e.role for e in same} == {want["role"]}, want


def test_seed_keys_are_shared_by_every_mention_of_a_thing(seeds):
    mentions = seeds["000_b336833760f4749c.txt"]
    keys = {e.key for e in mentions.entities if e.canonical == "Sergei Shoigu"}
    assert keys == {"person:sergei-shoigu"}
    assert _of(mentions, "Shoygu").type == "PERSON"
    assert {e.key for e in mentions.entities if e.canonical == "China"} == {"gpe:china"}


def test_possessive_and_title_only_org_are_repaired(seeds):
    mentions = seeds["000_b336833760f4749c.txt"]
    assert not any(e.text.endswith(("’s", "'s")) for e in mentions.entities)
    assert not any(e.text == "Defense" for e in mentions.entities)
    assert not any(e.text == "navy" for e in mentions.entities)


def test_us_spellings_are_one_country(nlp):
    mentions = _find(
        nlp,
        "The U.S. and the United States of America said the US would act. "
        "Washington said the United States was ready.",
    )
    us = [e for e in mentions.entities if e.text in ("U.S.", "US", "United States of America")]
    assert len(us) == 3
    assert {(e.canonical, e.key, e.type) for e in us} == {
        ("United States", "gpe:united-states", "GPE")
    }
    assert _of(mentions, "United States").canonical == "United States"


def test_eu_and_nato_aliases(nlp):
    mentions = _find(nlp, "The EU and NATO met. The European Union said the talks went well.")
    assert _of(mentions, "EU").canonical == "European Union"
    assert _of(mentions, "EU").via == "alias"
    assert _of(mentions, "European Union").key == _of(mentions, "EU").key
    assert _of(mentions, "NATO").canonical == "North Atlantic Treaty Organization"


def test_possessive_transliteration_and_surname_link_to_full_name(nlp):
    mentions = _find(
        nlp,
        "Russian Defence Minister Sergei Shoigu arrived in Minsk on Monday. "
        "Shoygu's visit was brief, and Shoigu left the next day.",
    )
    shoygu = _of(mentions, "Shoygu")
    assert shoygu.canonical == "Sergei Shoigu"
    assert shoygu.role == "Defense Minister of Russia"
    assert _of(mentions, "Shoigu").via == "surname"


def test_pronoun_goes_to_the_subject_when_two_people_are_present(nlp):
    mentions = _find(
        nlp,
        "German Chancellor Olaf Scholz met French President Emmanuel Macron in Berlin. "
        "He said the talks had been useful. Macron thanked him for the invitation.",
    )
    assert _of(mentions, "He").canonical == "Olaf Scholz"
    assert _of(mentions, "He").via == "pronoun"
    assert _of(mentions, "him").canonical == "Olaf Scholz"
    assert _of(mentions, "Olaf Scholz").role == "Chancellor of Germany"
    assert _of(mentions, "Emmanuel Macron").role == "President of France"


def test_description_links_only_when_the_role_fits(nlp):
    text = (
        "Indian Foreign Minister Subrahmanyam Jaishankar met Japanese Prime Minister "
        "Fumio Kishida in Tokyo. The Indian minister praised the talks. "
        "The French minister did not comment."
    )
    mentions = _find(nlp, text)
    assert _of(mentions, "The Indian minister").canonical == "Subrahmanyam Jaishankar"
    assert _of(mentions, "The Indian minister").via == "description"
    assert not any(e.text == "The French minister" for e in mentions.entities)


def test_demonym_maps_to_its_country(nlp):
    mentions = _find(nlp, "Ukrainian troops held the line, and British officials agreed.")
    ukrainian = _of(mentions, "Ukrainian")
    assert (ukrainian.type, ukrainian.canonical, ukrainian.via) == ("NORP", "Ukraine", "demonym")
    assert ukrainian.key == "gpe:ukraine"
    assert _of(mentions, "British").canonical == "United Kingdom"


def test_ministry_forms_and_later_short_mentions(nlp):
    mentions = _find(
        nlp,
        "The talks were reported by the Russian Defense Ministry. The Russian ministry said "
        "they went well. China's defense ministry agreed, and the ministry posted a photo.",
    )
    russian = _of(mentions, "Russian Defense Ministry")
    assert russian.canonical == "Ministry of Defence of the Russian Federation"
    assert russian.type == "ORG"
    assert _of(mentions, "The Russian ministry").canonical == russian.canonical
    chinese = _of(mentions, "China's defense ministry")
    assert chinese.canonical == "Ministry of Defence of the People's Republic of China"
    assert _of(mentions, "the ministry").canonical == chinese.canonical


def test_apposition_and_succession_give_roles(nlp):
    mentions = _find(
        nlp,
        "Antony Blinken, the US secretary of state, met reporters. "
        "Hegseth succeeded Lloyd Austin as defense secretary. "
        "Defense Secretary Pete Hegseth spoke first.",
    )
    assert _of(mentions, "Antony Blinken").role == "Secretary of State of the United States"
    assert _of(mentions, "Lloyd Austin").role == "former Defense Secretary"


def test_best_in_returns_the_head_of_a_speaker_phrase(nlp):
    text = (
        "Chinese Defense Minister Dong Jun spoke on Monday. He said a Pentagon spokesman "
        "was wrong, and the Chinese military leader repeated it."
    )
    mentions = _find(nlp, text)

    def best(phrase: str) -> Entity | None:
        start = text.index(phrase)
        return mentions.best_in(start, start + len(phrase))

    assert best("Chinese Defense Minister Dong Jun").text == "Dong Jun"
    assert best("He").via == "pronoun"
    assert best("a Pentagon spokesman") is None
    assert not mentions.head_is_entity(text.index("a Pentagon"), text.index(" was wrong"))
    assert best("the Chinese military leader").canonical == "Dong Jun"


def test_place_words_spacy_calls_people_are_places(nlp):
    mentions = _find(nlp, "Ukrainian troops retreated from Avdiivka, Kyiv said.")
    assert _of(mentions, "Kyiv").type == "GPE"
    assert not any(e.type == "PERSON" for e in mentions.entities)


def test_name_key_folds_transliterations():
    assert name_key("Shoygu") == name_key("Shoigu")
    assert name_key("Zelenskyy") == name_key("Zelensky")
    assert name_key("Navalnyi") == name_key("Navalny")


def _doc(nlp, text: str) -> list[Entity]:
    return _find(nlp, text).entities


def test_resolver_merges_variants_across_documents(nlp):
    a = _doc(nlp, "Chinese Defense Minister Dong Jun met Sergei Shoigu in Moscow.")
    b = _doc(nlp, "Dong spoke with Russian Defense Minister Sergei Shoygu by video.")
    c = _doc(nlp, "Shoygu said the talks were good.")
    resolved = resolve_docs([a, b, c])
    keys = [{e.text: e.key for e in doc} for doc in resolved]
    assert keys[0]["Dong Jun"] == keys[1]["Dong"] == "person:dong-jun"
    assert keys[0]["Sergei Shoigu"] == keys[1]["Sergei Shoygu"] == keys[2]["Shoygu"]
    shoigu = next(e for e in resolved[2] if e.text == "Shoygu")
    assert shoigu.canonical in ("Sergei Shoigu", "Sergei Shoygu")


def test_resolver_is_independent_of_document_order(nlp):
    docs = [
        _doc(nlp, "Defense Minister Sergei Shoigu spoke."),
        _doc(nlp, "Sergei Shoygu spoke again, and Shoygu left."),
        _doc(nlp, "Minister Sergei Shoygu arrived."),
    ]
    forward = {e.text: (e.canonical, e.key) for doc in resolve_docs(docs) for e in doc}
    backward = {e.text: (e.canonical, e.key) for doc in resolve_docs(docs[::-1]) for e in doc}
    assert forward == backward


def test_resolver_keeps_namesakes_apart(nlp):
    a = _doc(nlp, "Senator Chuck Schumer said the bill would pass.")
    b = _doc(nlp, "The comedian Amy Schumer said she would host the show.")
    resolver = Resolver()
    resolver.add(a)
    resolver.add(b)
    chuck = next(e for e in a if e.text == "Chuck Schumer")
    amy = next(e for e in b if e.text == "Amy Schumer")
    assert resolver.canonical(chuck)[1] != resolver.canonical(amy)[1]


def test_resolver_merges_acronyms_with_their_full_name(nlp):
    a = _doc(nlp, "The Organization of Turkic States met in Astana.")
    b = _doc(nlp, "The OTS met again in Baku.")
    resolved = resolve_docs([a, b])
    full = next(e for e in resolved[0] if e.text == "Organization of Turkic States")
    short = next(e for e in resolved[1] if e.text == "OTS")
    assert short.key == full.key


def test_team_labels_and_clauses_are_not_part_of_names(nlp):
    text = (
        "The Steelers spent Monday trying to distance themselves from the fight. Browns DL "
        "Sheldon Richardson weighed in on Monday, saying that Pittsburgh quarterback Mason "
        "Rudolph should be disciplined. Rudolph and Garrett fought before Garrett hit Rudolph "
        "in the head. Rudolph said nothing."
    )
    mentions = find_entities(nlp(text))
    people = {e.canonical for e in mentions.entities if e.type == "PERSON"}
    assert "Sheldon Richardson" in people and "Mason Rudolph" in people
    assert "Steelers" not in people
    assert not [e for e in mentions.entities if "hit" in e.text]
    rudolph = {e.key for e in mentions.entities if e.text == "Rudolph"}
    assert rudolph == {"person:mason-rudolph"}
