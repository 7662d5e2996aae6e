"""The coverage report: the forecast, the weakest area and the skills-matrix aggregates, loaded.

This is the service behind the coverage page, its CSV, `GET /api/v1/coverage` and the what-if
form: it reads the team, the planned work and the settings, and hands plain values to the pure
`team.forecast` and `team.coverage`. Nothing here is stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from team.areas import get_settings, list_areas, list_skills
from team.coverage import AreaCoverage, CoverageMember, SkillCoverage, coverage_of_demand
from team.forecast import ForecastMember, Pressures, pressures, velocity_at
from team.members import active_members
from team.schemas import MemberPublic
from team.sizing import Quickest, TicketTime, days_for, quickest_by_area, ticket_times
from team.work import open_demand, open_items

WHAT_IF_ID = -1  # the hypothetical person's id in a what-if plan; real ids are positive


@dataclass(frozen=True)
class AreaReport:
    """One area's row of the report: demand, people per level, bus factor and pressure."""

    key: str
    name: str
    demand_points: float
    demand_share: float
    members_by_level: tuple[int, ...]
    strong_or_better: int
    at_risk: bool
    speed: float  # points a week if everyone worked only here
    capability_share: float  # this area's share of the team's summed speeds
    pressure_weeks: float | None
    pressure_share: float | None
    weeks_with_specialist: float | None


@dataclass(frozen=True)
class Placement:
    """Who works where in the optimal plan: shares of one person's time per area."""

    member_id: int
    name: str
    fte: float
    shares: Mapping[str, float]


@dataclass(frozen=True)
class Hypothetical:
    """A person who is not on the team: levels per area and an FTE, for a what-if."""

    name: str
    fte: float
    levels: Mapping[str, float]


@dataclass(frozen=True)
class CoverageReport:
    """Everything the coverage page shows, each number traceable to its inputs."""

    forecast_weeks: float  # math.inf when some area with demand has nobody who can work in it
    points_per_week: float
    velocities: tuple[float, ...]
    total_demand: float
    weakest_area: str | None
    areas: tuple[AreaReport, ...]
    skills: tuple[SkillCoverage, ...]
    uncovered_skills: tuple[str, ...]
    allocation: tuple[Placement, ...]
    team_size: int

    @property
    def finite(self) -> bool:
        """Whether the team can finish the planned work at all."""
        return math.isfinite(self.forecast_weeks)

    def area(self, key: str) -> AreaReport:
        """The row of one area."""
        return next(a for a in self.areas if a.key == key)


@dataclass(frozen=True)
class WhatIf:
    """The report as it is, and as it would be with the changes asked for."""

    current: CoverageReport
    changed: CoverageReport
    added: tuple[Hypothetical, ...]
    removed: tuple[MemberPublic, ...]

    @property
    def weeks_saved(self) -> float | None:
        """Weeks the change saves (negative: it costs weeks); None when either is infinite."""
        if not (self.current.finite and self.changed.finite):
            return None
        saved = self.current.forecast_weeks - self.changed.forecast_weeks
        return 0.0 if abs(saved) < 1e-9 else saved  # solver noise is not a saving or a cost


def coverage_report(*, session: Session) -> CoverageReport:
    """The report for the team and planned work as they are now."""
    return _report(session, active_members(session=session), ())


def what_if(
    *, session: Session, add: Sequence[Hypothetical] = (), remove: Sequence[int] = ()
) -> WhatIf:
    """The report with hypothetical people added and members removed; nothing is saved."""
    team = active_members(session=session)
    removed = tuple(m for m in team if m.id in set(remove))
    kept = [m for m in team if m.id not in set(remove)]
    return WhatIf(
        current=_report(session, team, ()),
        changed=_report(session, kept, tuple(add)),
        added=tuple(add),
        removed=removed,
    )


