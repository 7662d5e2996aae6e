"""Where the calibration page's small chart draws things: one interviewer's ratings (up) against
the median of the others' ratings of the same candidate and area (across), with the diagonal
where the two agree. Dots above it are ratings higher than the panel's, below it lower; a dot
grows with the number of ratings it stands for.

Pure geometry in the SVG's own units, like `gantt.py` for the plan (the template writes the
elements, the stylesheet colours them): no Flask, no database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hiring.calibration import LEVELS, Comparison

WIDTH = 150.0
HEIGHT = 140.0
LEFT = 24.0  # room for the rating axis' numbers
RIGHT = 8.0
TOP = 8.0
BOTTOM = 28.0  # the others' median's numbers, and the axis' name
SMALLEST_DOT = 2.5
LARGEST_DOT = 8.0


@dataclass(frozen=True)
class Dot:
    """The ratings at one (others' median, their rating): where, how large, how many, and
    whether they are above, on or below the panel's median ("above", "same", "below")."""

    x: float
    y: float
    r: float
    count: int
    rating: int
    others: float
    side: str


@dataclass(frozen=True)
class Tick:
    """A level on an axis: where, and its number."""

    at: float
    label: str


@dataclass(frozen=True)
class CalibrationChart:
    """The chart's size, its plot box, the agreement diagonal, the axes' ticks and the dots,
    and how many ratings fall on each side of the diagonal (for the words beside it)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    diagonal: tuple[float, float, float, float]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    dots: tuple[Dot, ...]
    above: int
    same: int
    below: int


def calibration_chart(comparisons: Iterable[Comparison]) -> CalibrationChart:
    """The chart of one interviewer's compared ratings (every area together)."""
    low, high = LEVELS[0], LEVELS[-1]
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(level: float) -> float:
        return round(LEFT + (level - low) / (high - low) * (right - LEFT), 1)

    def y(level: float) -> float:
        return round(bottom - (level - low) / (high - low) * (bottom - TOP), 1)

    counts = Counter((c.others, c.rating) for c in comparisons)
    dots = tuple(
        Dot(
            x=x(others),
            y=y(rating),
            r=round(min(LARGEST_DOT, SMALLEST_DOT + 1.5 * math.sqrt(count - 1)), 1),
            count=count,
            rating=rating,
            others=others,
            side="above" if rating > others else "below" if rating < others else "same",
        )
        # Larger dots first, so that a small one is never hidden under a large one.
        for (others, rating), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    ticks = tuple(float(level) for level in LEVELS)
    return CalibrationChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        diagonal=(x(low), y(low), x(high), y(high)),
        x_ticks=tuple(Tick(x(t), f"{t:g}") for t in ticks),
        y_ticks=tuple(Tick(y(t), f"{t:g}") for t in ticks),
        dots=dots,
        above=sum(d.count for d in dots if d.side == "above"),
        same=sum(d.count for d in dots if d.side == "same"),
        below=sum(d.count for d in dots if d.side == "below"),
    )
