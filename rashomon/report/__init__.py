"""Renderings of rashomon's records for people and tools (JSON, JSONL, text, Markdown)."""

from __future__ import annotations

import re

__all__ = ["one_line", "terminal_safe"]

# control characters (escape sequences; carriage returns and line breaks that could forge a
# line of output) and the bidirectional overrides that could reorder one, as they come from
# file names and page bytes
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_IN_TEXT = re.compile(f"[{_UNSAFE}]")
_IN_LINE = re.compile(f"[{_UNSAFE}\t\n]")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def terminal_safe(text: str) -> str:
    """`text` safe to print on a terminal: each control character but tab and line break
    written as an escape (`\\x1b`)."""
    return _IN_TEXT.sub(_escaped, text)


def one_line(text: str) -> str:
    """`text` as one terminal line: every control character, tab and line break included,
    written as an escape."""
    return _IN_LINE.sub(_escaped, text)
