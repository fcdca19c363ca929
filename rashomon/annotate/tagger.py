"""The learned attribution tagger: source, cue and content spans by a CRF over the parse.

Each paragraph of a parsed article is one sequence; each token gets a BIO label of one role
(`S` source, `C` cue, `Q` content) from a linear-chain CRF (CRFsuite, through python-crfsuite).
Its features are what the parse already knows, read once as spaCy's hash arrays so that no
string is built per token: the word, lemma, tag, dependency and entity of the token and its
neighbours, its head's, how it hangs from the nearest attribution verb of the lexicon (which
relation, on which side, how far up), whether it sits inside quote marks, and which role the
rule-based quote finder gave it. The rules are thus a feature, not the ceiling.

`Tagger.relations(sdoc, rule_quotes)` gives the tagged spans linked into relations: each
content span takes the cue it hangs from in the parse (else the nearest cue of its sentence,
else of its paragraph), each cue the source that is its subject (else the nearest source of
its sentence). `rashomon.annotate.learned` turns them into `Quote`s with names, addressees and
relay chains.

The model file is what `rashomon train attribution` writes (`rashomon.annotate.train`); a
missing, empty or unreadable file is a `ModelError` naming it.
"""

from __future__ import annotations

import bisect
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.annotate import quote_marks, quote_words
from rashomon.annotate.nlp import text_of
from rashomon.errors import ModelError
from rashomon.model import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc

__all__ = [
    "BUILTIN",
    "MODEL_MEMBERS",
    "FEATURE_VERSION",
    "LABELS",
    "ROLES",
    "Relation",
    "Tagger",
    "Sequence_",
    "builtin_cues",
    "load_tagger",
    "sequences_of",
    "spans_of_labels",
    "write_model",
]

FEATURE_VERSION = "rashomon.attribution.crf.v2"
BUILTIN = "builtin"
ROLES = {"S": "source", "C": "cue", "Q": "content"}
LABELS = ("O", "B-S", "I-S", "B-C", "I-C", "B-Q", "I-Q")
_ANCESTOR_STEPS = 8
_RULE_ROLES = (("content", "Q"), ("cue", "C"), ("source", "S"))


@dataclass(frozen=True, slots=True)
class Relation:
    """One tagged attribution: character spans into the article text."""

    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Sequence_:  # noqa: N801 - a token sequence, not typing.Sequence
    """One paragraph's tokens (document token indices) and their feature lists."""

    tokens: list[int]
    features: list[Any]
    arrays: Any = None  # the parse arrays the features were read from


# ---------------------------------------------------------------- features


@lru_cache(maxsize=1)
def builtin_cues() -> frozenset[str]:
    """The rule-based finder's attribution words: the lexicon every model starts from."""
    return frozenset(quote_words.CUE_LEMMAS | quote_words.RELAY_VERBS | {"according", "accord"})


@lru_cache(maxsize=8)
def cue_hashes(words: frozenset[str]) -> frozenset[int]:
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub

    return frozenset(hash_string(w) for w in words)


class _Arrays:
    """The parse as plain Python lists of spaCy hashes, read once per document."""

    def __init__(self, sdoc: SpacyDoc, cues: frozenset[int]) -> None:
        from spacy.attrs import (
            DEP,
            ENT_IOB,
            ENT_TYPE,
            HEAD,
            IDX,
            IS_SPACE,
            LEMMA,
            LENGTH,
            LOWER,
            SENT_START,
            SHAPE,
            TAG,
        )

        columns = [
            LOWER,
            LEMMA,
            TAG,
            DEP,
            HEAD,
            ENT_IOB,
            ENT_TYPE,
            SHAPE,
            IS_SPACE,
            IDX,
            LENGTH,
            SENT_START,
        ]
        array = sdoc.to_array(columns).astype("int64") if len(sdoc) else None
        rows: list[list[int]] = array.T.tolist() if array is not None else [[] for _ in columns]
        self.lower, self.lemma, self.tag, self.dep, head, iob, ent, self.shape, space = rows[:9]
        self.idx, lengths, starts = rows[9:]
        self.n = len(self.lower)
        self.head = [i + h for i, h in enumerate(head)]
        self.ent = [e if b in (1, 3) else 0 for e, b in zip(ent, iob, strict=True)]
        self.begins = [b == 3 for b in iob]
        self.space = [bool(s) for s in space]
        self.ends = [i + n for i, n in zip(self.idx, lengths, strict=True)]
        self.sent_start = [s == 1 for s in starts]
        self.cue = [lem in cues for lem in self.lemma]


