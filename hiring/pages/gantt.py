"""Where the plan page's Gantt chart draws things: one lane per member, their tickets as bars
from start to finish, a time axis in months and weeks from the plan start, and lines at the
plan's finish, its lower bound and the published finish.

Pure geometry in the SVG's own units (the template writes the elements, the stylesheet colours
them): no Flask, no database. Weeks are the plan's, counted Monday to Friday from the plan start
(team.calendar), so a date maps to its week plus the working days before it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the hints only: the drawing runs on any values of this shape
    from team.plan_lanes import LanePage, ShownLane, ShownRow

WIDTH = 1100.0  # the viewBox's width; the page scales it, or scrolls it on a phone
LABELS = 200.0  # the names' column
RIGHT = 24.0
AXIS = 46.0  # months on one line, weeks on the next
LANE = 34.0  # a name and its FTE line beside a bar
BAR = 20.0
BOTTOM = 10.0
CHAR = 6.4  # an average character's width at the bars' font size (11)
AREA_COLOURS = 7  # .gantt .area-0 ... .area-6 in static/app.css
NAME_CHARS = 26
WEEK_STEPS = (1, 2, 4, 8, 13, 26, 52, 104, 260)
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
MAX_TICKS = 12


@dataclass(frozen=True)
class Bar:
    """One ticket drawn from its start to its finish; `label` fits inside ("" when nothing
    does); `open_ended`: it does not finish within the horizon, so it runs off the axis."""

    x: float
    width: float
    label: str
    area_class: str
    open_ended: bool
    shown: ShownRow


@dataclass(frozen=True)
class Row:
    """One lane's place: its name (cut to fit the column), its bars, and its y."""

    y: float
    name: str
    shown: ShownLane
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    """A mark on the time axis."""

    x: float
    label: str


@dataclass(frozen=True)
class Line:
    """A vertical line across the lanes: "finish", "bound" or "published"."""

    kind: str
    x: float


@dataclass(frozen=True)
class Gantt:
    """The chart's size and everything in it."""

    width: float
    height: float
    left: float
    right: float
    axis: float
    lane: float
    bar: float
    rows: tuple[Row, ...]
    months: tuple[Tick, ...]
    weeks: tuple[Tick, ...]
    lines: tuple[Line, ...]


def gantt(page: LanePage) -> Gantt:
    """The chart of the page's lanes, on the axis every page of the plan shares."""
    view = page.view
    end = page.axis_weeks * 1.02  # a little room past the last line
    right = WIDTH - RIGHT
    scale = (right - LABELS) / end

    def x(weeks: float) -> float:
        return round(LABELS + min(max(weeks, 0.0), end) * scale, 1)

    colour = {key: f"area-{i % AREA_COLOURS}" for i, (key, _) in enumerate(page.areas)}
    rows = tuple(
        Row(
            y=AXIS + i * LANE,
            name=_cut(shown.lane.name, NAME_CHARS),
            shown=shown,
            bars=tuple(
                _bar(r, x, colour.get(r.row.area, "area-0"))
                for r in shown.rows
                if math.isfinite(r.row.start_weeks)
            ),
        )
        for i, shown in enumerate(page.lanes)
    )
    bound = view.lower_bound_weeks
    lines = [Line("bound", x(bound))] if 0 < bound < math.inf else []
    if view.published is not None and view.published.finish_date is not None:
        lines.append(Line("published", x(weeks_of(view.published.finish_date, view.plan_start))))
    if math.isfinite(view.finish_weeks) and view.finish_weeks > 0:
        lines.append(Line("finish", x(view.finish_weeks)))
    return Gantt(
        width=WIDTH,
        height=AXIS + len(rows) * LANE + BOTTOM,
        left=LABELS,
        right=right,
        axis=AXIS,
        lane=LANE,
        bar=BAR,
        rows=rows,
        months=tuple(
            Tick(x(weeks_of(day, view.plan_start, end_of_day=False)), label)
            for day, label in _months(view.plan_start, end)
        ),
        weeks=tuple(Tick(x(w), "start" if w == 0 else f"{w} wk") for w in _weeks(end)),
        lines=tuple(lines),
    )


def _bar(shown: ShownRow, x: Callable[[float], float], area_class: str) -> Bar:
    """A ticket's bar, its title inside when a few characters fit."""
    r = shown.row
    left, right = x(r.start_weeks), x(r.finish_weeks)
    width = max(right - left, 2.0)  # a sliver still shows, and still has its tooltip
    return Bar(
        x=left,
        width=round(width, 1),
        label=_cut(r.title, int((width - 8) / CHAR)),
        area_class=area_class,
        open_ended=not math.isfinite(r.finish_weeks),
        shown=shown,
    )


def weeks_of(day: date, plan_start: date, *, end_of_day: bool = True) -> float:
    """The plan's weeks at the end (or the start) of `day`: its week from the plan start plus
    the working days before it (a weekend day counts as the week's end)."""
    days = (day - plan_start).days
    weekday = min(days % 7 + (1 if end_of_day else 0), 5)
    return days // 7 + weekday / 5


def _months(plan_start: date, end: float) -> list[tuple[date, str]]:
    """The first days of the months on the axis (every month, or every few when there are
    many), and the plan start when no month begins near it, labelled with the month and, on
    January and the first one, the year."""
    last = plan_start + timedelta(days=math.ceil(end * 7))
    firsts = []
    day = date(plan_start.year, plan_start.month, 1)
    while day <= last:
        if day >= plan_start:
            firsts.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = next((s for s in MONTH_STEPS if len(firsts) / s <= MAX_TICKS), MONTH_STEPS[-1])
    if step > 1:
        firsts = [d for d in firsts if (d.year * 12 + d.month - 1) % step == 0]
    if not firsts or (firsts[0] - plan_start).days > 10:
        firsts.insert(0, plan_start)  # the plan start's month is named too, unless crowded
    return [
        (d, f"{d:%b} {d.year}" if i == 0 or d.month == 1 or step >= 12 else f"{d:%b}")
        for i, d in enumerate(firsts)
    ]


def _weeks(end: float) -> Sequence[int]:
    """Whole weeks on the axis, a round step apart, at most `MAX_TICKS` of them."""
    step = next((s for s in WEEK_STEPS if int(end / s) + 1 <= MAX_TICKS), WEEK_STEPS[-1])
    return range(0, int(end) + 1, step)


def _cut(text: str, chars: int) -> str:
    """`text` in at most `chars` characters, an ellipsis marking a cut ("" when under 4 fit)."""
    if chars < 4:
        return ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
