"""The forecast's questions in calendar time: each candidate, pressure and key people, checked
against the same questions asked the plain way (capacities worked out afresh for each team)."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from team import forecast as forecast_module
from team.calendar import Calendar, Person, capacities, working_days
from team.calendar_forecast import (
    forecast_team,
    key_people,
    pressures,
    team_weeks,
    weeks_saved,
    with_each,
)
from team.forecast import ForecastMember, forecast_in_time, forecast_with_each, velocity_at
from team.forecast import pressures as timeless_pressures
from tests.team.test_calendar import AREAS, MONDAY, calendars, days, demands, people


@st.composite
def candidates(draw):
    """Candidates start on or after the plan start, full-time, with fractional medians."""
    result = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        levels = {a: draw(st.sampled_from([0, 1, 1.5, 3, 3.5, 4])) for a in AREAS}
        start = draw(days.filter(lambda d: d >= MONDAY))
        result.append(Person(100 + i, 1.0, levels, start=start))
    return result


@settings(max_examples=80, deadline=None)
@given(people(), candidates(), calendars(), demands)
def test_each_candidate_is_the_team_with_them_forecast_afresh(team, extras, calendar, demand):
    found = with_each(team, extras, demand, calendar)
    for extra, weeks in zip(extras, found, strict=True):
        wanted = team_weeks([*team, extra], demand, calendar)
        if math.isinf(wanted):
            assert math.isinf(weeks)
        else:
            assert weeks == pytest.approx(wanted, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(people(), calendars(), demands)
def test_pressure_is_the_forecast_with_a_strong_specialist_from_the_plan_start(
    team, calendar, demand
):
    base, found = pressures(team, demand, calendar)
    assert base == team_weeks(team, demand, calendar) or (math.isinf(base))
    for item in found:
        if math.isinf(base):
            assert item.pressure_weeks is None
            continue
        # The demand lists the areas in their display order (mentors' ties go by it).
        areas = list(demand)
        capacity = capacities(team, calendar, areas, calendar.horizon_weeks)
        row = working_days(Person(0, 1.0), calendar, calendar.horizon_weeks) / 5
        speeds = [{a: velocity_at(p.levels.get(a, 0)) for a in areas} for p in team]
        specialist = {a: (1.0 if a == item.area else 0.0) for a in areas}
        with_one = forecast_in_time([*speeds, specialist], np.vstack([capacity, row]), demand).weeks
        assert item.pressure_weeks == pytest.approx(max(base - with_one, 0.0), abs=1e-6)


def test_key_people_and_a_newcomer_who_delays_the_work():
    """A late newcomer costs their mentor more than they add: leaving them out is faster,
    and as a candidate they would delay the work (negative weeks saved)."""
    calendar = Calendar(MONDAY, ramp_weeks=12, mentoring_fte=0.5, mentoring_weeks=8)
    mentor = Person(1, 1.0, {"data": 4})
    helper = Person(2, 1.0, {"data": 1})
    demand = {"research": 0.0, "engineering": 0.0, "data": 40.0}
    team = [mentor, helper]
    base = team_weeks(team, demand, calendar)
    late = Person(3, 1.0, {"data": 2}, start=MONDAY + timedelta(days=28))
    (with_late,) = with_each(team, [late], demand, calendar)
    saved = weeks_saved(base, with_late)
    assert saved is not None and saved < 0
    found = {k.member_id: k.weeks for k in key_people([*team, late], demand, calendar)}
    assert found[3] is not None and found[3] < 0  # the work lands sooner without them
    assert found[1] is not None and found[1] > 0  # and later without the expert
    # A start after the week in which T falls changes nothing.
    after = Person(4, 1.0, {"data": 4}, start=MONDAY + timedelta(days=7 * (math.ceil(base) + 1)))
    assert weeks_saved(base, with_each(team, [after], demand, calendar)[0]) == 0.0


def test_a_candidate_never_starts_before_the_plan_start():
    early = Person(9, 1.0, {"data": 3}, start=MONDAY - timedelta(days=1))
    with pytest.raises(ValueError):
        with_each([Person(1, 1.0, {"data": 1})], [early], {"data": 5.0}, Calendar(MONDAY))


# --- Today's numbers where the calendar changes nothing ----------------------------------


LEVEL_TRIPLES = st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=3, max_size=3)


@st.composite
def timeless_teams(draw):
    """No dates, no absences: only fte and levels."""
    return [
        Person(
            i + 1,
            draw(st.sampled_from([0.2, 0.5, 1.0])),
            {a: draw(st.sampled_from([0, 1, 2, 3, 4])) for a in AREAS},
        )
        for i in range(draw(st.integers(min_value=1, max_value=5)))
    ]


@settings(max_examples=60, deadline=None)
@given(
    timeless_teams(), demands, st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=3, max_size=3)
)
def test_without_dates_ramp_up_or_mentoring_every_number_is_the_timeless_one(team, demand, extra):
    """MODEL.md: with no dates, holidays, ramp-up or mentoring, and candidates from the plan
    start, the calendar forecast, pressures, weakest area and each candidate's forecast equal
    the timeless programme's (within the horizon)."""
    calendar = Calendar(MONDAY, ramp_weeks=0, mentoring_fte=0.0, horizon_weeks=1040)
    members = [ForecastMember(p.id, p.fte, p.levels) for p in team]
    timeless = timeless_pressures(members, demand)
    found = forecast_team(team, demand, calendar)
    if math.isinf(timeless.forecast.weeks) or timeless.forecast.weeks > 1000:
        return  # past the horizon the calendar says "not within it"; checked elsewhere
    assert found.weeks == pytest.approx(timeless.forecast.weeks, rel=1e-7, abs=1e-9)
    assert found.weakest_area == timeless.weakest_area or (
        # a near-tie between areas may break either way within the solvers' 1e-9
        abs(
            found.pressures[
                [a.area for a in found.pressures].index(found.weakest_area)
            ].pressure_weeks
            - max(a.pressure_weeks for a in timeless.areas)
        )
        < 1e-6
    )
    for mine, theirs in zip(found.pressures, timeless.areas, strict=True):
        assert mine.pressure_weeks == pytest.approx(theirs.pressure_weeks, rel=1e-6, abs=1e-7)
    candidate = Person(99, 1.0, dict(zip(AREAS, extra, strict=True)), start=MONDAY)
    (with_them,) = with_each(team, [candidate], demand, calendar)
    (old,) = forecast_with_each(members, [ForecastMember(99, 1.0, candidate.levels)], demand)
    assert with_them == pytest.approx(old.weeks, rel=1e-7, abs=1e-9)


