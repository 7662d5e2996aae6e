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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

WORKING_DAYS = 5

__all__ = [
    "Calendar",
    "Person",
    "candidate_start",
    "capacities",
    "days_of",
    "finish_date",
    "mentor_load",
    "mentor_of",
    "monday_of",
    "onboarding_loads",
    "own_capacities",
    "own_capacity",
    "ranked_mentors",
    "start_date",
    "start_week",
    "strongest_area",
    "working_days",
]


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
    """`days[w]` for w in 0..weeks-1: the person's working days in each week (0 to 5).

    Worked on a (weeks x 5) grid of the weekdays' ordinal numbers, so that a team of a
    thousand over ten years is a few array operations per person, not a loop over days.
    """
    first = calendar.plan_start.toordinal()
    grid = first + 7 * np.arange(weeks)[:, None] + np.arange(WORKING_DAYS)[None, :]
    works = np.ones(grid.shape, dtype=bool)
    if person.start is not None:
        works &= grid >= person.start.toordinal()
    if person.end is not None:
        works &= grid <= person.end.toordinal()
    if calendar.holidays:
        works &= ~np.isin(grid, [day.toordinal() for day in calendar.holidays])
    for low, high in person.absences:
        works &= (grid < low.toordinal()) | (grid > high.toordinal())
    return works.sum(axis=1).astype(np.int64)


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


def strongest_area(levels: Mapping[str, float], areas: Sequence[str]) -> str | None:
    """The area of the highest level (ties: the area listed first); None with no areas."""
    best: str | None = None
    for area in areas:
        if best is None or levels.get(area, 0.0) > levels.get(best, 0.0):
            best = area
    return best


def mentor_of(
    newcomer: Person,
    people: Sequence[Person],
    calendar: Calendar,
    areas: Sequence[str],
    ranked: Mapping[str, Sequence[int]] | None = None,
) -> Person | None:
    """Who shows the newcomer around (MODEL.md): among the established members (on the team
    before the plan start, not the newcomer, started no later than them and staying at least
    until their start), the one with the highest level in the newcomer's strongest area; ties
    to the lowest id. None for someone with no start date, or when nobody qualifies.

    `ranked` (from `ranked_mentors`) saves sorting the team again for each newcomer."""
    index = _mentor_index(newcomer, people, calendar, areas, ranked)
    return None if index is None else people[index]


def ranked_mentors(
    people: Sequence[Person], calendar: Calendar, areas: Sequence[str]
) -> dict[str, list[int]]:
    """Per area, the people on the team before the plan start by level, highest first (ties:
    the lowest id): the order in which `mentor_of` looks for a newcomer's mentor."""
    established = [
        i for i, p in enumerate(people) if p.start is None or p.start < calendar.plan_start
    ]
    return {
        area: sorted(established, key=lambda i: (-people[i].levels.get(area, 0.0), people[i].id))
        for area in areas
    }


def _mentor_index(
    newcomer: Person,
    people: Sequence[Person],
    calendar: Calendar,
    areas: Sequence[str],
    ranked: Mapping[str, Sequence[int]] | None,
) -> int | None:
    if newcomer.start is None:
        return None
    area = strongest_area(newcomer.levels, areas)
    if area is None:
        return None
    order = (ranked or ranked_mentors(people, calendar, areas))[area]
    for i in order:
        p = people[i]
        if (
            p.id != newcomer.id
            and (p.start is None or p.start <= newcomer.start)
            and (p.end is None or p.end >= newcomer.start)
        ):
            return i
    return None


def own_capacity(person: Person, calendar: Calendar, weeks: int) -> np.ndarray:
    """`fte * days[w] / 5 * ramp[w]`: a person's capacity before any onboarding load."""
    days = working_days(person, calendar, weeks).astype(float)
    return person.fte * days / WORKING_DAYS * _ramp(person, calendar, weeks)


def mentor_load(
    newcomer: Person,
    people: Sequence[Person],
    calendar: Calendar,
    areas: Sequence[str],
    weeks: int,
    ranked: Mapping[str, Sequence[int]] | None = None,
) -> tuple[int, np.ndarray] | None:
    """Which of `people` (by index) mentors the newcomer, and the capacity it costs them in
    each of the first `weeks` weeks (`mentoring_fte * days[mentor][w] / 5` in the newcomer's
    first `mentoring_weeks` weeks, 0 elsewhere); None when nobody does."""
    if calendar.mentoring_fte <= 0 or calendar.mentoring_weeks <= 0:
        return None
    index = _mentor_index(newcomer, people, calendar, areas, ranked)
    first = start_week(newcomer, calendar)
    if index is None or first is None:
        return None
    low, high = max(first, 0), min(first + calendar.mentoring_weeks, weeks)
    load = np.zeros(weeks)
    if low < high:
        days = working_days(people[index], calendar, weeks).astype(float)
        load[low:high] = calendar.mentoring_fte * days[low:high] / WORKING_DAYS
    return index, load


