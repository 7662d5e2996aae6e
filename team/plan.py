"""The ticket plan, loaded (MODEL.md, "The ticket plan"): the service behind `GET /plan`,
`POST /plan/publish`, the plan page, its CSV and iCalendar exports, a member's queue and the
coverage report's "who works where".

It reads the counted members (`team.report.counted_members`), the open items with their
assignees, the settings and the latest published plan, and hands plain values to the pure
`team.ticket_plan.plan_tickets`. Publishing stores the plan's assignments and finish dates.

Loading is a handful of plain-tuple queries, whatever the size of the backlog. The plan itself
is the costly part (seconds at a thousand members and 20,000 items), and the engine gives the
same plan for the same inputs, so plans are kept in this process by the exact inputs they rest
on: the page, the API, the CSV and every member's calendar file then share one computation
until something the plan reads changes.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import repeat
from typing import Any, NamedTuple

from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from team.areas import get_settings, list_areas
from team.calendar import Calendar, Person, capacities, finish_date, start_date
from team.errors import Conflict
from team.history import time_changed_since
from team.models import Member, PlanAssignment, PlanPublication, WorkItem, as_utc
from team.report import counted_members
from team.schemas import MemberPublic
from team.ticket_plan import PlannedTicket, Ticket, TicketPlan, plan_tickets
from team.timeline import current_calendar, people_of

__all__ = [
    "Lane",
    "MoveRow",
    "PlanRow",
    "PlanView",
    "Publication",
    "Share",
    "UnplannedRow",
    "current_plan",
    "member_rows",
    "plan_shares",
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
    published_member_id: int | None = None
    # Why it is flagged: "assignee_left" (no longer counted) or "assignee_cannot_finish" (their
    # time runs out before it is done); "" when not flagged.
    flag_reason: str = ""


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
    email: str = ""


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
    from_member_id: int = 0
    to_member_id: int = 0


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
    # Who of the published plan's members or today's team had their time change since it was
    # published (dates, fte, absences, joining or leaving), by name.
    time_changed: tuple[str, ...] = field(default=())


class _Item(NamedTuple):
    """An open work item as a plan page shows it besides the plan's numbers (a tuple: the
    page makes one per open item, `_Inputs.items`)."""

    title: str
    area: str
    points: float
    status: str
    assignee_id: int | None


@dataclass(frozen=True)
class _Published:
    """The latest publication and its assignments: item id -> (member id, finish date)."""

    publication: Publication
    stored_at: datetime  # `published_at` as the database gives it back, to compare in SQL
    assignments: dict[int, tuple[int, date | None]]


class _Open(NamedTuple):
    """The open work items as columns, by id: one tuple per column rather than a tuple and a
    Ticket per item. A page that finds its plan kept (the coverage report) reads only the ids,
    areas, points, assignees and statuses; 40,000 small objects a read would be garbage the
    collector walks, together with everything the process keeps, when they outlive a request's
    first collections."""

    ids: tuple[int, ...]
    titles: tuple[str, ...]
    areas: tuple[str, ...]
    points: tuple[float, ...]
    statuses: tuple[str, ...]
    assignees: tuple[int | None, ...]

    def in_progress(self) -> list[bool]:
        """Whether each item is in progress: what the engine reads of the status (its tickets
        and the digest of its inputs both take it from here)."""
        return [status == "in_progress" for status in self.statuses]


@dataclass(frozen=True)
class _Inputs:
    """Everything the plan reads, loaded."""

    calendar: Calendar
    velocities: tuple[float, ...]
    points_per_week: float
    areas: tuple[tuple[str, str], ...]  # (key, name) in display order
    team: list[MemberPublic]  # in the engine's tie order: by id
    people: list[Person]
    open: _Open
    names: dict[int, str]  # every member, left or not
    published: _Published | None

    @cached_property
    def items(self) -> dict[int, _Item]:
        """Each open item by id, for the rows a plan page shows."""
        o = self.open
        return {
            item_id: _Item(*values)
            for item_id, *values in zip(
                o.ids, o.titles, o.areas, o.points, o.statuses, o.assignees, strict=True
            )
        }

    @cached_property
    def tickets(self) -> list[Ticket]:
        """The open items as the engine takes them, by id (made only when a plan is worked
        out, not when it is found kept)."""
        o = self.open
        return [
            Ticket(*values)
            for values in zip(o.ids, o.areas, o.points, o.assignees, o.in_progress(), strict=True)
        ]


def current_plan(*, session: Session, with_keeping: bool = True) -> PlanView:
    """The plan for the team and the open work as they are now, shown against the latest
    published plan (MODEL.md, "The ticket plan", "Published plan"). `with_keeping=False`
    leaves out what keeping the assignees would cost (a second plan, where any disagrees)."""
    inputs = _load(session)
    published = inputs.published
    plan = _plan(inputs, keep_assignees=False)
    counted = {m.id for m in inputs.team}
    rows = _rows(inputs, plan)
    disagreements = sum(
        1
        for r in rows
        if r.status == "planned"
        and r.assignee_id is not None
        and r.assignee_id in counted
        and r.assignee_id != r.member_id
    )
    keeping = _keeping_assignees(inputs, plan) if disagreements and with_keeping else None
    changed: set[int] = set()
    if published is not None:
        had = {member for member, _ in published.assignments.values()}
        # Someone of the published plan who is no longer counted changed their time too (marked
        # as left, or their end date is now before the plan start); people who came and went
        # in between touch neither plan.
        changed = time_changed_since(published.stored_at, session=session) & (counted | had)
        changed |= had - counted
    changed_names = tuple(sorted({inputs.names.get(m, "someone") for m in changed}, key=_by_name))
    return PlanView(
        plan_start=inputs.calendar.plan_start,
        finish_weeks=plan.finish_weeks,
        finish_date=finish_date(plan.finish_weeks, inputs.calendar),
        forecast_weeks=plan.forecast_weeks,
        item_bound_weeks=plan.item_bound_weeks,
        lower_bound_weeks=plan.lower_bound_weeks,
        gap=plan.gap,
        baseline_weeks=plan.baseline_weeks,
        proven_optimal=plan.proven_optimal,
        method=plan.method,
        rows=rows,
        lanes=_lanes(inputs, rows),
        unplanned=tuple(
            UnplannedRow(
                item_id=u.item_id,
                title=inputs.items[u.item_id].title,
                area=inputs.items[u.item_id].area,
                points=inputs.items[u.item_id].points,
                reason=u.reason,
            )
            for u in plan.unplanned
        ),
        published=published.publication if published else None,
        moves=_moves(rows, counted, changed, changed_names),
        disagreements=disagreements,
        keeping_assignees_weeks=keeping,
        time_changed=changed_names,
    )


def _keeping_assignees(inputs: _Inputs, plan: TicketPlan) -> float | None:
    """The plan's finish with the planned items pinned to their counted assignees, minus the
    plan's finish (math.inf: keeping them, the work would never finish; None when the plan
    itself never finishes, so there is nothing to compare)."""
    if not math.isfinite(plan.finish_weeks):
        return None
    kept = _plan(inputs, keep_assignees=True)
    if not math.isfinite(kept.finish_weeks):
        return math.inf
    cost = kept.finish_weeks - plan.finish_weeks
    return 0.0 if abs(cost) < 1e-9 else cost  # solver noise is no cost


def publish_plan(*, session: Session, by: str, seen: int | None = None) -> Publication:
    """Keep the current plan as the published one: its assignments and finish dates, in one
    insert. Older publications keep their row (who published what, when) but not their
    assignments, which only the latest one is compared with.

    `seen` is the latest publication's id as the publisher saw it (0: none yet): when another
    was published since (someone else, or the same form sent twice), nothing is published and
    `Conflict` says by whom, so that nobody replaces a plan they have not looked at."""
    if seen is not None:
        latest = _latest_publication(session)
        if (latest.publication.id if latest else 0) != seen:
            what = "The published plan is not the one you saw"
            if latest is not None:
                at = latest.publication.published_at
                what = (
                    f"The plan was published meanwhile, by {latest.publication.published_by} "
                    f"at {at:%H:%M} UTC on {at.day} {at:%B %Y}"
                )
            raise Conflict(
                f"{what}: nothing was published. Look at the plan as it stands now before "
                "publishing it."
            )
    view = current_plan(session=session, with_keeping=False)
    finite = math.isfinite(view.finish_weeks)
    publication = PlanPublication(
        published_by=by[:254],
        plan_start=view.plan_start,
        finish_weeks=view.finish_weeks if finite else None,
        finish_date=view.finish_date,
    )
    session.add(publication)
    session.flush()
    assert publication.id is not None, "a flushed publication has an id"
    rows = [
        {
            "publication_id": publication.id,
            "work_item_id": r.item_id,
            "member_id": r.member_id,
            "finish_weeks": r.finish_weeks if math.isfinite(r.finish_weeks) else None,
            "finish_date": r.finish_date,
        }
        for r in view.rows
    ]
    connection = session.connection()
    if rows:
        connection.execute(insert(PlanAssignment), rows)
    # Older ones only (a lower id): two managers publishing at once keep the later one whole.
    connection.execute(
        delete(PlanAssignment).where(col(PlanAssignment.publication_id) < publication.id)
    )
    session.commit()
    return _publication(publication)


# --- loading ----------------------------------------------------------------------------------


def _load(session: Session) -> _Inputs:
    """The team, the open items with their assignees, the settings and the latest publication,
    as plain values, in a fixed number of queries."""
    settings = get_settings(session=session)
    calendar = current_calendar(session=session)
    team = sorted(counted_members(session=session, calendar=calendar), key=lambda m: m.id)
    areas = list_areas(session=session)
    key_of = {a.id: a.key for a in areas}
    connection = session.connection()
    rows = connection.execute(
        sa_select(
            col(WorkItem.id),
            col(WorkItem.title),
            col(WorkItem.area_id),
            col(WorkItem.points),
            col(WorkItem.status),
            col(WorkItem.assignee_id),
        )
        .where(col(WorkItem.status) != "done")
        .order_by(col(WorkItem.id))
    )
    # Read a thousand rows at a time into the columns, so that no more than that many row
    # objects are alive at once (all of them alive would outlive the collector's young
    # generations, and be walked in its full collections).
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])
    for chunk in rows.partitions(1000):
        for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(values)
    ids, titles, area_ids, points, statuses, assignees = columns
    open_items = _Open(
        ids=tuple(ids),
        titles=tuple(titles),
        areas=tuple(map(key_of.get, area_ids, repeat(""))),
        points=tuple(map(float, points)),
        statuses=tuple(statuses),
        assignees=tuple(assignees),
    )
    names = {
        member_id or 0: name
        for member_id, name in connection.execute(sa_select(col(Member.id), col(Member.name)))
    }
    return _Inputs(
        calendar=calendar,
        velocities=tuple(settings.velocities),
        points_per_week=settings.points_per_week,
        areas=tuple((a.key, a.name) for a in areas),
        team=team,
        people=people_of(team, session=session),
        open=open_items,
        names=names,
        published=_latest_publication(session),
    )


def _latest_publication(session: Session) -> _Published | None:
    """The latest published plan, with its assignments."""
    connection = session.connection()
    found = connection.execute(
        sa_select(
            col(PlanPublication.id),
            col(PlanPublication.published_at),
            col(PlanPublication.published_by),
            col(PlanPublication.plan_start),
            col(PlanPublication.finish_weeks),
            col(PlanPublication.finish_date),
        )
        .order_by(col(PlanPublication.id).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    publication_id, at, by, plan_start, weeks, finish = found
    assignments = {
        item_id: (member_id, day)
        for item_id, member_id, day in connection.execute(
            sa_select(
                col(PlanAssignment.work_item_id),
                col(PlanAssignment.member_id),
                col(PlanAssignment.finish_date),
            ).where(col(PlanAssignment.publication_id) == publication_id)
        )
    }
    publication = Publication(publication_id or 0, as_utc(at), by, plan_start, weeks, finish)
    return _Published(publication, at, assignments)


def _publication(row: PlanPublication) -> Publication:
    return Publication(
        id=row.id or 0,
        published_at=as_utc(row.published_at),
        published_by=row.published_by,
        plan_start=row.plan_start,
        finish_weeks=row.finish_weeks,
        finish_date=row.finish_date,
    )


# --- planning, kept by its inputs ---------------------------------------------------------------

# Plans worked out in this process, by a digest of the exact inputs they rest on (the engine is
# deterministic). A few are enough: the current plan, the one keeping the assignees, and the
# ones just before a change; each holds one row per open item.
_PLANS: OrderedDict[bytes, TicketPlan] = OrderedDict()
_PLANS_KEPT = 4
_PLANS_LOCK = threading.Lock()


def _plan(inputs: _Inputs, *, keep_assignees: bool) -> TicketPlan:
    """`plan_tickets` of these inputs, worked out once per distinct inputs."""
    published = (
        {item: member for item, (member, _) in inputs.published.assignments.items()}
        if inputs.published is not None
        else None
    )
    key = _digest(inputs, published, keep_assignees)
    with _PLANS_LOCK:
        found = _PLANS.get(key)
        if found is not None:
            _PLANS.move_to_end(key)
            return found
    areas = [key for key, _ in inputs.areas]
    plan = plan_tickets(
        inputs.people,
        inputs.tickets,
        areas,
        inputs.calendar,
        inputs.velocities,
        inputs.points_per_week,
        published=published,
        keep_assignees=keep_assignees,
        capacity=capacities(inputs.people, inputs.calendar, areas, inputs.calendar.horizon_weeks),
    )
    with _PLANS_LOCK:
        _PLANS[key] = plan
        while len(_PLANS) > _PLANS_KEPT:
            _PLANS.popitem(last=False)
    return plan


def _digest(inputs: _Inputs, published: dict[int, int] | None, keep_assignees: bool) -> bytes:
    """A digest of everything `plan_tickets` reads, as plain values in a fixed order (kept
    rather than the values themselves: a key of 20,000 tickets would outweigh its plan)."""
    calendar, o = inputs.calendar, inputs.open
    material = (
        [
            (p.id, p.fte, sorted(p.levels.items()), p.start, p.end, p.absences)
            for p in inputs.people
        ],
        # The columns the engine's tickets are made of, in `_Inputs.tickets`' order.
        (o.ids, o.areas, o.points, o.assignees, o.in_progress()),
        [key for key, _ in inputs.areas],
        (
            calendar.plan_start,
            sorted(calendar.holidays),
            calendar.ramp_weeks,
            calendar.ramp_start,
            calendar.mentoring_fte,
            calendar.mentoring_weeks,
            calendar.horizon_weeks,
        ),
        inputs.velocities,
        inputs.points_per_week,
        None if published is None else sorted(published.items()),
        keep_assignees,
    )
    return hashlib.blake2b(pickle.dumps(material, protocol=5), digest_size=32).digest()


# --- what the plan says, in rows ---------------------------------------------------------------


def _rows(inputs: _Inputs, plan: TicketPlan) -> tuple[PlanRow, ...]:
    """The planned items with their titles, names and dates, member by member in the team's
    order (by name), each member's queue in the order they take it."""
    calendar, names, items = inputs.calendar, inputs.names, inputs.items
    area_names = dict(inputs.areas)
    counted = {m.id for m in inputs.team}
    assignments = inputs.published.assignments if inputs.published else {}
    queues: dict[int, list[PlannedTicket]] = defaultdict(list)
    for t in plan.items:
        queues[t.member_id].append(t)
    rows: list[PlanRow] = []
    for member in sorted(inputs.team, key=lambda m: (_by_name(m.name), m.id)):
        for t in queues.get(member.id, ()):
            item = items[t.item_id]
            was = assignments.get(t.item_id)
            finish = finish_date(t.finish_weeks, calendar)
            flag_reason = ""
            if t.flagged:
                left = item.assignee_id is not None and item.assignee_id not in counted
                flag_reason = "assignee_left" if left else "assignee_cannot_finish"
            rows.append(
                PlanRow(
                    item_id=t.item_id,
                    title=item.title,
                    area=item.area,
                    area_name=area_names.get(item.area, item.area),
                    points=item.points,
                    status=item.status,
                    member_id=t.member_id,
                    member_name=member.name,
                    personal_weeks=t.personal_weeks,
                    start_weeks=t.start_weeks,
                    finish_weeks=t.finish_weeks,
                    start_date=(
                        start_date(t.start_weeks, calendar)
                        if math.isfinite(t.start_weeks)
                        else None
                    ),
                    finish_date=finish,
                    pinned=t.pinned,
                    flagged=t.flagged,
                    # Worked out here, not taken from the engine: an item is moved only when
                    # it was published with someone else (items added since are not).
                    moved=was is not None and was[0] != t.member_id,
                    published_member_name=names.get(was[0]) if was else None,
                    slipped_days=_slipped(was[1] if was else None, finish),
                    assignee_id=item.assignee_id,
                    assignee_name=names.get(item.assignee_id) if item.assignee_id else None,
                    published_member_id=was[0] if was else None,
                    flag_reason=flag_reason,
                )
            )
    return tuple(rows)


