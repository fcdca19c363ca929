"""Month and weekday names, the one calendar table every date reader builds its lookup from.

The cleaners (a page's dateline, a meta tag's date), the time expressions of English and
Russian text, and the comparison of dates all read a date's month by name. Each picks the
languages and forms it reads (a dateline reader does not take "ago" or "set" for a month),
but the names are written once, here. Months are numbered 1-12, weekdays 0 (Monday) - 6.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

__all__ = [
    "FULL_MONTHS",
    "RUSSIAN_MONTHS",
    "RUSSIAN_WEEKDAYS",
    "SHORT_MONTHS",
    "WEEKDAYS",
    "make_date",
    "month_numbers",
]

# Each month's full names (with spellings met without accents), January first.
FULL_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    "fr": (
        "janvier",
        "février fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août aout",
        "septembre",
        "octobre",
        "novembre",
        "décembre decembre",
    ),
    "de": (
        "januar jänner",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre setiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    "pt": (
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
}

# Abbreviations, where a language has them (an empty string: none).
SHORT_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep sept", "oct", "nov", "dec"),
    "fr": ("janv", "févr", "", "", "", "", "juil", "", "", "", "", "déc"),
    "es": ("ene", "", "", "", "", "", "", "ago", "", "", "", "dic"),
    "it": ("gen", "", "", "", "", "", "", "ago", "", "", "", "dic"),
    "pt": ("", "fev", "", "", "", "", "", "", "set", "out", "", "dez"),
    "ru": ("янв", "фев", "мар", "апр", "", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}

# Russian month names by grammatical case (a date writes the genitive: "5 мая").
RUSSIAN_MONTHS: dict[str, tuple[str, ...]] = {
    "genitive": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "prepositional": (
        "январе",
        "феврале",
        "марте",
        "апреле",
        "мае",
        "июне",
        "июле",
        "августе",
        "сентябре",
        "октябре",
        "ноябре",
        "декабре",
    ),
    "nominative": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
}

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# Russian weekday forms ("в среду", "со среды", "к пятнице"), Monday first.
RUSSIAN_WEEKDAYS: tuple[str, ...] = (
    "понедельник понедельника понедельнику",
    "вторник вторника вторнику",
    "среду среды",
    "четверг четверга четвергу",
    "пятницу пятницы пятнице",
    "субботу субботы субботе",
    "воскресенье воскресенья воскресенью",
)


def month_numbers(*tables: tuple[str, ...]) -> dict[str, int]:
    """Name -> month number from tables of twelve entries (each entry names one month,
    space-separated), the first table's number kept when two name the same word."""
    found: dict[str, int] = {}
    for table in tables:
        for number, names in enumerate(table, 1):
            for name in names.split():
                found.setdefault(name, number)
    return found


def tables_of(kind: dict[str, tuple[str, ...]], languages: Iterable[str]) -> list[tuple[str, ...]]:
    """The tables of `kind` (FULL_MONTHS, SHORT_MONTHS) for the languages that have one."""
    return [kind[language] for language in languages if language in kind]


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the three numbers name no day of the calendar."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
