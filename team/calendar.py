"""The calendar of MODEL.md: what each person can give to the planned work, week by week.

Pure: plain values in, numpy arrays out, so every capacity a forecast rests on can be checked by
hand. Week `w` is the five working days Monday to Friday of the week that starts `plan_start +
7w` days. A person's capacity in a week, in full-time weeks, is

    c[p][w] = fte * days[p][w] / 5 * ramp[p][w]  -  the onboarding load they carry that week,

never below 0, where `days` counts the working days of the week on or after their start date, on
or before their end date, not a holiday and not in one of their absences; `ramp` is how far a
newcomer is up to speed; and the load is the mentor's time a newcomer takes in their first weeks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

WORKING_DAYS = 5

__all__ = ["Calendar", "Person", "capacities", "mentor_of", "start_week", "working_days"]


@dataclass(frozen=True)
class Calendar:
    """The settings every capacity depends on (MODEL.md, "The calendar"); defaults as there."""

    plan_start: date  # a Monday
    holidays: frozenset[date] = frozenset()
    ramp_weeks: int = 12
    ramp_start: float = 0.25
    mentoring_fte: float = 0.2
    mentoring_weeks: int = 8
    horizon_weeks: int = 520

    def __post_init__(self) -> None:
        if self.plan_start.weekday() != 0:
            raise ValueError("the plan starts on a Monday")
        if self.horizon_weeks < 1:
            raise ValueError("the horizon is at least one week")

    def monday(self, week: int) -> date:
        """The Monday of week `week` (negative: before the plan start)."""
        return self.plan_start + timedelta(days=7 * week)


@dataclass(frozen=True)
class Person:
    """Someone counted in the forecast: a member, or a candidate tried on the team.

    `start` is their first working day (None: on the team before the plan start), `end` their
    last (None: staying); `absences` are inclusive date ranges.
    """

    id: int
    fte: float
    levels: Mapping[str, float] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    absences: tuple[tuple[date, date], ...] = ()


def working_days(person: Person, calendar: Calendar, weeks: int) -> np.ndarray:
    """`days[w]` for w in 0..weeks-1: the person's working days in each week (0 to 5)."""
    days = np.zeros(weeks, dtype=np.int64)
    for w in range(weeks):
        monday = calendar.monday(w)
        days[w] = sum(
            1 for d in range(WORKING_DAYS) if _works(person, calendar, monday + timedelta(days=d))
        )
    return days


def _works(person: Person, calendar: Calendar, day: date) -> bool:
    if person.start is not None and day < person.start:
        return False
    if person.end is not None and day > person.end:
        return False
    if day in calendar.holidays:
        return False
    return not any(first <= day <= last for first, last in person.absences)


def start_week(person: Person, calendar: Calendar) -> int | None:
    """The week of the person's first working day (the start date, or the Monday after it when
    it falls on a weekend), counted from the plan start (negative: before it); None without a
    start date."""
    if person.start is None:
        return None
    first = person.start
    if first.weekday() >= WORKING_DAYS:
        first += timedelta(days=7 - first.weekday())
    return (first - calendar.plan_start).days // 7


def _ramp(person: Person, calendar: Calendar, weeks: int) -> np.ndarray:
    """`ramp[w]`: min(1, r0 + (1 - r0) k / R) in the k-th week after the start week."""
    factors = np.ones(weeks)
    first = start_week(person, calendar)
    if first is None or calendar.ramp_weeks <= 0:
        return factors
    k = np.arange(weeks) - first
    ramped = calendar.ramp_start + (1 - calendar.ramp_start) * k / calendar.ramp_weeks
    return np.clip(ramped, 0.0, 1.0)


def _strongest_area(levels: Mapping[str, float], areas: Sequence[str]) -> str | None:
    """The area of the highest level (ties: the area listed first); None with no areas."""
    best: str | None = None
    for area in areas:
        if best is None or levels.get(area, 0.0) > levels.get(best, 0.0):
            best = area
    return best


def mentor_of(
    newcomer: Person, people: Sequence[Person], calendar: Calendar, areas: Sequence[str]
) -> Person | None:
    """Who shows the newcomer around (MODEL.md): among the established members (on the team
    before the plan start, not the newcomer, started no later than them and staying at least
    until their start), the one with the highest level in the newcomer's strongest area; ties
    to the lowest id. None for someone with no start date, or when nobody qualifies."""
    if newcomer.start is None:
        return None
    area = _strongest_area(newcomer.levels, areas)
    if area is None:
        return None
    established = [
        p
        for p in people
        if p.id != newcomer.id
        and (p.start is None or p.start < calendar.plan_start)
        and (p.start is None or p.start <= newcomer.start)
        and (p.end is None or p.end >= newcomer.start)
    ]
    if not established:
        return None
    return min(established, key=lambda p: (-p.levels.get(area, 0.0), p.id))


def capacities(
    people: Sequence[Person], calendar: Calendar, areas: Sequence[str], weeks: int
) -> np.ndarray:
    """`c[p][w]`, full-time weeks of person p in week w, for the first `weeks` weeks.

    Every newcomer (a person with a start date) takes `mentoring_fte * days[mentor][w] / 5` of
    their mentor's capacity in each of their first `mentoring_weeks` weeks, whatever the
    mentor's fte; a capacity never goes below 0.
    """
    days = np.array([working_days(p, calendar, weeks) for p in people], dtype=float)
    days = days.reshape(len(people), weeks)
    result = np.array(
        [
            p.fte * days[i] / WORKING_DAYS * _ramp(p, calendar, weeks)
            for i, p in enumerate(people)
        ]
    ).reshape(len(people), weeks)
    if calendar.mentoring_fte <= 0 or calendar.mentoring_weeks <= 0:
        return result
    row = {p.id: i for i, p in enumerate(people)}
    for newcomer in people:
        mentor = mentor_of(newcomer, people, calendar, areas)
        if mentor is None:
            continue
        first = start_week(newcomer, calendar)
        assert first is not None  # a newcomer has a start date
        low, high = max(first, 0), min(first + calendar.mentoring_weeks, weeks)
        if low >= high:
            continue
        m = row[mentor.id]
        load = calendar.mentoring_fte * days[m, low:high] / WORKING_DAYS
        result[m, low:high] = np.maximum(result[m, low:high] - load, 0.0)
    return result
