"""Bytes to text: byte-order marks, declared charsets, UTF-8, a guess, or a clear refusal."""

from __future__ import annotations

import codecs
import random

import pytest

from rashomon.clean.decode import declared_charset, decode, normalise_newlines
from rashomon.errors import DecodeError
from rashomon.model import RawDoc

RUSSIAN = (
    "Министр обороны Китая провёл видеоконференцию с российским коллегой. "
    "Стороны договорились вывести военное сотрудничество на новый уровень.\n"
) * 3
FRENCH = "Le président a déclaré « nous soutiendrons l’Europe » à Paris, où l’été fut chaud.\n" * 2


def raw(body: bytes, media_type: str = "text/plain", encoding: str | None = None) -> RawDoc:
    return RawDoc.from_bytes(body, media_type, "sample.txt", encoding=encoding)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_decode_honours_and_strips_byte_order_marks(bom: bytes, codec: str) -> None:
    text = "Zürich — «Привет»\n"
    assert decode(raw(bom + text.encode(codec))) == text


def test_decode_bom_beats_a_wrong_declaration() -> None:
    body = codecs.BOM_UTF8 + "naïve".encode()
    assert decode(raw(body, encoding="koi8-r")) == "naïve"


def test_decode_uses_the_container_charset() -> None:
    assert decode(raw(RUSSIAN.encode("cp1251"), encoding="windows-1251")) == RUSSIAN


def test_decode_reads_meta_charset_in_html() -> None:
    page = (
        '<html><head><meta charset="koi8-r"><title>Новости</title></head><body>Привет</body></html>'
    )
    doc = raw(page.encode("koi8-r"), "text/html")
    assert declared_charset(doc) == "koi8-r"
    assert decode(doc) == page


def test_decode_reads_http_equiv_content_type_in_html() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "</head><body>Москва</body></html>"
    )
    assert decode(raw(page.encode("cp1251"), "text/html")) == page


def test_decode_ignores_meta_charset_in_plain_text() -> None:
    text = 'A note quoting <meta charset="koi8-r"> in prose, café.'
    assert declared_charset(raw(text.encode(), "text/plain")) is None
    assert decode(raw(text.encode(), "text/plain")) == text


def test_decode_prefers_utf8_over_a_declared_latin1_it_fits() -> None:
    text = "The minister’s “plan” for Zürich"
    assert decode(raw(text.encode("utf-8"), encoding="iso-8859-1")) == text


def test_decode_reads_declared_latin1_as_windows_1252() -> None:
    body = b"\x93Quoted\x94 \x96 caf\xe9"  # curly quotes and a dash exist only in Windows-1252
    assert decode(raw(body, encoding="iso-8859-1")) == "“Quoted” – café"


def test_decode_falls_back_to_utf8() -> None:
    assert decode(raw("Déjà vu, 東京".encode())) == "Déjà vu, 東京"


def test_decode_skips_an_unknown_declared_charset() -> None:
    assert decode(raw("Déjà vu".encode(), encoding="x-no-such-charset")) == "Déjà vu"


@pytest.mark.parametrize(
    ("text", "codec"), [(RUSSIAN, "cp1251"), (RUSSIAN, "koi8-r"), (FRENCH, "cp1252")]
)
def test_decode_guesses_undeclared_legacy_encodings(text: str, codec: str) -> None:
    assert decode(raw(text.encode(codec))) == text


def test_decode_normalises_newlines() -> None:
    assert decode(raw(b"one\r\ntwo\rthree\nfour")) == "one\ntwo\nthree\nfour"
    assert normalise_newlines("a\u2028b\u2029c") == "a\nb\nc"


def test_decode_refuses_bytes_that_are_not_text() -> None:
    generator = random.Random(7)
    noise = bytes(generator.randrange(256) for _ in range(4000))
    with pytest.raises(DecodeError) as caught:
        decode(raw(noise))
    assert caught.value.source == "sample.txt"
    assert caught.value.message == "bytes are not text in any known encoding"
    assert caught.value.reason == "undecodable"


def test_decode_does_not_believe_a_declared_charset_that_yields_control_characters() -> None:
    binary = bytes(range(0, 32)) * 50
    with pytest.raises(DecodeError):
        decode(raw(binary, encoding="latin-1"))


def test_decode_of_nothing_is_empty_text() -> None:
    assert decode(raw(b"")) == ""