def _slipped(published: date | None, now: date | None) -> int | None:
    """Working days (Monday to Friday) from the published finish date to this one, when later."""
    if published is None or now is None or now <= published:
        return None
    weeks, rest = divmod((now - published).days, 7)
    extra = sum(1 for k in range(rest) if (published + timedelta(days=k)).weekday() < 5)
    days = 5 * weeks + extra
    return days if days > 0 else None


def _lanes(inputs: _Inputs, rows: Sequence[PlanRow]) -> tuple[Lane, ...]:
    """Each member's queue, finish and share of planned time per area (display order)."""
    by_member: dict[int, list[PlanRow]] = defaultdict(list)
    for r in rows:
        by_member[r.member_id].append(r)
    members = {m.id: m for m in inputs.team}
    lanes = []
    for member_id, queue in by_member.items():  # rows come in the team's order
        member = members[member_id]
        weeks: dict[str, float] = defaultdict(float)
        for r in queue:
            weeks[r.area] += r.personal_weeks
        total = sum(weeks.values())
        finish = max(r.finish_weeks for r in queue)
        lanes.append(
            Lane(
                member_id=member_id,
                name=member.name,
                fte=member.fte,
                rows=tuple(queue),
                finish_weeks=finish,
                finish_date=finish_date(finish, inputs.calendar),
                shares={
                    key: weeks[key] / total
                    for key, _ in inputs.areas
                    if weeks.get(key) and total > 0 and math.isfinite(total)
                },
                email=member.email,
            )
        )
    return tuple(lanes)


