"""The forecast of MODEL.md: weeks to finish the planned work, and the pressure of each area.

Everything here takes plain values and returns frozen dataclasses, so the numbers a page shows can
be tested without a database. The forecast is the optimum of a small linear programme, solved with
HiGHS (`scipy.optimize.linprog`), because a heuristic split of people's time can be off and every
ranking of candidates rests on these numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from team.levels import DEFAULT_POINTS_PER_WEEK, DEFAULT_VELOCITIES, LEVEL_MAX, STRONG

__all__ = [
    "DEFAULT_POINTS_PER_WEEK",
    "DEFAULT_VELOCITIES",
    "AreaPressure",
    "Forecast",
    "ForecastError",
    "ForecastMember",
    "MemberAllocation",
    "Pressures",
    "forecast",
    "forecast_with",
    "pressures",
    "velocity_at",
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
    """The fewest weeks in which `members` finish `demand` (MODEL.md, "Forecast")."""
    _check_inputs(members, demand, points_per_week)
    rates = [_rates(member, demand, velocities) for member in members]
    weeks, plan = _solve(rates, _weeks_of_work(demand, points_per_week))
    return Forecast(
        weeks=weeks,
        demand={a: float(d) for a, d in demand.items()},
        area_speed={a: points_per_week * sum(r[a] for r in rates) for a in demand},
        allocation=_allocation(members, plan, weeks),
    )


def forecast_with(
    members: Sequence[ForecastMember],
    extra: ForecastMember,
    demand: Mapping[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Forecast:
    """The forecast with one more person, e.g. a candidate (MODEL.md, "Gap fill")."""
    return forecast([*members, extra], demand, velocities, points_per_week)


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
    """Each area's pressure and the weakest area (MODEL.md, "Weakest areas")."""
    base = forecast(members, demand, velocities, points_per_week)
    if not base.finite:
        return Pressures(base, tuple(AreaPressure(a, None, None) for a in demand), _unstaffed(base))
    rates = [_rates(member, demand, velocities) for member in members]
    work = _weeks_of_work(demand, points_per_week)
    areas = tuple(_area_pressure(a, base.weeks, rates, work, velocities) for a in demand)
    return Pressures(base, areas, _weakest(areas, demand))


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


def _weakest(areas: tuple[AreaPressure, ...], demand: Mapping[str, float]) -> str | None:
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


def _rates(
    member: ForecastMember, demand: Mapping[str, float], velocities: Sequence[float]
) -> dict[str, float]:
    """Per area, the member's speed in strong-full-time units (`s[p][a] / points_per_week`)."""
    return {a: member.fte * velocity_at(member.levels.get(a, 0.0), velocities) for a in demand}


def _weeks_of_work(demand: Mapping[str, float], points_per_week: float) -> dict[str, float]:
    """Demand in weeks of a strong full-time person, the unit the programme is solved in."""
    return {a: d / points_per_week for a, d in demand.items()}


def _allocation(
    members: Sequence[ForecastMember], plan: list[dict[str, float]], weeks: float
) -> tuple[MemberAllocation, ...]:
    """Each member's weeks per area as shares of the forecast, dropping solver crumbs."""
    if not plan:
        return ()
    return tuple(
        MemberAllocation(m.id, {a: t / weeks for a, t in p.items() if t / weeks > SHARE_EPSILON})
        for m, p in zip(members, plan, strict=True)
    )


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
    people = sorted({p for p, _ in pairs})
    a_ub = np.zeros((len(areas) + len(people), len(pairs) + 1))
    for col, (p, a) in enumerate(pairs, start=1):
        a_ub[areas.index(a), col] = -rates[p][a]  # finish the area's work...
        a_ub[len(areas) + people.index(p), col] = 1.0  # ...within T weeks of each person's time
    a_ub[len(areas) :, 0] = -1.0
    b_ub = np.concatenate([-np.asarray(share), np.zeros(len(people))])
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
        done = sum(r[area] * p.get(area, 0.0) for r, p in zip(rates, plan, strict=True))
        if needed > 0 and done > 0:
            for p in plan:
                if area in p:
                    p[area] *= needed / done
    return max(sum(p.values()) for p in plan)
