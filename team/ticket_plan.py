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

- small instances are solved exactly: for each whole week w from the lower bound on, a
  mixed-integer programme (HiGHS, through `scipy.optimize.milp`) looks for the least tau in
  [0, 1] with every member's load within `C[p](w) + tau * c[p][w]`; the first week that has one
  holds the optimum, since a plan that finishes by t finishes by any later t;
- larger ones by an improving search: the greedy "largest item first, to whoever finishes it
  earliest" (the baseline, also computed to make sure we never do worse), the same greedy kept to
  the people the forecast's linear programme puts in each area (it plays to strengths, where
  the plain greedy hands an expert engineer data tickets they happen to finish first), then
  moves and swaps of the last member's items while the finish improves.

Both lower bounds of MODEL.md come with the plan: the forecast T (the work divisible), and the
longest time any single item needs on its fastest member; `gap = finish / max(bounds) - 1`.
Every limit is a count of iterations or nodes, never a clock, so the same data gives the same plan.

A published plan (item -> member) is kept where it can be: the plan that starts from it, places
what is new or has lost its member, and moves items off anyone who would finish later than 2%
past the plan made from scratch, is taken when it finishes within those 2% (and, exactly, by a
programme that minimises the moves, where the instance is small).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from team.calendar import Calendar, Person, capacities
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    forecast_in_time,
    plan_at,
    velocity_at,
)

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
# The exact programme is tried while it has at most this many item-member pairs to choose
# from, and searches at most this many branch-and-bound nodes (a count: deterministic).
EXACT_PAIRS = 240
EXACT_NODES = 20_000
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
    forecast_weeks: float
    item_bound_weeks: float
    baseline_weeks: float
    fresh_weeks: float  # the plan made from scratch (the same as finish_weeks unless published)
    proven_optimal: bool
    method: str  # "exact", "search" or "none" (nothing to plan)
    unplanned: tuple[Unplanned, ...] = field(default=())
    moved: int = 0

    @property
    def lower_bound_weeks(self) -> float:
        """The larger of the two lower bounds: no plan finishes earlier."""
        return max(self.forecast_weeks, self.item_bound_weeks)

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

    The rows of the cumulative capacity are laid end to end, each shifted past the one before,
    so that one `np.searchsorted` answers a question for every member (a fix-up step undoes the
    rounding the shift may cause at a week's edge)."""

    def __init__(self, capacity: np.ndarray):
        self.rate = capacity
        members, weeks = capacity.shape
        self.weeks = weeks
        self.cum = np.concatenate([np.zeros((members, 1)), np.cumsum(capacity, axis=1)], axis=1)
        self.total = self.cum[:, -1]
        self._step = float(self.total.max(initial=0.0)) + 1.0
        self._offset = np.arange(members) * self._step
        self._flat = (self.cum + self._offset[:, None]).ravel()

    def _index(self, who: np.ndarray, load: np.ndarray, right: bool) -> np.ndarray:
        """Per pair, the first whole week k with cum[k] >= load (> load when `right`)."""
        side = "right" if right else "left"
        base = who * (self.weeks + 1)
        k = np.searchsorted(self._flat, load + self._offset[who], side=side) - base
        k = np.clip(k, 0, self.weeks + 1)
        for _ in range(2):  # undo the rounding of the shift, comparing unshifted values
            at = np.minimum(k, self.weeks)
            past = self.cum[who, at] > load if right else self.cum[who, at] >= load
            too_early = (k <= self.weeks) & ~past
            k = np.where(too_early, k + 1, k)
            before = np.maximum(k - 1, 0)
            prior = self.cum[who, before] > load if right else self.cum[who, before] >= load
            too_late = (k >= 1) & (k <= self.weeks + 1) & prior & (k - 1 >= 0)
            k = np.where(too_late & (k - 1 >= 0), k - 1, k)
        return k

    def finish(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        """The least f >= 0 with `C[p](f) >= load` per pair (0 for no load; inf past the
        horizon or for an infinite load)."""
        who = np.asarray(who, dtype=np.intp)
        load = np.asarray(load, dtype=float)
        result = np.zeros(load.shape)
        finite = np.isfinite(load)
        safe = np.where(finite, load, 0.0)
        k = self._index(who, safe, right=False)
        inside = finite & (safe > EPSILON * 1e-3) & (k >= 1) & (k <= self.weeks)
        week = np.maximum(k - 1, 0)
        rate = self.rate[who, np.minimum(week, self.weeks - 1)]
        low = self.cum[who, week]
        frac = np.divide(safe - low, rate, out=np.ones(load.shape), where=rate > 0)
        result = np.where(inside, week + np.clip(frac, 0.0, 1.0), result)
        result = np.where(~finite | (k > self.weeks), math.inf, result)
        return result

    def start(self, who: np.ndarray, load: np.ndarray) -> np.ndarray:
        """The latest s with `C[p](s) <= load` per pair: when work resumes after `load` full-
        time weeks are done (after an absence, at a start date); inf when it never does."""
        who = np.asarray(who, dtype=np.intp)
        load = np.asarray(load, dtype=float)
        k = self._index(who, load, right=True)
        week = np.maximum(k - 1, 0)
        rate = self.rate[who, np.minimum(week, self.weeks - 1)]
        low = self.cum[who, week]
        frac = np.divide(load - low, rate, out=np.zeros(load.shape), where=rate > 0)
        result = week + np.clip(frac, 0.0, 1.0)
        return np.where(k > self.weeks, math.inf, result)

    def finish_all(self, loads: np.ndarray) -> np.ndarray:
        """Each member's finish for a load each."""
        return self.finish(np.arange(len(loads)), loads)

    def finish_one(self, member: int, load: float) -> float:
        """One member's finish."""
        return float(self.finish(np.array([member]), np.array([load]))[0])


@dataclass
class _Problem:
    """The instance in arrays: `inverse[a][p]` = 1 / (points_per_week * speed) (inf: cannot),
    items' area index and points, and which member (index) an item is pinned to (-1: free)."""

    clock: _Clock
    inverse: np.ndarray  # areas x members
    area: np.ndarray  # per item: the area's index
    points: np.ndarray
    pinned: np.ndarray  # per item: member index, or -1

    def sizes(self, item: int) -> np.ndarray:
        """The item's personal size for every member."""
        return self.points[item] * self.inverse[self.area[item]]

    def size(self, item: int, member: int) -> float:
        return float(self.points[item] * self.inverse[self.area[item], member])

    def loads(self, assign: np.ndarray) -> np.ndarray:
        """Each member's summed personal sizes under an assignment (item -> member index)."""
        own = self.points * self.inverse[self.area, assign]
        loads = np.zeros(self.inverse.shape[1])
        np.add.at(loads, assign, own)
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
    clock = _Clock(capacity)
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
    demand = {a: 0.0 for a in areas}
    for t in kept:
        demand[t.area] += t.points
    speeds = [{a: _speed(p, a, velocities, 1.0) for a in areas} for p in team]
    forecast = forecast_in_time(speeds, capacity, demand, points_per_week).weeks
    item_bound = _item_bound(problem)
    bound = max(forecast, item_bound)

    baseline = _greedy(problem, None)
    baseline_weeks = problem.finish(baseline)
    candidates = [baseline]
    eligible = _eligible(speeds, capacity, demand, forecast, points_per_week, areas)
    if eligible is not None:
        candidates.append(_greedy(problem, eligible))
    best = min(candidates, key=problem.finish)
    best = _improve(problem, best)
    fresh = problem.finish(best)
    # A plan that reaches the lower bound is optimal; otherwise small instances are solved.
    proven = fresh <= bound * (1 + EPSILON) + EPSILON
    method = "search"
    if not proven and _small(problem):
        exact = _exact(problem, bound, fresh)
        if exact is not None:
            assign, proven = exact
            if problem.finish(assign) <= fresh + EPSILON:
                best, fresh, method = assign, problem.finish(assign), "exact"

    chosen, moved_from = best, np.full(len(kept), -1, dtype=np.intp)
    if published:
        moved_from = np.array(
            [index.get(published.get(t.id, -1), -1) if t.id in published else -2 for t in kept],
            dtype=np.intp,
        )
        chosen = _stable(problem, best, fresh, moved_from)

    items = _queues(problem, kept, team, chosen, moved_from, index)
    moved = sum(1 for t in items if t.moved)
    return TicketPlan(
        items=items,
        finish_weeks=problem.finish(chosen),
        forecast_weeks=forecast,
        item_bound_weeks=item_bound,
        baseline_weeks=baseline_weeks,
        fresh_weeks=fresh,
        proven_optimal=proven and np.array_equal(chosen, best),
        method=method,
        unplanned=tuple(unplanned),
        moved=moved,
    )


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
                    f"no one could finish it within the horizon of {calendar.horizon_weeks} weeks",
                )
            )
            continue
        result.append(t)
    return unplanned, result


