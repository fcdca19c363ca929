"""Column labels shared by the compare report's terminal, Markdown and HTML forms."""

from __future__ import annotations

from collections.abc import Sequence


def column_letters(outlets: Sequence[str]) -> list[str]:
    """Short column labels for outlets: A, B, … Z, AA, AB, …"""
    labels = []
    for i in range(len(outlets)):
        label, n = "", i
        while True:
            label = chr(ord("A") + n % 26) + label
            n = n // 26 - 1
            if n < 0:
                break
        labels.append(label)
    return labels
