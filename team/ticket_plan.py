"""The ticket plan of MODEL.md: every open item to one member, whole, sized for them, in
calendar time, with the finish as early as we can make it and what moved since the published plan.

Pure: people (`team.calendar.Person`), tickets and a calendar in, a `TicketPlan` out.

The problem. Member p works one item at a time from the plan start; an item of area a and `q`
points takes them `q / (points_per_week * velocity(level[p][a]))` full-time weeks (its personal
size), and their capacity up to time t is `C[p](t)` (fte, days, holidays, absences, ramp-up and
mentoring; `team.calendar`). Since they never wait, the order of their queue does not change when
their last item finishes: the least f with `C[p](f) >= L[p]`, L[p] the sum of their items'
sizes. So the plan's finish is `max_p C[p]^-1(L[p])`, and the order within a queue (in-progress
items first, then by id, the backlog's order) only dates the tickets. Minimising the finish is
scheduling on unrelated machines with capacities that vary in time: NP-hard, so

- every instance gets an improving search: the forecast's plan (its linear programme, solved for the
  items free to go anywhere in what time each member has left after their in-progress items)
  rounded to whole items, area by area, largest first, to whoever has the most of their weeks
  in that area left; then moves and swaps of the last member's items while the finish
  improves. "Largest item first, to whoever finishes it earliest" (the baseline) is computed
  too, improved the same way, and the better plan kept, so the plan is never worse than it;
- small instances are solved exactly: items of one area and size are interchangeable, so a
  mixed-integer programme (HiGHS) over how many items of each kind each member takes looks,
  for each whole week w from the lower bound on, for the least tau in [0, 1] with every
  member's load within `C[p](w) + tau * c[p][w]`; the first week that has one holds the
  optimum, since a plan that finishes by t finishes by any later t.

Lower bounds come with the plan: MODEL.md's two (the forecast T, and the longest time any item
needs on its fastest member) and two that in-progress items kept with their member give: that
member's time for them, and the forecast of the other items in what time each member has left
after theirs. `gap = finish / max(bounds) - 1`, an upper bound on how far from the best plan.
Every limit is a count of iterations or nodes, never a clock, so the same data gives the same
plan.

A published plan (item -> member) is kept where it can be. Among plans finishing within 2% of
the plan made from scratch, the one moving the fewest published items is sought: from the
published assignments with new or orphaned items placed where they cost the least, and from
the forecast's plan rounded with published items first, items are moved off whoever finishes
too late (a move, a chain of two moves, a swap); where that gets stuck, the few members past
the limit and those with the most time left are re-planned exactly (fewest moves, by counts of
each kind), else the plan walks towards the fresh plan until it fits; items then go back to
their published member wherever they still fit. Small instances get the exact fewest moves.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix

from team.calendar import Calendar, Person, capacities, own_capacity
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    forecast_in_time,
    plan_at,
    velocity_at,
)
from team.mip import solve_mip

__all__ = [
    "PlannedTicket",
    "STABLE_WITHIN",
    "Ticket",
    "TicketPlan",
    "Unplanned",
    "personal_weeks",
    "plan_tickets",
]

# MODEL.md: a later plan keeps the published assignments when it finishes within 2% of the
# best plan made from scratch.
STABLE_WITHIN = 0.02
# Times closer than this are the same time (weeks).
EPSILON = 1e-9
# Sums of personal sizes differ by float noise with the order they are added in: a load
# within this of a capacity fits it (else a member whose last item ends on their last day
# would never finish).
NOISE = 1e-11
# The exact programme is tried while it has at most this many item-member pairs to choose
# from, and searches at most this many branch-and-bound nodes (a count: deterministic).
EXACT_PAIRS = 120
EXACT_NODES = 5_000
# A stuck repair's re-plan of a few members: enough nodes to find a plan, not to prove one.
NEIGHBOURHOOD_NODES = 50
NEIGHBOURHOOD_SOLUTIONS = 5
NEIGHBOURHOOD_GAP = 0.01  # of the items kept: a hair from the fewest moves, found in seconds
# Simplex iterations any one programme may take in all (a count, so deterministic).
MIP_ITERATIONS = 50_000
# The improving search stops after this many moves and swaps per member and item.
SEARCH_STEPS = 4


@dataclass(frozen=True)
class Ticket:
    """An open work item as the plan sees it. `assignee` is a member id (None: nobody);
    `in_progress` items stay with an assignee who is counted in the forecast."""

    id: int
    area: str
    points: float
    assignee: int | None = None
    in_progress: bool = False


@dataclass(frozen=True)
class PlannedTicket:
    """One item in one member's queue. Times are weeks from the plan start (`math.inf` for a
    finish past the horizon). `pinned`: in progress with its assignee (or kept with a manual
    assignee on request); `flagged`: in progress but its assignee is no longer counted, so it
    was planned like any other; `moved`: the published plan had another member."""

    item_id: int
    member_id: int
    personal_weeks: float
    start_weeks: float
    finish_weeks: float
    pinned: bool = False
    flagged: bool = False
    moved: bool = False
    flag_reason: str = ""  # "assignee_left" or "assignee_cannot_finish" when flagged


@dataclass(frozen=True)
class Unplanned:
    """An item no one can finish within the horizon, and why, in words."""

    item_id: int
    reason: str


@dataclass(frozen=True)
class TicketPlan:
    """The plan: items in queue order member by member (the team's order), its finish, the two
    lower bounds of MODEL.md, the baseline's finish, whether the finish is proven the least
    possible, the items left out, and the published items that moved."""

    items: tuple[PlannedTicket, ...]
    finish_weeks: float
    forecast_weeks: float  # MODEL.md's T: the work divisible, nothing kept with anyone
    item_bound_weeks: float  # the longest item alone on its fastest member, or pinned queue
    baseline_weeks: float
    fresh_weeks: float  # the plan made from scratch (the same as finish_weeks unless published)
    proven_optimal: bool
    method: str  # "exact", "search" or "none" (nothing to plan)
    unplanned: tuple[Unplanned, ...] = field(default=())
    moved: int = 0
    # T of the items free to go anywhere, in the time each member has left after their
    # in-progress items (which come first): a tighter bound than T when work is in progress.
    free_forecast_weeks: float = 0.0

    @property
    def lower_bound_weeks(self) -> float:
        """The largest of the lower bounds: no plan finishes earlier."""
        return max(self.forecast_weeks, self.item_bound_weeks, self.free_forecast_weeks)

    @property
    def gap(self) -> float | None:
        """`finish / max(bounds) - 1` (None with nothing planned or a finish past the horizon)."""
        bound = self.lower_bound_weeks
        if not (math.isfinite(self.finish_weeks) and bound > 0 and math.isfinite(bound)):
            return None
        return max(self.finish_weeks / bound - 1.0, 0.0)

    def queue(self, member_id: int) -> list[PlannedTicket]:
        """One member's items in the order they take them."""
        return [t for t in self.items if t.member_id == member_id]


def personal_weeks(
    points: float,
    level: float,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> float:
    """Full-time weeks an item of `points` takes someone at `level` (inf: they cannot)."""
    speed = points_per_week * velocity_at(level, velocities)
    return math.inf if speed <= 0 else points / speed


class _Clock:
    """Every member's capacity up to t, `C[p](t)`, and its inverses, for many members at once.

    Most of a team has no dates of their own: their capacity is their fte times the same
    weekly shape (the holidays'), `C[p](t) = fte[p] * B(t)`, so one `np.searchsorted` on `B`
    answers for all of them. The others' rows are laid end to end, each shifted past the one
    before, so that one `np.searchsorted` answers for them too; a fix-up step undoes the
    rounding the shift may cause at a week's edge."""

    def __init__(self, capacity: np.ndarray, shape: np.ndarray | None = None):
        self.rate = capacity
        members, weeks = capacity.shape
        self.weeks = weeks
        self.members = members
        self.cum = np.concatenate([np.zeros((members, 1)), np.cumsum(capacity, axis=1)], axis=1)
        self.total = self.cum[:, -1]
        self.scale = np.ones(members)
        self.plain = np.zeros(members, dtype=bool)
        if shape is not None and members:
            self.shape = shape
            self.shape_cum = np.concatenate([[0.0], np.cumsum(shape)])
            self._shape_list = self.shape_cum.tolist()
            self._shape_rates = shape.tolist()
            scale = capacity.max(axis=1, initial=0.0) / max(float(shape.max(initial=0.0)), 1e-300)
            close = np.abs(capacity - scale[:, None] * shape[None, :]).max(axis=1, initial=0.0)
            self.plain = (scale > 0) & (close <= 1e-12 * np.maximum(scale, 1.0))
            self.scale = np.where(self.plain, scale, 1.0)
        self.others = np.flatnonzero(~self.plain)
        self._slot = np.full(members, -1, dtype=np.intp)
        self._slot[self.others] = np.arange(len(self.others))
        cum = self.cum[self.others]
        self._step = float(cum[:, -1].max(initial=0.0)) + 1.0
        self._offset = np.arange(len(self.others)) * self._step
        self._flat = (cum + self._offset[:, None]).ravel()

    def finish(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        """The least f >= 0 with `C[p](f) >= load` per pair (0 for no load; inf past the
        horizon or for an infinite load)."""
        who = np.asarray(who, dtype=np.intp)
        load = np.maximum(np.asarray(load, dtype=float) - NOISE, 0.0)
        result = np.empty(load.shape)
        plain = self.plain[who]
        if plain.any():
            result[plain] = self._plain_finish(load[plain] / self.scale[who[plain]])
        if not plain.all():
            rest = ~plain
            result[rest] = self._row_finish(who[rest], load[rest])
        return result

    def _plain_finish(self, x: np.ndarray) -> np.ndarray:
        cum, rate = self.shape_cum, self.shape
        finite = np.isfinite(x)
        safe = np.where(finite, x, 0.0)
        k = np.searchsorted(cum, safe, side="left")
        week = np.minimum(np.maximum(k - 1, 0), self.weeks - 1)
        frac = (safe - cum[week]) / np.where(rate[week] > 0, rate[week], 1.0)
        result = week + np.minimum(np.maximum(frac, 0.0), 1.0)
        result[safe <= 0] = 0.0
        result[(k > self.weeks) | ~finite] = math.inf
        return result

    def _row_finish(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        finite = np.isfinite(load)
        safe = np.where(finite, load, 0.0)
        k = self._index(who, safe, right=False)
        week = np.minimum(np.maximum(k - 1, 0), self.weeks - 1)
        rate = self.rate[who, week]
        frac = (safe - self.cum[who, week]) / np.where(rate > 0, rate, 1.0)
        result = week + np.minimum(np.maximum(frac, 0.0), 1.0)
        result[safe <= 0] = 0.0
        result[(k > self.weeks) | ~finite] = math.inf
        return result

    def _index(self, who: np.ndarray, load: np.ndarray, right: bool) -> np.ndarray:
        """Per pair (members not plain), the first whole week k with cum[k] >= load (> load
        when `right`), weeks + 1 when there is none."""
        slot = self._slot[who]
        side = "right" if right else "left"
        k = np.searchsorted(self._flat, load + self._offset[slot], side=side) - slot * (  # type: ignore[call-overload]
            self.weeks + 1
        )
        k = np.minimum(np.maximum(k, 0), self.weeks + 1)
        cum = self.cum
        # the shifted search may stop a week early or late where load is at a week's edge
        at = np.minimum(k, self.weeks)
        early = (k <= self.weeks) & ~(cum[who, at] > load if right else cum[who, at] >= load)
        k = k + early
        before = np.maximum(k - 1, 0)
        late = (k >= 1) & (cum[who, before] > load if right else cum[who, before] >= load)
        return k - late

    def start(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        """The latest s with `C[p](s) <= load` per pair: when work resumes after `load` full-
        time weeks are done (after an absence, at a start date); inf when it never does."""
        who = np.asarray(who, dtype=np.intp)
        load = np.asarray(load, dtype=float)
        result = np.empty(load.shape)
        plain = self.plain[who]
        for mask in (plain, ~plain):
            if not mask.any():
                continue
            # the week is found a hair later (a load equal to a week's capacity up to float
            # noise starts after it), the time within it from the load itself
            w, x = who[mask], load[mask]
            if mask is plain:
                scale = self.scale[w]
                k = np.searchsorted(self.shape_cum, (x + NOISE) / scale, side="right")
                week = np.minimum(np.maximum(k - 1, 0), self.weeks - 1)
                rate, low = self.shape[week] * scale, self.shape_cum[week] * scale
            else:
                k = self._index(w, x + NOISE, right=True)
                week = np.minimum(np.maximum(k - 1, 0), self.weeks - 1)
                rate, low = self.rate[w, week], self.cum[w, week]
            frac = (x - low) / np.where(rate > 0, rate, 1.0)
            value = week + np.minimum(np.maximum(frac, 0.0), 1.0)
            value[k > self.weeks] = math.inf
            result[mask] = value
        return result

    def plain_finish_one(self, x: float) -> float:
        """`_plain_finish` of one value, in plain Python (the greedy asks it 20,000 times)."""
        x -= NOISE
        if x <= 0:
            return 0.0
        cum = self._shape_list
        k = bisect_left(cum, x)
        if k > self.weeks or not math.isfinite(x):
            return math.inf
        week = k - 1
        rate = self._shape_rates[week]
        frac = (x - cum[week]) / rate if rate > 0 else 1.0
        return week + min(max(frac, 0.0), 1.0)

    def extended(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        """`finish`, carried on past the horizon as `weeks + 1 + load - total` (still growing
        with the load), so that a search can move work off someone who cannot finish it."""
        result = self.finish(who, load)
        past = ~np.isfinite(result) & np.isfinite(load)
        if past.any():
            result[past] = self.weeks + 1 + load[past] - self.total[who[past]]
        return result

    def extended_one(self, member: int, load: float) -> float:
        """`extended` for one member."""
        return float(self.extended(np.array([member]), np.array([load]))[0])

    def finish_all(self, loads: np.ndarray) -> np.ndarray:
        """Each member's finish for a load each."""
        return self.finish(np.arange(len(loads)), loads)


class _RowSet:
    """A fixed set of members not on the common calendar, with their rows laid end to end, so
    that their finishes for one load each are a handful of array operations."""

    def __init__(self, clock: _Clock, members: np.ndarray):
        self.members = members
        self.weeks = clock.weeks
        self.cum = clock.cum[members]
        self.rate = clock.rate[members]
        step = float(self.cum[:, -1].max(initial=0.0)) + 1.0
        self.offset = np.arange(len(members)) * step
        self.flat = (self.cum + self.offset[:, None]).ravel()
        self.base = np.arange(len(members)) * (self.weeks + 1)
        self.cum_flat = self.cum.ravel()
        self.rate_flat = self.rate.ravel()
        self.rate_base = np.arange(len(members)) * self.weeks

    def finish(self, load: np.ndarray) -> np.ndarray:
        """The least f with `C(f) >= load`, for each member of the set (load finite, > 0)."""
        weeks, cum, base = self.weeks, self.cum_flat, self.base
        load = np.maximum(load - NOISE, 0.0)
        k = np.searchsorted(self.flat, load + self.offset) - base
        np.minimum(k, weeks + 1, out=k)
        k += (k <= weeks) & (cum.take(base + np.minimum(k, weeks)) < load)
        k -= (k >= 1) & (cum.take(base + np.maximum(k - 1, 0)) >= load)
        week = np.minimum(np.maximum(k - 1, 0), weeks - 1)
        rate = self.rate_flat.take(self.rate_base + week)
        frac = (load - cum.take(base + week)) / np.where(rate > 0, rate, 1.0)
        result = week + np.minimum(np.maximum(frac, 0.0), 1.0)
        result[k > weeks] = math.inf
        return result


@dataclass
class _Problem:
    """The instance in arrays: `inverse[a][p]` = 1 / (points_per_week * speed) (inf: cannot),
    items' area index and points, and which member (index) an item is pinned to (-1: free)."""

    clock: _Clock
    inverse: np.ndarray  # areas x members
    area: np.ndarray  # per item: the area's index
    points: np.ndarray
    pinned: np.ndarray  # per item: member index, or -1
    weeks: np.ndarray | None = None  # areas x members: the forecast's plan at T

    def sizes(self, item: int) -> np.ndarray:
        """The item's personal size for every member."""
        return self.points[item] * self.inverse[self.area[item]]

    def size(self, item: int, member: int) -> float:
        return float(self.points[item] * self.inverse[self.area[item], member])

    def loads(self, assign: np.ndarray) -> np.ndarray:
        """Each member's summed personal sizes under an assignment (item -> member index; an
        item at -1 is nobody's yet)."""
        placed = np.flatnonzero(assign >= 0)
        loads = np.zeros(self.inverse.shape[1])
        who = assign[placed]
        np.add.at(loads, who, self.points[placed] * self.inverse[self.area[placed], who])
        return loads

    def finish(self, assign: np.ndarray) -> float:
        if len(assign) == 0:
            return 0.0
        return float(self.clock.finish_all(self.loads(assign)).max(initial=0.0))


def plan_tickets(
    team: Sequence[Person],
    tickets: Sequence[Ticket],
    areas: Sequence[str],
    calendar: Calendar,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
    *,
    published: Mapping[int, int] | None = None,
    keep_assignees: bool = False,
    capacity: np.ndarray | None = None,
) -> TicketPlan:
    """The ticket plan for `team` (in the order ties go: pass them by id) and the open
    `tickets` (MODEL.md, "The ticket plan").

    `published` maps item ids to the member ids of the published plan: the plan then keeps
    as many of them as it can within 2% of the plan made from scratch. `keep_assignees` pins
    planned items to a counted assignee too (what following the manual assignees would
    give). `capacity`, when given, is `team.calendar.capacities` of the team (saves working it
    out again).
    """
    index = {p.id: n for n, p in enumerate(team)}
    if capacity is None:
        capacity = capacities(team, calendar, list(areas), calendar.horizon_weeks)
    clock = _Clock(capacity, own_capacity(Person(0, 1.0), calendar, capacity.shape[1]))
    inverse = np.array(
        [
            [
                1.0 / s if s > 0 else math.inf
                for s in (_speed(p, a, velocities, points_per_week) for p in team)
            ]
            for a in areas
        ]
    ).reshape(len(areas), len(team))
    area_index = {a: n for n, a in enumerate(areas)}
    ordered = sorted(tickets, key=lambda t: t.id)
    unplanned, kept = _plannable(ordered, area_index, inverse, clock, calendar, areas)
    if not kept:
        return TicketPlan((), 0.0, 0.0, 0.0, 0.0, 0.0, True, "none", tuple(unplanned))

    def pin_of(t: Ticket) -> int:
        if t.assignee is None or t.assignee not in index:
            return -1
        if t.in_progress or keep_assignees:
            return index[t.assignee]
        return -1

    problem = _Problem(
        clock=clock,
        inverse=inverse,
        area=np.array([area_index[t.area] for t in kept], dtype=np.intp),
        points=np.array([t.points for t in kept], dtype=float),
        pinned=np.array([pin_of(t) for t in kept], dtype=np.intp),
    )
    overdue = _unfinishable_pins(problem, kept)
    problem.pinned[overdue] = -1
    # The forecast of the items free to go anywhere, each member's in-progress items taking
    # the first of their time (they come first in the queue): a lower bound on any plan, and
    # with nothing in progress the forecast T of MODEL.md.
    demand = {a: 0.0 for a in areas}
    everything = {a: 0.0 for a in areas}
    for t, pin in zip(kept, problem.pinned.tolist(), strict=True):
        everything[t.area] += t.points
        if pin < 0:
            demand[t.area] += t.points
    speeds = [{a: _speed(p, a, velocities, 1.0) for a in areas} for p in team]
    pinned = _pinned_load(problem)
    after_pins = _after(capacity, pinned) if pinned.any() else capacity
    free_forecast = forecast_in_time(speeds, after_pins, demand, points_per_week).weeks
    forecast = (  # MODEL.md's T: all of it divisible, nothing kept with anyone
        forecast_in_time(speeds, capacity, everything, points_per_week).weeks
        if pinned.any()
        else free_forecast
    )
    item_bound = _item_bound(problem)
    bound = max(forecast, free_forecast, item_bound)

    baseline = _greedy(problem)
    baseline_weeks = problem.finish(baseline)
    candidates = [baseline]
    weeks = _allocation(speeds, after_pins, demand, free_forecast, points_per_week, areas)
    problem.weeks = weeks
    if weeks is not None:
        candidates.append(_budgeted(problem, weeks))
    best = min((_improve(problem, c) for c in candidates), key=problem.finish)
    fresh = problem.finish(best)
    # A plan that reaches the lower bound is optimal; otherwise small instances are solved.
    proven = fresh <= bound * (1 + EPSILON) + EPSILON
    method = "search"
    if not proven and _small(problem):
        exact = _exact(problem, bound, fresh, best)
        if exact is not None:
            assign, proven = exact
            if problem.finish(assign) <= fresh + EPSILON:
                best, fresh, method = assign, problem.finish(assign), "exact"

    chosen, moved_from = best, np.full(len(kept), -2, dtype=np.intp)
    if published:
        moved_from = np.array(
            [index.get(published.get(t.id, -1), -1) if t.id in published else -2 for t in kept],
            dtype=np.intp,
        )
        chosen = _stable(problem, best, fresh, moved_from)

    items = _queues(problem, kept, team, chosen, moved_from, index, set(overdue.tolist()))
    moved = sum(1 for t in items if t.moved)
    return TicketPlan(
        items=items,
        finish_weeks=problem.finish(chosen),
        forecast_weeks=forecast,
        item_bound_weeks=item_bound,
        free_forecast_weeks=free_forecast,
        baseline_weeks=baseline_weeks,
        fresh_weeks=fresh,
        proven_optimal=proven and np.array_equal(chosen, best),
        method=method,
        unplanned=tuple(unplanned),
        moved=moved,
    )


def _after(capacity: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Each member's capacity week by week once `load` full-time weeks of it are used up."""
    cum = np.concatenate([np.zeros((len(capacity), 1)), np.cumsum(capacity, axis=1)], axis=1)
    left = np.maximum(cum - load[:, None], 0.0)
    return np.diff(left, axis=1)


def _unfinishable_pins(problem: _Problem, tickets: Sequence[Ticket]) -> np.ndarray:
    """Pinned items their member cannot finish within the horizon (in their queue's order:
    in-progress items first, by id): they are planned like any other and flagged, since a plan
    that never finishes helps no one (a departure before the work is done, say)."""
    pinned = np.flatnonzero(problem.pinned >= 0)
    if len(pinned) == 0:
        return pinned
    order = sorted(
        pinned.tolist(),
        key=lambda i: (problem.pinned[i], not tickets[i].in_progress, tickets[i].id),
    )
    who = problem.pinned[order]
    sizes = problem.points[order] * problem.inverse[problem.area[order], who]
    done = np.zeros(len(order))
    loads = np.zeros(problem.inverse.shape[1])
    for k in range(len(order)):  # a running load per member
        loads[who[k]] += sizes[k]
        done[k] = loads[who[k]]
    late = ~np.isfinite(problem.clock.finish(who, done))
    return np.array(sorted(np.array(order)[late].tolist()), dtype=np.intp)


def _speed(person: Person, area: str, velocities: Sequence[float], points_per_week: float) -> float:
    return points_per_week * velocity_at(person.levels.get(area, 0.0), velocities)


def _plannable(
    tickets: Sequence[Ticket],
    area_index: Mapping[str, int],
    inverse: np.ndarray,
    clock: _Clock,
    calendar: Calendar,
    areas: Sequence[str],
) -> tuple[list[Unplanned], list[Ticket]]:
    """The items someone can finish alone within the horizon, and the others with a reason."""
    unplanned: list[Unplanned] = []
    fastest: dict[tuple[int, float], float] = {}
    members = inverse.shape[1]
    result: list[Ticket] = []
    for t in tickets:
        a = area_index.get(t.area)
        if a is None:
            unplanned.append(Unplanned(t.id, f"its area '{t.area}' is not one of the team's"))
            continue
        if members == 0:
            unplanned.append(Unplanned(t.id, "no one is on the team"))
            continue
        if not np.isfinite(inverse[a]).any():
            unplanned.append(Unplanned(t.id, f"no one on the team can work in {areas[a]}"))
            continue
        key = (a, t.points)
        if key not in fastest:
            fastest[key] = float(
                clock.finish(np.arange(members), t.points * inverse[a]).min(initial=math.inf)
            )
        if not math.isfinite(fastest[key]):
            unplanned.append(
                Unplanned(
                    t.id,
                    "no one could finish it within the horizon of "
                    + (
                        "1 week"
                        if calendar.horizon_weeks == 1
                        else f"{calendar.horizon_weeks} weeks"
                    ),
                )
            )
            continue
        result.append(t)
    return unplanned, result


def _item_bound(problem: _Problem) -> float:
    """The longest of the items' least times alone on their fastest member, and of the
    members' times for the items pinned to them (in progress: they stay)."""
    members = problem.inverse.shape[1]
    best = float(problem.clock.finish_all(_pinned_load(problem)).max(initial=0.0))
    for a, q in {(int(a), float(q)) for a, q in zip(problem.area, problem.points, strict=True)}:
        alone = problem.clock.finish(np.arange(members), q * problem.inverse[a]).min()
        best = max(best, float(alone))
    return best


def _order(problem: _Problem) -> np.ndarray:
    """Free items largest first (points, then the lower id: items are in id order)."""
    free = np.flatnonzero(problem.pinned < 0)
    return free[np.lexsort((free, -problem.points[free]))]


def _greedy(problem: _Problem) -> np.ndarray:
    """The baseline: largest item first, each to the member who would finish it earliest
    (finishes within `EPSILON` tie; ties to the member listed first)."""
    assign = problem.pinned.copy()
    loads = _pinned_load(problem)
    clock = problem.clock
    choices = [_choices(problem, a) for a in range(problem.inverse.shape[0])]
    for i in _order(problem).tolist():
        a, q = int(problem.area[i]), float(problem.points[i])
        p, when = _earliest(clock, loads, q, choices[a])
        if not math.isfinite(when):  # past the horizon for everyone: the least overflow
            sizes = problem.sizes(i)
            p = int(np.argmin(loads + sizes - clock.total))
        assign[i] = p
        loads[p] += q * problem.inverse[a, p]
    return assign


_Choices = tuple[np.ndarray, np.ndarray, np.ndarray, _RowSet, np.ndarray]


def _choices(problem: _Problem, area: int) -> _Choices:
    """Who may take an item of `area` (who can work in it), split into the members of the
    common calendar and the others, with their weeks per point (the former also over their
    fte)."""
    clock = problem.clock
    inverse = problem.inverse[area]
    can = np.isfinite(inverse)
    plain = np.flatnonzero(can & clock.plain)
    others = np.flatnonzero(can & ~clock.plain)
    return plain, inverse[plain], clock.scale[plain], _RowSet(clock, others), inverse[others]


def _earliest(
    clock: _Clock, loads: np.ndarray, points: float, choices: _Choices
) -> tuple[int, float]:
    """The member (index) among `choices` who would finish an item of `points` earliest, and
    when (inf when no one can within the horizon). Finishes within `EPSILON` tie, and a tie
    goes to the member listed first, so that float noise never decides."""
    plain, plain_inverse, scale, others, other_inverse = choices
    best, when = -1, math.inf
    if len(plain):
        ratio = (loads[plain] + points * plain_inverse) / scale
        low = float(ratio.min())
        # the shape's slope is at most 1, so a finish within EPSILON is a ratio within it
        near = np.flatnonzero(ratio <= low + EPSILON)
        if len(near) == 1:
            best, when = int(plain[near[0]]), clock.plain_finish_one(low - NOISE / scale[near[0]])
        else:
            finish = clock._plain_finish(np.maximum(ratio[near] - NOISE / scale[near], 0.0))
            k = int(np.flatnonzero(finish <= finish.min() + EPSILON)[0])
            best, when = int(plain[near[k]]), float(finish[k])
    if len(others.members):
        finish = others.finish(loads[others.members] + points * other_inverse)
        least = float(finish.min())
        if least <= when + EPSILON:
            k = int(np.flatnonzero(finish <= least + EPSILON)[0])
            q = int(others.members[k])
            if least < when - EPSILON or q < best or best < 0:
                best, when = q, float(finish[k])
    return (best, when) if math.isfinite(when) else (-1, math.inf)


def _allocation(
    speeds: Sequence[Mapping[str, float]],
    capacity: np.ndarray,
    demand: Mapping[str, float],
    forecast: float,
    points_per_week: float,
    areas: Sequence[str],
) -> np.ndarray | None:
    """Areas x members: the full-time weeks the forecast's plan at T (the one using the fewest
    weeks) gives each member in each area; None where T is 0 or infinite."""
    if not (0 < forecast < math.inf):
        return None
    plans = plan_at(speeds, capacity, demand, forecast, points_per_week)
    return np.array([[plan.get(a, 0.0) for plan in plans] for a in areas], dtype=float)


def _budgeted(problem: _Problem, weeks: np.ndarray, prefer: np.ndarray | None = None) -> np.ndarray:
    """The forecast's plan rounded to whole items: each area's items, largest first, to the
    member with the most of their weeks in that area left after taking it (`weeks` is the
    plan of the free items, after the pinned ones). It plays to strengths as the forecast
    does; the improving search then evens out what rounding left over.

    With `prefer` (a member index per item, -1 for none), an item first goes to that member
    while they have its size left in its area: the published plan kept where the forecast
    still has its member in that area."""
    assign = problem.pinned.copy()
    left = weeks.copy()
    usable = [
        np.flatnonzero((weeks[a] > EPSILON) & np.isfinite(problem.inverse[a]))
        for a in range(len(weeks))
    ]
    for a, members in enumerate(usable):
        if len(members) == 0:
            usable[a] = np.flatnonzero(np.isfinite(problem.inverse[a]))
    order = _order(problem).tolist()
    if prefer is not None:
        for i in order:
            a, p = int(problem.area[i]), int(prefer[i])
            if p >= 0:
                need = problem.points[i] * problem.inverse[a, p]
                if left[a, p] >= need - EPSILON:
                    assign[i] = p
                    left[a, p] -= need
    for i in order:
        if assign[i] >= 0:
            continue
        a = int(problem.area[i])
        members = usable[a]
        after = left[a, members] - problem.points[i] * problem.inverse[a, members]
        k = int(np.argmax(after))
        p = int(members[k])
        assign[i] = p
        left[a, p] = after[k]
    return assign


def _improve(problem: _Problem, assign: np.ndarray) -> np.ndarray:
    """Moves, then swaps, of the last-finishing member's items while the finish improves."""
    assign = assign.copy()
    clock = problem.clock
    members = problem.inverse.shape[1]
    everyone = np.arange(members)
    loads = problem.loads(assign)
    finish = clock.extended(everyone, loads)
    free = problem.pinned < 0
    steps = SEARCH_STEPS * (members + len(assign))
    for _ in range(steps):
        p = int(np.argmax(finish))
        now = float(finish[p])
        mine = np.flatnonzero((assign == p) & free)
        if len(mine) == 0:
            break
        best: tuple[float, int, int, int] | None = None  # (value, item, to, swapped with)
        seen: set[tuple[int, float]] = set()
        for i in mine.tolist():
            key = (int(problem.area[i]), float(problem.points[i]))
            if key in seen:
                continue
            seen.add(key)
            sizes = problem.sizes(i)
            after_p = clock.extended_one(p, loads[p] - sizes[p])
            there = clock.extended(everyone, loads + sizes)
            there[p] = math.inf
            q = int(np.argmin(there))
            value = max(after_p, float(there[q]))
            if value < now - EPSILON and (best is None or value < best[0] - EPSILON):
                best = (value, i, q, -1)
        if best is None:
            best = _best_swap(problem, assign, loads, p, mine, now)
        if best is None:
            break
        _apply(problem, assign, loads, finish, p, best)
    return assign


def _best_swap(
    problem: _Problem,
    assign: np.ndarray,
    loads: np.ndarray,
    p: int,
    mine: np.ndarray,
    now: float,
) -> tuple[float, int, int, int] | None:
    """The swap of one of p's items with another member's item that most lowers the later of
    their two finishes below `now`, if any."""
    others = np.flatnonzero((assign != p) & (problem.pinned < 0))
    if len(others) == 0:
        return None
    clock = problem.clock
    q = assign[others]
    inv = problem.inverse
    own_j = problem.points[others] * inv[problem.area[others], q]  # j's size for its member
    j_on_p = problem.points[others] * inv[problem.area[others], p]
    best: tuple[float, int, int, int] | None = None
    seen: set[tuple[int, float]] = set()
    for i in mine.tolist():
        key = (int(problem.area[i]), float(problem.points[i]))
        if key in seen:
            continue
        seen.add(key)
        i_on_p = problem.size(i, p)
        i_on_q = problem.points[i] * inv[problem.area[i], q]
        load_p = loads[p] - i_on_p + j_on_p
        load_q = loads[q] - own_j + i_on_q
        useful = (load_p < loads[p] - EPSILON) & np.isfinite(load_q) & np.isfinite(load_p)
        if not useful.any():
            continue
        at = np.flatnonzero(useful)
        after_p = clock.extended(np.full(len(at), p), load_p[at])
        after_q = clock.extended(q[at], load_q[at])
        value = np.maximum(after_p, after_q)
        k = int(np.argmin(value))
        if value[k] < now - EPSILON and (best is None or value[k] < best[0] - EPSILON):
            best = (float(value[k]), i, int(q[at[k]]), int(others[at[k]]))
    return best


def _small(problem: _Problem) -> bool:
    """Whether the whole-team programmes are small enough to solve: at most `EXACT_PAIRS`
    (kind of item, member) pairs."""
    kinds = _Kinds(problem, np.flatnonzero(problem.pinned < 0))
    return int(np.isfinite(kinds.size).sum()) <= EXACT_PAIRS


class _Kinds:
    """Items grouped by area and points: within a kind every member takes the same time for
    each, so a programme needs only how many of a kind each member takes (integer counts),
    not which; `items[k]` are the kind's items in id order."""

    def __init__(self, problem: _Problem, items: np.ndarray):
        keys = list(zip(problem.area[items].tolist(), problem.points[items].tolist(), strict=True))
        index: dict[tuple[int, float], int] = {}
        of_item = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.intp)
        self.items = [items[of_item == k] for k in range(len(index))]
        self.count = np.array([len(group) for group in self.items], dtype=float)
        areas = np.array([k[0] for k in index], dtype=np.intp)
        points = np.array([k[1] for k in index], dtype=float)
        self.size = points[:, None] * problem.inverse[areas]  # kinds x members

    def __len__(self) -> int:
        return len(self.items)


def _count_programme(
    kinds: _Kinds,
    members: np.ndarray,
    capacity: np.ndarray,
    *,
    during: np.ndarray | None = None,
    kept: np.ndarray | None = None,
    nodes: int,
    improving: int | None = None,
    gap: float = 0.0,
) -> tuple[np.ndarray | None, str]:
    """How many items of each kind each of `members` takes (kinds x members), with each
    member's load within `capacity` (+ tau * `during`, tau in [0, 1] minimised, when given),
    every item taken once; with `kept` (kinds x members: published items of the kind that
    member had), the plan keeping the most of them. See `team.mip.solve_mip` for the status."""
    sizes = kinds.size[:, members]
    pairs = np.argwhere(np.isfinite(sizes))  # (kind, member position)
    n = len(pairs)
    tau = during is not None
    extra = len(pairs) if kept is not None else 0
    width = n + extra + (1 if tau else 0)
    once = coo_matrix((np.ones(n), (pairs[:, 0], np.arange(n))), shape=(len(kinds), width))
    rows_l = pairs[:, 1].tolist()
    cols_l = list(range(n))
    vals = sizes[pairs[:, 0], pairs[:, 1]].tolist()
    if tau:
        rows_l += list(range(len(members)))
        cols_l += [width - 1] * len(members)
        vals += (-np.asarray(during)).tolist()
    load = coo_matrix((vals, (rows_l, cols_l)), shape=(len(members), width))
    rows = [
        (once, kinds.count, kinds.count),
        (load, np.full(len(members), -np.inf), capacity - NOISE),
    ]
    cost = np.zeros(width)
    upper = np.concatenate([kinds.count[pairs[:, 0]], np.zeros(width - n)])
    integer = np.zeros(width, dtype=bool)
    integer[:n] = True
    if kept is not None:
        # z <= n and z <= kept: z counts the kept items; maximise them
        link = coo_matrix(
            (
                np.concatenate([np.ones(n), -np.ones(n)]),
                (np.tile(np.arange(n), 2), np.concatenate([n + np.arange(n), np.arange(n)])),
            ),
            shape=(n, width),
        )
        rows.append((link, np.full(n, -np.inf), np.zeros(n)))
        upper[n : n + n] = kept[pairs[:, 0], pairs[:, 1]]
        cost[n : n + n] = -1.0
    if tau:
        upper[width - 1] = 1.0
        cost[width - 1] = 1.0
    x, status = solve_mip(
        cost, rows, integer, upper, nodes, MIP_ITERATIONS, improving=improving, gap=gap
    )
    if x is None:
        return None, status
    counts = np.zeros(sizes.shape)
    counts[pairs[:, 0], pairs[:, 1]] = np.round(x[:n])
    if tau:
        counts = np.vstack([counts, np.full((1, counts.shape[1]), x[width - 1])])
    return counts, status


def _from_counts(
    kinds: _Kinds, members: np.ndarray, counts: np.ndarray, assign: np.ndarray, prefer: np.ndarray
) -> np.ndarray:
    """Items for the counts: each member first keeps the items of the kind `prefer` gives
    them, the rest go in id order to the members still owed some, in the team's order."""
    result = assign.copy()
    for k, group in enumerate(kinds.items):
        owed = counts[k].astype(int).copy()
        placed = np.zeros(len(group), dtype=bool)
        for n, i in enumerate(group.tolist()):
            hits = np.flatnonzero(members == prefer[i])
            if len(hits) and owed[hits[0]] > 0:
                result[i] = prefer[i]
                owed[hits[0]] -= 1
                placed[n] = True
        slots = np.repeat(np.arange(len(members)), owed)
        result[group[~placed]] = members[slots[: int((~placed).sum())]]
    return result


def _exact(
    problem: _Problem, bound: float, upper: float, prefer: np.ndarray
) -> tuple[np.ndarray, bool] | None:
    """The least finish by mixed-integer programming over counts of each kind of item, week
    by week from the bound (None when a programme stops at its limits before answering)."""
    free = np.flatnonzero(problem.pinned < 0)
    if len(free) == 0:
        return problem.pinned.copy(), True
    kinds = _Kinds(problem, free)
    clock = problem.clock
    members = np.arange(problem.inverse.shape[1])
    pinned = _pinned_load(problem)
    first = max(int(math.floor(bound)), 0)
    last = min(int(math.ceil(upper)), clock.weeks) if math.isfinite(upper) else clock.weeks
    for week in range(first, last):
        counts, status = _count_programme(
            kinds,
            members,
            clock.cum[:, week] - pinned,
            during=clock.rate[:, week],
            nodes=EXACT_NODES,
        )
        if status == "infeasible":  # the optimum is in a later week
            continue
        if counts is None:
            return None
        assign = _from_counts(kinds, members, counts[:-1], problem.pinned.copy(), prefer)
        return assign, status == "optimal"
    return None


def _kept(
    kinds: _Kinds, members: np.ndarray, published: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """Kinds x members: how many of the kind's items that member had in the published plan."""
    kept = np.zeros((len(kinds), len(members)))
    position = {m: n for n, m in enumerate(members.tolist())}
    for k, group in enumerate(kinds.items):
        for i in group[keep[group]].tolist():
            n = position.get(int(published[i]))
            if n is not None:
                kept[k, n] += 1
    return kept


def _fewest_moves(
    problem: _Problem, published: np.ndarray, keep: np.ndarray, allowed: float
) -> np.ndarray | None:
    """Exactly the fewest published items moved with every member finishing by `allowed`."""
    free = np.flatnonzero(problem.pinned < 0)
    if len(free) == 0:
        return problem.pinned.copy()
    kinds = _Kinds(problem, free)
    members = np.arange(problem.inverse.shape[1])
    capacity = _capacity_at(problem.clock, allowed) - _pinned_load(problem)
    counts, _ = _count_programme(
        kinds, members, capacity, kept=_kept(kinds, members, published, keep), nodes=EXACT_NODES
    )
    if counts is None:
        return None
    prefer = np.where(keep, published, -1)
    return _from_counts(kinds, members, counts, problem.pinned.copy(), prefer)


# The members a stuck repair re-plans exactly: those past the limit and the most free others.
NEIGHBOURHOOD = (6, 12, 24)


def _neighbourhood(
    problem: _Problem,
    assign: np.ndarray,
    published: np.ndarray,
    keep: np.ndarray,
    allowed: float,
) -> np.ndarray | None:
    """Re-plan the items of the members who finish past `allowed` together with those of the
    members with the most time left by then, exactly (the most published items kept, every
    one of them done by `allowed`), by mixed-integer programming over counts of each kind of
    item on that part of the team; None when there is no such re-plan there."""
    clock = problem.clock
    loads = problem.loads(assign)
    finish = clock.extended(np.arange(len(loads)), loads)
    over = np.flatnonzero(finish > allowed)
    if len(over) == 0:
        return assign
    room = _capacity_at(clock, allowed) - loads
    room[over] = -np.inf
    free = problem.pinned < 0
    pinned = _pinned_load(problem)
    prefer = np.where(keep, published, assign)
    for width in NEIGHBOURHOOD:
        others = np.argsort(-room, kind="stable")[:width]
        members = np.unique(np.concatenate([over, others[np.isfinite(room[others])]]))
        items = np.flatnonzero(np.isin(assign, members) & free)
        if len(items) == 0:
            return None
        kinds = _Kinds(problem, items)
        capacity = _capacity_at(clock, allowed)[members] - pinned[members]
        counts, _ = _count_programme(
            kinds,
            members,
            capacity,
            kept=_kept(kinds, members, published, keep),
            nodes=NEIGHBOURHOOD_NODES,
            improving=NEIGHBOURHOOD_SOLUTIONS,
            gap=NEIGHBOURHOOD_GAP,
        )
        if counts is not None:
            fixed = _from_counts(kinds, members, counts, assign, prefer)
            if problem.finish(fixed) <= allowed:
                return fixed
        if width >= len(loads):
            break
    return None


def _pinned_load(problem: _Problem) -> np.ndarray:
    """Each member's summed sizes of the items pinned to them."""
    return problem.loads(problem.pinned)


def _stable(
    problem: _Problem, fresh: np.ndarray, fresh_weeks: float, published: np.ndarray
) -> np.ndarray:
    """The plan that keeps the most published assignments among those finishing within
    `STABLE_WITHIN` of the plan made from scratch (`published`: member index per item, -1
    where that member is not counted, -2 where the item was not published)."""
    if not math.isfinite(fresh_weeks):
        return fresh
    allowed = fresh_weeks * (1 + STABLE_WITHIN) + EPSILON
    free = problem.pinned < 0
    keep = free & (published >= 0)
    options = [fresh]
    starts = [_kept_then_greedy(problem, published, keep, allowed)]
    if problem.weeks is not None:
        # the forecast's plan with room up to `allowed`, the published items first
        room = _capacity_at(problem.clock, allowed) / np.maximum(problem.weeks.sum(axis=0), EPSILON)
        prefer = np.where(keep, published, -1)
        starts.append(_budgeted(problem, problem.weeks * np.maximum(room, 1.0), prefer))
    for start in starts:
        if start is not None:
            repaired, done = _repair(problem, start, published, keep, allowed)
            if not done:  # stuck: re-plan a few members exactly, else walk to the fresh plan
                fixed = _neighbourhood(problem, repaired, published, keep, allowed)
                if fixed is not None:
                    repaired = fixed
                else:
                    repaired = _relink(problem, repaired, fresh, published, keep, allowed)
            options.append(_restore(problem, repaired, published, keep, allowed))
    if _small(problem):
        exact = _fewest_moves(problem, published, keep, allowed)
        if exact is not None:
            options.append(exact)

    def moves(assign: np.ndarray) -> int:
        return int(((published >= 0) & (assign != published) & free).sum())

    fine = [a for a in options if problem.finish(a) <= allowed]
    return min(fine, key=lambda a: (moves(a), problem.finish(a)))


def _kept_then_greedy(
    problem: _Problem, published: np.ndarray, keep: np.ndarray, allowed: float
) -> np.ndarray | None:
    """The published assignments kept, the rest placed largest first on whoever takes the
    least time for it among those who still finish by `allowed` (where it costs the team the
    least), else where it finishes earliest (None when something cannot be finished within
    the horizon)."""
    clock = problem.clock
    everyone = np.arange(problem.inverse.shape[1])
    assign = np.where(keep, published, problem.pinned)
    loads = problem.loads(assign)
    rest = np.flatnonzero(assign < 0)
    rest = rest[np.lexsort((rest, -problem.points[rest]))]
    for i in rest.tolist():
        sizes = problem.sizes(i)
        finish = clock.finish(everyone, loads + sizes)
        fits = np.flatnonzero(finish <= allowed)
        if len(fits):
            p = int(fits[np.lexsort((fits, finish[fits], sizes[fits]))[0]])
        else:
            p = int(np.argmin(finish))
        if not math.isfinite(finish[p]):
            return None
        assign[i] = p
        loads[p] += sizes[p]
    return assign


def _repair(
    problem: _Problem,
    start: np.ndarray,
    published: np.ndarray,
    keep: np.ndarray,
    allowed: float,
) -> tuple[np.ndarray, bool]:
    """From `start`, move items off whoever finishes past `allowed`: items already moved or
    new first, then the largest; and whether every member then finishes by `allowed` (False:
    it got stuck, and this is where)."""
    clock = problem.clock
    members = problem.inverse.shape[1]
    everyone = np.arange(members)
    assign = start.copy()
    loads = problem.loads(assign)
    finish = clock.extended(everyone, loads)
    free = problem.pinned < 0
    for _ in range(SEARCH_STEPS * (members + len(assign))):
        p = int(np.argmax(finish))
        now = float(finish[p])
        if now <= allowed:
            return assign, True
        mine = np.flatnonzero((assign == p) & free)
        if len(mine) == 0:
            return assign, False
        # a move that lands within `allowed`: items that cost no move first (new, or moved
        # already), then the largest; else the best swap, else the move that most lowers the
        # later of the two finishes (the other member is repaired in turn)
        kept_here = keep[mine] & (published[mine] == p)
        order = mine[
            np.lexsort(
                (mine, -problem.points[mine] * problem.inverse[problem.area[mine], p], kept_here)
            )
        ]
        step: tuple[float, int, int, int] | None = None
        fallback: tuple[float, int, int, int] | None = None
        for i in order.tolist():
            sizes = problem.sizes(i)
            there = clock.extended(everyone, loads + sizes)
            there[p] = math.inf
            q = int(np.argmin(there))
            if there[q] <= allowed:
                step = (float(there[q]), i, q, -1)
                break
            after_p = clock.extended_one(p, loads[p] - sizes[p])
            value = max(after_p, float(there[q]))
            if value < now - EPSILON and (fallback is None or value < fallback[0] - EPSILON):
                fallback = (value, i, q, -1)
        if step is None:
            chain = _chain(problem, assign, loads, p, order, published, keep, allowed)
            if chain is not None:
                (i, q), (j, r) = chain
                _apply(problem, assign, loads, finish, p, (0.0, i, q, -1))
                _apply(problem, assign, loads, finish, q, (0.0, j, r, -1))
                continue
            step = _best_swap(problem, assign, loads, p, mine, now) or fallback
        if step is None:
            return assign, False
        _apply(problem, assign, loads, finish, p, step)
    return assign, False


# How many members, the quickest at an item first, a chain of two moves tries to make room on.
CHAIN_WIDTH = 64


def _chain(
    problem: _Problem,
    assign: np.ndarray,
    loads: np.ndarray,
    p: int,
    order: np.ndarray,
    published: np.ndarray,
    keep: np.ndarray,
    allowed: float,
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Two moves that take an item i off p: i to q, who would then finish past `allowed`, and
    one of q's items j to r, after which q and r both finish by `allowed`. The cheapest in
    moves first (items new or moved already cost none), then the least time for the team."""
    clock = problem.clock
    members = problem.inverse.shape[1]
    everyone = np.arange(members)
    free = problem.pinned < 0

    def cost(item: int, member: int) -> int:
        return int(keep[item] and published[item] == member)

    best: tuple[tuple[int, float], tuple[tuple[int, int], tuple[int, int]]] | None = None
    seen: set[tuple[int, float, int]] = set()
    for i in order.tolist():
        key = (int(problem.area[i]), float(problem.points[i]), cost(i, p))
        if key in seen:
            continue
        seen.add(key)
        si = problem.sizes(i)
        ranked = [q for q in np.argsort(si, kind="stable").tolist() if q != p]
        for q in ranked[:CHAIN_WIDTH]:
            if not math.isfinite(si[q]):
                break
            load_q = loads[q] + si[q]
            theirs = np.flatnonzero((assign == q) & free)
            done: set[tuple[int, float, int]] = set()
            for j in theirs.tolist():
                kj = (int(problem.area[j]), float(problem.points[j]), cost(j, q))
                if kj in done:
                    continue
                done.add(kj)
                sj = problem.sizes(j)
                if clock.extended_one(q, load_q - sj[q]) > allowed:
                    continue
                there = clock.extended(everyone, loads + sj)
                there[[p, q]] = math.inf
                fits = np.flatnonzero(there <= allowed)
                if len(fits) == 0:
                    continue
                r = int(fits[np.lexsort((fits, sj[fits]))[0]])
                score = (key[2] + kj[2], float(si[q] + sj[r] - si[p] - sj[q]))
                if best is None or score < best[0]:
                    best = (score, ((i, q), (j, r)))
    return None if best is None else best[1]


def _restore(
    problem: _Problem,
    assign: np.ndarray,
    published: np.ndarray,
    keep: np.ndarray,
    allowed: float,
) -> np.ndarray:
    """Move items back to their published member wherever both still finish by `allowed`
    (largest first, in passes until none moves); a plan past `allowed` is left as it is."""
    clock = problem.clock
    assign = assign.copy()
    loads = problem.loads(assign)
    finish = clock.extended(np.arange(len(loads)), loads)
    if finish.max(initial=0.0) > allowed:
        return assign
    for _ in range(len(assign)):
        away = np.flatnonzero(keep & (assign != published))
        if len(away) == 0:
            break
        away = away[np.lexsort((away, -problem.points[away]))]
        home = published[away]
        back = problem.points[away] * problem.inverse[problem.area[away], home]
        fits = clock.extended(home, loads[home] + back) <= allowed
        if not fits.any():
            break
        moved = False
        for k in np.flatnonzero(fits).tolist():  # loads change as items go back: check again
            i, p, q = int(away[k]), int(home[k]), int(assign[away[k]])
            if clock.extended_one(p, loads[p] + back[k]) <= allowed:
                _apply(problem, assign, loads, finish, q, (0.0, i, p, -1))
                moved = True
        if not moved:
            break
    return assign


def _relink(
    problem: _Problem,
    start: np.ndarray,
    target: np.ndarray,
    published: np.ndarray,
    keep: np.ndarray,
    allowed: float,
) -> np.ndarray:
    """Walk from `start` towards `target` (the fresh plan, within `allowed`) one item at a
    time, each time moving one of the latest member's items to its member in `target`, the
    cheapest in moves first, then the one that lowers the later of the two finishes most;
    stop as soon as everyone finishes by `allowed`. It always gets there: the latest member
    past `allowed` holds an item `target` gives someone else (else their load would be at most
    theirs in `target`), and no item moves twice."""
    clock = problem.clock
    assign = start.copy()
    loads = problem.loads(assign)
    finish = clock.extended(np.arange(len(loads)), loads)
    free = problem.pinned < 0
    for _ in range(len(assign) + 1):
        p = int(np.argmax(finish))
        now = float(finish[p])
        if now <= allowed:
            break
        mine = np.flatnonzero((assign == p) & free & (target != p))
        if len(mine) == 0:
            return target.copy()
        q = target[mine]
        own = problem.points[mine] * problem.inverse[problem.area[mine], p]
        there = problem.points[mine] * problem.inverse[problem.area[mine], q]
        after_p = clock.extended(np.full(len(mine), p), loads[p] - own)
        after_q = clock.extended(q, loads[q] + there)
        cost = np.where(keep[mine] & (published[mine] == p), 1, 0) - np.where(
            keep[mine] & (published[mine] == q), 1, 0
        )
        k = int(np.lexsort((mine, np.maximum(after_p, after_q), cost))[0])
        _apply(problem, assign, loads, finish, p, (0.0, int(mine[k]), int(q[k]), -1))
    return assign


def _apply(
    problem: _Problem,
    assign: np.ndarray,
    loads: np.ndarray,
    finish: np.ndarray,
    p: int,
    step: tuple[float, int, int, int],
) -> None:
    """Move item i from p to q (and item j, when not -1, from q to p), in place."""
    _, i, q, j = step
    si = problem.sizes(i)
    loads[p] -= si[p]
    loads[q] += si[q]
    assign[i] = q
    if j >= 0:
        sj = problem.sizes(j)
        loads[q] -= sj[q]
        loads[p] += sj[p]
        assign[j] = p
    loads[p] = max(loads[p], 0.0)
    finish[[p, q]] = problem.clock.extended(np.array([p, q]), loads[[p, q]])


def _capacity_at(clock: _Clock, weeks: float) -> np.ndarray:
    """`C[p](weeks)` for every member."""
    whole = min(int(math.floor(weeks)), clock.weeks)
    result = clock.cum[:, whole].copy()
    if whole < clock.weeks:
        result += (weeks - whole) * clock.rate[:, whole]
    return result


def _queues(
    problem: _Problem,
    tickets: Sequence[Ticket],
    team: Sequence[Person],
    assign: np.ndarray,
    published: np.ndarray,
    index: Mapping[int, int],
    overdue: set[int],
) -> tuple[PlannedTicket, ...]:
    """Each member's items in the order they take them (pinned in-progress items first, then
    by id), with start and finish times."""
    n = len(tickets)
    ids = np.array([t.id for t in tickets], dtype=np.int64)
    first = np.array(
        [problem.pinned[i] >= 0 and tickets[i].in_progress for i in range(n)], dtype=bool
    )
    order = np.lexsort((ids, ~first, assign))
    who = assign[order]
    sizes = problem.points[order] * problem.inverse[problem.area[order], who]
    done = np.cumsum(sizes)
    new_member = np.concatenate([[True], who[1:] != who[:-1]])
    offset = np.maximum.accumulate(np.where(new_member, done - sizes, 0.0))
    after = done - offset
    before = after - sizes
    starts = problem.clock.start(who, before)
    finishes = problem.clock.finish(who, after)
    result: list[PlannedTicket] = []
    for k, i in enumerate(order.tolist()):
        t = tickets[i]
        p = int(who[k])
        left = t.in_progress and t.assignee is not None and t.assignee not in index
        reason = "assignee_left" if left else "assignee_cannot_finish" if i in overdue else ""
        result.append(
            PlannedTicket(
                item_id=t.id,
                member_id=team[p].id,
                personal_weeks=float(sizes[k]),
                start_weeks=float(starts[k]),
                finish_weeks=float(finishes[k]),
                pinned=bool(problem.pinned[i] >= 0),
                flagged=bool(reason),
                moved=bool(published[i] != -2 and published[i] != p),
                flag_reason=reason,
            )
        )
    return tuple(result)