def _paragraphs(arrays: _Arrays, text: str) -> list[list[int]]:
    """Non-space token indices, cut where a sentence starts after a line break."""
    out: list[list[int]] = []
    current: list[int] = []
    for i in range(arrays.n):
        if arrays.space[i]:
            continue
        if (
            current
            and arrays.sent_start[i]
            and "\n" in text[arrays.ends[current[-1]] : arrays.idx[i]]
        ):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


def _cue_path(arrays: _Arrays, i: int) -> tuple[int, int] | None:
    """(steps, index of the cue) of the nearest attribution verb among `i`'s heads."""
    node, steps = i, 0
    while steps < _ANCESTOR_STEPS:
        parent = arrays.head[node]
        if parent == node:
            return None
        steps += 1
        if arrays.cue[parent]:
            return steps, parent
        node = parent
    return None


def _child_under(arrays: _Arrays, i: int, cue: int) -> int:
    """The dependency label of the token on i's path that hangs directly from `cue`."""
    node = i
    while arrays.head[node] != cue and arrays.head[node] != node:
        node = arrays.head[node]
    return arrays.dep[node]


def _marked_tokens(arrays: _Arrays, text: str) -> list[bool]:
    spans = quote_marks.find_marked(text)
    starts = [s for s, _ in spans]
    inside = []
    for offset in arrays.idx:
        k = bisect.bisect_right(starts, offset) - 1
        inside.append(k >= 0 and spans[k][0] <= offset < spans[k][1])
    return inside


def _rule_roles(arrays: _Arrays, rule_quotes: Sequence[Quote]) -> list[str]:
    """Per token, the role the rule-based finder gave it (B-/I- and role letter) or ''."""
    roles = [""] * arrays.n
    for quote in rule_quotes:
        spans = {
            "content": (quote.start, quote.end),
            "cue": quote.cue_span,
            "source": quote.speaker_span,
        }
        for name, letter in _RULE_ROLES:
            span = spans[name]
            if span is None:
                continue
            lo = bisect.bisect_left(arrays.ends, span[0] + 1)
            hi = bisect.bisect_left(arrays.idx, span[1])
            for k in range(lo, hi):
                if not roles[k]:
                    roles[k] = ("b" if k == lo else "i") + letter
    return roles


def _sentence_cues(arrays: _Arrays, paragraph: list[int]) -> dict[int, tuple[int, int]]:
    """Per token of the paragraph: (first, last) cue index of its sentence, or absent."""
    out: dict[int, tuple[int, int]] = {}
    sentence: list[int] = []
    for i in [*paragraph, -1]:
        if i == -1 or (sentence and arrays.sent_start[i]):
            cues = [k for k in sentence if arrays.cue[k]]
            if cues:
                for k in sentence:
                    out[k] = (cues[0], cues[-1])
            sentence = []
        if i != -1:
            sentence.append(i)
    return out


def _token_features(
    arrays: _Arrays, i: int, position: int, paragraph: list[int], extra: dict[str, Any]
) -> list[str]:
    a = arrays
    f = [
        f"w{a.lower[i]}",
        f"l{a.lemma[i]}",
        f"t{a.tag[i]}",
        f"d{a.dep[i]}",
        f"s{a.shape[i]}",
        f"td{a.tag[i]}.{a.dep[i]}",
    ]
    if a.ent[i]:
        f.append(f"e{a.ent[i]}{'b' if a.begins[i] else ''}")
    head = a.head[i]
    f += [f"hl{a.lemma[head]}", f"hd{a.dep[head]}", f"dh{a.dep[i]}.{a.dep[head]}"]
    if head == i:
        f.append("root")
    if a.cue[i]:
        f.append("cue")
    if a.cue[head]:
        f.append(f"hc{a.dep[i]}")
    path = _cue_path(a, i)
    if path is not None:
        steps, cue = path
        side = "L" if i < cue else "R"
        f += [f"a{_child_under(a, i, cue)}{side}", f"as{min(steps, 4)}{side}", f"al{a.lemma[cue]}"]
    for offset in (-2, -1, 1, 2):
        k = position + offset
        if 0 <= k < len(paragraph):
            j = paragraph[k]
            f += [f"{offset}w{a.lower[j]}", f"{offset}t{a.tag[j]}"]
            if abs(offset) == 1:
                f.append(f"{offset}d{a.dep[j]}")
                if a.cue[j]:
                    f.append(f"{offset}cue")
        else:
            f.append(f"{offset}edge")
    if a.sent_start[i]:
        f.append("bos")
    bounds = extra["sentence_cues"].get(i)
    if bounds is None:
        f.append("nocue")
    elif i < bounds[0]:
        f.append("beforecue")
    elif i > bounds[1]:
        f.append("aftercue")
    else:
        f.append("betweencue")
    if extra["marked"][i]:
        f.append("inmarks")
    role = extra["rule_roles"][i]
    if role:
        f += [f"r{role}", f"r{role[1]}"]
    return f


