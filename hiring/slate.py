"""The best slate of k hires (MODEL.md, "Deciding together": the slate).

With two seats, the two best singles are not always the best pair: two data engineers may each
save three weeks and together four, while a data engineer and a researcher save six. So the slate
is the set of k candidates that gives the least `T(team + all of them)`, each from their own start,
ramping up, with their mentors' time taken; forecasts within 1e-9 weeks tie, and ties go to the
smaller sum of ranking positions, then to the smaller sorted list of ids. The greedy choice (the
best one, then the best addition, ...) is reported beside it.

Pure, like `hiring.ranking`. Exact by mixed-integer programming (HiGHS), over candidate *profiles*
rather than candidates: candidates with the same speeds in the areas with open work, the same start
and the same mentor are interchangeable, so they merge into one integer count, and thousands of
candidates become tens of profiles. A profile that at least k better-ranked candidates of profiles
at least as fast everywhere (same start, same mentor) beat can never be in the slate: swapping it
for an unused one of them never lengthens the forecast and lowers the sum of positions. It is left
out before the programme is built.

Whether some set of k finishes by a time t is linear once t is fixed: everyone's capacity up to t
is a number, a chosen profile adds its own capacity times its count, and takes its mentor's time
times its count. (Where a mentor could be left with nothing in some week, "the mentor's capacity
never goes below 0" is modelled exactly, week by week, with one binary each.) The search starts
from the greedy set's forecast U and asks the programme for the set that does the most of the work
by just under U; if it finishes the work, its forecast (worked out exactly, like every forecast
here, by `team.calendar_forecast`) becomes the new U; when no set can finish by just under U, the
best set is proven. A second programme then looks, among the sets that finish within the tie, for
the smallest sum of positions. Every limit is a count of steps, never time, so the answer is the
same on every machine; `proven` says whether the search ran to the end.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.sparse import coo_matrix

from hiring.ranking import CANDIDATE_FTE, TIMELESS, same_weeks
from team.calendar import Calendar, Person, own_capacity
from team.calendar_forecast import MergedTeam, team_weeks, weeks_saved, with_each
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    WEEKS_EPSILON,
    forecast_in_time,
    velocity_at,
)
from team.mip import solve_mip

__all__ = ["MAX_SLATE", "Slate", "SlateCandidate", "best_slate"]

# MODEL.md: 1 <= k <= 5.
MAX_SLATE = 5
# Step limits of one programme: branch-and-bound nodes and simplex iterations (counts, so the
# answer is the same on every machine).
SLATE_NODES = 10_000
SLATE_ITERATIONS = 1_000_000
# Programmes that improve the best set, and that look for a better tie-break, at most.
SLATE_ROUNDS = 30
TIE_ROUNDS = 10
# The programme's share of the work done counts as all of it within this (solver tolerance);
# the set it names is then checked with the exact forecast anyway.
DONE = 1 - 1e-9


@dataclass(frozen=True)
class SlateCandidate:
    """A candidate the slate may hold: rubric passes, not rejected, withdrawn or hired.

    `position` is their place in the ranking (1 = first), the tie-break; `levels` as the
    forecast counts them (an area not assessed is left out, so 0); `start` None: on the team from
    the plan start, at full speed (the timeless model)."""

    id: int
    position: int
    levels: Mapping[str, float]
    start: date | None = None


@dataclass(frozen=True)
class Slate:
    """The best set of k and the greedy set, each with its forecast (weeks from the plan start;
    `math.inf` if the work can never be finished), and the team's forecast without anyone new.

    `ids` are in ranking order, `greedy_ids` in the order the greedy choice took them."""

    k: int
    ids: tuple[int, ...]
    forecast_weeks: float
    team_weeks: float
    greedy_ids: tuple[int, ...]
    greedy_weeks: float
    proven: bool
    # Who of the team shows each candidate of the slate around (their id; None: nobody).
    mentors: Mapping[int, int | None] = field(default_factory=dict)

    @property
    def weeks_saved(self) -> float | None:
        return weeks_saved(self.team_weeks, self.forecast_weeks)

    @property
    def greedy_weeks_saved(self) -> float | None:
        return weeks_saved(self.team_weeks, self.greedy_weeks)

    @property
    def greedy_differs(self) -> bool:
        return set(self.ids) != set(self.greedy_ids)


def best_slate(
    team: Sequence[Person],
    candidates: Sequence[SlateCandidate],
    k: int,
    demand: Mapping[str, float],
    calendar: Calendar | None = None,
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Slate:
    """The slate of `k` (1 to 5) among `candidates` for this team and open work (`demand`: the
    areas in display order, each with its open points), and the greedy set beside it. With
    fewer than k candidates, all of them. Without a calendar, the timeless model."""
    if not 1 <= k <= MAX_SLATE:
        raise ValueError(f"a slate holds 1 to {MAX_SLATE} candidates")
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids) or len({c.position for c in candidates}) != len(ids):
        raise ValueError("each candidate appears once, each with their own position")
    when = calendar or TIMELESS
    pool = sorted(candidates, key=lambda c: c.position)
    k = min(k, len(pool))
    search = _Search(team, pool, k, demand, when, velocities, points_per_week)
    if k == 0:
        return Slate(0, (), search.base, search.base, (), search.base, True)
    greedy = search.greedy()
    greedy_weeks = search.weeks(greedy)
    if k == len(pool):
        best, weeks, proven = search.ordered(greedy), greedy_weeks, True
    else:
        best, weeks, proven = search.exact(greedy, greedy_weeks)
    mentors = {i: search.mentor_id(i) for i in best}
    return Slate(k, best, weeks, search.base, greedy, greedy_weeks, proven, mentors)


def _person(candidate: SlateCandidate) -> Person:
    """The candidate on the team, as the ranking tries them (`hiring.ranking`)."""
    return Person(
        id=-1 - candidate.id,
        fte=CANDIDATE_FTE,
        levels={a: float(v) for a, v in candidate.levels.items() if v},
        start=candidate.start,
    )


@dataclass
class _Profile:
    """Interchangeable candidates: the same speeds where there is work, start and mentor."""

    speeds: np.ndarray
    start: date | None
    mentor: int | None
    load: np.ndarray  # the mentor's time each week, per candidate of the profile (0: none)
    own: np.ndarray  # a candidate's own capacity each week
    ids: list[int]  # by position
    positions: list[int]


class _Search:
    """The team merged once, the candidates as profiles, and the searches over them."""

    def __init__(
        self,
        team: Sequence[Person],
        pool: Sequence[SlateCandidate],
        k: int,
        demand: Mapping[str, float],
        calendar: Calendar,
        velocities: Sequence[float],
        points_per_week: float,
    ) -> None:
        self.team, self.pool, self.k = list(team), list(pool), k
        self.demand, self.calendar = demand, calendar
        self.velocities, self.points_per_week = velocities, points_per_week
        self.persons = {c.id: _person(c) for c in pool}
        self.position = {c.id: c.position for c in pool}
        self.merged = MergedTeam(self.team, demand, calendar, velocities)
        self.busy = [a for a in self.merged.areas if demand[a] > 0]
        self.base = team_weeks(self.team, demand, calendar, velocities, points_per_week)
        self._known: dict[frozenset[int], float] = {}

    def weeks(self, ids: Sequence[int]) -> float:
        """T with these candidates on the team, exactly as every forecast is found."""
        key = frozenset(ids)
        if key not in self._known:
            if not self.busy:
                self._known[key] = 0.0
            else:
                speeds, capacity = self.merged.with_extras([self.persons[i] for i in ids])
                found = forecast_in_time(speeds, capacity, self.demand, self.points_per_week)
                self._known[key] = found.weeks
        return self._known[key]

    def mentor_id(self, candidate_id: int) -> int | None:
        found = self.merged.mentor(self.persons[candidate_id])
        return None if found is None else self.team[found[0]].id

    def ordered(self, ids: Sequence[int]) -> tuple[int, ...]:
        return tuple(sorted(ids, key=self.position.__getitem__))

    def key(self, ids: Sequence[int]) -> tuple[int, list[int]]:
        """MODEL.md's tie-break: the smaller sum of positions, then the smaller sorted ids."""
        return (sum(self.position[i] for i in ids), sorted(ids))

    def greedy(self) -> tuple[int, ...]:
        """The best one, then the best addition, ...; ties to the better ranking position."""
        chosen: list[int] = []
        for _ in range(self.k):
            rest = [c for c in self.pool if c.id not in chosen]
            on_team = [*self.team, *(self.persons[i] for i in chosen)]
            found = with_each(
                on_team,
                [self.persons[c.id] for c in rest],
                self.demand,
                self.calendar,
                self.velocities,
                self.points_per_week,
            )
            least = min(found)
            pick = next(c for c, w in zip(rest, found, strict=True) if same_weeks(w, least))
            chosen.append(pick.id)
        return tuple(chosen)

    def exact(
        self, greedy: tuple[int, ...], greedy_weeks: float
    ) -> tuple[tuple[int, ...], float, bool]:
        """The best set (by ranking position), its forecast, and whether it is proven best."""
        best, weeks = greedy, greedy_weeks
        if not self.busy:
            # No open work: every set's forecast is 0, so the tie-break alone decides.
            return self.ordered([c.id for c in self.pool[: self.k]]), 0.0, True
        model = _Programme(self)
        proven = False
        for _ in range(SLATE_ROUNDS):
            at = self.calendar.horizon_weeks if math.isinf(weeks) else weeks - WEEKS_EPSILON
            if at <= 0:
                proven = True
                break
            found, status = model.most_work(at)
            if found is None:
                proven = status == "infeasible"
                break
            ids, done = found
            if done < DONE:
                proven = status == "optimal"  # no set does all the work by then
                break
            again = self.weeks(ids)
            if again < weeks - WEEKS_EPSILON or (math.isinf(weeks) and not math.isinf(again)):
                best, weeks = ids, again
                continue
            proven = True  # the programme's set only matches the best within solver noise
            break
        if math.isinf(weeks):
            # Nobody can finish it: every set ties, and the tie-break alone decides.
            return self.ordered([c.id for c in self.pool[: self.k]]), weeks, proven
        best, weeks = self._tie_break(model, best, weeks)
        return self.ordered(best), weeks, proven

    def _tie_break(
        self, model: _Programme, best: tuple[int, ...], weeks: float
    ) -> tuple[tuple[int, ...], float]:
        """Among the sets within the tie of the best forecast, the smallest sum of positions
        (then ids): the programme proposes sets by positions, each checked exactly."""
        least, seen = weeks, list[tuple[int, ...]]()
        for _ in range(TIE_ROUNDS):
            found = model.fewest_positions(least + WEEKS_EPSILON / 2, self.key(best)[0], seen)
            if found is None:
                break
            seen.append(found)
            again = self.weeks(found)
            if same_weeks(again, least) and self.key(found) < self.key(best):
                best, weeks = found, again
        return best, weeks


