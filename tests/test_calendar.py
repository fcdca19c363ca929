"""The one calendar table (`rashomon.lexicon.calendar`) and the date readers built on it."""

from __future__ import annotations

from datetime import date

import pytest

from rashomon.annotate import times
from rashomon.clean.metadata import parse_date
from rashomon.lexicon.calendar import (
    FULL_MONTHS,
    RUSSIAN_MONTHS,
    RUSSIAN_WEEKDAYS,
    SHORT_MONTHS,
    WEEKDAYS,
    make_date,
    month_numbers,
)


def test_every_table_names_twelve_months_and_seven_days():
    for table in [*FULL_MONTHS.values(), *SHORT_MONTHS.values(), *RUSSIAN_MONTHS.values()]:
        assert len(table) == 12
    assert len(WEEKDAYS) == len(RUSSIAN_WEEKDAYS) == 7


def test_month_numbers_counts_from_january_and_keeps_the_first_table_on_a_clash():
    found = month_numbers(("jan", "feb mar", *[""] * 10), ("x", "jan", *[""] * 10))
    assert found == {"jan": 1, "feb": 2, "mar": 2, "x": 1}


def test_make_date_is_none_for_a_day_the_calendar_has_not():
    assert make_date(2024, 2, 29) == date(2024, 2, 29)
    assert make_date(2023, 2, 29) is None
    assert make_date(2024, 13, 1) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("5 setiembre 2024", date(2024, 9, 5)),  # Latin American Spanish
        ("3 aout 2024", date(2024, 8, 3)),  # French without its accent
        ("12 января 2025", date(2025, 1, 12)),
        ("Sept. 9, 2024", date(2024, 9, 9)),
    ],
)
def test_a_page_date_reads_every_spelling_the_table_has(text: str, day: date):
    assert parse_date(text) == day


def test_english_time_expressions_read_the_same_months_capitalised():
    assert times.MONTHS["Sept"] == 9 and times.MONTHS["May"] == 5 and "may" not in times.MONTHS
    assert times.WEEKDAYS["Sunday"] == 6