def sequences_of(
    sdoc: SpacyDoc, rule_quotes: Sequence[Quote], cues: frozenset[str], dense: bool = False
) -> list[Sequence_]:
    """The article as the tagger's sequences: one per paragraph, with features per token.
    `cues` is the model's attribution lexicon; `dense` adds the parser's token vectors."""
    text = text_of(sdoc)
    arrays = _Arrays(sdoc, cue_hashes(cues))
    marked = _marked_tokens(arrays, text)
    rule_roles = _rule_roles(arrays, rule_quotes)
    vectors = (
        sdoc.tensor.tolist() if dense and sdoc.tensor is not None and len(sdoc.tensor) else None
    )
    out = []
    for paragraph in _paragraphs(arrays, text):
        extra = {
            "marked": marked,
            "rule_roles": rule_roles,
            "sentence_cues": _sentence_cues(arrays, paragraph),
        }
        features: list[Any] = [
            _token_features(arrays, i, position, paragraph, extra)
            for position, i in enumerate(paragraph)
        ]
        if vectors is not None:
            features = [
                _with_vector(f, vectors[i]) for f, i in zip(features, paragraph, strict=True)
            ]
        out.append(Sequence_(paragraph, features, arrays))
    return out


def _with_vector(names: list[str], vector: list[float]) -> dict[str, float]:
    item = dict.fromkeys(names, 1.0)
    for k, value in enumerate(vector):
        item[f"v{k}"] = value
    return item


# ---------------------------------------------------------------- labels and spans


