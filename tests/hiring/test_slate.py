"""The slate (MODEL.md, "Deciding together"): the exact best set of k, checked against brute
force over every set of k on small pools, with dates, ramp-up, mentors who can run out of time
and holidays (tests/team/test_calendar's strategies)."""

from __future__ import annotations

import math
from datetime import timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.slate import Slate, SlateCandidate, best_slate
from team.calendar import Calendar, Person
from team.calendar_forecast import team_weeks
from tests.team.test_calendar import AREAS, MONDAY, calendars, days, demands, people


def _person(c: SlateCandidate) -> Person:
    return Person(-1 - c.id, 1.0, {a: float(v) for a, v in c.levels.items() if v}, start=c.start)


def brute_force(team, pool, k, demand, calendar):
    """Every set of k, its forecast worked out afresh, and MODEL.md's order: least forecast
    (within 1e-9), then the smaller sum of positions, then the smaller sorted ids."""
    k = min(k, len(pool))
    scored = []
    for chosen in combinations(pool, k):
        weeks = team_weeks([*team, *(_person(c) for c in chosen)], demand, calendar)
        scored.append((weeks, sum(c.position for c in chosen), sorted(c.id for c in chosen)))
    least = min(s[0] for s in scored)
    ties = [
        s for s in scored if s[0] == least or (math.isfinite(least) and abs(s[0] - least) < 1e-9)
    ]
    return least, min(ties, key=lambda s: (s[1], s[2])), sorted(s[0] for s in scored)


@st.composite
def pools(draw):
    """Up to 7 candidates from the plan start or later, some with the same levels and start
    (they merge into one profile), ranked in a drawn order."""
    n = draw(st.integers(min_value=1, max_value=7))
    shapes = [
        (
            {a: draw(st.sampled_from([0, 1, 2, 2.5, 3, 4])) for a in AREAS},
            draw(days.filter(lambda d: d >= MONDAY)),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=n)))
    ]
    order = draw(st.permutations(range(n)))
    return [
        SlateCandidate(
            id=10 + i,
            position=order[i] + 1,
            levels=shapes[i % len(shapes)][0],
            start=shapes[i % len(shapes)][1],
        )
        for i in range(n)
    ]


def _check(slate: Slate, team, pool, k, demand, calendar) -> None:
    least, (weeks, _positions, ids), every = brute_force(team, pool, k, demand, calendar)
    if math.isinf(least):
        assert math.isinf(slate.forecast_weeks)
    else:
        assert slate.forecast_weeks == pytest.approx(least, abs=1e-7)
    # The same set, unless another set is closer than the solver can tell apart.
    close = [w for w in every if w != least and abs(w - least) < 1e-6]
    if not close:
        assert sorted(slate.ids) == ids
    assert slate.greedy_weeks >= slate.forecast_weeks - 1e-9
    assert len(slate.ids) == len(slate.greedy_ids) == min(k, len(pool))
    assert slate.proven


@settings(max_examples=120, deadline=None)
@given(people(), pools(), calendars(), demands, st.integers(min_value=1, max_value=4))
def test_the_slate_is_the_best_set_found_by_brute_force(team, pool, calendar, demand, k):
    slate = best_slate(team, pool, k, demand, calendar)
    _check(slate, team, pool, k, demand, calendar)


@settings(max_examples=60, deadline=None)
@given(pools(), calendars(), st.integers(min_value=2, max_value=4))
def test_a_part_time_mentor_can_run_out_of_time(pool, calendar, k):
    """One part-time expert mentors every newcomer: several newcomers at once would take more
    than they have, which the programme models week by week."""
    calendar = Calendar(
        calendar.plan_start,
        holidays=calendar.holidays,
        ramp_weeks=calendar.ramp_weeks,
        mentoring_fte=0.3,
        mentoring_weeks=6,
        horizon_weeks=calendar.horizon_weeks,
    )
    team = [Person(1, 0.5, {a: 4 for a in AREAS})]
    demand = {a: 30.0 for a in AREAS}
    slate = best_slate(team, pool, k, demand, calendar)
    _check(slate, team, pool, k, demand, calendar)


def test_complements_beat_the_two_best_singles():
    """Two data engineers each save the most alone, but a data engineer and a researcher
    together save more: the slate holds the pair, the greedy choice does not."""
    calendar = Calendar(MONDAY, ramp_weeks=0, mentoring_fte=0.0)
    team = [Person(1, 1.0, {"research": 2, "engineering": 2, "data": 1})]
    demand = {"research": 30.0, "engineering": 10.0, "data": 60.0}
    pool = [
        SlateCandidate(1, 1, {"data": 4, "research": 1, "engineering": 1}, MONDAY),
        SlateCandidate(2, 2, {"data": 4, "research": 1, "engineering": 1}, MONDAY),
        SlateCandidate(3, 3, {"research": 4, "data": 2, "engineering": 1}, MONDAY),
    ]
    slate = best_slate(team, pool, 2, demand, calendar)
    _check(slate, team, pool, 2, demand, calendar)
    assert slate.greedy_ids[0] == 1


def test_ties_go_to_the_better_ranking_positions():
    """Candidates who start after the work is done change nothing: every set ties, and the
    slate is the best-ranked k."""
    calendar = Calendar(MONDAY)
    team = [Person(1, 1.0, {"data": 4})]
    demand = {"research": 0.0, "engineering": 0.0, "data": 8.0}
    late = MONDAY + timedelta(weeks=60)
    pool = [SlateCandidate(i, p, {"data": 4}, late) for i, p in ((7, 3), (8, 1), (9, 2))]
    slate = best_slate(team, pool, 2, demand, calendar)
    assert slate.ids == (8, 9) and slate.weeks_saved == 0.0


def test_fewer_candidates_than_seats_and_bad_k():
    pool = [SlateCandidate(1, 1, {"data": 3}, MONDAY)]
    team = [Person(1, 1.0, {"data": 2})]
    slate = best_slate(team, pool, 3, {"data": 10.0}, Calendar(MONDAY))
    assert slate.ids == (1,) and slate.k == 1
    for k in (0, 6):
        with pytest.raises(ValueError):
            best_slate(team, pool, k, {"data": 10.0}, Calendar(MONDAY))