def capacities(
    people: Sequence[Person], calendar: Calendar, areas: Sequence[str], weeks: int
) -> np.ndarray:
    """`c[p][w]`, full-time weeks of person p in week w, for the first `weeks` weeks.

    Every newcomer (a person with a start date) takes `mentoring_fte * days[mentor][w] / 5` of
    their mentor's capacity in each of their first `mentoring_weeks` weeks, whatever the
    mentor's fte; a capacity never goes below 0.
    """
    result = own_capacities(people, calendar, weeks)
    return np.maximum(result - onboarding_loads(people, calendar, areas, weeks), 0.0)


def own_capacities(people: Sequence[Person], calendar: Calendar, weeks: int) -> np.ndarray:
    """`own_capacity` of each person (one row each), worked out once per distinct set of
    dates and absences and scaled by fte: most of a team has none, so one row serves them."""
    return _per_calendar(people, lambda p: own_capacity(p, calendar, weeks), weeks, scale=True)


def days_of(people: Sequence[Person], calendar: Calendar, weeks: int) -> np.ndarray:
    """`working_days` of each person (one row each), once per distinct dates and absences."""
    return _per_calendar(people, lambda p: working_days(p, calendar, weeks), weeks, scale=False)


def _per_calendar(
    people: Sequence[Person],
    row_of: Callable[[Person], np.ndarray],
    weeks: int,
    *,
    scale: bool,
) -> np.ndarray:
    known: dict[tuple[object, ...], np.ndarray] = {}
    result = np.empty((len(people), weeks))
    for i, p in enumerate(people):
        key = (p.start, p.end, p.absences)
        row = known.get(key)
        if row is None:
            row = known[key] = row_of(Person(0, 1.0, {}, p.start, p.end, p.absences))
        result[i] = p.fte * row if scale else row
    return result


def onboarding_loads(
    people: Sequence[Person], calendar: Calendar, areas: Sequence[str], weeks: int
) -> np.ndarray:
    """Each person's onboarding load per week: the sum over the newcomers they mentor."""
    loads = np.zeros((len(people), weeks))
    if not any(p.start is not None for p in people):
        return loads  # no newcomers, no one to show around
    ranked = ranked_mentors(people, calendar, areas)
    for newcomer in people:
        if newcomer.start is None:
            continue  # not a newcomer: nobody shows them around
        found = mentor_load(newcomer, people, calendar, areas, weeks, ranked)
        if found is not None:
            loads[found[0]] += found[1]
    return loads


def finish_date(weeks: float, calendar: Calendar) -> date | None:
    """The working day in which a forecast of `weeks` falls (MODEL.md, "Finish date"): counted
    Monday to Friday from the plan start, in integers so that 3.0 is a Friday and never slips
    into the next Monday. None with no work (0) or when it cannot be finished (inf)."""
    if weeks == 0 or weeks != weeks or weeks == float("inf"):
        return None
    n = round(10**6 * weeks)
    day = max(-(-WORKING_DAYS * n // 10**6) - 1, 0)
    return calendar.monday(day // WORKING_DAYS) + timedelta(days=day % WORKING_DAYS)


def start_date(weeks: float, calendar: Calendar) -> date:
    """The working day on which something started at `weeks` after the plan start falls."""
    day = WORKING_DAYS * round(10**6 * weeks) // 10**6
    return calendar.monday(day // WORKING_DAYS) + timedelta(days=day % WORKING_DAYS)


def monday_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def candidate_start(
    available_from: date | None,
    opening_start: date | None,
    calendar: Calendar,
    notice_weeks: int,
) -> date:
    """When a candidate would start (MODEL.md, "Start"): their `available_from`, else the
    opening's start date, else `notice_weeks` weeks after the plan start; never before the
    plan start (a date in the past means the plan start)."""
    if available_from is not None:
        chosen = available_from
    elif opening_start is not None:
        chosen = opening_start
    else:
        chosen = calendar.monday(notice_weeks)
    return max(chosen, calendar.plan_start)