def spans_of_labels(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role letter, first, last + 1) positions of the BIO runs in `labels`."""
    spans: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for k, label in enumerate(labels):
        kind, _, role = label.partition("-")
        if kind == "I" and current is not None and current[0] == role:
            current[2] = k + 1
            continue
        if current is not None:
            spans.append((current[0], current[1], current[2]))
            current = None
        if kind in ("B", "I"):
            current = [role, k, k + 1]
    if current is not None:
        spans.append((current[0], current[1], current[2]))
    return spans


# ---------------------------------------------------------------- the model


class Tagger:
    """A trained model, opened once; `relations` tags one parsed article.

    The file is a zip archive of two members: `meta.json` (the feature version, the labels,
    the attribution lexicon, whether token vectors are features, and how it was trained) and
    `model.crf`, the CRFsuite weights."""

    def __init__(self, path: Path) -> None:
        self.path = path
        meta, weights = _read_model(path)
        self.meta = meta
        self.cues = frozenset(meta["cues"])
        self.dense = bool(meta.get("dense", False))
        self._weights = weights  # CRFsuite reads the weights in place: keep them alive
        self._tagger = _open_weights(path, weights)

    def tag(self, sequence: Sequence_) -> list[str]:
        return list(self._tagger.tag(sequence.features))

    def sequences(self, sdoc: SpacyDoc, rule_quotes: Sequence[Quote]) -> list[Sequence_]:
        return sequences_of(sdoc, rule_quotes, self.cues, self.dense)

    def relations(self, sdoc: SpacyDoc, rule_quotes: Sequence[Quote]) -> list[Relation]:
        """The attribution relations the model finds in `sdoc`, in text order."""
        found: list[Relation] = []
        for sequence in self.sequences(sdoc, rule_quotes):
            spans = spans_of_labels(self.tag(sequence))
            if any(role == "Q" for role, _, _ in spans):
                found += link(sequence.arrays, sequence.tokens, spans)
        return found


MODEL_MEMBERS = ("meta.json", "model.crf")


def write_model(path: Path, meta: dict[str, Any], weights: bytes) -> None:
    """The model archive at `path`: `meta` and the CRFsuite `weights`. The members carry a
    fixed date, so the same training gives the same bytes."""
    meta_bytes = json.dumps({"format": FEATURE_VERSION, **meta}, indent=1).encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in (("meta.json", meta_bytes), ("model.crf", weights)):
            member = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, data)


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip member can carry


def _read_model(path: Path) -> tuple[dict[str, Any], bytes]:
    if not path.is_file():
        raise ModelError(f"attribution model {path}: no such file")
    if path.stat().st_size == 0:
        raise ModelError(f"attribution model {path}: the file is empty")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not set(MODEL_MEMBERS) <= names:
                missing = ", ".join(sorted(set(MODEL_MEMBERS) - names))
                raise ModelError(f"attribution model {path}: the archive lacks {missing}")
            meta = json.loads(archive.read("meta.json").decode("utf-8"))
            weights = archive.read("model.crf")
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"attribution model {path}: not a model written by `rashomon train attribution` ({exc})"
        ) from exc
    if not isinstance(meta, dict) or meta.get("format") != FEATURE_VERSION:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelError(
            f"attribution model {path}: format {found!r}, this version reads {FEATURE_VERSION!r}; "
            "retrain it with `rashomon train attribution`"
        )
    if not isinstance(meta.get("cues"), list):
        raise ModelError(f"attribution model {path}: meta.json has no cue lexicon")
    return meta, weights


def _open_weights(path: Path, weights: bytes) -> Any:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    try:
        tagger.open_inmemory(weights)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"attribution model {path}: its CRF weights are unreadable ({exc})"
        ) from exc
    labels = set(tagger.labels())
    if not labels <= set(LABELS) or "O" not in labels:
        raise ModelError(
            f"attribution model {path}: its labels {sorted(labels)} are not the "
            f"attribution tagger's ({', '.join(LABELS)})"
        )
    return tagger


def load_tagger(setting: str) -> Tagger | None:
    """The tagger named by the setting `annotate.attribution_model`: "" for none (rules
    only), "builtin" for the packaged model, else a path to a model file."""
    if not setting:
        return None
    if setting == BUILTIN:
        return _builtin()
    return _opened(str(Path(setting).expanduser().resolve()))


@lru_cache(maxsize=4)
def _opened(path: str) -> Tagger:
    return Tagger(Path(path))


@lru_cache(maxsize=1)
def _builtin() -> Tagger:
    resource = resources.files("rashomon").joinpath("data", "attribution.model")
    with resources.as_file(resource) as path:
        return Tagger(Path(path))


# ---------------------------------------------------------------- linking


def _char_span(arrays: _Arrays, tokens: list[int], first: int, last: int) -> tuple[int, int]:
    return arrays.idx[tokens[first]], arrays.ends[tokens[last - 1]]


def _sentence_numbers(arrays: _Arrays, tokens: list[int]) -> list[int]:
    numbers, current = [], 0
    for position, i in enumerate(tokens):
        if position and arrays.sent_start[i]:
            current += 1
        numbers.append(current)
    return numbers


def _hangs_from(arrays: _Arrays, members: Iterable[int], targets: set[int]) -> bool:
    """Some token of `members` has a token of `targets` among its heads (or is one)."""
    for i in members:
        node, steps = i, 0
        while steps <= _ANCESTOR_STEPS:
            if node in targets:
                return True
            parent = arrays.head[node]
            if parent == node:
                break
            node, steps = parent, steps + 1
    return False


def _pick(
    arrays: _Arrays,
    tokens: list[int],
    sentence: list[int],
    span: tuple[str, int, int],
    candidates: list[tuple[str, int, int]],
    linked_by_parse: bool,
) -> tuple[str, int, int] | None:
    """The candidate span that `span` hangs from (or that hangs from it, for a source),
    else the nearest one of its sentence, else the nearest in the paragraph within one
    sentence."""
    if not candidates:
        return None
    members = [tokens[k] for k in range(span[1], span[2])]
    if linked_by_parse:
        for candidate in candidates:
            targets = {tokens[k] for k in range(candidate[1], candidate[2])}
            if _hangs_from(arrays, members, targets):
                return candidate
    else:
        own = set(members)
        for candidate in candidates:
            if _hangs_from(arrays, [tokens[k] for k in range(candidate[1], candidate[2])], own):
                return candidate

    def distance(c: tuple[str, int, int]) -> int:
        return c[1] - span[2] if c[1] >= span[2] else span[1] - c[2]

    same = [c for c in candidates if sentence[c[1]] == sentence[span[1]]]
    if same:
        return min(same, key=distance)
    near = [c for c in candidates if abs(sentence[c[1]] - sentence[span[1]]) <= 1]
    return min(near, key=distance) if near else None


def link(arrays: _Arrays, tokens: list[int], spans: list[tuple[str, int, int]]) -> list[Relation]:
    """Each content span with its cue and that cue's source."""
    sentence = _sentence_numbers(arrays, tokens)
    cues = [s for s in spans if s[0] == "C"]
    sources = [s for s in spans if s[0] == "S"]
    out = []
    for span in spans:
        if span[0] != "Q":
            continue
        cue = _pick(arrays, tokens, sentence, span, cues, linked_by_parse=True)
        source = None
        if cue is not None:
            source = _pick(arrays, tokens, sentence, cue, sources, linked_by_parse=False)
        elif sources:
            source = _pick(arrays, tokens, sentence, span, sources, linked_by_parse=False)
        out.append(
            Relation(
                content=_char_span(arrays, tokens, span[1], span[2]),
                cue=_char_span(arrays, tokens, cue[1], cue[2]) if cue else None,
                source=_char_span(arrays, tokens, source[1], source[2]) if source else None,
            )
        )
    return out
