"""The coverage report: the forecast, the weakest area and the skills-matrix aggregates, loaded.

This is the service behind the coverage page, its CSV, `GET /api/v1/coverage`, the key people
and the what-if form: it reads the team (dates and absences included), the planned work, the
settings and holidays, and hands plain values to the pure `team.calendar_forecast` (the forecast
in calendar time) and `team.coverage`. Nothing here is stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from sqlmodel import Session

from team.areas import get_settings, list_areas, list_skills
from team.calendar import Calendar, Person, days_of, finish_date
from team.calendar_forecast import TeamForecast, forecast_team, key_people
from team.coverage import AreaCoverage, CoverageMember, SkillCoverage, coverage_of_demand
from team.errors import InvalidInput
from team.forecast import velocity_at
from team.members import active_members
from team.schemas import MAX_LISTED_PROBLEMS, MemberPublic
from team.sizing import Quickest, TicketTime, days_for, quickest_by_area, ticket_times
from team.timeline import current_calendar, people_of
from team.work import open_demand, open_items

# Hypothetical people's ids in a what-if: past every real id, so that a tie for mentor (the
# lowest id) still goes to a real member.
WHAT_IF_ID = 2**53


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
    """A person who is not on the team: levels per area and an FTE, for a what-if; with a
    `start` date they are a newcomer (ramp-up, a mentor's time), without one they are counted
    as if already on the team at full speed."""

    name: str
    fte: float
    levels: Mapping[str, float]
    start: date | None = None


@dataclass(frozen=True)
class CalendarEvent:
    """Why a week's capacity is what it is, in words: someone starts (and ramps up), leaves,
    or is away, from `first` to `last` (None: open-ended)."""

    kind: str  # "starts", "leaves" or "away"
    name: str
    first: date
    last: date | None
    note: str = ""


@dataclass(frozen=True)
class WeekCapacity:
    """The team's capacity in one week, in full-time weeks, and where the rest of its FTE went:
    not on the team (before a start or after an end), away (leave, holidays), ramping up, and
    showing newcomers around. The five add up to the team's FTE."""

    week: int
    monday: date
    capacity: float
    not_on_team: float
    away: float
    ramping: float
    mentoring: float
    remaining_points: float  # open points left at the week's start if the plan's shares hold


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
    plan_start: date
    finish_date: date | None = None
    weeks: tuple[WeekCapacity, ...] = field(default=())
    events: tuple[CalendarEvent, ...] = field(default=())
    horizon_weeks: int = 520

    @property
    def finite(self) -> bool:
        """Whether the team can finish the planned work at all."""
        return math.isfinite(self.forecast_weeks)

    def area(self, key: str) -> AreaReport:
        """The row of one area."""
        return next(a for a in self.areas if a.key == key)

    @property
    def weakest(self) -> WeakestArea | None:
        """Why the weakest area holds the team back, as the facts a leader reads: its share of
        the open work, how few are strong there, and what one strong specialist would change
        (None: no area holds the team back). The page and the API word it from these."""
        if self.weakest_area is None:
            return None
        row = self.area(self.weakest_area)
        return WeakestArea(
            key=row.key,
            name=row.name,
            demand_points=row.demand_points,
            demand_share=row.demand_share,
            strong_or_better=row.strong_or_better,
            people=sum(row.members_by_level),
            forecast_weeks=self.forecast_weeks if self.finite else None,
            weeks_with_specialist=row.weeks_with_specialist if self.finite else None,
            pressure_weeks=row.pressure_weeks,
            pressure_share=row.pressure_share,
        )


@dataclass(frozen=True)
class WeakestArea:
    """The weakest area's facts (MODEL.md "Weakest areas"): `strong_or_better` of the `people`
    on the team are strong (level 3) or better there; with one more strong full-time
    specialist the forecast would go from `forecast_weeks` to `weeks_with_specialist` (both
    None when the work cannot be finished: then nobody can work in this area)."""

    key: str
    name: str
    demand_points: float
    demand_share: float
    strong_or_better: int
    people: int
    forecast_weeks: float | None
    weeks_with_specialist: float | None
    pressure_weeks: float | None
    pressure_share: float | None


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


def coverage_report(*, session: Session, week_by_week: bool = False) -> CoverageReport:
    """The report for the team and planned work as they are now; `week_by_week` adds the
    capacity and burn-down of each week and the events behind them (the page's charts)."""
    calendar = current_calendar(session=session)
    team = counted_members(session=session, calendar=calendar)
    return _report(session, team, (), calendar, week_by_week)


def counted_members(*, session: Session, calendar: Calendar | None = None) -> list[MemberPublic]:
    """The members today's numbers count (MODEL.md): not marked left, and with no end date
    before the plan start; future starters included."""
    start = (calendar or current_calendar(session=session)).plan_start
    return [m for m in active_members(session=session) if m.end_date is None or m.end_date >= start]


def what_if(
    *,
    session: Session,
    add: Sequence[Hypothetical] = (),
    remove: Sequence[int] = (),
    strict: bool = False,
) -> WhatIf:
    """The report with hypothetical people added and members removed; nothing is saved.

    `strict` (the API, where the ids and keys are typed rather than picked from a form): a level
    in an area that does not exist, or a member the forecast does not count, is refused
    (InvalidInput) rather than left out; a person's areas left out are 0 either way.
    """
    calendar = current_calendar(session=session)
    team = counted_members(session=session, calendar=calendar)
    if strict:
        _check_what_if(add, remove, team, session)
    removed = tuple(m for m in team if m.id in set(remove))
    kept = [m for m in team if m.id not in set(remove)]
    return WhatIf(
        current=_report(session, team, (), calendar, True),
        changed=_report(session, kept, tuple(add), calendar, False),
        added=tuple(add),
        removed=removed,
    )


def _check_what_if(
    add: Sequence[Hypothetical],
    remove: Sequence[int],
    team: Sequence[MemberPublic],
    session: Session,
) -> None:
    """Refuse levels of unknown areas and removals of members the forecast does not count."""
    keys = {a.key for a in list_areas(session=session)}
    counted = {m.id for m in team}
    found = [
        (f"add.{n}.levels.{key}", "is not a known area")
        for n, person in enumerate(add)
        for key in person.levels
        if key not in keys
    ]
    found += [
        (
            f"remove.{n}",
            "is not a member the forecast counts (on the team, not past their last day)",
        )
        for n, member_id in enumerate(remove)
        if member_id not in counted
    ]
    if found:
        # As `schemas.pydantic_fields` lists them: a bounded answer, whatever was sent.
        problems = {name: [message] for name, message in found[:MAX_LISTED_PROBLEMS]}
        if len(found) > MAX_LISTED_PROBLEMS:
            unlisted = len(found) - MAX_LISTED_PROBLEMS
            problems["body"] = [f"and {unlisted} more problems not listed here"]
        raise InvalidInput(problems, "Some people of the what-if are not valid.")


@dataclass(frozen=True)
class KeyPersonRow:
    """How much later the work would land without this member (None: never)."""

    member_id: int
    name: str
    weeks: float | None


def key_people_report(*, session: Session) -> tuple[KeyPersonRow, ...]:
    """MODEL.md "Key people": `T(team without them) - T` for each member counted, largest first
    (never finishing first), ties by name."""
    settings = get_settings(session=session)
    calendar = current_calendar(session=session)
    team = counted_members(session=session, calendar=calendar)
    demand = _demand(session)
    found = key_people(
        people_of(team, session=session),
        demand,
        calendar,
        settings.velocities,
        settings.points_per_week,
    )
    names = {m.id: m.name for m in team}
    rows = [
        KeyPersonRow(
            k.member_id,
            names[k.member_id],
            0.0 if k.weeks is not None and abs(k.weeks) < 1e-9 else k.weeks,  # solver noise
        )
        for k in found
    ]
    rows.sort(key=lambda r: (r.weeks is not None, -(r.weeks or 0.0), r.name.casefold(), r.name))
    return tuple(rows)


def _demand(session: Session) -> dict[str, float]:
    """Open points per area, in display order (the order a newcomer's mentor depends on)."""
    by_area = open_demand(session=session).by_area
    return {a.key: float(by_area.get(a.key, 0.0)) for a in list_areas(session=session)}


def _report(
    session: Session,
    team: Sequence[MemberPublic],
    extra: Sequence[Hypothetical],
    calendar: Calendar,
    week_by_week: bool,
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
    people = people_of(team, session=session)
    people += [
        Person(id=WHAT_IF_ID + n, fte=h.fte, levels=dict(h.levels), start=h.start)
        for n, h in enumerate(extra)
    ]
    demand = {row.key: row.demand_points for row in matrix.areas}
    result = forecast_team(people, demand, calendar, velocities, ppw)
    names = {m.id: (m.name, m.fte) for m in team}
    names |= {WHAT_IF_ID + n: (h.name, h.fte) for n, h in enumerate(extra)}
    return CoverageReport(
        forecast_weeks=result.weeks,
        points_per_week=ppw,
        velocities=velocities,
        total_demand=matrix.total_demand,
        weakest_area=result.weakest_area,
        areas=_area_rows(matrix.areas, result, people, velocities, ppw),
        skills=matrix.skills,
        uncovered_skills=matrix.uncovered_skills,
        allocation=tuple(
            Placement(p.id, names[p.id][0], names[p.id][1], shares)
            for p, shares in zip(people, result.shares, strict=True)
            if shares
        ),
        team_size=len(people),
        plan_start=calendar.plan_start,
        finish_date=finish_date(result.weeks, calendar),
        weeks=(
            shown := _weeks(people, result, demand, calendar, velocities, ppw)
            if week_by_week
            else ()
        ),
        events=_events(people, {k: v[0] for k, v in names.items()}, calendar, len(shown))
        if week_by_week
        else (),
        horizon_weeks=calendar.horizon_weeks,
    )


def _events(
    people: Sequence[Person], names: Mapping[int, str], calendar: Calendar, weeks: int
) -> tuple[CalendarEvent, ...]:
    """The starts (still ramping), departures and absences that touch the weeks shown, by date."""
    first, last = calendar.monday(-calendar.ramp_weeks), calendar.monday(weeks)
    events = []
    for p in people:
        if p.start is not None and first <= p.start < last:
            events.append(CalendarEvent("starts", names[p.id], p.start, None))
        if p.end is not None and calendar.plan_start <= p.end < last:
            events.append(CalendarEvent("leaves", names[p.id], p.end, None))
        for start, end in p.absences:
            if start < last and end >= calendar.plan_start:
                events.append(CalendarEvent("away", names[p.id], start, end))
    events.sort(key=lambda e: (e.first, e.kind, e.name))
    return tuple(events)


def _weeks(
    people: Sequence[Person],
    result: TeamForecast,
    demand: Mapping[str, float],
    calendar: Calendar,
    velocities: Sequence[float],
    ppw: float,
) -> tuple[WeekCapacity, ...]:
    """Week by week to the finish (a few weeks past it; a year at most when it never lands):
    the capacity and where the rest went, and the open points left if everyone keeps to the
    plan's shares of their time every week (so the burn-down reaches 0 at T)."""
    shown = min(
        calendar.horizon_weeks,
        math.ceil(result.weeks) + 2 if math.isfinite(result.weeks) else 52,
    )
    if not people or shown <= 0:
        return ()
    bare = Calendar(calendar.plan_start, horizon_weeks=calendar.horizon_weeks)
    employed = days_of([replace(p, absences=()) for p in people], bare, shown)
    present = days_of(people, calendar, shown)
    fte = np.array([p.fte for p in people])[:, None]
    own = result.own[:, :shown]
    capacity = result.capacity[:, :shown]
    rate = np.zeros(shown)  # points a week of capacity, under the plan's shares
    for p, shares in enumerate(result.shares):
        speed = sum(
            s * ppw * velocity_at(people[p].levels.get(a, 0.0), velocities)
            for a, s in shares.items()
        )
        rate += speed * capacity[p]
    done = np.concatenate([[0.0], np.cumsum(rate)])
    total = sum(demand.values())
    rows = []
    for w in range(shown):
        rows.append(
            WeekCapacity(
                week=w,
                monday=calendar.monday(w),
                capacity=float(capacity[:, w].sum()),
                not_on_team=float((fte[:, 0] * (5 - employed[:, w]) / 5).sum()),
                away=float((fte[:, 0] * (employed[:, w] - present[:, w]) / 5).sum()),
                ramping=float((fte[:, 0] * present[:, w] / 5 - own[:, w]).sum()),
                mentoring=float((own[:, w] - capacity[:, w]).sum()),
                remaining_points=max(total - float(done[w]), 0.0) if result.shares else total,
            )
        )
    return tuple(rows)


def _area_rows(
    rows: Sequence[AreaCoverage],
    result: TeamForecast,
    people: Sequence[Person],
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
    by_area = {p.area: p for p in result.pressures}
    weeks = result.weeks
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
