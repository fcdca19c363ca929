"""The trained attribution tagger: its model file checks and a small training run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.annotate.brat import read_folder
from rashomon.annotate.tagger import Tagger, load_tagger
from rashomon.annotate.train import TrainParams, train_attribution
from rashomon.errors import ModelError
from rashomon.settings import Settings

TEXT = (
    "The mayor said the bridge would reopen in May.\n\n"
    '"We are nearly done," the engineer told reporters.\n\n'
    "Officials believe the repairs cost too much, according to the ministry.\n"
)
ANN = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 46\tthe bridge would reopen in May\n"
    "E1\tAttribution:T3 Source:T1 Cue:T2 Content:T3\n"
    'T4\tContent 48 69\t"We are nearly done,"\n'
    "T5\tSource 70 82\tthe engineer\n"
    "T6\tCue 83 87\ttold\n"
    "E2\tAttribution:T4 Source:T5 Cue:T6 Content:T4\n"
)


def _folder(tmp_path: Path, copies: int = 4) -> Path:
    data = tmp_path / "brat"
    data.mkdir()
    for k in range(copies):
        (data / f"a{k}.txt").write_text(TEXT, "utf-8")
        (data / f"a{k}.ann").write_text(ANN, "utf-8")
    return data


def test_brat_reader_links_the_roles(tmp_path: Path) -> None:
    article = read_folder(_folder(tmp_path, 1))[0]
    first = article.relations[0]
    assert article.text[slice(*first.source[0])] == "The mayor"
    assert article.text[slice(*first.cue[0])] == "said"
    assert len(article.relations) == 2


@pytest.mark.parametrize("content", [b"", b"not a zip archive at all"])
def test_a_bad_model_file_is_an_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.model"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="broken.model"):
        Tagger(path)
    with pytest.raises(ModelError, match="no such file"):
        load_tagger(str(tmp_path / "missing.model"))


def test_training_writes_a_model_that_tags(tmp_path: Path) -> None:
    output = tmp_path / "tiny.model"
    params = TrainParams(iterations=30, folds=2, min_freq=1, c1=0.05, c2=0.01)
    report = train_attribution(_folder(tmp_path), output, Settings(), params)
    assert output.is_file() and (tmp_path / "tiny.model.json").is_file()
    assert len(report["folds"]) == 2
    tagger = Tagger(output)
    from rashomon.annotate import entities, quotes
    from rashomon.annotate.learned import learned_quotes
    from rashomon.annotate.nlp import load

    sdoc = load(Settings()["annotate.model"])(TEXT)
    relations = tagger.relations(sdoc, [])  # the tagger alone, without the rules' roles
    assert any(r.source and TEXT[slice(*r.source)] == "The mayor" for r in relations)
    mentions = entities.find_entities(sdoc)
    found = learned_quotes(tagger, sdoc, mentions, quotes.find_quotes(sdoc, mentions))
    assert any(q.speaker_span and TEXT[slice(*q.speaker_span)] == "The mayor" for q in found)


class _Silent:
    """A tagger that finds nothing: what learned_quotes keeps is the rules' fallback."""

    def relations(self, sdoc: object, rule_quotes: object) -> list:
        return []


def _parsed(text: str) -> tuple:
    from rashomon.annotate import entities, quotes
    from rashomon.annotate.nlp import load

    sdoc = load(Settings()["annotate.model"])(text)
    mentions = entities.find_entities(sdoc)
    return sdoc, mentions, quotes.find_quotes(sdoc, mentions)


def test_the_rules_quotes_the_tagger_left_out_are_kept() -> None:
    from rashomon.annotate.learned import learned_quotes

    sdoc, mentions, rule_quotes = _parsed(TEXT)
    assert rule_quotes
    kept = learned_quotes(_Silent(), sdoc, mentions, rule_quotes)  # type: ignore[arg-type]
    assert [(q.start, q.end, q.speaker) for q in kept] == [
        (q.start, q.end, q.speaker) for q in rule_quotes
    ]
    assert all(q.continues is None or q.continues < k for k, q in enumerate(kept))


def _builtin_or_skip() -> Tagger:
    from importlib import resources

    if not resources.files("rashomon").joinpath("data", "attribution.model").is_file():
        pytest.skip("no packaged attribution model")
    tagger = load_tagger("builtin")
    assert tagger is not None
    return tagger


def test_the_packaged_model_keeps_the_relay_chain_and_the_addressee() -> None:
    from rashomon.annotate.learned import learned_quotes

    tagger = _builtin_or_skip()
    text = (
        "The rebels shelled the airport overnight, Colonel Ivan Petrov said, according to the "
        "ministry.\n\nThe governor told reporters that the bridge would reopen in May.\n"
    )
    sdoc, mentions, rule_quotes = _parsed(text)
    found = learned_quotes(tagger, sdoc, mentions, rule_quotes)
    relayed = [q for q in found if "airport" in q.text]
    assert relayed and "Petrov" in (relayed[0].speaker or "")
    assert any("ministry" in v for v in relayed[0].via)
    told = [q for q in found if "bridge" in q.text]
    assert told and told[0].cue == "told" and told[0].addressee == "reporters"
    assert all(q.produced_by for q in found)


def test_training_on_files_without_relations_names_the_folder(tmp_path: Path) -> None:
    from rashomon.errors import MalformedInput

    data = tmp_path / "unlabelled"
    data.mkdir()
    (data / "a.txt").write_text(TEXT, "utf-8")
    (data / "a.ann").write_text("", "utf-8")
    with pytest.raises(MalformedInput, match="unlabelled: no attribution relations"):
        train_attribution(data, tmp_path / "x.model", Settings(), TrainParams(folds=0))
    assert not (tmp_path / "x.model").exists()


def test_the_same_training_writes_the_same_bytes(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    params = TrainParams(iterations=20, folds=0, min_freq=1, c1=0.05, c2=0.01)
    first, second = tmp_path / "first.model", tmp_path / "second.model"
    train_attribution(data, first, Settings(), params)
    train_attribution(data, second, Settings(), params)
    assert first.read_bytes() == second.read_bytes()
