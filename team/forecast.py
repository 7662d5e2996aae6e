"""The forecast of MODEL.md: weeks to finish the planned work, and the pressure of each area.

Everything here takes plain values and returns frozen dataclasses, so the numbers a page shows can
be tested without a database. The forecast is the optimum of a small linear programme, solved with
HiGHS (`scipy.optimize.linprog`), because a heuristic split of people's time can be off and every
ranking of candidates rests on these numbers.

Merging equal profiles, exactly. The programme sees a member only through the speeds
`fte * velocity(level)` per area. Members with the same velocity in every area (the same level
profile) therefore have proportional speed vectors `fte_p * v`, and they can be merged into one
member with `fte = sum(fte_p)` without changing T: any plan of theirs gives the merged member the
plan `w[a] = sum_p fte_p t[p][a] / sum(fte_p)`, which does the same work (`v[a] * sum_p fte_p
t[p][a]`) within T; and any plan `w` of the merged member gives each of them `t[p][a] = w[a]`,
which does the same work and keeps each within T. So both programmes have the same optimum, and
the merged plan handed back to every member of the group, the same shares each, is an optimal plan
of the original. A team of 1,000 has at most 5^K distinct whole-level profiles over K areas, and
usually a few dozen, so the programme shrinks from 1,000 rows of members to that.

Many extra people (`forecast_with_each`, the candidates of a ranking) are tried the same way: the
team is merged once, extras with the same speeds share one solve, and each extra stays a member of
their own so their shares come out. With `highspy` installed, one HiGHS model of the merged team is
built once and only the extra's column changes between solves, each solve starting from the basis
of the same model with a stand-in extra, so an extra's plan does not depend on who else was tried;
without it, scipy's `linprog` solves each distinct extra. Both are the same exact simplex solver,
and the tests compare them with a plain `linprog` of the unmerged programme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog

try:  # HiGHS's own interface: lets `forecast_with_each` change one column of a model and re-solve.
    import highspy
except ImportError:  # pragma: no cover - exercised by the tests with the module hidden
    highspy = None  # type: ignore[assignment]

from team.levels import DEFAULT_POINTS_PER_WEEK, DEFAULT_VELOCITIES, LEVEL_MAX, STRONG

__all__ = [
    "DEFAULT_POINTS_PER_WEEK",
    "DEFAULT_VELOCITIES",
    "AreaPressure",
    "ExtraForecast",
    "Forecast",
    "ForecastError",
    "ForecastMember",
    "MemberAllocation",
    "Pressures",
    "forecast",
    "forecast_with",
    "forecast_in_time",
    "forecast_with_each",
    "TimedModel",
    "capacity_up_to",
    "merge_by_speed",
    "plan_at",
    "pressures",
    "velocity_at",
    "weakest_area",
    "weeks_saved",
]

# Shares of time below this are solver noise, not a plan anyone should read.
SHARE_EPSILON = 1e-9
# Forecasts closer than this are the same forecast (MODEL.md, "Ranking").
WEEKS_EPSILON = 1e-9
# Tighter than HiGHS's defaults (1e-7) so that forecasts are right to about 1e-9 relative.
_HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


class ForecastError(RuntimeError):
    """The solver failed on a programme that always has an optimum: a bug, not bad input."""


@dataclass(frozen=True)
class ForecastMember:
    """Someone who can take work: a team member, or a candidate tried on the team.

    `levels` maps area key to level; a missing area is level 0, and a level may be fractional
    (a candidate's median).
    """

    id: int
    fte: float
    levels: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MemberAllocation:
    """Who would work where: each area's share of this member's time in the optimal plan."""

    member_id: int
    shares: Mapping[str, float]


@dataclass(frozen=True)
class Forecast:
    """Weeks to finish the planned work, with the inputs and plan that explain the number.

    `weeks` is 0.0 with no demand and `math.inf` when some area with demand has no one who can
    work in it. `area_speed` is the points a week the whole team would finish in each area if
    everyone worked only there. `allocation` is empty unless `weeks` is positive and finite.
    """

    weeks: float
    demand: Mapping[str, float]
    area_speed: Mapping[str, float]
    allocation: tuple[MemberAllocation, ...]

    @property
    def finite(self) -> bool:
        """Whether the team can finish the work at all."""
        return math.isfinite(self.weeks)


@dataclass(frozen=True)
class ExtraForecast:
    """The forecast with one extra person on the team, and that person's share of time per area.

    `weeks` is as in `Forecast` (0.0 with no demand, `math.inf` if even with the extra some area
    with demand has no one); `shares` is empty unless `weeks` is positive and finite.
    """

    weeks: float
    shares: Mapping[str, float]


@dataclass(frozen=True)
class AreaPressure:
    """Weeks saved by one more strong specialist in this area, and that as a share of the forecast.

    Both are None where the forecast is infinite; the share is also None where it is 0.
    """

    area: str
    pressure_weeks: float | None
    pressure_share: float | None


@dataclass(frozen=True)
class Pressures:
    """The pressure of every area (in demand order) and the weakest area, if there is any work."""

    forecast: Forecast
    areas: tuple[AreaPressure, ...]
    weakest_area: str | None


def velocity_at(level: float, velocities: Sequence[float] = DEFAULT_VELOCITIES) -> float:
    """A level's velocity, straight-line between whole levels, so a median of 2.5 counts halfway."""
    if len(velocities) != LEVEL_MAX + 1:
        raise ValueError(f"need {LEVEL_MAX + 1} velocities, one per level, got {len(velocities)}")
    level = min(max(float(level), 0.0), float(LEVEL_MAX))
    low = min(int(level), LEVEL_MAX - 1)
    return velocities[low] + (level - low) * (velocities[low + 1] - velocities[low])


def forecast(
    members: Sequence[ForecastMember],
    demand: Mapping[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Forecast:
    """The fewest weeks in which `members` finish `demand` (MODEL.md, "Forecast").

    Solved on the team merged by profile (see the module docstring); each member's allocation is
    their group's, the same shares for everyone in it.
    """
    result, _ = _forecast(members, demand, velocities, points_per_week)
    return result


def forecast_with(
    members: Sequence[ForecastMember],
    extra: ForecastMember,
    demand: Mapping[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Forecast:
    """The forecast with one more person, e.g. a candidate (MODEL.md, "Gap fill")."""
    return forecast([*members, extra], demand, velocities, points_per_week)


def forecast_with_each(
    members: Sequence[ForecastMember],
    extras: Sequence[ForecastMember],
    demand: Mapping[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> tuple[ExtraForecast, ...]:
    """For each extra in turn, the forecast with them on the team and their shares of time.

    The same numbers as `forecast_with` for each extra, without the team's allocation, at the cost
    of one small solve per distinct extra rather than one programme per extra over the whole team:
    the team is merged by profile once, and extras with the same speeds share a solve.
    """
    _check_inputs([*members, *extras], demand, points_per_week)
    work = _weeks_of_work(demand, points_per_week)
    busy = [a for a, w in work.items() if w > 0]
    if not busy:
        return tuple(ExtraForecast(0.0, {}) for _ in extras)
    team, _ = _group(members, demand, velocities)
    # Extras with the same fte and levels share a solve, and so do those with the same speeds.
    inputs: dict[tuple[float, ...], int] = {}
    by_input = [
        inputs.setdefault((extra.fte, *(extra.levels.get(a, 0.0) for a in busy)), len(inputs))
        for extra in extras
    ]
    speed = _velocity_table(velocities)
    profiles: dict[tuple[float, ...], int] = {}
    by_profile = [
        profiles.setdefault(tuple(key[0] * speed(level) for level in key[1:]), len(profiles))
        for key in inputs
    ]
    solved = _solve_each(team, [dict(zip(busy, key, strict=True)) for key in profiles], work)
    results = [
        ExtraForecast(weeks, _shares(plan, weeks) if 0 < weeks < math.inf else {})
        for weeks, plan in solved
    ]
    return tuple(results[by_profile[i]] for i in by_input)


def weeks_saved(team_weeks: float, weeks_with_extra: float) -> float | None:
    """`T(team) - T(team + extra)`; None where the team alone can never finish.

    An extra person never slows the team, so a tiny negative difference is solver noise and reads 0.
    """
    if not math.isfinite(team_weeks):
        return None
    return max(team_weeks - weeks_with_extra, 0.0)


def pressures(
    members: Sequence[ForecastMember],
    demand: Mapping[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Pressures:
    """Each area's pressure and the weakest area (MODEL.md, "Weakest areas").

    Each specialist is tried on the team merged by profile, as a member of their own.
    """
    base, rates = _forecast(members, demand, velocities, points_per_week)
    if not base.finite:
        return Pressures(base, tuple(AreaPressure(a, None, None) for a in demand), _unstaffed(base))
    work = _weeks_of_work(demand, points_per_week)
    areas = tuple(_area_pressure(a, base.weeks, rates, work, velocities) for a in demand)
    return Pressures(base, areas, weakest_area(areas, demand))


def _forecast(
    members: Sequence[ForecastMember],
    demand: Mapping[str, float],
    velocities: Sequence[float],
    points_per_week: float,
) -> tuple[Forecast, list[dict[str, float]]]:
    """The forecast, and the merged team's speeds (strong-full-time units) for further solves."""
    _check_inputs(members, demand, points_per_week)
    rates, group_of = _group(members, demand, velocities)
    weeks, plan = _solve(rates, _weeks_of_work(demand, points_per_week))
    shares = [_shares(p, weeks) for p in plan]
    result = Forecast(
        weeks=weeks,
        demand={a: float(d) for a, d in demand.items()},
        area_speed={a: points_per_week * sum(r[a] for r in rates) for a in demand},
        allocation=tuple(
            MemberAllocation(m.id, dict(shares[g])) for m, g in zip(members, group_of, strict=True)
        )
        if plan
        else (),
    )
    return result, rates


def _area_pressure(
    area: str,
    weeks: float,
    rates: list[dict[str, float]],
    work: dict[str, float],
    velocities: Sequence[float],
) -> AreaPressure:
    """Weeks saved by a full-time strong person who works only in `area`."""
    if work.get(area, 0.0) <= 0.0:
        return AreaPressure(area, 0.0, None if weeks == 0.0 else 0.0)
    specialist = {a: (velocity_at(STRONG, velocities) if a == area else 0.0) for a in work}
    with_specialist, _ = _solve([*rates, specialist], work)
    saved = max(weeks - with_specialist, 0.0)
    return AreaPressure(area, saved, saved / weeks)


def weakest_area(areas: Sequence[AreaPressure], demand: Mapping[str, float]) -> str | None:
    """The area with demand and the highest pressure; near-ties go to the area listed first."""
    best: AreaPressure | None = None
    for item in areas:
        if demand[item.area] <= 0 or item.pressure_weeks is None:
            continue
        if best is None or item.pressure_weeks > (best.pressure_weeks or 0.0) + WEEKS_EPSILON:
            best = item
    return None if best is None else best.area


def _unstaffed(base: Forecast) -> str | None:
    """The first area with demand that no one can work in: why the forecast is infinite."""
    return next((a for a, d in base.demand.items() if d > 0 and base.area_speed[a] <= 0), None)


def _check_inputs(
    members: Sequence[ForecastMember], demand: Mapping[str, float], points_per_week: float
) -> None:
    """Refuse inputs the model does not define, rather than return a number that means nothing."""
    if not points_per_week > 0 or not math.isfinite(points_per_week):
        raise ValueError("points per week must be a positive number")
    if any(not (d >= 0 and math.isfinite(d)) for d in demand.values()):
        raise ValueError("demand must be a finite number of points, zero or more")
    if any(not 0 < m.fte <= 1 for m in members):
        raise ValueError("fte must be more than 0 and at most 1")


def _velocity_table(velocities: Sequence[float]) -> Callable[[float], float]:
    """`velocity_at` with these velocities, remembered per level: levels repeat across a team."""
    known: dict[float, float] = {}

    def speed(level: float) -> float:
        if level not in known:
            known[level] = velocity_at(level, velocities)
        return known[level]

    return speed


def _group(
    members: Sequence[ForecastMember], demand: Mapping[str, float], velocities: Sequence[float]
) -> tuple[list[dict[str, float]], list[int]]:
    """Merge members with the same velocity in every area (see the module docstring).

    Returns each group's speed per area in strong-full-time units (`sum(fte) * velocity`, i.e.
    `s[p][a] / points_per_week` of the merged member), in order of first appearance, and the index
    of each member's group. Keyed on velocities rather than levels, so levels the velocity table
    does not tell apart (e.g. beyond 4) merge too.
    """
    speed = _velocity_table(velocities)
    index: dict[tuple[float, ...], int] = {}
    ftes: list[float] = []
    group_of: list[int] = []
    for member in members:
        key = tuple(speed(member.levels.get(a, 0.0)) for a in demand)
        group = index.setdefault(key, len(index))
        if group == len(ftes):
            ftes.append(0.0)
        ftes[group] += member.fte
        group_of.append(group)
    rates = [
        {a: fte * v for a, v in zip(demand, key, strict=True)}
        for key, fte in zip(index, ftes, strict=True)
    ]
    return rates, group_of


def _weeks_of_work(demand: Mapping[str, float], points_per_week: float) -> dict[str, float]:
    """Demand in weeks of a strong full-time person, the unit the programme is solved in."""
    return {a: d / points_per_week for a, d in demand.items()}


def _shares(plan: Mapping[str, float], weeks: float) -> dict[str, float]:
    """One person's weeks per area as shares of the forecast, dropping solver crumbs."""
    return {a: t / weeks for a, t in plan.items() if t / weeks > SHARE_EPSILON}


def _solve(
    rates: list[dict[str, float]], work: dict[str, float]
) -> tuple[float, list[dict[str, float]]]:
    """Solve MODEL.md's programme; return T and each person's weeks per area (empty if T is 0/inf).

    The programme is positively homogeneous in the demand, so it is solved with the demand scaled
    to sum to 1 and the answer scaled back: this keeps HiGHS's absolute tolerances relative.
    """
    areas = [a for a, w in work.items() if w > 0]
    if not areas:
        return 0.0, []
    if any(sum(r[a] for r in rates) <= 0 for a in areas):
        return math.inf, []
    total = sum(work[a] for a in areas)
    pairs = [(p, a) for p, r in enumerate(rates) for a in areas if r[a] > 0]
    weeks = _linprog(rates, pairs, areas, [work[a] / total for a in areas])
    plan: list[dict[str, float]] = [{} for _ in rates]
    for (p, a), t in zip(pairs, weeks.tolist(), strict=True):
        plan[p][a] = t * total
    return _tighten(rates, plan, work), plan


def _linprog(
    rates: list[dict[str, float]],
    pairs: list[tuple[int, str]],
    areas: list[str],
    share: list[float],
) -> np.ndarray:
    """Run HiGHS on variables `[T, t[pairs]...]`; return the t part, refusing any failure."""
    row_of_area = {a: row for row, a in enumerate(areas)}
    row_of_person = {p: row for row, p in enumerate(sorted({p for p, _ in pairs}), len(areas))}
    a_ub = np.zeros((len(row_of_area) + len(row_of_person), len(pairs) + 1))
    for col, (p, a) in enumerate(pairs, start=1):
        a_ub[row_of_area[a], col] = -rates[p][a]  # finish the area's work...
        a_ub[row_of_person[p], col] = 1.0  # ...within T weeks of each person's time
    a_ub[len(areas) :, 0] = -1.0
    b_ub = np.concatenate([-np.asarray(share), np.zeros(len(row_of_person))])
    cost = np.zeros(len(pairs) + 1)
    cost[0] = 1.0
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, method="highs", options=_HIGHS_OPTIONS)
    if result.status != 0 or result.x is None:
        raise ForecastError(f"the forecast solver failed: {result.message}")
    weeks: np.ndarray = np.maximum(np.asarray(result.x[1:], dtype=float), 0.0)
    return weeks


def _tighten(
    rates: list[dict[str, float]], plan: list[dict[str, float]], work: dict[str, float]
) -> float:
    """Scale each area's weeks so its work is finished exactly, and return the plan's length.

    The solver meets constraints only to a tolerance; after this the reported weeks are exactly
    what the reported plan takes (up to rounding), and no one is shown time the work does not need.
    """
    for area, needed in work.items():
        if needed <= 0:
            continue
        done = sum(r[area] * p.get(area, 0.0) for r, p in zip(rates, plan, strict=True))
        if done > 0:
            for p in plan:
                if area in p:
                    p[area] *= needed / done
    return max(sum(p.values()) for p in plan)


def _solve_each(
    team: list[dict[str, float]], extras: list[dict[str, float]], work: dict[str, float]
) -> list[tuple[float, dict[str, float]]]:
    """`_solve(team + [extra], work)` for each extra: T and the extra's weeks per area.

    `extras` give speeds for the areas with work; an extra with whom some such area still has no
    one is infinite without a solve, as in `_solve`.
    """
    busy = [a for a, w in work.items() if w > 0]
    if not busy:
        return [(0.0, {}) for _ in extras]
    staffed = {a: sum(r[a] for r in team) > 0 for a in busy}
    results: list[tuple[float, dict[str, float]]] = [(math.inf, {}) for _ in extras]
    finite = [i for i, x in enumerate(extras) if all(staffed[a] or x[a] > 0 for a in busy)]
    if highspy is None or not finite:
        for i in finite:
            weeks, plan = _solve([*team, extras[i]], work)
            results[i] = (weeks, plan[-1])
        return results
    model = _ExtraModel(team, work, busy)
    for i in finite:
        results[i] = model.solve(extras[i])
    return results


def _warm_highs(lp: Any) -> Any:
    """A silent HiGHS holding `lp`, with the forecast's tolerances: the models kept warm."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    for name, tolerance in _HIGHS_OPTIONS.items():
        highs.setOptionValue(name, tolerance)
    highs.passModel(lp)
    return highs


class _ExtraModel:
    """One HiGHS model of the merged team plus one extra member whose speeds change per solve.

    Variables `[T, t[team pairs]..., u[busy areas]...]` and rows `[areas..., team members...,
    extra]`, as `_linprog` builds them for the team plus an extra. Every solve starts from the
    optimal basis of a stand-in extra who works at speed 1 everywhere (so the stand-in programme
    always has an optimum): a few simplex steps from a near answer, and each extra's answer is
    independent of which extras were solved before.
    """

    def __init__(self, team: list[dict[str, float]], work: dict[str, float], busy: list[str]):
        self._busy = busy
        self._total = sum(work[a] for a in busy)
        self._needed = np.array([work[a] for a in busy])
        pairs = [(p, k) for p, r in enumerate(team) for k, a in enumerate(busy) if r[a] > 0]
        self._rate = np.array([team[p][busy[k]] for p, k in pairs], dtype=float)
        self._area = np.array([k for _, k in pairs], dtype=np.intp)
        self._person = np.array([p for p, _ in pairs], dtype=np.intp)
        self._people = len(team)
        self._first_extra = 1 + len(pairs)
        areas, rows = len(busy), len(busy) + len(team) + 1
        # Column-wise: T is in every person's row; each t counts towards its area and against its
        # person's T; the extra's u likewise, with the stand-in's speed 1 for now.
        starts, index, value = [0], list(range(areas, rows)), [1.0] * (rows - areas)
        starts.append(len(index))
        for p, k in pairs:
            index += [k, areas + p]
            value += [team[p][busy[k]], -1.0]
            starts.append(len(index))
        for k in range(areas):
            index += [k, rows - 1]
            value += [1.0, -1.0]
            starts.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_ = self._first_extra + areas
        lp.num_row_ = rows
        lp.col_cost_ = np.array([1.0] + [0.0] * (lp.num_col_ - 1))
        lp.col_lower_ = np.zeros(lp.num_col_)
        lp.col_upper_ = np.full(lp.num_col_, highspy.kHighsInf)
        lp.row_lower_ = np.concatenate([self._needed / self._total, np.zeros(rows - areas)])
        lp.row_upper_ = np.full(rows, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value)
        self._highs = _warm_highs(lp)
        self._run()
        self._start = self._highs.getBasis()

    def solve(self, extra: dict[str, float]) -> tuple[float, dict[str, float]]:
        """T with this extra, and their weeks per area, tightened as `_tighten` does."""
        speeds = np.array([extra[a] for a in self._busy])
        for k, speed in enumerate(speeds.tolist()):
            self._highs.changeCoeff(k, self._first_extra + k, speed)
        self._highs.setBasis(self._start)
        x = np.maximum(self._run(), 0.0) * self._total
        t, u = x[1 : self._first_extra], np.where(speeds > 0, x[self._first_extra :], 0.0)
        done = np.bincount(self._area, self._rate * t, minlength=len(speeds)) + speeds * u
        scale = np.divide(self._needed, done, out=np.ones_like(done), where=done > 0)
        t, u = t * scale[self._area], u * scale
        busiest = np.bincount(self._person, t, minlength=self._people).max(initial=0.0)
        own = {a: float(u[k]) for k, a in enumerate(self._busy) if speeds[k] > 0}
        return max(float(busiest), float(u.sum())), own

    def _run(self) -> np.ndarray:
        """Solve from the current basis; the column values, refusing anything but an optimum."""
        self._highs.run()
        status = self._highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise ForecastError(f"the forecast solver failed: {status}")
        return np.asarray(self._highs.getSolution().col_value, dtype=float)


# --- The forecast in calendar time (MODEL.md, "The forecast") ---------------------------------
#
# With capacities that change week by week, T is the least t with the demand feasible within
# the capacity up to t, C[p](t). Feasibility at a whole week W is the timeless programme with
# each person's fte replaced by C[p](W): its optimum `lambda` (the "weeks" of that programme,
# now a multiple of the capacity up to W) is at most 1 exactly when the demand fits by W. It
# only grows with W, so the least such W is found by bisection; inside week W-1 the capacity is
# linear in t, so one more programme (least tau in [0, 1] with capacity C[p](W-1) + tau *
# c[p][W-1]) gives T = W - 1 + tau. A single programme with a fractional "last week used" would
# not be exact, since which week is the last one is itself what is being decided.
#
# Merging stays exact: two people with the same velocity in every area are one person with the
# sum of their capacities, at any t (split any plan of the merged person in proportion to
# C[p](t)), whatever their calendars; so a team merges by level profile alone.

# lambda may exceed 1 by solver noise where the demand fits exactly at a week's end.
_FEASIBLE = 1.0 + 1e-9


@dataclass(frozen=True)
class TimedForecast:
    """Weeks to finish the planned work in calendar time: `weeks` is T (0.0 with no demand,
    `math.inf` when it cannot be finished within the capacities given, i.e. the horizon)."""

    weeks: float

    @property
    def finite(self) -> bool:
        """Whether the work can be finished within the horizon."""
        return math.isfinite(self.weeks)


def forecast_in_time(
    speeds: Sequence[Mapping[str, float]],
    capacity: np.ndarray,
    demand: Mapping[str, float],
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
    near: float | None = None,
) -> TimedForecast:
    """T for people with these velocities per area (`velocity_at` of their levels) and these
    capacities per week (`team.calendar.capacities`, one row each; its columns are the horizon).

    `near`, a guess of T (the team's own, when trying candidates), only shortens the search:
    it starts there and widens in doubling steps before bisecting, and finds the same least
    whole week, since whether the work fits only grows with the week.
    """
    if capacity.ndim != 2 or capacity.shape[0] != len(speeds):
        raise ValueError("one row of capacities per person")
    if np.any(capacity < 0) or not np.all(np.isfinite(capacity)):
        raise ValueError("capacities are finite and never below 0")
    _check_inputs([], demand, points_per_week)
    work = _weeks_of_work(demand, points_per_week)
    busy = [a for a, w in work.items() if w > 0]
    if not busy:
        return TimedForecast(0.0)
    groups, rows = merge_by_speed(speeds, capacity, busy)
    if highspy is not None:
        model = TimedModel(groups, work, busy)
        return TimedForecast(model.least_t(rows, near))
    return TimedForecast(_least_t_with_linprog(groups, rows, work, busy, near))


def _least_t_with_linprog(
    groups: list[dict[str, float]],
    rows: np.ndarray,
    work: Mapping[str, float],
    busy: Sequence[str],
    near: float | None,
) -> float:
    """The search with a fresh `linprog` per question (without highspy)."""
    cumulative = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(rows, axis=1)], axis=1)
    horizon = rows.shape[1]

    def fits(week: int) -> bool:
        rates = [{a: cumulative[g, week] * v[a] for a in busy} for g, v in enumerate(groups)]
        return _solve(rates, {a: work[a] for a in busy})[0] <= _FEASIBLE

    low, high = _bracket(fits, horizon, near)
    if high > horizon:
        return math.inf
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle
    tau = _within_week(groups, cumulative[:, high - 1], rows[:, high - 1], work, busy)
    return high - 1 + tau


# Slack left in the work (its total scaled to 1) below which the demand fits: solver noise.
_SLACK = 1e-9


class TimedModel:
    """One HiGHS model of "does the demand fit within these capacities?" for merged groups
    with fixed speeds, plus one extra person whose speeds can change, kept warm between
    questions: a week's question changes only the capacities (row bounds), a new extra only
    their speeds (a few coefficients), so each solve starts from the last basis.

    Columns `[y (group, area) pairs..., u per busy area (the extra)..., s per busy area, tau]`;
    rows `[busy areas..., groups..., extra]`, the work scaled to sum to 1:

        sum_g v[g][a] y[g][a] + v_extra[a] u[a] + s[a] >= work[a]      for each busy area
        sum_a y[g][a] - c[g] tau <= C[g]                                for each group (and u)

    Whether the work fits by a whole week: tau fixed at 0, minimise the slack s (0: it fits).
    Within a week: s fixed at 0, minimise tau with C the capacity before the week and c the
    week's own.
    """

    def __init__(
        self, groups: list[dict[str, float]], work: Mapping[str, float], busy: Sequence[str]
    ):
        self._busy, self._groups = list(busy), len(groups)
        self._total = sum(work[a] for a in busy)
        k = len(self._busy)
        pairs = [(g, i) for g, v in enumerate(groups) for i, a in enumerate(self._busy) if v[a] > 0]
        self._u = len(pairs)
        self._s = self._u + k
        self._tau = self._s + k
        rows = k + self._groups + 1
        starts, index, value = [0], [], []
        for g, i in pairs:
            index += [i, k + g]
            value += [groups[g][self._busy[i]], 1.0]
            starts.append(len(index))
        for _ in range(k):  # the extra's u: speed 0 until one is set
            index += [k + self._groups]
            value += [1.0]
            starts.append(len(index))
        for i in range(k):  # the slacks
            index += [i]
            value += [1.0]
            starts.append(len(index))
        starts.append(len(index))  # tau: its coefficients are set per week
        lp = highspy.HighsLp()
        lp.num_col_ = self._tau + 1
        lp.num_row_ = rows
        cost = np.zeros(lp.num_col_)
        cost[self._s : self._tau] = 1.0
        lp.col_cost_ = cost
        lp.col_lower_ = np.zeros(lp.num_col_)
        upper = np.full(lp.num_col_, highspy.kHighsInf)
        upper[self._tau] = 0.0
        lp.col_upper_ = upper
        lp.row_lower_ = np.concatenate(
            [
                np.array([work[a] for a in self._busy]) / self._total,
                np.full(rows - k, -highspy.kHighsInf),
            ]
        )
        lp.row_upper_ = np.concatenate([np.full(k, highspy.kHighsInf), np.zeros(rows - k)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value)
        self._highs = _warm_highs(lp)
        self._capacity_rows = np.arange(k, rows, dtype=np.int32)
        self._extra = np.zeros(k)
        self._tau_column = np.zeros(len(self._capacity_rows))

    def set_extra(self, speeds: Mapping[str, float]) -> None:
        """The extra person's speed in each busy area (0 everywhere: nobody extra)."""
        for i, a in enumerate(self._busy):
            speed = float(speeds.get(a, 0.0))
            if speed != self._extra[i]:
                self._highs.changeCoeff(i, self._u + i, speed)
                self._extra[i] = speed

    def fits(self, capacity: np.ndarray) -> bool:
        """Whether the work fits within `capacity` (each group's, then the extra's)."""
        self._bounds(capacity)
        self._run()
        return self._highs.getInfo().objective_function_value <= _SLACK

    def least_tau(self, before: np.ndarray, during: np.ndarray) -> float:
        """The least tau in [0, 1] with the work within `before + tau * during`."""
        highs = self._highs
        self._bounds(before)
        # tau's coefficients matter only here (tau is fixed at 0 otherwise): set those that
        # differ from the last week asked.
        wanted = -during / self._total
        for k in np.flatnonzero(wanted != self._tau_column).tolist():
            highs.changeCoeff(int(self._capacity_rows[k]), self._tau, float(wanted[k]))
        self._tau_column = wanted
        slacks = np.arange(self._s, self._tau, dtype=np.int32)
        highs.changeColsBounds(len(slacks), slacks, np.zeros(len(slacks)), np.zeros(len(slacks)))
        highs.changeColsCost(len(slacks), slacks, np.zeros(len(slacks)))
        highs.changeColBounds(self._tau, 0.0, 1.0)
        highs.changeColCost(self._tau, 1.0)
        try:
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kInfeasible:
                return 1.0  # infeasible by a hair: the week fits only at its end
            if status != highspy.HighsModelStatus.kOptimal:
                raise ForecastError(f"the forecast solver failed: {status}")
            tau = float(highs.getSolution().col_value[self._tau])
        finally:
            highs.changeColCost(self._tau, 0.0)
            highs.changeColBounds(self._tau, 0.0, 0.0)
            infinite = np.full(len(slacks), highspy.kHighsInf)
            highs.changeColsBounds(len(slacks), slacks, np.zeros(len(slacks)), infinite)
            highs.changeColsCost(len(slacks), slacks, np.ones(len(slacks)))
        return min(max(tau, 0.0), 1.0)

    def least_t(self, rows: np.ndarray, near: float | None = None) -> float:
        """T for capacities `rows` (one per group, then the extra's when there are G + 1;
        columns are weeks): the least whole week that fits, then the least tau inside it."""
        if rows.shape[0] == self._groups:
            rows = np.vstack([rows, np.zeros((1, rows.shape[1]))])
        cumulative = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(rows, axis=1)], axis=1)
        horizon = rows.shape[1]
        low, high = _bracket(lambda week: self.fits(cumulative[:, week]), horizon, near)
        if high > horizon:
            return math.inf
        while high - low > 1:
            middle = (low + high) // 2
            if self.fits(cumulative[:, middle]):
                high = middle
            else:
                low = middle
        return high - 1 + self.least_tau(cumulative[:, high - 1], rows[:, high - 1])

    def _bounds(self, capacity: np.ndarray) -> None:
        n = len(self._capacity_rows)
        self._highs.changeRowsBounds(  # type: ignore[attr-defined]  # in highspy, not its stubs
            n, self._capacity_rows, np.full(n, -highspy.kHighsInf), capacity / self._total
        )

    def _run(self) -> None:
        self._highs.run()
        status = self._highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise ForecastError(f"the forecast solver failed: {status}")


def _bracket(fits: Callable[[int], bool], horizon: int, near: float | None) -> tuple[int, int]:
    """Weeks `low < high` with not fits(low) and fits(high) (fits(0) is false: work is due);
    `high` is past the horizon when even the horizon does not fit."""
    if near is None or not math.isfinite(near):
        return (0, horizon) if fits(horizon) else (horizon, horizon + 1)
    start = min(max(math.ceil(near), 1), horizon)
    step = 1
    if fits(start):
        high = start
        while high - step > 0 and fits(high - step):
            high, step = high - step, step * 2
        return max(high - step, 0), high
    low = start
    while low + step < horizon and not fits(low + step):
        low, step = low + step, step * 2
    high = min(low + step, horizon)
    return (low, high) if fits(high) else (horizon, horizon + 1)


def merge_by_speed(
    speeds: Sequence[Mapping[str, float]], capacity: np.ndarray, busy: Sequence[str]
) -> tuple[list[dict[str, float]], np.ndarray]:
    """People with the same velocity in every busy area as one, with summed capacities."""
    index: dict[tuple[float, ...], int] = {}
    group_of = np.array(
        [index.setdefault(tuple(v.get(a, 0.0) for a in busy), len(index)) for v in speeds],
        dtype=np.intp,
    )
    rows = np.zeros((len(index), capacity.shape[1]))
    np.add.at(rows, group_of, capacity)
    groups = [dict(zip(busy, key, strict=True)) for key in index]
    return groups, rows


def _within_week(
    groups: list[dict[str, float]],
    before: np.ndarray,
    during: np.ndarray,
    work: Mapping[str, float],
    busy: Sequence[str],
) -> float:
    """The least tau in [0, 1] with the work feasible within `before + tau * during`.

    Variables `[tau, x[pairs]...]`, the work scaled to sum to 1 (as in `_solve`) so that the
    solver's absolute tolerances are relative.
    """
    total = sum(work[a] for a in busy)
    pairs = [(g, a) for g, v in enumerate(groups) for a in busy if v[a] > 0]
    row_of_area = {a: k for k, a in enumerate(busy)}
    a_ub = np.zeros((len(busy) + len(groups), len(pairs) + 1))
    for col, (g, a) in enumerate(pairs, start=1):
        a_ub[row_of_area[a], col] = -groups[g][a]
        a_ub[len(busy) + g, col] = 1.0
    a_ub[len(busy) :, 0] = -during / total
    b_ub = np.concatenate([-np.array([work[a] for a in busy]) / total, before / total])
    cost = np.zeros(len(pairs) + 1)
    cost[0] = 1.0
    bounds = [(0.0, 1.0)] + [(0.0, None)] * len(pairs)
    result = linprog(
        cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs", options=_HIGHS_OPTIONS
    )
    if result.status == 2:  # infeasible by a hair: the bisection's week fits only at its end
        return 1.0
    if result.status != 0 or result.x is None:
        raise ForecastError(f"the forecast solver failed: {result.message}")
    return float(min(max(result.x[0], 0.0), 1.0))


def capacity_up_to(capacity: np.ndarray, weeks: float) -> np.ndarray:
    """`C[p](t)` for every row at t = `weeks`: whole weeks, then the week t falls in, spread
    evenly (0 where t is 0 or infinite)."""
    if not (0 < weeks < math.inf):
        return np.zeros(capacity.shape[0])
    whole = min(int(weeks), capacity.shape[1] - 1)
    return capacity[:, :whole].sum(axis=1) + (weeks - whole) * capacity[:, whole]


def plan_at(
    speeds: Sequence[Mapping[str, float]],
    capacity: np.ndarray,
    demand: Mapping[str, float],
    weeks: float,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> list[dict[str, float]]:
    """Who works where when the work lands at `weeks` (T): each person's full-time weeks per
    area, the plan among those that finish by T that uses the fewest weeks in all (MODEL.md:
    the one that plays to strengths). Empty plans where T is 0 or infinite.

    People merge by speed as in `forecast_in_time`; a group's weeks go to its people in
    proportion to their capacity up to T (any such split is a plan of the same length).
    """
    if not (0 < weeks < math.inf):
        return [{} for _ in speeds]
    work = _weeks_of_work(demand, points_per_week)
    busy = [a for a, w in work.items() if w > 0]
    cumulative = capacity_up_to(capacity, weeks)
    groups, rows = merge_by_speed(speeds, cumulative[:, None], busy)
    weeks_of = _fewest_weeks(groups, rows[:, 0], work, busy)
    keys = [tuple(v.get(a, 0.0) for a in busy) for v in speeds]
    index = {tuple(g[a] for a in busy): n for n, g in enumerate(groups)}
    plans = []
    for p, key in enumerate(keys):
        g = index[key]
        share = cumulative[p] / rows[g, 0] if rows[g, 0] > 0 else 0.0
        plans.append({a: t * share for a, t in weeks_of[g].items() if t * share > 0})
    return plans


def _fewest_weeks(
    groups: list[dict[str, float]],
    available: np.ndarray,
    work: Mapping[str, float],
    busy: Sequence[str],
) -> list[dict[str, float]]:
    """Minimise the weeks used, sum x[g][a], with x within each group's `available` weeks and
    every area's work done; the capacities are eased by a hair (they are tight at T), and each
    area's weeks then scaled so its work is done exactly, as `_tighten` does."""
    total = sum(work[a] for a in busy)
    pairs = [(g, a) for g, v in enumerate(groups) for a in busy if v[a] > 0]
    row_of_area = {a: k for k, a in enumerate(busy)}
    a_ub = np.zeros((len(busy) + len(groups), len(pairs)))
    for col, (g, a) in enumerate(pairs):
        a_ub[row_of_area[a], col] = -groups[g][a]
        a_ub[len(busy) + g, col] = 1.0
    needed = -np.array([work[a] for a in busy]) / total
    for ease in (1e-9, 1e-6):
        b_ub = np.concatenate([needed, available / total * (1 + ease) + ease])
        result = linprog(
            np.ones(len(pairs)),
            A_ub=a_ub,
            b_ub=b_ub,
            bounds=[(0.0, None)] * len(pairs),
            method="highs",
            options=_HIGHS_OPTIONS,
        )
        if result.status == 0 and result.x is not None:
            break
    else:
        raise ForecastError(f"the forecast solver failed: {result.message}")
    plan: list[dict[str, float]] = [{} for _ in groups]
    for (g, a), x in zip(pairs, np.maximum(result.x, 0.0).tolist(), strict=True):
        plan[g][a] = x * total
    _tighten(groups, plan, dict(work))
    return plan
