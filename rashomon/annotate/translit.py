"""Cyrillic and Greek names in Latin letters, spelled the way English-language news spells them.

`to_latin(text)` writes Russian in a news romanisation (Лавров -> Lavrov, Андрей -> Andrei,
Дмитрий -> Dmitry, Евгений -> Yevgeny), Ukrainian and Belarusian in their national ones
(Володимир Зеленський -> Volodymyr Zelenskyi, Київ -> Kyiv), Bulgarian in its streamlined
system, Serbian in its own Latin alphabet, Macedonian in its official romanisation, and Greek
in ELOT 743. The spelling need not equal the English one letter for letter: it is meant to
give the same `lexicon.names.name_key` (Zelenskyy and Zelensky both give "zelenski"), so the corpus
resolver takes both for one name.

Two data tables correct what letters cannot know:

- `data/latin_names.tsv`: words with an established English spelling (Александр -> Alexander);
- `data/palladius.tsv`: the Palladius syllables in which Russian writes Chinese names. A name
  made wholly of them (a one-syllable surname and a given name of one to three syllables:
  Ван И, Ли Цян) is written in pinyin (Wang Yi, Li Qiang).

Without `language` the alphabet is told by its letters, word by word: і ї є ґ are Ukrainian,
ў Belarusian, ђ ћ џ Serbian, ѓ ќ ѕ Macedonian, љ њ ј Serbian or Macedonian; anything else is
read as Russian (pass "bg" for Bulgarian, which has no letter of its own).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["drop_patronymic", "is_cyrillic", "palladius", "to_latin"]


def _letters(letters: str, latin: str) -> dict[str, str]:
    """Each of `letters` with its Latin spelling, the words of `latin` in the same order."""
    return dict(zip(letters, latin.split(), strict=True))


# Russian: one letter, one or more Latin letters; е ё й ь ъ depend on their neighbours.
_RU = _letters(
    "абвгджзиклмнопрстуфхцчшщыэюя",
    "a b v g d zh z i k l m n o p r s t u f kh ts ch sh shch y e yu ya",
)
_UK = _RU | {"г": "h", "ґ": "g", "и": "y", "і": "i", "щ": "shch", "х": "kh"}
_BE = _RU | {"г": "h", "і": "i", "ў": "u", "и": "i"}
_BG = _RU | {"щ": "sht", "ъ": "a", "х": "h"}
_SR = _letters(
    "абвгдђежзијклљмнњопрстћуфхцчџш",
    "a b v g d dj e ž z i j k l lj m n nj o p r s t ć u f h c č dž š",
)
_MK = _SR | {"ѓ": "gj", "ќ": "kj", "ѕ": "dz", "ж": "zh", "ч": "ch", "џ": "dj", "ш": "sh"}
_VOWELS = set("аеёиоуыэюяіїєaeiou")
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a", "є": "e", "ї": "i"}
_HUSHING = set("жчшщ")

_GREEK = _letters(
    "αβγδεζηθικλμνξοπρσςτυφχψω", "a v g d e z i th i k l m n x o p r s s t y f ch ps o"
)
_GREEK_PAIRS = {
    "ου": "ou",
    "αι": "ai",
    "ει": "ei",
    "οι": "oi",
    "γγ": "ng",
    "γξ": "nx",
    "γχ": "nch",
}
_GREEK_VOICED = set("βγδζλμνραεηιοωυ")  # after αυ/ευ: v; otherwise f

_UKRAINIAN = set("іїєґ")
_BELARUSIAN = set("ў")
_SERBIAN = set("ђћџ")
_MACEDONIAN = set("ѓќѕ")
_SOUTH_SLAVIC = set("љњј")

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|ич|овна|евна|ична|инична)$")


def is_cyrillic(text: str) -> bool:
    """Whether `text` has a Cyrillic or Greek letter (so it needs `to_latin`)."""
    return any("\u0370" <= c <= "\u04ff" or "\u0500" <= c <= "\u052f" for c in text)


def to_latin(text: str, language: str | None = None) -> str:
    """`text` with every Cyrillic and Greek word written in Latin letters; anything else is
    kept. `language` (ru, uk, be, bg, sr, mk) chooses the system; None tells it by the letters.
    A whole name made of Palladius syllables is written in pinyin."""
    chinese = palladius(text)
    if chinese is not None:
        return chinese
    return _WORD.sub(lambda m: _word(m.group(), language), text)


def palladius(name: str) -> str | None:
    """`name` in pinyin when it is a Chinese name in Palladius spelling: two words, the first
    one syllable (the surname), the second one to three (Ван И -> Wang Yi); else None."""
    words = name.split()
    if len(words) != 2 or not all(w.isalpha() for w in words):
        return None
    parts = [_syllables(w.lower()) for w in words]
    if parts[0] is None or parts[1] is None or len(parts[0]) != 1 or len(parts[1]) > 3:
        return None
    return " ".join("".join(p).capitalize() for p in parts if p is not None)


def _syllables(word: str) -> list[str] | None:
    """`word` cut into the fewest Palladius syllables, as pinyin; None when it cannot be."""
    table = _palladius_table()
    longest = max(map(len, table))
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for i in range(len(word)):
        here = best[i]
        if here is None:
            continue
        for j in range(i + 1, min(len(word), i + longest) + 1):
            pinyin = table.get(word[i:j])
            current = best[j]
            if pinyin is not None and (current is None or len(current) > len(here) + 1):
                best[j] = [*here, pinyin]
    return best[len(word)]


def _rows(name: str) -> list[list[str]]:
    text = resources.files("rashomon").joinpath("data", name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _palladius_table() -> dict[str, str]:
    return {cyr.strip(): pinyin.strip() for cyr, pinyin in _rows("palladius.tsv")}


@lru_cache(maxsize=1)
def _known_words() -> dict[str, str]:
    return {cyr.strip().lower(): latin.strip() for cyr, latin in _rows("latin_names.tsv")}


def _alphabet(word: str, language: str | None) -> str:
    if language in ("ru", "uk", "be", "bg", "sr", "mk", "el"):
        return language
    letters = set(word.lower())
    if letters & _MACEDONIAN:
        return "mk"
    if letters & _SERBIAN or letters & _SOUTH_SLAVIC:
        return "sr"
    if letters & _BELARUSIAN:
        return "be"
    if letters & _UKRAINIAN:
        return "uk"
    return "ru"


@lru_cache(maxsize=65536)
def _word(word: str, language: str | None) -> str:
    if not is_cyrillic(word):
        return word
    bare = unicodedata.normalize("NFD", word)
    if any("\u0370" <= c <= "\u03ff" for c in bare):
        return _case_like(word, _greek(bare.lower()))
    known = _known_words().get(word.lower())
    if known is not None:
        return _case_like(word, known)
    alphabet = _alphabet(word, language)
    lower = unicodedata.normalize("NFC", word.lower().replace("’", "'").replace("ʼ", "'"))
    if alphabet in ("sr", "mk"):
        table = _SR if alphabet == "sr" else _MK
        latin = "".join(table.get(c, c) for c in lower)
    elif alphabet == "bg":
        latin = _bulgarian(lower)
    else:
        latin = _east_slavic(lower, alphabet)
    return _case_like(word, latin)


def _east_slavic(word: str, alphabet: str) -> str:
    table = {"uk": _UK, "be": _BE}.get(alphabet, _RU)
    out: list[str] = []
    n = len(word)
    for i, c in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        initial = not prev or (alphabet != "uk" and (prev in _VOWELS or prev in "ьъ'"))
        if c in "ьъ'":
            continue
        if c in _IOTATED:
            vowel = _IOTATED[c]
            if c == "ё" and prev in _HUSHING:
                out.append("e")  # Горбачёв -> Gorbachev
            elif c == "е" and alphabet == "uk":
                out.append("e")  # Ukrainian е is not iotated (є is)
            elif c == "ї":
                out.append("yi" if initial else "i")
            elif initial or alphabet == "ru" or c == "ё":
                out.append(("y" if c != "е" or initial else "") + vowel)
            else:
                out.append("i" + vowel)  # Ukrainian, Belarusian: Святлана -> Sviatlana
            continue
        if c == "й":
            if prev and prev in "иыі" and not nxt:
                out.append("" if alphabet == "ru" else "i")  # Дмитрий -> Dmitry; Андрій -> Andrii
            elif not prev or nxt in _VOWELS:
                out.append("y")
            else:
                out.append("i")  # Андрей -> Andrei, Бойко -> Boiko
            continue
        if c == "и" and prev and prev in "ьъ'":
            out.append("yi")  # Ильин -> Ilyin
            continue
        if c == "и" and alphabet == "ru" and nxt == "й" and i + 2 == n and prev:
            out.append("y")  # -ий at the end: Дмитрий -> Dmitry
            continue
        if c == "ы" and nxt == "й" and i + 2 == n:
            out.append("y")  # Навальный -> Navalny
            continue
        out.append(table.get(c, c))
    return "".join(out)


def _bulgarian(word: str) -> str:
    if word.endswith("ия"):
        return "".join(_BG.get(c, c) for c in word[:-2]) + "ia"  # България -> Bulgaria
    out = []
    for c in word:
        out.append({"й": "y", "ь": "y", "е": "e"}.get(c, _BG.get(c, c)))
    return "".join(out)


def _greek(word: str) -> str:
    """ELOT 743 on a lower-case, decomposed Greek word (accents are dropped)."""
    letters = [c for c in word if not unicodedata.combining(c)]
    s = "".join(letters)
    out: list[str] = []
    i = 0
    while i < len(s):
        pair = s[i : i + 2]
        if pair in ("αυ", "ευ", "ηυ"):
            after = s[i + 2] if i + 2 < len(s) else ""
            out.append(_GREEK[pair[0]] + ("v" if after in _GREEK_VOICED else "f"))
            i += 2
        elif pair == "μπ":
            out.append("b" if i == 0 else "mp")
            i += 2
        elif pair == "ντ":
            out.append("d" if i == 0 else "nd")
            i += 2
        elif pair == "γκ":
            out.append("g" if i == 0 else "ng")
            i += 2
        elif pair in _GREEK_PAIRS:
            out.append(_GREEK_PAIRS[pair])
            i += 2
        else:
            out.append(_GREEK.get(s[i], s[i]))
            i += 1
    return "".join(out)


def _case_like(source: str, latin: str) -> str:
    """`latin` in the case of `source`: all capitals (2+ letters), capitalised, or as is."""
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return latin.upper()
    if letters and letters[0].isupper():
        return latin[:1].upper() + latin[1:]
    return latin


def drop_patronymic(name: str) -> str:
    """A three-word Russian name without its middle patronymic (Сергей Викторович Лавров ->
    Сергей Лавров); anything else as it is."""
    words = name.split()
    if len(words) == 3 and _PATRONYMIC.search(words[1].lower()):
        return f"{words[0]} {words[2]}"
    return name