def _moves(
    rows: Sequence[PlanRow],
    counted: set[int],
    changed: set[int],
    changed_names: Sequence[str],
) -> tuple[MoveRow, ...]:
    """The published items now planned for someone else, and why: the member who had it left,
    or their time changed; otherwise the plan was rebalanced around whoever's did."""
    shown = 3
    others = ", ".join(changed_names[:shown])
    if len(changed_names) > shown:
        others += f" and {len(changed_names) - shown} more"
    rebalanced = f"rebalanced after {others or 'changes to the planned work'}"
    moves = []
    for r in rows:
        if not r.moved or r.published_member_id is None:
            continue
        name = r.published_member_name or "someone"
        if r.published_member_id not in counted:
            reason = f"{name} is no longer on the team"
        elif r.published_member_id in changed:
            reason = f"{name}'s time changed"
        else:
            reason = rebalanced
        moves.append(
            MoveRow(
                item_id=r.item_id,
                title=r.title,
                from_name=name,
                to_name=r.member_name,
                reason=reason,
                from_member_id=r.published_member_id,
                to_member_id=r.member_id,
            )
        )
    return tuple(moves)


def _by_name(name: str) -> str:
    return name.casefold()


@dataclass(frozen=True)
class Share:
    """One member's planned time by area, as shares (the coverage report's "who works
    where"), and how many tickets that is."""

    member_id: int
    name: str
    fte: float
    tickets: int
    shares: dict[str, float]