# --- Who works where: the plan that plays to strengths -------------------------------------


def _fewest_weeks_plainly(speeds, available, work) -> float:
    """min sum x subject to sum_a x[p][a] <= available[p], sum_p v x >= work, unmerged."""
    busy = [a for a in work if work[a] > 0]
    n = len(speeds) * len(busy)
    a_ub, b_ub = [], []
    for k, a in enumerate(busy):
        row = np.zeros(n)
        for p, v in enumerate(speeds):
            row[p * len(busy) + k] = -v.get(a, 0.0)
        a_ub.append(row)
        b_ub.append(-work[a])
    for p in range(len(speeds)):
        row = np.zeros(n)
        row[p * len(busy) : (p + 1) * len(busy)] = 1.0
        a_ub.append(row)
        b_ub.append(available[p] * (1 + 1e-9) + 1e-12)
    result = linprog(np.ones(n), A_ub=np.array(a_ub), b_ub=np.array(b_ub), method="highs")
    assert result.status == 0
    return float(result.fun)


@settings(max_examples=60, deadline=None)
@given(people(), calendars(), demands)
def test_who_works_where_finishes_by_t_in_the_fewest_weeks(team, calendar, demand):
    found = forecast_team(team, demand, calendar)
    if not (0 < found.weeks < math.inf):
        assert all(not shares for shares in found.shares)
        return
    areas = list(demand)
    speeds = [{a: velocity_at(p.levels.get(a, 0)) for a in areas} for p in team]
    whole = min(int(found.weeks), calendar.horizon_weeks - 1)
    up_to = found.capacity[:, :whole].sum(1) + (found.weeks - whole) * found.capacity[:, whole]
    work = {a: d / 5.0 for a, d in demand.items()}
    # Each person's shares of their capacity up to T: within it, and every area's work done.
    weeks = [{a: s * up_to[p] for a, s in shares.items()} for p, shares in enumerate(found.shares)]
    for p, plan in enumerate(weeks):  # the solver's tolerances are absolute: 1e-7 of a week
        assert sum(plan.values()) <= up_to[p] * (1 + 1e-6) + 1e-7
    for a in areas:
        done = sum(speeds[p].get(a, 0) * w.get(a, 0.0) for p, w in enumerate(weeks))
        assert done == pytest.approx(work[a], rel=1e-6, abs=1e-9)
    total = sum(sum(w.values()) for w in weeks)
    assert total == pytest.approx(_fewest_weeks_plainly(speeds, up_to, work), rel=1e-6, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(people(), candidates(), calendars(), demands)
def test_without_highspy_linprog_finds_the_same_weeks(team, extras, calendar, demand):
    """The service runs without the optional warm HiGHS model too, to the same numbers."""
    warm = with_each(team, extras, demand, calendar)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forecast_module, "highspy", None)
        cold = with_each(team, extras, demand, calendar)
        alone = team_weeks(team, demand, calendar)
    assert cold == pytest.approx(warm, abs=1e-7)
    assert alone == pytest.approx(team_weeks(team, demand, calendar), abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(people(), calendars(), demands)
def test_key_people_are_the_team_without_each_forecast_afresh(team, calendar, demand):
    """The shortcut for people who neither mentor nor are new gives the plain answer."""
    base = team_weeks(team, demand, calendar)
    for item, member in zip(key_people(team, demand, calendar), team, strict=True):
        without = team_weeks([p for p in team if p.id != member.id], demand, calendar)
        assert item.member_id == member.id
        if math.isinf(base) or math.isinf(without):
            assert item.weeks is None
        else:
            assert item.weeks == pytest.approx(without - base, abs=1e-6)


def test_a_mentor_away_while_they_mentor_is_still_the_mentor_for_key_people():
    """A (research expert) is on leave through newcomer N's first weeks: still N's mentor,
    with no time to give. Without A, B mentors N and loses time: the work lands later than
    A's capacity alone says. Key people count that."""
    calendar = Calendar(MONDAY, mentoring_fte=0.5)
    a = Person(1, 1.0, {"research": 4}, absences=((MONDAY, MONDAY + timedelta(days=116)),))
    b = Person(2, 1.0, {"research": 3})
    n = Person(3, 1.0, {"research": 2}, start=MONDAY + timedelta(days=7))
    demand = {"research": 60.0, "engineering": 0.0, "data": 0.0}
    team = [a, b, n]
    base = team_weeks(team, demand, calendar)
    without_a = team_weeks([b, n], demand, calendar)
    found = {k.member_id: k.weeks for k in key_people(team, demand, calendar)}
    assert found[1] == pytest.approx(without_a - base, abs=1e-6)


def test_infinite_only_because_of_the_horizon_names_no_weakest_area():
    """Everyone can work in research, but not enough within two weeks: no area is to blame."""
    calendar = Calendar(MONDAY, horizon_weeks=2)
    team = [Person(1, 1.0, {"research": 3}, start=MONDAY + timedelta(days=21))]
    found = forecast_team(team, {"research": 10.0, "engineering": 0.0, "data": 0.0}, calendar)
    assert math.isinf(found.weeks)
    assert found.weakest_area is None
    nobody = forecast_team(
        [], {"research": 10.0, "engineering": 0.0, "data": 0.0}, Calendar(MONDAY)
    )
    assert nobody.weakest_area == "research"
