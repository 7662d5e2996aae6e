"""The ticket plan, loaded (MODEL.md, "The ticket plan"): the service behind `GET /plan`,
`POST /plan/publish`, the plan page, its CSV and iCalendar exports, a member's queue and the
coverage report's "who works where".

It reads the counted members (`team.report.counted_members`), the open items with their
assignees, the settings and the latest published plan, and hands plain values to the pure
`team.ticket_plan.plan_tickets`. Publishing stores the plan's assignments and finish dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "Lane",
    "MoveRow",
    "PlanRow",
    "PlanView",
    "Publication",
    "UnplannedRow",
    "current_plan",
    "publish_plan",
]


@dataclass(frozen=True)
class PlanRow:
    """One planned item in a member's queue, with what a page needs to show it."""

    item_id: int
    title: str
    area: str  # the area's key
    area_name: str
    points: float
    status: str  # "planned" or "in_progress"
    member_id: int
    member_name: str
    personal_weeks: float  # its size for this member, full-time weeks
    start_weeks: float
    finish_weeks: float  # math.inf past the horizon
    start_date: date | None
    finish_date: date | None
    pinned: bool  # in progress with its assignee: stays with them
    flagged: bool  # in progress, but its assignee is no longer on the team
    moved: bool  # the published plan had another member
    published_member_name: str | None  # who had it in the published plan
    slipped_days: int | None  # working days later than the published finish date (> 0 only)
    assignee_id: int | None  # the manual assignee, if any
    assignee_name: str | None


@dataclass(frozen=True)
class Lane:
    """One member's queue: their items in order, when they finish, and their planned time per
    area as shares (the coverage report's "who works where")."""

    member_id: int
    name: str
    fte: float
    rows: tuple[PlanRow, ...]
    finish_weeks: float
    finish_date: date | None
    shares: dict[str, float]


@dataclass(frozen=True)
class UnplannedRow:
    """An item the plan leaves out, and why."""

    item_id: int
    title: str
    area: str
    points: float
    reason: str


@dataclass(frozen=True)
class MoveRow:
    """A published item now planned for someone else, and why in words (whose time changed)."""

    item_id: int
    title: str
    from_name: str
    to_name: str
    reason: str


@dataclass(frozen=True)
class Publication:
    """The latest published plan."""

    id: int
    published_at: datetime
    published_by: str
    plan_start: date
    finish_weeks: float | None
    finish_date: date | None


@dataclass(frozen=True)
class PlanView:
    """Everything the plan page, the API and the exports show."""

    plan_start: date
    finish_weeks: float  # 0.0 with nothing to plan; math.inf past the horizon
    finish_date: date | None
    forecast_weeks: float  # lower bound 1: the forecast T of the planned items
    item_bound_weeks: float  # lower bound 2: the longest item alone on its fastest member
    lower_bound_weeks: float
    gap: float | None  # finish / lower bound - 1
    baseline_weeks: float  # "largest item first, to whoever finishes it earliest"
    proven_optimal: bool
    method: str  # "exact", "search" or "none"
    rows: tuple[PlanRow, ...]  # queue order, member by member
    lanes: tuple[Lane, ...]  # members with at least one item, in the team's order
    unplanned: tuple[UnplannedRow, ...]
    published: Publication | None
    moves: tuple[MoveRow, ...]
    # What following the manual assignees of planned items would cost: the plan's finish with
    # them pinned minus the plan's finish (None when no planned item's assignee disagrees).
    disagreements: int
    keeping_assignees_weeks: float | None


def current_plan(*, session: object) -> PlanView:  # pragma: no cover - filled in below
    raise NotImplementedError


def publish_plan(*, session: object, by: str) -> Publication:  # pragma: no cover
    raise NotImplementedError
