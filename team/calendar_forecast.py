"""The forecast's questions in calendar time (MODEL.md): the team's T, T with each candidate
from their start (ramp-up and their mentor's time included), the pressure of each area, and the
key people, from people and a calendar.

Pure, like `team.forecast` and `team.calendar`, which it joins: people become capacities week by
week (`team.calendar.capacities`), and `team.forecast.forecast_in_time` finds T exactly. The
team's capacities are worked out once per question; a candidate changes only their own row and
their mentor's, and candidates with the same levels, fte and dates share a solve.

Every function takes `demand` as the areas in their display order, each with its open points:
the order matters, since a newcomer's strongest area, and so their mentor, goes to the area
listed first on a tie.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from team.calendar import (
    Calendar,
    Person,
    capacities,
    mentor_load,
    onboarding_loads,
    own_capacity,
    working_days,
)
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    WEEKS_EPSILON,
    forecast_in_time,
    velocity_at,
)
from team.levels import STRONG

__all__ = ["AreaPressure", "KeyPerson", "key_people", "pressures", "team_weeks", "with_each"]


@dataclass(frozen=True)
class AreaPressure:
    """Weeks saved by one more strong specialist in the area from the plan start (MODEL.md,
    "Weakest areas"); None where the team's T is infinite."""

    area: str
    pressure_weeks: float | None


@dataclass(frozen=True)
class KeyPerson:
    """`T(team without them) - T`: how much later the work would land if they left (None:
    it would never be finished without them)."""

    member_id: int
    weeks: float | None


def _speeds(
    people: Sequence[Person], areas: Sequence[str], velocities: Sequence[float]
) -> list[dict[str, float]]:
    return [{a: velocity_at(p.levels.get(a, 0.0), velocities) for a in areas} for p in people]


def team_weeks(
    team: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> float:
    """T for the team (`demand` names the areas, in their order)."""
    areas = list(demand)
    capacity = capacities(team, calendar, areas, calendar.horizon_weeks)
    speeds = _speeds(team, areas, velocities)
    return forecast_in_time(speeds, capacity, demand, points_per_week).weeks


def with_each(
    team: Sequence[Person],
    extras: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[float, ...]:
    """For each extra (a candidate with a start date), T with them on the team: their own
    capacity from their start, ramping up, and their mentor's time taken in their first weeks.

    An extra starts on or after the plan start, so they mentor no one and change no other
    newcomer's mentor: only their row and their mentor's differ from the team's capacities.
    """
    areas = list(demand)
    weeks = calendar.horizon_weeks
    raw = np.array([own_capacity(p, calendar, weeks) for p in team]).reshape(len(team), weeks)
    # The team's own onboarding loads, so that a capacity is clipped at 0 once, all loads in.
    capacity = np.maximum(raw - onboarding_loads(team, calendar, areas, weeks), 0.0)
    speeds = _speeds(team, areas, velocities)
    # The team merged by speeds once (exact whatever the calendars: `team.forecast`), and its
    # own T as where each search starts: a candidate moves it by a few weeks at most.
    index: dict[tuple[float, ...], int] = {}
    group_of = [index.setdefault(tuple(v[a] for a in areas), len(index)) for v in speeds]
    rows = np.zeros((len(index), weeks))
    np.add.at(rows, group_of, capacity)
    groups = [dict(zip(areas, key, strict=True)) for key in index]
    near = forecast_in_time(groups, rows, demand, points_per_week).weeks
    solved: dict[tuple[object, ...], float] = {}
    result = []
    for extra in extras:
        if extra.start is not None and extra.start < calendar.plan_start:
            raise ValueError("a candidate starts on or after the plan start")
        levels = tuple(extra.levels.get(a, 0.0) for a in areas)
        key = (levels, extra.fte, extra.start, extra.end, extra.absences)
        if key not in solved:
            with_them = np.vstack([rows, own_capacity(extra, calendar, weeks)[None, :]])
            found = mentor_load(extra, [*team, extra], calendar, areas, weeks)
            if found is not None:  # the mentor's capacity less this load too, never below 0
                mentor, load = found
                less = np.maximum(capacity[mentor] - load, 0.0) - capacity[mentor]
                with_them[group_of[mentor]] += less
            solved[key] = forecast_in_time(
                [*groups, *_speeds([extra], areas, velocities)],
                with_them,
                demand,
                points_per_week,
                near=near,
            ).weeks
        result.append(solved[key])
    return tuple(result)


def weeks_saved(team_weeks: float, weeks_with_extra: float) -> float | None:
    """`T(team) - T(team + candidate)`, which can be negative in calendar time (a late start
    costs their mentor more than they add); None where the team alone never finishes.
    Differences within the solver's noise read 0."""
    if not math.isfinite(team_weeks):
        return None
    saved = team_weeks - weeks_with_extra
    return 0.0 if abs(saved) < WEEKS_EPSILON else saved


def pressures(
    team: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[float, tuple[AreaPressure, ...]]:
    """T, and each area's pressure: the weeks saved by a full-time strong person working only
    there, from the plan start, with no ramp-up and no mentor (holidays still off)."""
    areas = list(demand)
    weeks = calendar.horizon_weeks
    capacity = capacities(team, calendar, areas, weeks)
    speeds = _speeds(team, areas, velocities)
    base = forecast_in_time(speeds, capacity, demand, points_per_week).weeks
    if not math.isfinite(base):
        return base, tuple(AreaPressure(a, None) for a in areas)
    specialist_days = working_days(Person(0, 1.0), calendar, weeks).astype(float)
    row = specialist_days / 5
    strong = velocity_at(STRONG, velocities)
    result = []
    for area in areas:
        if demand[area] <= 0:
            result.append(AreaPressure(area, 0.0))
            continue
        with_one = forecast_in_time(
            [*speeds, {a: (strong if a == area else 0.0) for a in areas}],
            np.vstack([capacity, row]),
            demand,
            points_per_week,
        ).weeks
        result.append(AreaPressure(area, max(base - with_one, 0.0)))
    return base, tuple(result)


def key_people(
    team: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[KeyPerson, ...]:
    """For each member, `T(team without them) - T` (their leaving can also change who mentors a
    newcomer, so each is a forecast of its own), in the team's order; None where infinite."""
    base = team_weeks(team, demand, calendar, velocities, points_per_week)
    result = []
    for member in team:
        others = [p for p in team if p.id != member.id]
        without = team_weeks(others, demand, calendar, velocities, points_per_week)
        later = without - base if math.isfinite(without) and math.isfinite(base) else None
        result.append(KeyPerson(member.id, later))
    return tuple(result)