def plan_shares(*, session: Session) -> tuple[Share, ...]:
    """Each member's planned tickets by area, from the plan kept for these inputs, without
    the rows a plan page needs (the coverage page reads only this)."""
    inputs = _load(session)
    plan = _plan(inputs, keep_assignees=False)
    area_of = dict(zip(inputs.open.ids, inputs.open.areas, strict=True))
    weeks: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[int, int] = defaultdict(int)
    for ticket in plan.items:
        weeks[ticket.member_id][area_of[ticket.item_id]] += ticket.personal_weeks
        counts[ticket.member_id] += 1
    result = []
    for member in inputs.team:  # the team's order
        if member.id not in weeks:
            continue
        mine = weeks[member.id]
        total = sum(mine.values())
        result.append(
            Share(
                member_id=member.id,
                name=member.name,
                fte=member.fte,
                tickets=counts[member.id],
                shares={
                    key: mine[key] / total
                    for key, _ in inputs.areas
                    if mine.get(key) and total > 0 and math.isfinite(total)
                },
            )
        )
    return tuple(sorted(result, key=lambda share: (_by_name(share.name), share.member_id)))


def member_rows(view: PlanView, member_id: int) -> tuple[PlanRow, ...]:
    """One member's queue in the order they take it (none: an empty tuple)."""
    return next((lane.rows for lane in view.lanes if lane.member_id == member_id), ())
