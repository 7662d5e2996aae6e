"""The plan page's lanes (MODEL.md, "The ticket plan"): the current plan's lanes filtered by area
and person, one page of them, and each shown ticket sized for whom it is planned for and for one
or two others ("3 points: 3 days for Mei Chen, 9 days for Diego Alvarez", each length shown by
the one rule of hiring/numbers.py).

The plan itself comes from `team.plan.current_plan` (kept per process by its inputs); what is
added here costs only the shown page: a team of 1,000 has 1,000 lanes and 20,000 tickets, and a
page holds `LANES_PER_PAGE` lanes, so only their rows are sized for others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from team.areas import get_settings, list_areas
from team.forecast import velocity_at
from team.plan import Lane, MoveRow, PlanRow, PlanView, current_plan
from team.report import counted_members
from team.schemas import MemberPublic
from team.ticket_plan import personal_weeks

__all__ = [
    "LANES_PER_PAGE",
    "LIST_LIMIT",
    "LanePage",
    "PlanFilters",
    "ShownLane",
    "ShownRow",
    "Size",
    "plan_page",
]

LANES_PER_PAGE = 25
# The page's lists of moves, slipped tickets and disagreements show this many; the CSV has all.
LIST_LIMIT = 100


@dataclass(frozen=True)
class PlanFilters:
    """What the page was asked to show: an area's key (or ""), one member (by id, from a link)
    or the members whose name contains `search`, and the first lane of the page."""

    area: str = ""
    member_id: int | None = None
    search: str = ""
    offset: int = 0


@dataclass(frozen=True)
class Size:
    """A ticket's personal size for one person, in full-time weeks (math.inf: they cannot),
    and why they are named: it is planned for them, they are the quickest other person on the
    team in its area, or they are its manual assignee (whom the plan need not follow)."""

    member_id: int
    name: str
    weeks: float
    planned: bool = False
    fastest: bool = False
    assignee: bool = False


@dataclass(frozen=True)
class ShownRow:
    """A ticket of a shown lane: its place in the member's queue (from 1), its sizes (the
    planned member's first), and whether the plan gives it to someone other than its manual
    assignee (who is on the team)."""

    row: PlanRow
    position: int
    sizes: tuple[Size, ...]
    disagrees: bool = False


@dataclass(frozen=True)
class ShownLane:
    """A shown lane and its tickets in queue order (with an area filter, that area's only)."""

    lane: Lane
    rows: tuple[ShownRow, ...]


@dataclass(frozen=True)
class LanePage:
    """Everything the plan page shows: the plan, the page of lanes the filters leave, the
    choices of the filters, and the page's lists (each at most `LIST_LIMIT` long)."""

    view: PlanView
    filters: PlanFilters
    lanes: tuple[ShownLane, ...]
    matching: int  # lanes the filters leave, on every page
    limit: int
    areas: tuple[tuple[str, str], ...]  # (key, name) in display order
    member_name: str  # the member asked for by id, when they have a lane
    moves: tuple[MoveRow, ...]
    slipped: tuple[PlanRow, ...]  # finishing later than published, most slipped first
    slipped_count: int
    disagreeing: tuple[PlanRow, ...]  # planned for someone other than their manual assignee
    axis_weeks: float  # the time axis's end: the plan's finish, its bound and the published one

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the lanes."""
        f = self.filters
        return bool(f.area or f.member_id is not None or f.search)


def plan_page(filters: PlanFilters, *, session: Session, limit: int | None = None) -> LanePage:
    """The current plan with the lanes `filters` leave, one page of `limit` of them (by default
    `LANES_PER_PAGE`) from `filters.offset` (past the last page: the last page), each shown
    ticket sized for one or two others."""
    limit = limit or LANES_PER_PAGE
    view = current_plan(session=session)
    areas = tuple((a.key, a.name) for a in list_areas(session=session))
    area = filters.area if filters.area in dict(areas) else ""
    matching = _matching(view.lanes, area, filters)
    offset = max(0, min(filters.offset, (len(matching) - 1) // limit * limit if matching else 0))
    settings = get_settings(session=session)
    team = counted_members(session=session)
    counted = {m.id for m in team}
    sizer = _Sizer(team, [key for key, _ in areas], settings.velocities, settings.points_per_week)
    shown = tuple(
        ShownLane(
            lane=lane,
            rows=tuple(
                ShownRow(r, n, sizer.sizes(r), _disagrees(r, counted))
                for n, r in enumerate(lane.rows, start=1)
                if not area or r.area == area
            ),
        )
        for lane in matching[offset : offset + limit]
    )
    asked = next((lane for lane in view.lanes if lane.member_id == filters.member_id), None)
    slipped = sorted(
        (r for r in view.rows if r.slipped_days), key=lambda r: (-(r.slipped_days or 0), r.item_id)
    )
    disagreeing = [r for r in view.rows if _disagrees(r, counted)]
    return LanePage(
        view=view,
        filters=PlanFilters(area, filters.member_id, filters.search, offset),
        lanes=shown,
        matching=len(matching),
        limit=limit,
        areas=areas,
        member_name=asked.name if asked else "",
        moves=view.moves[:LIST_LIMIT],
        slipped=tuple(slipped[:LIST_LIMIT]),
        slipped_count=len(slipped),
        disagreeing=tuple(disagreeing[:LIST_LIMIT]),
        axis_weeks=_axis_weeks(view),
    )


def _disagrees(row: PlanRow, counted: set[int]) -> bool:
    """Whether a planned (not started) ticket goes to someone other than its manual assignee,
    who is on the team (as `PlanView.disagreements` counts them)."""
    return (
        row.status == "planned"
        and row.assignee_id is not None
        and row.assignee_id in counted
        and row.assignee_id != row.member_id
    )


def _matching(lanes: Sequence[Lane], area: str, filters: PlanFilters) -> list[Lane]:
    """The lanes of the member asked for, or whose name contains the search, with a ticket in
    the area (when one is asked for), in the team's order."""
    search = filters.search.casefold()
    return [
        lane
        for lane in lanes
        if (filters.member_id is None or lane.member_id == filters.member_id)
        and (not search or search in lane.name.casefold())
        and (not area or any(r.area == area for r in lane.rows))
    ]


def _axis_weeks(view: PlanView) -> float:
    """Where the page's time axis ends: the latest of the plan's finish (or of its tickets that
    finish, when the plan does not), its lower bound and the published finish; 1 with none."""
    ends = [r.finish_weeks for r in view.rows if math.isfinite(r.finish_weeks)]
    ends += [w for w in (view.finish_weeks, view.lower_bound_weeks) if math.isfinite(w)]
    published = view.published
    if published is not None and published.finish_date is not None:
        days = (published.finish_date - view.plan_start).days
        ends.append(days // 7 + min(days % 7 + 1, 5) / 5)  # the end of that working day
    return max([1.0, *ends])


class _Sizer:
    """Sizes tickets for the people the page names beside their planned member: the fastest
    other counted member in the ticket's area (ties: by name), and its manual assignee."""

    def __init__(
        self,
        team: Sequence[MemberPublic],
        areas: Sequence[str],
        velocities: Sequence[float],
        points_per_week: float,
    ) -> None:
        self.members = {m.id: m for m in team}
        self.velocities = tuple(velocities)
        self.points_per_week = points_per_week
        # Per area, the two quickest (a ticket's fastest other is one of them).
        self.quickest = {area: _quickest(team, area, self.velocities) for area in areas}

    def weeks(self, member: MemberPublic, row: PlanRow) -> float:
        """The row's personal size for `member`."""
        level = member.levels.get(row.area, 0)
        return personal_weeks(row.points, level, self.velocities, self.points_per_week)

    def sizes(self, row: PlanRow) -> tuple[Size, ...]:
        """The planned member's size, then the fastest other's (when they can take it at all),
        then the manual assignee's (when on the team and not already named)."""
        mine = row.assignee_id == row.member_id
        sizes = [Size(row.member_id, row.member_name, row.personal_weeks, True, False, mine)]
        fastest = next((m for m in self.quickest.get(row.area, ()) if m.id != row.member_id), None)
        if fastest is not None:
            weeks = self.weeks(fastest, row)
            if math.isfinite(weeks):
                theirs = row.assignee_id == fastest.id
                sizes.append(Size(fastest.id, fastest.name, weeks, False, True, theirs))
        assignee = self.members.get(row.assignee_id) if row.assignee_id is not None else None
        if assignee is not None and all(s.member_id != assignee.id for s in sizes):
            weeks = self.weeks(assignee, row)
            sizes.append(Size(assignee.id, assignee.name, weeks, False, False, True))
        return tuple(sizes)


def _quickest(
    team: Sequence[MemberPublic], area: str, velocities: Sequence[float]
) -> list[MemberPublic]:
    """The two members quickest in `area`, ties by name."""
    return sorted(
        team,
        key=lambda m: (-velocity_at(m.levels.get(area, 0), velocities), m.name.casefold(), m.id),
    )[:2]