def _item_bound(problem: _Problem) -> float:
    """The longest of the items' least times alone on their fastest member."""
    members = problem.inverse.shape[1]
    best = 0.0
    for a, q in {(int(a), float(q)) for a, q in zip(problem.area, problem.points, strict=True)}:
        alone = problem.clock.finish(np.arange(members), q * problem.inverse[a]).min()
        best = max(best, float(alone))
    return best


def _order(problem: _Problem) -> np.ndarray:
    """Free items largest first (points, then the lower id: items are in id order)."""
    free = np.flatnonzero(problem.pinned < 0)
    return free[np.lexsort((free, -problem.points[free]))]


def _greedy(problem: _Problem, eligible: np.ndarray | None) -> np.ndarray:
    """Largest item first, each to the member who would finish it earliest; with `eligible`
    (areas x members), only among the members the forecast puts in its area when any can."""
    assign = problem.pinned.copy()
    members = problem.inverse.shape[1]
    loads = _pinned_load(problem)
    everyone = np.arange(members)
    for i in _order(problem).tolist():
        sizes = problem.sizes(i)
        finish = problem.clock.finish(everyone, loads + sizes)
        if eligible is not None:
            allowed = eligible[problem.area[i]] & np.isfinite(finish)
            if allowed.any():
                finish = np.where(allowed, finish, math.inf)
        p = int(np.argmin(finish))
        if not math.isfinite(finish[p]):  # past the horizon for everyone: the least overflow
            p = int(np.argmin(loads + sizes - problem.clock.total))
        assign[i] = p
        loads[p] += sizes[p]
    return assign


