"""The coverage timeline of a story: an SVG drawn on the server, one row per outlet, a dot per
article on a day axis.

An article sits on the day it was published, else (its dot hollow: that day is not its own) on
the story's event date, or on the day the store added it when the story has no date either.
The chart has no fixed width: every horizontal position is a percentage of the chart's width
and every vertical one a pixel, so the text keeps its size on a phone and on a wide screen, and
nothing needs a script or a style attribute (the page's CSP allows neither); colours come from
classes in style.css.

Outlet names and titles are untrusted: every text and attribute value is escaped here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

__all__ = ["Dot", "coverage_svg", "day_of", "ticks"]

ROW_PX = 40  # one outlet: its name above, its dots on a line below
TOP_PX = 6
AXIS_PX = 30
LEFT_PCT, RIGHT_PCT = 2.0, 98.0  # where the first and the last day of the axis sit
DOT_R = 6
DOT_STEP_PX = 9  # how far apart the dots of one outlet on one day are drawn
STACK_MAX = 7  # past this many dots on one day, the rest share the last position
NAME_CHARS = 60  # a longer outlet name is cut (its full name is in the tooltip)
MAX_TICKS = 6
STEPS = (1, 2, 3, 7, 14, 28, 56, 91, 182, 364, 728)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Dot:
    """One article on the chart: `published` False when `day` is the day it was added."""

    outlet: str
    day: date
    title: str
    href: str | None = None
    published: bool = True
    outlet_href: str | None = None


def day_of(published: str | None, added_at: str | None) -> tuple[date, bool] | None:
    """The day to draw an article on and whether it is its publication day: `published`
    when it reads as an ISO date, else the day of `added_at` (the fallback day: the story's
    event date, or when the article was added); None when neither does."""
    for value, is_published in ((published, True), (added_at, False)):
        if value:
            try:
                return date.fromisoformat(value[:10]), is_published
            except ValueError:
                continue
    return None


def ticks(first: date, last: date) -> list[date]:
    """The labelled days of an axis from `first` to `last`: every day, or every 2nd, 3rd,
    7th … day, so that there are at most MAX_TICKS."""
    days = (last - first).days
    step = next((s for s in STEPS if days // s + 1 <= MAX_TICKS), STEPS[-1])
    return [first + timedelta(days=k) for k in range(0, days + 1, step)]


def coverage_svg(dots: Iterable[Dot], *, label: str = "coverage timeline") -> Markup:
    """The chart of `dots` as an inline <svg> element (empty Markup when there is none)."""
    dots = list(dots)
    if not dots:
        return Markup("")
    first = min(d.day for d in dots)
    last = max(d.day for d in dots)
    if first == last:  # one day: show it between its neighbours
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    span = (last - first).days
    outlets = list(dict.fromkeys(d.outlet for d in dots))
    height = TOP_PX + ROW_PX * len(outlets) + AXIS_PX

    def x(day: date) -> float:
        return round(LEFT_PCT + (RIGHT_PCT - LEFT_PCT) * (day - first).days / span, 3)

    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'height="{height}" role="group" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    axis_y = TOP_PX + ROW_PX * len(outlets)
    tick_days = ticks(first, last)
    for day in tick_days:
        parts.append(
            f'<line class="tl-grid" x1="{x(day)}%" x2="{x(day)}%" y1="{TOP_PX}" y2="{axis_y + 4}">'
            "</line>"
        )
    for row, outlet in enumerate(outlets):
        parts += _row(row, outlet, [d for d in dots if d.outlet == outlet], x)
    parts.append(
        f'<line class="tl-axis" x1="{LEFT_PCT}%" x2="{RIGHT_PCT}%" y1="{axis_y}" y2="{axis_y}">'
        "</line>"
    )
    parts += _tick_labels(tick_days, x, axis_y + 20)
    parts.append("</svg>")
    return Markup("".join(parts))


def _row(row: int, outlet: str, dots: Sequence[Dot], x: Callable[[date], float]) -> list[str]:
    top = TOP_PX + ROW_PX * row
    line_y = top + 27
    name = outlet if len(outlet) <= NAME_CHARS else outlet[: NAME_CHARS - 1] + "…"
    text = (
        f'<text class="tl-name" x="{LEFT_PCT}%" y="{top + 12}">'
        f"<title>{escape(outlet)}</title>{escape(name)}</text>"
    )
    href = dots[0].outlet_href
    parts = [
        f'<line class="tl-row" x1="{LEFT_PCT}%" x2="{RIGHT_PCT}%" y1="{line_y}" y2="{line_y}">'
        "</line>",
        f'<a href="{escape(href)}">{text}</a>' if href else text,
    ]
    by_day: dict[date, list[Dot]] = {}
    for dot in dots:
        by_day.setdefault(dot.day, []).append(dot)
    for day, same in sorted(by_day.items()):
        for i, dot in enumerate(same):
            offset = (min(i, STACK_MAX - 1) - (min(len(same), STACK_MAX) - 1) / 2) * DOT_STEP_PX
            parts.append(_dot(dot, x(day), line_y, offset))
    return parts


def _dot(dot: Dot, cx: float, cy: int, offset: float) -> str:
    kind = "published" if dot.published else "added"
    when = f"{'published' if dot.published else 'added'} {dot.day.isoformat()}"
    tip = f"{dot.title} · {dot.outlet} · {when}" if dot.title else f"{dot.outlet} · {when}"
    shape = (
        f'<circle class="tl-dot tl-{kind}" cx="{cx}%" cy="{cy}" r="{DOT_R}" '
        f'transform="translate({offset:g} 0)"><title>{escape(tip)}</title></circle>'
    )
    return f'<a href="{escape(dot.href)}">{shape}</a>' if dot.href else shape


def _tick_labels(days: Sequence[date], x: Callable[[date], float], y: int) -> list[str]:
    parts = []
    for k, day in enumerate(days):
        at = x(day)
        anchor = "start" if at < 15 else "end" if at > 85 else "middle"
        text = f"{day.day} {MONTHS[day.month - 1]}"
        if k == 0 or day.year != days[k - 1].year or (k % 2 == 0 and day.year != days[k - 2].year):
            text += f" {day.year}"
        minor = " tl-minor" if k % 2 and len(days) > 3 else ""  # hidden on a narrow screen
        parts.append(
            f'<text class="tl-tick{minor}" x="{at}%" y="{y}" text-anchor="{anchor}">{text}</text>'
        )
    return parts
