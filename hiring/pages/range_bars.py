"""Where a ranking row's disagreement bar is drawn: the weeks saved between the panel's lowest
and highest ratings (MODEL.md, "Disagreement") as a span on one scale shared by the rows shown,
so that bars can be compared down the page and overlaps seen at a glance.

Pure geometry in percent of the bar's width (the template writes an inline SVG, the stylesheet
colours it): no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hiring.ranking import RankedCandidate, weeks_saved_range

# A span this narrow (the panel agrees) is still drawn wide enough to see, in percent.
MIN_WIDTH = 1.0


@dataclass(frozen=True)
class RangeBar:
    """One row's bar: the span from `x` over `width`, the median's weeks saved at `mark`, and
    no weeks saved at `zero` (None when the scale does not reach 0), all in percent; `low` and
    `high` are the weeks it stands for."""

    x: float
    width: float
    mark: float
    zero: float | None
    low: float
    high: float


@dataclass(frozen=True)
class Scale:
    """The weeks the bars span, from `least` to `most`: the rows' ranges with a margin, so the
    differences between rows show rather than their distance from 0 (a line marks 0 where
    the rows reach it: saving and delaying read apart)."""

    least: float
    most: float

    def at(self, weeks: float) -> float:
        """Where `weeks` falls, in percent of the width."""
        span = self.most - self.least
        return 50.0 if span <= 0 else 100.0 * (weeks - self.least) / span

    def bar(self, entry: RankedCandidate) -> RangeBar | None:
        """The entry's bar; None where it has no range or no weeks saved."""
        ends = weeks_saved_range(entry)
        if ends is None or entry.weeks_saved is None:
            return None
        x, end = self.at(ends[0]), self.at(ends[1])
        width = max(end - x, MIN_WIDTH)
        x = max(0.0, min(x, 100.0 - width))
        return RangeBar(
            x=round(x, 3),
            width=round(width, 3),
            mark=round(self.at(entry.weeks_saved), 3),
            zero=round(self.at(0.0), 3) if self.least <= 0.0 <= self.most else None,
            low=ends[0],
            high=ends[1],
        )


def scale_of(entries: Iterable[RankedCandidate]) -> Scale:
    """The scale that holds every row's range and median, with a tenth of the span (or a week,
    when every row says the same) to spare at each end."""
    found = [
        weeks
        for entry in entries
        for weeks in (*(weeks_saved_range(entry) or ()), entry.weeks_saved)
        if weeks is not None
    ]
    if not found:
        return Scale(least=0.0, most=1.0)
    least, most = min(found), max(found)
    margin = (most - least) / 10 or 1.0
    return Scale(least=least - margin, most=most + margin)