def _eligible(
    speeds: Sequence[Mapping[str, float]],
    capacity: np.ndarray,
    demand: Mapping[str, float],
    forecast: float,
    points_per_week: float,
    areas: Sequence[str],
) -> np.ndarray | None:
    """Areas x members: who the forecast's plan at T (the one using the fewest weeks) puts in
    each area; None where T is infinite."""
    if not (0 < forecast < math.inf):
        return None
    plans = plan_at(speeds, capacity, demand, forecast, points_per_week)
    return np.array([[plan.get(a, 0.0) > EPSILON for plan in plans] for a in areas], dtype=bool)


def _improve(problem: _Problem, assign: np.ndarray) -> np.ndarray:
    """Moves, then swaps, of the last-finishing member's items while the finish improves."""
    assign = assign.copy()
    clock = problem.clock
    members = problem.inverse.shape[1]
    everyone = np.arange(members)
    loads = problem.loads(assign)
    finish = clock.finish_all(loads)
    free = problem.pinned < 0
    steps = SEARCH_STEPS * (members + len(assign))
    for _ in range(steps):
        p = int(np.argmax(finish))
        now = float(finish[p])
        if not math.isfinite(now):
            break
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
            after_p = clock.finish_one(p, loads[p] - sizes[p])
            there = clock.finish(everyone, loads + sizes)
            there[p] = math.inf
            q = int(np.argmin(there))
            value = max(after_p, float(there[q]))
            if value < now - EPSILON and (best is None or value < best[0] - EPSILON):
                best = (value, i, q, -1)
        if best is None:
            best = _best_swap(problem, assign, loads, p, mine, now)
        if best is None:
            break
        _, i, q, j = best
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
        finish[[p, q]] = clock.finish(np.array([p, q]), loads[[p, q]])
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
        after_p = clock.finish(np.full(len(at), p), load_p[at])
        after_q = clock.finish(q[at], load_q[at])
        value = np.maximum(after_p, after_q)
        k = int(np.argmin(value))
        if value[k] < now - EPSILON and (best is None or value[k] < best[0] - EPSILON):
            best = (float(value[k]), i, int(q[at[k]]), int(others[at[k]]))
    return best


