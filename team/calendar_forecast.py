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

from team import forecast as forecast_module
from team.calendar import (
    Calendar,
    Person,
    capacities,
    mentor_load,
    mentor_of,
    onboarding_loads,
    own_capacities,
    own_capacity,
    ranked_mentors,
    strongest_area,
    working_days,
)
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    WEEKS_EPSILON,
    TimedModel,
    capacity_up_to,
    forecast_in_time,
    merge_by_speed,
    plan_at,
    velocity_at,
    weakest_area,
)
from team.forecast import AreaPressure as SharedPressure
from team.levels import STRONG

__all__ = [
    "AreaPressure",
    "KeyPerson",
    "MergedTeam",
    "TeamForecast",
    "forecast_team",
    "key_people",
    "pressures",
    "shares_with",
    "team_weeks",
    "weeks_saved",
    "with_each",
]


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


@dataclass(frozen=True)
class TeamForecast:
    """The team's forecast with what explains it: T, who works where (each person's share of
    their capacity up to T per area), each area's pressure (with its share of T), the weakest
    area, and the capacity of each person in each week (rows in the team's order)."""

    weeks: float
    shares: tuple[dict[str, float], ...]
    pressures: tuple[SharedPressure, ...]
    weakest_area: str | None
    capacity: np.ndarray
    own: np.ndarray  # each person's capacity before the time they give to newcomers