class _Programme:
    """The mixed-integer programme "which k finish by t", built afresh for each t (it is small:
    the team merged by speeds, tens of profiles).

    Columns: `y[g][a]` (weeks of team group g in area a), `z[j][a]` (weeks of the chosen
    candidates of profile j in area a), `b[j][t]` (the t-th best-ranked candidate of profile j is
    chosen; b[j][t] >= b[j][t+1]), per week where a mentor could run out `red` (the mentor time
    actually taken) and `cut` (binary: the load is taken whole), and `done` (the share of the work
    done). Everything is in units of the total work, so the solver's tolerances mean the same
    at any size.
    """

    def __init__(self, search: _Search) -> None:
        self.search = search
        merged, busy = search.merged, search.busy
        self.areas = len(busy)
        work = np.array([search.demand[a] / search.points_per_week for a in busy])
        self.scale = float(work.sum())
        self.work = work / self.scale
        self.group_speeds = np.array([[g[a] for a in busy] for g in merged.groups])
        self.rows = merged.rows / self.scale
        self.capacity = merged.capacity / self.scale
        self.profiles = _undominated(self._profiles(), search.k)
        self.units = [(j, t) for j, p in enumerate(self.profiles) for t in range(len(p.ids))]
        # Mentors who could be left with nothing in some week, whatever the k chosen.
        self.tight: dict[int, list[int]] = {}
        for j, p in enumerate(self.profiles):
            if p.mentor is not None:
                self.tight.setdefault(p.mentor, []).append(j)
        for mentor in list(self.tight):
            peak = np.max([self.profiles[j].load for j in self.tight[mentor]], axis=0)
            if np.all(self.capacity[mentor] >= search.k * peak - 1e-15):
                del self.tight[mentor]

    def _profiles(self) -> list[_Profile]:
        search, merged = self.search, self.search.merged
        weeks = search.calendar.horizon_weeks
        own: dict[date | None, np.ndarray] = {}
        found: dict[tuple[object, ...], _Profile] = {}
        for c in search.pool:
            person = search.persons[c.id]
            speeds = tuple(
                velocity_at(person.levels.get(a, 0.0), search.velocities) for a in search.busy
            )
            mentor = merged.mentor(person)
            key = (speeds, c.start, None if mentor is None else mentor[0])
            if key not in found:
                if c.start not in own:
                    own[c.start] = own_capacity(person, search.calendar, weeks) / self.scale
                found[key] = _Profile(
                    speeds=np.array(speeds),
                    start=c.start,
                    mentor=None if mentor is None else mentor[0],
                    load=np.zeros(weeks) if mentor is None else mentor[1] / self.scale,
                    own=own[c.start],
                    ids=[],
                    positions=[],
                )
            profile = found[key]
            if len(profile.ids) < search.k:  # more than k of one profile are never chosen
                profile.ids.append(c.id)
                profile.positions.append(c.position)
        return list(found.values())

    def _build(
        self, at: float, cuts: Sequence[tuple[int, ...]]
    ) -> tuple[list[tuple[coo_matrix, np.ndarray, np.ndarray]], int, dict[str, int]]:
        """The constraints at time `at` (the objective is the caller's), and the layout."""
        horizon = self.rows.shape[1]
        at = min(at, float(horizon))
        whole = min(int(at), horizon - 1)
        share = np.zeros(horizon)
        share[:whole] = 1.0
        share[whole] = at - whole
        groups, areas, profiles = len(self.rows), self.areas, self.profiles
        tight = [(m, w) for m in self.tight for w in range(whole + 1) if self._peak(m)[w] > 0]
        y0 = 0
        z0 = y0 + groups * areas
        b0 = z0 + len(profiles) * areas
        r0 = b0 + len(self.units)
        d0 = r0 + len(tight)
        done = d0 + len(tight)
        width = done + 1
        entries: list[tuple[int, int, float]] = []
        low: list[float] = []
        high: list[float] = []

        def row(cells: list[tuple[int, float]], lo: float, hi: float) -> None:
            r = len(low)
            entries.extend((r, c, v) for c, v in cells)
            low.append(lo)
            high.append(hi)

        unit_of: dict[int, list[int]] = {}
        for u, (j, _t) in enumerate(self.units):
            unit_of.setdefault(j, []).append(b0 + u)
        for a in range(areas):  # the work of each area is done (a share `done` of it)
            cells = [(y0 + g * areas + a, float(self.group_speeds[g, a])) for g in range(groups)]
            cells += [(z0 + j * areas + a, float(p.speeds[a])) for j, p in enumerate(profiles)]
            row([*cells, (done, -float(self.work[a]))], 0.0, math.inf)
        capacity = self.rows @ share
        mentor_time: dict[int, list[tuple[int, float]]] = {}
        for j, p in enumerate(profiles):
            if p.mentor is not None and p.mentor not in self.tight:
                taken = float(p.load @ share)
                if taken > 0:
                    group = self.search.merged.group_of[p.mentor]
                    mentor_time.setdefault(group, []).extend((c, taken) for c in unit_of[j])
        for i, (m, w) in enumerate(tight):
            group = self.search.merged.group_of[m]
            mentor_time.setdefault(group, []).append((r0 + i, float(share[w])))
        for g in range(groups):  # a group's time, less what mentoring takes
            cells = [(y0 + g * areas + a, 1.0) for a in range(areas)]
            row([*cells, *mentor_time.get(g, [])], -math.inf, float(capacity[g]))
        for j, p in enumerate(profiles):  # the chosen candidates' own time
            own = float(p.own @ share)
            cells = [(z0 + j * areas + a, 1.0) for a in range(areas)]
            row([*cells, *((c, -own) for c in unit_of[j])], -math.inf, 0.0)
            for first, second in zip(unit_of[j], unit_of[j][1:], strict=False):
                row([(first, 1.0), (second, -1.0)], 0.0, math.inf)  # the best-ranked first
        k = float(self.search.k)
        row([(b0 + u, 1.0) for u in range(len(self.units))], k, k)
        for i, (m, w) in enumerate(tight):
            # red >= min(capacity, load): red >= capacity unless cut; red >= load if cut
            cap = float(self.capacity[m, w])
            loads = [(c, -float(profiles[j].load[w])) for j in self.tight[m] for c in unit_of[j]]
            big = k * float(self._peak(m)[w])
            row([(r0 + i, 1.0), (d0 + i, cap)], cap, math.inf)
            row([(r0 + i, 1.0), *loads, (d0 + i, -big)], -big, math.inf)
        for chosen in cuts:  # sets already looked at
            cells = [(c, 1.0) for c in self._units_of(chosen, b0)]
            row(cells, -math.inf, k - 1)
        r, c, v = zip(*entries, strict=True) if entries else ((), (), ())
        matrix = coo_matrix((v, (r, c)), shape=(len(low), width))
        layout = {"b0": b0, "r0": r0, "d0": d0, "done": done, "width": width, "tight": len(tight)}
        return [(matrix, np.array(low), np.array(high))], width, layout

    def _peak(self, mentor: int) -> np.ndarray:
        return np.max([self.profiles[j].load for j in self.tight[mentor]], axis=0)

    def _units_of(self, ids: Sequence[int], b0: int) -> list[int]:
        chosen = set(ids)
        return [b0 + u for u, (j, t) in enumerate(self.units) if self.profiles[j].ids[t] in chosen]

    def _solve(
        self, at: float, limit: int | None, cuts: Sequence[tuple[int, ...]]
    ) -> tuple[np.ndarray | None, str, dict[str, int]]:
        """Without `limit`: the most work done by `at`. With it: all the work done by `at`, the
        smallest sum of positions, at most `limit`, none of the sets in `cuts`."""
        rows, width, layout = self._build(at, cuts)
        b0, d0, done = layout["b0"], layout["d0"], layout["done"]
        units = slice(b0, b0 + len(self.units))
        integer = np.zeros(width, dtype=bool)
        integer[units] = True
        integer[d0 : d0 + layout["tight"]] = True
        upper = np.full(width, math.inf)
        upper[units] = 1.0
        upper[d0 : d0 + layout["tight"]] = 1.0
        cost = np.zeros(width)
        if limit is None:
            cost[done] = -1.0
        else:
            positions = np.zeros(width)
            positions[units] = [self.profiles[j].positions[t] for j, t in self.units]
            cost = positions
            rows.append(_row(positions, float(limit)))
            one = np.zeros(width)
            one[done] = 1.0
            rows.append(_row(one, 1.0, 1.0))
        x, status = solve_mip(cost, rows, integer, upper, SLATE_NODES, SLATE_ITERATIONS)
        return x, status, layout

    def _chosen(self, x: np.ndarray, b0: int) -> tuple[int, ...]:
        return tuple(
            self.profiles[j].ids[t] for u, (j, t) in enumerate(self.units) if x[b0 + u] > 0.5
        )

    def most_work(self, at: float) -> tuple[tuple[tuple[int, ...], float] | None, str]:
        """The set of k that does the largest share of the work by `at`, and that share."""
        x, status, layout = self._solve(at, None, ())
        if x is None:
            return None, status
        return (self._chosen(x, layout["b0"]), float(x[layout["done"]])), status

    def fewest_positions(
        self, at: float, limit: int, seen: Sequence[tuple[int, ...]]
    ) -> tuple[int, ...] | None:
        """A set that finishes by `at` with the smallest sum of positions (at most `limit`),
        other than those `seen`; None when there is none (or a limit stopped the search)."""
        x, _status, layout = self._solve(at, limit, seen)
        return None if x is None else self._chosen(x, layout["b0"])


def _row(
    coefficients: np.ndarray, high: float, low: float = -math.inf
) -> tuple[coo_matrix, np.ndarray, np.ndarray]:
    """One more constraint, `low <= coefficients @ x <= high`."""
    return coo_matrix(coefficients[None, :]), np.array([low]), np.array([high])


def _undominated(profiles: list[_Profile], k: int) -> list[_Profile]:
    """Leave out each profile that at least k better-ranked candidates of profiles at least as
    fast in every area with work (and faster in one), with the same start and mentor, beat: a
    set holding one of its candidates can swap them for an unused one of those, which never
    lengthens the forecast and lowers the sum of positions, so it is never the slate."""
    kept = []
    for b in profiles:
        better = 0
        for a in profiles:
            if (
                a is b
                or a.start != b.start
                or a.mentor != b.mentor
                or not np.all(a.speeds >= b.speeds)
                or not np.any(a.speeds > b.speeds)
            ):
                continue
            better += bisect_left(a.positions, b.positions[0])
            if better >= k:
                break
        if better < k:
            kept.append(b)
    return kept