def _small(problem: _Problem) -> bool:
    free = problem.pinned < 0
    pairs = int(np.isfinite(problem.inverse[problem.area[free]]).sum())
    return pairs <= EXACT_PAIRS


def _pinned_load(problem: _Problem) -> np.ndarray:
    """Each member's summed sizes of the items pinned to them."""
    loads = np.zeros(problem.inverse.shape[1])
    fixed = np.flatnonzero(problem.pinned >= 0)
    np.add.at(
        loads,
        problem.pinned[fixed],
        problem.points[fixed] * problem.inverse[problem.area[fixed], problem.pinned[fixed]],
    )
    return loads


def _pairs(problem: _Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The free items' (item, member, size) choices, and the pinned load of each member."""
    free = np.flatnonzero(problem.pinned < 0)
    items, members = [], []
    for i in free.tolist():
        for p in np.flatnonzero(np.isfinite(problem.inverse[problem.area[i]])).tolist():
            items.append(i)
            members.append(p)
    item = np.array(items, dtype=np.intp)
    member = np.array(members, dtype=np.intp)
    size = problem.points[item] * problem.inverse[problem.area[item], member]
    return item, member, size, _pinned_load(problem)


def _exact(problem: _Problem, bound: float, upper: float) -> tuple[np.ndarray, bool] | None:
    """The least finish by mixed-integer programming, week by week from the bound (None when a
    programme stops at its node limit before answering)."""
    item, member, size, pinned_load = _pairs(problem)
    free = np.flatnonzero(problem.pinned < 0)
    if len(free) == 0:
        return problem.pinned.copy(), True
    members = problem.inverse.shape[1]
    clock = problem.clock
    n = len(item)
    # rows: each free item once; each member's load within capacity
    row_of_item = {i: r for r, i in enumerate(free.tolist())}
    once = coo_matrix(
        (np.ones(n), ([row_of_item[i] for i in item.tolist()], np.arange(n))),
        shape=(len(free), n + 1),
    )
    first = max(int(math.floor(bound)), 0)
    last = min(int(math.ceil(upper)), clock.weeks)
    for week in range(first, last):
        capacity_before = clock.cum[:, week] - pinned_load
        during = clock.rate[:, week]
        # load[p] - during[p] * tau <= capacity_before[p]
        load = coo_matrix(
            (
                np.concatenate([size, -during]),
                (
                    np.concatenate([member, np.arange(members)]),
                    np.concatenate([np.arange(n), np.full(members, n)]),
                ),
            ),
            shape=(members, n + 1),
        )
        cost = np.zeros(n + 1)
        cost[n] = 1.0
        result = milp(
            cost,
            constraints=[
                LinearConstraint(once, 1.0, 1.0),
                LinearConstraint(load, -np.inf, capacity_before),
            ],
            integrality=np.concatenate([np.ones(n), [0.0]]),
            bounds=Bounds(np.zeros(n + 1), np.ones(n + 1)),
            options={"node_limit": EXACT_NODES, "mip_rel_gap": 0.0},
        )
        if result.status == 2:  # infeasible: the optimum is in a later week
            continue
        if result.x is None:
            return None
        assign = problem.pinned.copy()
        chosen = result.x[:n] > 0.5
        assign[item[chosen]] = member[chosen]
        return assign, result.status == 0
    return None


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
    repaired = _repair(problem, published, keep, allowed)
    if repaired is not None:
        options.append(repaired)
    if _small(problem):
        exact = _fewest_moves(problem, published, keep, allowed)
        if exact is not None:
            options.append(exact)

    def moves(assign: np.ndarray) -> int:
        return int(((published >= 0) & (assign != published) & free).sum())

    fine = [a for a in options if problem.finish(a) <= allowed]
    return min(fine, key=lambda a: (moves(a), problem.finish(a)))


def _repair(
    problem: _Problem, published: np.ndarray, keep: np.ndarray, allowed: float
) -> np.ndarray | None:
    """Start from the published assignments, place the rest greedily, then move items off
    whoever finishes past `allowed`, items already moved or new first, then the largest."""
    clock = problem.clock
    members = problem.inverse.shape[1]
    everyone = np.arange(members)
    assign = np.where(keep, published, problem.pinned)
    loads = np.zeros(members)
    placed = np.flatnonzero(assign >= 0)
    np.add.at(
        loads,
        assign[placed],
        problem.points[placed] * problem.inverse[problem.area[placed], assign[placed]],
    )
    rest = np.flatnonzero(assign < 0)
    rest = rest[np.lexsort((rest, -problem.points[rest]))]
    for i in rest.tolist():
        sizes = problem.sizes(i)
        finish = clock.finish(everyone, loads + sizes)
        p = int(np.argmin(finish))
        if not math.isfinite(finish[p]):
            return None
        assign[i] = p
        loads[p] += sizes[p]
    finish = clock.finish_all(loads)
    free = problem.pinned < 0
    for _ in range(SEARCH_STEPS * (members + len(assign))):
        p = int(np.argmax(finish))
        if finish[p] <= allowed:
            return assign
        mine = np.flatnonzero((assign == p) & free)
        if len(mine) == 0:
            return None
        # items that cost no move first (new, or moved already), then the largest
        kept_here = keep[mine] & (published[mine] == p)
        order = mine[
            np.lexsort(
                (mine, -problem.points[mine] * problem.inverse[problem.area[mine], p], kept_here)
            )
        ]
        done = False
        for i in order.tolist():
            sizes = problem.sizes(i)
            there = clock.finish(everyone, loads + sizes)
            there[p] = math.inf
            q = int(np.argmin(there))
            if there[q] <= allowed:
                assign[i] = q
                loads[p] = max(loads[p] - sizes[p], 0.0)
                loads[q] += sizes[q]
                finish[[p, q]] = clock.finish(np.array([p, q]), loads[[p, q]])
                done = True
                break
        if not done:
            return None
    return None


def _fewest_moves(
    problem: _Problem, published: np.ndarray, keep: np.ndarray, allowed: float
) -> np.ndarray | None:
    """Exactly the fewest published items moved with every member finishing by `allowed`."""
    item, member, size, pinned_load = _pairs(problem)
    free = np.flatnonzero(problem.pinned < 0)
    if len(free) == 0:
        return problem.pinned.copy()
    members = problem.inverse.shape[1]
    capacity = _capacity_at(problem.clock, allowed) - pinned_load
    n = len(item)
    row_of_item = {i: r for r, i in enumerate(free.tolist())}
    once = coo_matrix(
        (np.ones(n), ([row_of_item[i] for i in item.tolist()], np.arange(n))),
        shape=(len(free), n),
    )
    load = coo_matrix((size, (member, np.arange(n))), shape=(members, n))
    # a move costs 1: cost -1 on keeping a published pair (the constant does not matter)
    cost = np.where(keep[item] & (published[item] == member), -1.0, 0.0)
    result = milp(
        cost,
        constraints=[LinearConstraint(once, 1.0, 1.0), LinearConstraint(load, -np.inf, capacity)],
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        options={"node_limit": EXACT_NODES, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return None
    assign = problem.pinned.copy()
    chosen = result.x > 0.5
    assign[item[chosen]] = member[chosen]
    return assign


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
) -> tuple[PlannedTicket, ...]:
    """Each member's items in the order they take them (pinned in-progress items first, then
    by id), with start and finish times."""
    by_member: dict[int, list[int]] = {}
    for i in range(len(tickets)):
        by_member.setdefault(int(assign[i]), []).append(i)
    result: list[PlannedTicket] = []
    for p, person in enumerate(team):
        queue = by_member.get(p, [])
        if not queue:
            continue
        queue.sort(
            key=lambda i: (not (problem.pinned[i] >= 0 and tickets[i].in_progress), tickets[i].id)
        )
        sizes = np.array([problem.size(i, p) for i in queue])
        before = np.concatenate([[0.0], np.cumsum(sizes)[:-1]])
        who = np.full(len(queue), p)
        starts = problem.clock.start(who, before)
        finishes = problem.clock.finish(who, before + sizes)
        for k, i in enumerate(queue):
            t = tickets[i]
            result.append(
                PlannedTicket(
                    item_id=t.id,
                    member_id=person.id,
                    personal_weeks=float(sizes[k]),
                    start_weeks=float(starts[k]),
                    finish_weeks=float(finishes[k]),
                    pinned=bool(problem.pinned[i] >= 0),
                    flagged=t.in_progress and t.assignee is not None and t.assignee not in index,
                    moved=bool(published[i] != -2 and published[i] != p),
                )
            )
    return tuple(result)