def forecast_team(
    team: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> TeamForecast:
    """Everything the coverage report needs of the forecast, the capacities worked out once."""
    areas = list(demand)
    weeks = calendar.horizon_weeks
    own = own_capacities(team, calendar, weeks)
    capacity = np.maximum(own - onboarding_loads(team, calendar, areas, weeks), 0.0)
    speeds = _speeds(team, areas, velocities)
    base = forecast_in_time(speeds, capacity, demand, points_per_week).weeks
    plans = plan_at(speeds, capacity, demand, base, points_per_week)
    up_to = capacity_up_to(capacity, base)
    shares = tuple(
        {a: t / up_to[p] for a, t in plan.items() if up_to[p] > 0 and t / up_to[p] > 1e-9}
        for p, plan in enumerate(plans)
    )
    if not math.isfinite(base):
        # MODEL.md: the first area with demand that no one can work in (no speed there); none
        # when only the horizon is to blame.
        staffed = {a: any(v[a] > 0 for v in speeds) for a in areas}
        unstaffed = next((a for a in areas if demand[a] > 0 and not staffed[a]), None)
        unknown = tuple(SharedPressure(a, None, None) for a in areas)
        return TeamForecast(base, shares, unknown, unstaffed, capacity, own)
    rows = tuple(
        SharedPressure(item.area, item.pressure_weeks, _share(item.pressure_weeks, base))
        for item in _pressures_near(
            speeds, capacity, demand, calendar, base, velocities, points_per_week
        )
    )
    return TeamForecast(base, shares, rows, weakest_area(rows, demand), capacity, own)


def _share(weeks: float | None, of: float) -> float | None:
    return None if weeks is None or of == 0 else weeks / of


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


class MergedTeam:
    """The team's capacities worked out once, merged by speeds (exact whatever the calendars:
    `team.forecast`), so that trying an extra person changes only their row and their
    mentor's group's."""

    def __init__(
        self,
        team: Sequence[Person],
        demand: Mapping[str, float],
        calendar: Calendar,
        velocities: Sequence[float],
    ) -> None:
        self.team, self.calendar, self.velocities = team, calendar, velocities
        self.areas = list(demand)
        weeks = calendar.horizon_weeks
        self.raw = raw = own_capacities(team, calendar, weeks)
        # The team's own onboarding loads, so that a capacity is clipped at 0 once, all loads in.
        self.capacity = np.maximum(raw - onboarding_loads(team, calendar, self.areas, weeks), 0.0)
        speeds = _speeds(team, self.areas, velocities)
        index: dict[tuple[float, ...], int] = {}
        self.group_of = [
            index.setdefault(tuple(v[a] for a in self.areas), len(index)) for v in speeds
        ]
        self.rows = np.zeros((len(index), weeks))
        np.add.at(self.rows, self.group_of, self.capacity)
        self.groups = [dict(zip(self.areas, key, strict=True)) for key in index]
        self._mentors: dict[tuple[object, ...], tuple[int, np.ndarray] | None] = {}
        # An extra starts on or after the plan start, so never mentors: the team's order holds.
        self._ranked = ranked_mentors(team, calendar, self.areas)

    def mentor(self, extra: Person) -> tuple[int, np.ndarray] | None:
        """Who of the team mentors `extra` (by index) and what it costs them each week; None
        when nobody does. It depends only on the extra's strongest area and start, so
        candidates share it (and another extra never changes it: extras never mentor)."""
        if extra.start is not None and extra.start < self.calendar.plan_start:
            raise ValueError("a candidate starts on or after the plan start")
        key = (strongest_area(extra.levels, self.areas), extra.start)
        if key not in self._mentors:
            self._mentors[key] = mentor_load(
                extra,
                [*self.team, extra],
                self.calendar,
                self.areas,
                self.calendar.horizon_weeks,
                self._ranked,
            )
        return self._mentors[key]

    def with_extra(self, extra: Person) -> tuple[list[dict[str, float]], np.ndarray]:
        """Speeds and capacities of the merged team plus `extra` (the last row), their mentor's
        time taken off the mentor's group, never below 0 for the mentor."""
        return self.with_extras([extra])

    def with_extras(self, extras: Sequence[Person]) -> tuple[list[dict[str, float]], np.ndarray]:
        """Speeds and capacities of the merged team plus `extras` (the last rows, in order),
        each mentor's time for all the extras they show around taken off their group at once,
        so that a mentor's capacity is clipped at 0 once (as `capacities` does for everyone)."""
        weeks = self.calendar.horizon_weeks
        own = [own_capacity(extra, self.calendar, weeks) for extra in extras]
        with_them = np.vstack([self.rows, *(row[None, :] for row in own)])
        loads: dict[int, np.ndarray] = {}
        for extra in extras:
            found = self.mentor(extra)
            if found is not None:
                mentor, load = found
                loads[mentor] = loads.get(mentor, np.zeros(weeks)) + load
        for mentor, load in loads.items():
            less = np.maximum(self.capacity[mentor] - load, 0.0) - self.capacity[mentor]
            with_them[self.group_of[mentor]] += less
        speeds = [*self.groups, *_speeds(extras, self.areas, self.velocities)]
        return speeds, with_them


def _key(extra: Person, areas: Sequence[str]) -> tuple[object, ...]:
    """What an extra's forecast depends on: levels, fte and dates."""
    levels = tuple(extra.levels.get(a, 0.0) for a in areas)
    return (levels, extra.fte, extra.start, extra.end, extra.absences)


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
    Extras with the same levels, fte and dates share a search, which starts at the team's own
    T: a candidate moves it by a few weeks at most.
    """
    merged = MergedTeam(team, demand, calendar, velocities)
    busy = [a for a in merged.areas if demand[a] > 0]
    if not busy:
        return tuple(0.0 for _ in extras)
    if forecast_module.highspy is None:  # looked up now, so tests can take it away
        near = forecast_in_time(merged.groups, merged.rows, demand, points_per_week).weeks

        def least_t(speeds: list[dict[str, float]], capacity: np.ndarray) -> float:
            return forecast_in_time(speeds, capacity, demand, points_per_week, near=near).weeks

    else:  # one warm model for every extra: a new extra changes their speeds and capacities
        model = TimedModel(merged.groups, {a: demand[a] / points_per_week for a in busy}, busy)
        near = model.least_t(merged.rows)

        def least_t(speeds: list[dict[str, float]], capacity: np.ndarray) -> float:
            model.set_extra(speeds[-1])
            return model.least_t(capacity, near)

    solved: dict[tuple[object, ...], float] = {}
    result = []
    for extra in extras:
        key = _key(extra, merged.areas)
        if key not in solved:
            solved[key] = least_t(*merged.with_extra(extra))
        result.append(solved[key])
    return tuple(result)


def shares_with(
    team: Sequence[Person],
    extras: Sequence[Person],
    weeks: Sequence[float],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[dict[str, float], ...]:
    """Where each extra would work when the work lands at `weeks` (their forecast, from
    `with_each`): their weeks per area over their capacity up to then, in the plan that uses
    the fewest weeks in all; empty where that forecast is 0 or infinite, or they give nothing."""
    merged = MergedTeam(team, demand, calendar, velocities) if extras else None
    solved: dict[tuple[object, ...], dict[str, float]] = {}
    result = []
    for extra, at in zip(extras, weeks, strict=True):
        key = _key(extra, list(demand))
        if key not in solved:
            solved[key] = {}
            if merged is not None and 0 < at < math.inf:
                speeds, capacity = merged.with_extra(extra)
                plan = plan_at(speeds, capacity, demand, at, points_per_week)[-1]
                own = capacity_up_to(capacity[-1:], at)[0]
                if own > 0:
                    solved[key] = {a: t / own for a, t in plan.items() if t / own > 1e-9}
        result.append(solved[key])
    return tuple(result)


def weeks_saved(team_weeks: float, weeks_with_extra: float) -> float | None:
    """`T(team) - T(team + candidate)`, which can be negative in calendar time (a late start
    costs their mentor more than they add); None where the team alone never finishes, and
    where with them it never would within the horizon (their mentor's time pushes it past:
    no number of weeks says that, and JSON has no infinity). Differences within the solver's
    noise read 0."""
    if not (math.isfinite(team_weeks) and math.isfinite(weeks_with_extra)):
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
    capacity = capacities(team, calendar, areas, calendar.horizon_weeks)
    speeds = _speeds(team, areas, velocities)
    base = forecast_in_time(speeds, capacity, demand, points_per_week).weeks
    if not math.isfinite(base):
        return base, tuple(AreaPressure(a, None) for a in areas)
    return base, _pressures_near(
        speeds, capacity, demand, calendar, base, velocities, points_per_week
    )


def _pressures_near(
    speeds: list[dict[str, float]],
    capacity: np.ndarray,
    demand: Mapping[str, float],
    calendar: Calendar,
    base: float,
    velocities: Sequence[float],
    points_per_week: float,
) -> tuple[AreaPressure, ...]:
    """Each area's pressure given the team's finite T: the team merged once, the specialist
    tried as the extra person of one warm model, each search starting at T."""
    areas = list(demand)
    row = working_days(Person(0, 1.0), calendar, calendar.horizon_weeks).astype(float) / 5
    strong = velocity_at(STRONG, velocities)
    busy = [a for a in areas if demand[a] > 0]
    groups, rows = merge_by_speed(speeds, capacity, busy)
    work = {a: demand[a] / points_per_week for a in busy}
    model = TimedModel(groups, work, busy) if forecast_module.highspy is not None else None
    result = []
    for area in areas:
        if demand[area] <= 0:
            result.append(AreaPressure(area, 0.0))
            continue
        specialist = {a: (strong if a == area else 0.0) for a in busy}
        if model is not None:
            model.set_extra(specialist)
            with_one = model.least_t(np.vstack([rows, row]), near=base)
        else:
            with_one = forecast_in_time(
                [*groups, specialist], np.vstack([rows, row]), work, 1.0, near=base
            ).weeks
        result.append(AreaPressure(area, max(base - with_one, 0.0)))
    return tuple(result)


def key_people(
    team: Sequence[Person],
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[KeyPerson, ...]:
    """For each member, `T(team without them) - T`, in the team's order; None where infinite.

    Without someone, their group's row loses their capacity, on the team merged once, each
    search warm and starting at T; a newcomer or a mentor also changes who mentors whom when
    they go, so for them the others' time given to newcomers is worked out again and the rows
    of whoever's capacity changes are moved by the difference.
    """
    base = team_weeks(team, demand, calendar, velocities, points_per_week)
    areas = list(demand)
    busy = [a for a in areas if demand[a] > 0]
    if not busy:
        return tuple(KeyPerson(member.id, 0.0) for member in team)
    merged = MergedTeam(team, demand, calendar, velocities)
    weeks = calendar.horizon_weeks
    # Newcomers and whoever mentors one (even a mentor away then, whose load is 0): without
    # them, who mentors whom can change.
    entangled = {i for i, p in enumerate(team) if p.start is not None}
    if calendar.mentoring_fte > 0 and calendar.mentoring_weeks > 0:
        ranked = ranked_mentors(team, calendar, areas)
        for i in list(entangled):
            mentor = mentor_of(team[i], team, calendar, areas, ranked)
            if mentor is not None:
                entangled.add(next(k for k, p in enumerate(team) if p is mentor))
    model = None
    if forecast_module.highspy is not None:
        model = TimedModel(merged.groups, {a: demand[a] / points_per_week for a in busy}, busy)
    result = []
    for i, member in enumerate(team):
        if model is None:
            others = [p for p in team if p.id != member.id]
            without = team_weeks(others, demand, calendar, velocities, points_per_week)
        else:
            rows = merged.rows.copy()
            group = merged.group_of[i]
            rows[group] = np.maximum(rows[group] - merged.capacity[i], 0.0)
            if i in entangled:
                others = [*team[:i], *team[i + 1 :]]
                kept = np.r_[0:i, i + 1 : len(team)]
                again = np.maximum(
                    merged.raw[kept] - onboarding_loads(others, calendar, areas, weeks), 0.0
                )
                moved = again - merged.capacity[kept]
                for k in np.flatnonzero(np.abs(moved).sum(axis=1) > 0):
                    g = merged.group_of[kept[k]]
                    rows[g] = np.maximum(rows[g] + moved[k], 0.0)
            without = model.least_t(rows, near=base)
        later = without - base if math.isfinite(without) and math.isfinite(base) else None
        result.append(KeyPerson(member.id, later))
    return tuple(result)
