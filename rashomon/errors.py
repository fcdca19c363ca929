"""One exception tree for rashomon. Every message names the input and what is wrong.

    RashomonError
    ├── SettingsError           an unknown setting, a bad value, an unreadable settings file
    ├── RegistryError           an outlet registry file with a malformed row (names file, line)
    ├── ModelError              a trained model file that is missing, empty or not a model
    ├── StageError              a pipeline built wrong (a stage reads what no stage writes)
    └── InputError              one input document is bad; the batch goes on without it
        ├── EmptyInput          no bytes, or only whitespace
        ├── TooLarge            over a size limit (ingest.max_bytes, annotate.max_chars, HTML depth
        │                       or attributes per tag: clean.html.max_depth, .max_attributes)
        ├── UnsupportedInput    a binary (PDF, image, archive, executable) or unknown kind
        ├── DecodeError         bytes that no text encoding explains
        ├── MalformedInput      HTML, WARC, feed or JSONL that cannot be parsed
        ├── NoArticle           the cleaner found no article text in it
        ├── MissingInput        a path that does not exist, a glob or folder with no files
        ├── UnreadableInput     a file or folder that exists but cannot be read
        ├── FetchError          a URL could not be fetched
        │   └── RefusedURL      a URL refused by policy (private address, bad scheme)
        └── ReaderCrash         reading it failed in a way no check foresaw (a bug)

Each InputError carries `source` (the input as the user named it) and `reason`, a `Reason`
code that the CLI's summary table counts by (a Result's reason is one too, with `ok`, `stored`
and `duplicate` for documents that were not bad). `source` and the message are always valid text: a
byte of a file name that is not UTF-8 is shown as `\\xNN`, so the error can be printed and
stored.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DecodeError",
    "EmptyInput",
    "FetchError",
    "InputError",
    "MalformedInput",
    "MissingInput",
    "ModelError",
    "NoArticle",
    "RashomonError",
    "ReaderCrash",
    "Reason",
    "RefusedURL",
    "RegistryError",
    "SettingsError",
    "StageError",
    "TooLarge",
    "UnreadableInput",
    "StoreError",
    "UnsupportedInput",
]


class Reason(StrEnum):
    """Why a document's run ended as it did: the short code the summary table counts by."""

    OK = "ok"
    STORED = "stored"  # skipped: the store already holds it
    DUPLICATE = "duplicate"  # skipped: the same text came earlier in the run
    BAD_INPUT = "bad-input"
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    UNSUPPORTED = "unsupported"
    UNDECODABLE = "undecodable"
    MALFORMED = "malformed"
    NO_ARTICLE = "no-article"
    FETCH_FAILED = "fetch-failed"
    REFUSED_URL = "refused-url"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    INTERNAL_ERROR = "internal-error"


class RashomonError(Exception):
    """Base of every error rashomon raises on purpose."""


class RegistryError(RashomonError):
    """A data table (the outlet registry, a word list) that cannot be read or has a malformed
    row; the message names the file and the line."""


class ModelError(RashomonError):
    """A trained model file (the attribution tagger's) that is missing, empty or unreadable;
    the message names the file."""


class SettingsError(RashomonError):
    """A setting is unknown, has a value of the wrong type, or its file cannot be read."""


class StoreError(RashomonError):
    """A store that cannot be opened or used: not a database, from a newer rashomon, or a
    write that failed. The message names the database file."""


class StageError(RashomonError):
    """The pipeline was assembled wrongly; raised when it is built, never per document."""


class InputError(RashomonError):
    """One input is bad. `source` names it; `reason` is a short code for counting."""

    reason: Reason = Reason.BAD_INPUT

    def __init__(self, source: str, message: str) -> None:
        self.source = _printable(source)
        self.message = _printable(message)
        super().__init__(f"{self.source}: {self.message}")


def _printable(text: str) -> str:
    """`text` with the bytes Python keeps as surrogates (an undecodable file name) written
    as `\\xNN`, and any other lone surrogate as `\\udNNN`."""
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return text.encode("utf-8", errors="backslashreplace").decode("utf-8")
    return raw.decode("utf-8", errors="backslashreplace")


class EmptyInput(InputError):
    reason = Reason.EMPTY


class TooLarge(InputError):
    reason = Reason.TOO_LARGE


class UnsupportedInput(InputError):
    reason = Reason.UNSUPPORTED


class DecodeError(InputError):
    reason = Reason.UNDECODABLE


class MalformedInput(InputError):
    reason = Reason.MALFORMED


class NoArticle(InputError):
    reason = Reason.NO_ARTICLE


class FetchError(InputError):
    reason = Reason.FETCH_FAILED


class RefusedURL(FetchError):
    reason = Reason.REFUSED_URL


class MissingInput(InputError):
    """A path that does not exist, or a glob or folder that gives no file to read."""

    reason = Reason.MISSING


class UnreadableInput(InputError):
    """A file or folder that exists but cannot be read (permissions, an I/O error)."""

    reason = Reason.UNREADABLE


class ReaderCrash(InputError):
    """Reading the input raised an exception that no check foresaw: a bug in rashomon or a
    library, recorded against the input (the message names the exception) so that the batch
    goes on; the pipeline counts a crash in a stage under the same reason."""

    reason = Reason.INTERNAL_ERROR