def _report(
    session: Session, team: Sequence[MemberPublic], extra: Sequence[Hypothetical]
) -> CoverageReport:
    settings = get_settings(session=session)
    velocities, ppw = settings.velocities, settings.points_per_week
    areas = list_areas(session=session)
    area_names = {a.id: a.key for a in areas}
    skills = list_skills(session=session)
    matrix = coverage_of_demand(
        [(a.key, a.name) for a in areas],
        [(s.key, s.name, area_names[s.area_id]) for s in skills],
        [CoverageMember(id=m.id, levels=m.levels, skills=m.skills) for m in team],
        open_demand(session=session),
    )
    people = [ForecastMember(id=m.id, fte=m.fte, levels=m.levels) for m in team]
    people += [
        ForecastMember(id=WHAT_IF_ID - n, fte=h.fte, levels=h.levels) for n, h in enumerate(extra)
    ]
    demand = {row.key: row.demand_points for row in matrix.areas}
    result = pressures(people, demand, velocities, ppw)
    names = {m.id: (m.name, m.fte) for m in team}
    names |= {WHAT_IF_ID - n: (h.name, h.fte) for n, h in enumerate(extra)}
    return CoverageReport(
        forecast_weeks=result.forecast.weeks,
        points_per_week=ppw,
        velocities=velocities,
        total_demand=matrix.total_demand,
        weakest_area=result.weakest_area,
        areas=_area_rows(matrix.areas, result, people, velocities, ppw),
        skills=matrix.skills,
        uncovered_skills=matrix.uncovered_skills,
        allocation=tuple(
            Placement(a.member_id, names[a.member_id][0], names[a.member_id][1], a.shares)
            for a in result.forecast.allocation
        ),
        team_size=len(people),
    )


def _area_rows(
    rows: Sequence[AreaCoverage],
    result: Pressures,
    people: Sequence[ForecastMember],
    velocities: Sequence[float],
    ppw: float,
) -> tuple[AreaReport, ...]:
    speeds = {
        row.key: sum(
            ppw * p.fte * velocity_at(p.levels.get(row.key, 0), velocities) for p in people
        )
        for row in rows
    }
    total_speed = sum(speeds.values())
    by_area = {p.area: p for p in result.areas}
    weeks = result.forecast.weeks
    report = []
    for row in rows:
        pressure = by_area[row.key]
        with_specialist = (
            weeks - pressure.pressure_weeks if pressure.pressure_weeks is not None else None
        )
        report.append(
            AreaReport(
                key=row.key,
                name=row.name,
                demand_points=row.demand_points,
                demand_share=row.demand_share,
                members_by_level=row.members_by_level,
                strong_or_better=row.strong_or_better,
                at_risk=row.at_risk,
                speed=speeds[row.key],
                capability_share=speeds[row.key] / total_speed if total_speed else 0.0,
                pressure_weeks=pressure.pressure_weeks,
                pressure_share=pressure.pressure_share,
                weeks_with_specialist=with_specialist,
            )
        )
    return tuple(report)


@dataclass(frozen=True)
class AreaTickets:
    """One area's open tickets as one person would take them."""

    key: str
    name: str
    level: int
    days_per_point: float
    tickets: tuple[TicketTime, ...]


def member_ticket_sizes(member: MemberPublic, *, session: Session) -> tuple[AreaTickets, ...]:
    """Each area's open tickets sized for `member` (the seed's personalised ticket sizes)."""
    settings = get_settings(session=session)
    velocities, ppw = settings.velocities, settings.points_per_week
    items = open_items(session=session)
    return tuple(
        AreaTickets(
            key=area.key,
            name=area.name,
            level=member.levels.get(area.key, 0),
            days_per_point=days_for(
                1.0, member.levels.get(area.key, 0), member.fte, velocities, ppw
            ),
            tickets=tuple(
                ticket_times(member, [i for i in items if i.area == area.key], velocities, ppw)
            ),
        )
        for area in list_areas(session=session)
    )


def quickest_people(*, session: Session, top: int = 2) -> Mapping[str, tuple[Quickest, ...]]:
    """Per area, who on the team would finish its tickets fastest."""
    settings = get_settings(session=session)
    keys = [a.key for a in list_areas(session=session)]
    return quickest_by_area(
        active_members(session=session),
        keys,
        settings.velocities,
        top=top,
        points_per_week=settings.points_per_week,
    )
