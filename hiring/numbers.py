"""How a length of time is shown, and how a difference of two shown lengths is shown: one rule,
used by every page, mail and CSV that says how long the work takes or how much sooner it lands.

People check a page's arithmetic. "Save 0.2 weeks: 3.6 -> 3.3" (a difference taken before
rounding, the ends shown after) reads as a mistake, so the ends are rounded first and the shown
difference is the difference of the shown ends, exactly.

A length is kept in whole half working days: from 2 weeks up it is shown in weeks to a tenth
(a tenth of a week is half a working day), below that in working days, 5 to a week ("4 days
sooner"); a difference of two shown lengths is again a whole number of half days, so it is
exact and shown the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAYS_PER_WEEK = 5
HALF_DAYS_PER_WEEK = 2 * DAYS_PER_WEEK
# Lengths from this many half days (2 weeks) up read in weeks; shorter ones in working days.
WEEKS_FROM = 2 * HALF_DAYS_PER_WEEK


def _half_up(value: float) -> int:
    """`value` rounded to the nearest integer, halves away from zero (3.25 weeks -> 3.3 as a
    person rounds, not Python's round-half-to-even)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@dataclass(frozen=True, order=True)
class Duration:
    """A shown length of time in whole half working days (negative: the other way)."""

    half_days: int

    @property
    def weeks(self) -> float:
        """The shown length in weeks (what a difference of two shown lengths is taken from)."""
        return self.half_days / HALF_DAYS_PER_WEEK

    @property
    def in_days(self) -> bool:
        """Whether it reads in working days (under 2 weeks) rather than weeks."""
        return abs(self.half_days) < WEEKS_FROM

    def __sub__(self, other: Duration) -> Duration:
        return Duration(self.half_days - other.half_days)

    def __abs__(self) -> Duration:
        return Duration(abs(self.half_days))

    def __neg__(self) -> Duration:
        return Duration(-self.half_days)

    def __str__(self) -> str:
        if self.in_days:
            days = self.half_days / 2
            text = f"{days:g}"
            return f"{text} day" if abs(days) == 1 else f"{text} days"
        # Whole half days in weeks are whole tenths: `:g` after rounding to one place is exact.
        text = f"{round(self.weeks, 1):g}"
        return f"{text} week" if abs(self.weeks) == 1 else f"{text} weeks"


def shown(weeks: float | None) -> Duration | None:
    """A length in weeks as it is shown; None for none or a length that never ends (infinite,
    NaN), which each page words in its own way ("cannot be finished")."""
    if weeks is None or not math.isfinite(weeks):
        return None
    days = _half_up(weeks * DAYS_PER_WEEK)
    if abs(days) < 2 * DAYS_PER_WEEK:
        return Duration(2 * days)
    return Duration(_half_up(weeks * HALF_DAYS_PER_WEEK))


def difference(before: float | None, after: float | None) -> Duration | None:
    """How much shorter `after` is than `before`, as the difference of the two shown lengths
    (negative: longer); None when either end is not a finite length."""
    first, second = shown(before), shown(after)
    if first is None or second is None:
        return None
    return first - second


def duration(weeks: float | Duration | None, never: str = "–") -> str:
    """The Jinja filter: a length in weeks as a page shows it ("4 days", "3.6 weeks"), or a
    shown `Duration` (a difference of shown ends) as it reads; `never` for none or an infinite
    length."""
    length = as_shown(weeks)
    return never if length is None else str(length)


def as_shown(value: float | Duration | None) -> Duration | None:
    """A length as shown, whether it comes as weeks or already as a shown `Duration` (a
    difference of shown ends), so one macro words both."""
    return value if isinstance(value, Duration) else shown(value)


def saving(before: float | None, saved: float | None) -> Duration | None:
    """A saving of `saved` weeks counted from `before`, as the difference of the two shown ends
    `before` and `before - saved`: for savings whose second end the page does not show (a
    panel's lowest and highest ratings), so that they read the same way as those it does."""
    if before is None or saved is None or not math.isfinite(before) or not math.isfinite(saved):
        return None
    return difference(before, before - saved)


def sooner(gap: float | Duration | None, never: str = "never") -> str:
    """A difference in words, "4 days sooner" or "2.5 weeks later" ("no sooner" for none);
    `never` for no difference at all (an end that never comes)."""
    length = as_shown(gap)
    if length is None:
        return never
    if length.half_days > 0:
        return f"{length} sooner"
    if length.half_days < 0:
        return f"{-length} later"
    return "no sooner"


def later(gap: float | Duration | None, never: str = "never") -> str:
    """`sooner` the other way round: "3 weeks later", "4 days sooner", "no later"."""
    length = as_shown(gap)
    if length is None:
        return never
    return "no later" if length.half_days == 0 else sooner(-length)


def between(low: float | Duration | None, high: float | Duration | None) -> str:
    """A range of lengths in words, the unit said once when both ends share it: "between 2 and
    6 days", "between 9 days and 2.5 weeks"; "–" when an end is missing."""
    first, last = as_shown(low), as_shown(high)
    if first is None or last is None:
        return "–"
    if first.in_days == last.in_days:
        return f"between {str(first).split()[0]} and {last}"
    return f"between {first} and {last}"


def number(value: float | None, places: int = 1) -> str:
    """A number that is not a length of time as people write it (points, FTE, shares): 3 not
    3.0, 2.5 not 2.500000001. Lengths of time go through `duration`."""
    if value is None:
        return "–"
    rounded = round(float(value), places)
    return f"{rounded:g}" if abs(rounded) < 1e15 else str(rounded)


def working_days(days: float | None, never: str = "–") -> str:
    """The Jinja filter for a length counted in working days (a ticket's size for a person):
    shown by the same rule as one in weeks ("9 days", "2.4 weeks"), so that a page never writes
    "12 days" where another writes "2.4 weeks"."""
    return duration(None if days is None else days / DAYS_PER_WEEK, never)
