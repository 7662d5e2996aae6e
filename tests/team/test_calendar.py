"""The calendar (capacities week by week) and the forecast in calendar time (MODEL.md).

Capacities are checked on hand-worked cases; the forecast against a plain programme written
here from MODEL.md's definition (the least whole week with the demand feasible, by a plain
feasibility LP per week over every person unmerged, then the least tau inside the week before),
on random teams with dates, absences, holidays, ramp-up and mentors.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from team.calendar import (
    Calendar,
    Person,
    capacities,
    finish_date,
    mentor_of,
    start_date,
    start_week,
    working_days,
)
from team.forecast import (
    ForecastMember,
    forecast,
    forecast_in_time,
    velocity_at,
)

MONDAY = date(2027, 1, 4)
AREAS = ("research", "engineering", "data")
QUIET = Calendar(MONDAY, ramp_weeks=0, mentoring_fte=0.0)


def test_working_days_count_start_end_holidays_and_absences():
    calendar = Calendar(MONDAY, holidays=frozenset({MONDAY + timedelta(days=8)}))
    person = Person(
        1,
        1.0,
        start=MONDAY + timedelta(days=2),  # a Wednesday
        end=MONDAY + timedelta(days=17),  # the Thursday of week 2
        absences=((MONDAY + timedelta(days=10), MONDAY + timedelta(days=11)),),
    )
    # Week 0: Wed-Fri = 3; week 1: 5 less the holiday (Tue) less Thu-Fri away = 2; week 2:
    # Mon-Thu = 4; week 3: gone.
    assert working_days(person, calendar, 4).tolist() == [3, 2, 4, 0]


def test_a_weekend_start_begins_the_week_after():
    calendar = Calendar(MONDAY)
    saturday = MONDAY + timedelta(days=5)
    assert start_week(Person(1, 1.0, start=saturday), calendar) == 1
    assert start_week(Person(1, 1.0, start=MONDAY - timedelta(days=3)), calendar) == -1
    assert start_week(Person(1, 1.0), calendar) is None


def test_ramp_up_and_the_mentors_load():
    calendar = Calendar(MONDAY, ramp_weeks=4, ramp_start=0.2, mentoring_fte=0.5, mentoring_weeks=2)
    mentor = Person(1, 0.5, {"data": 3})
    other = Person(2, 1.0, {"data": 2})
    newcomer = Person(3, 1.0, {"data": 4, "research": 1}, start=MONDAY + timedelta(days=7))
    assert mentor_of(newcomer, [mentor, other, newcomer], calendar, AREAS) == mentor
    c = capacities([mentor, other, newcomer], calendar, AREAS, 7)
    # The newcomer ramps 0.2, 0.4, 0.6, 0.8, 1 from their start week (week 1).
    assert c[2].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1, 1])
    # Their mentor (fte 0.5) loses 0.5 * 5/5 in weeks 1 and 2, never below 0.
    assert c[0].tolist() == pytest.approx([0.5, 0, 0, 0.5, 0.5, 0.5, 0.5])
    assert c[1].tolist() == pytest.approx([1.0] * 7)


def test_newcomers_never_mentor_and_ties_go_to_the_lowest_id():
    calendar = Calendar(MONDAY)
    late = Person(5, 1.0, {"data": 4}, start=MONDAY + timedelta(days=14))
    first, second = Person(7, 1.0, {"data": 3}), Person(4, 1.0, {"data": 3})
    leaving = Person(1, 1.0, {"data": 4}, end=MONDAY + timedelta(days=10))
    newcomer = Person(9, 1.0, {"data": 2}, start=MONDAY + timedelta(days=21))
    people = [late, first, second, leaving, newcomer]
    assert mentor_of(newcomer, people, calendar, AREAS) == second
    assert mentor_of(Person(8, 1.0, {"data": 1}), people, calendar, AREAS) is None


def test_the_plan_start_is_a_monday_and_the_horizon_a_week_at_least():
    with pytest.raises(ValueError):
        Calendar(MONDAY + timedelta(days=1))
    with pytest.raises(ValueError):
        Calendar(MONDAY, horizon_weeks=0)


# --- The forecast against MODEL.md's definition ------------------------------------------


def _feasible(speeds, cumulative, work) -> bool:
    """Is there x >= 0 with sum_a x[p][a] <= C[p] and sum_p v[p][a] x[p][a] >= work[a]?"""
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
        b_ub.append(cumulative[p])
    result = linprog(np.zeros(n), A_ub=np.array(a_ub), b_ub=np.array(b_ub), method="highs")
    return result.status == 0


def _least_tau(speeds, before, during, work) -> float:
    """Least tau in [0, 1] with the work feasible within before + tau * during."""
    busy = [a for a in work if work[a] > 0]
    n = 1 + len(speeds) * len(busy)
    a_ub, b_ub = [], []
    for k, a in enumerate(busy):
        row = np.zeros(n)
        for p, v in enumerate(speeds):
            row[1 + p * len(busy) + k] = -v.get(a, 0.0)
        a_ub.append(row)
        b_ub.append(-work[a])
    for p in range(len(speeds)):
        row = np.zeros(n)
        row[1 + p * len(busy) : 1 + (p + 1) * len(busy)] = 1.0
        row[0] = -during[p]
        a_ub.append(row)
        b_ub.append(before[p])
    cost = np.zeros(n)
    cost[0] = 1.0
    bounds = [(0, 1)] + [(0, None)] * (n - 1)
    result = linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds)
    return float(result.x[0]) if result.status == 0 else 1.0


def reference_weeks(speeds, capacity, demand, points_per_week=5.0) -> float:
    """T by MODEL.md, plainly: every whole week tried in turn, then the week before refined."""
    work = {a: d / points_per_week for a, d in demand.items()}
    if not any(w > 0 for w in work.values()):
        return 0.0
    cumulative = np.concatenate([np.zeros((len(speeds), 1)), np.cumsum(capacity, axis=1)], 1)
    for week in range(1, capacity.shape[1] + 1):
        if _feasible(speeds, cumulative[:, week], work):
            tau = _least_tau(speeds, cumulative[:, week - 1], capacity[:, week - 1], work)
            return week - 1 + tau
    return math.inf


days = st.integers(min_value=-30, max_value=60).map(lambda n: MONDAY + timedelta(days=n))


@st.composite
def people(draw):
    """Up to four people with whole or half levels, fte, and perhaps dates and an absence."""
    result = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        levels = {a: draw(st.sampled_from([0, 1, 2, 2.5, 3, 4])) for a in AREAS}
        start = draw(st.none() | days)
        end = draw(st.none() | days.filter(lambda d, s=start: s is None or d >= s))
        absences = ()
        if draw(st.booleans()):
            first = draw(days)
            absences = ((first, first + timedelta(days=draw(st.integers(0, 20)))),)
        fte = draw(st.sampled_from([0.2, 0.5, 0.8, 1.0]))
        result.append(Person(i + 1, fte, levels, start, end, absences))
    return result


@st.composite
def calendars(draw):
    holidays = frozenset(draw(st.lists(days, max_size=3)))
    return Calendar(
        MONDAY,
        holidays=holidays,
        ramp_weeks=draw(st.sampled_from([0, 3, 12])),
        ramp_start=draw(st.sampled_from([0.25, 0.5])),
        mentoring_fte=draw(st.sampled_from([0.0, 0.2, 0.5])),
        mentoring_weeks=draw(st.sampled_from([0, 2, 8])),
        horizon_weeks=draw(st.integers(min_value=1, max_value=30)),
    )


demands = st.fixed_dictionaries(
    {a: st.sampled_from([0, 0, 3, 8, 20, 55]).map(float) for a in AREAS}
)


@settings(max_examples=120, deadline=None)
@given(people(), calendars(), demands, st.none() | st.floats(min_value=-3, max_value=40))
def test_the_forecast_in_time_is_the_least_t_by_definition(team, calendar, demand, near):
    """Whatever guess `near` the search starts from, the same least t."""
    capacity = capacities(team, calendar, AREAS, calendar.horizon_weeks)
    speeds = [{a: velocity_at(p.levels.get(a, 0)) for a in AREAS} for p in team]
    found = forecast_in_time(speeds, capacity, demand, near=near).weeks
    wanted = reference_weeks(speeds, capacity, demand)
    if math.isinf(wanted):
        assert math.isinf(found)
    else:
        assert found == pytest.approx(wanted, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(people(), demands)
def test_without_dates_ramp_up_or_mentors_it_is_todays_forecast(team, demand):
    """No dates, absences or holidays, ramp_weeks 0, mentoring 0 and forecasts within the
    horizon: every number as before (beyond the horizon, MODEL.md says "cannot be finished")."""
    plain = [Person(p.id, p.fte, p.levels) for p in team]
    capacity = capacities(plain, QUIET, AREAS, QUIET.horizon_weeks)
    speeds = [{a: velocity_at(p.levels.get(a, 0)) for a in AREAS} for p in plain]
    found = forecast_in_time(speeds, capacity, demand).weeks
    members = [ForecastMember(p.id, p.fte, dict(p.levels)) for p in plain]
    wanted = forecast(members, demand).weeks
    if math.isinf(wanted) or wanted > QUIET.horizon_weeks:
        assert math.isinf(found)
    else:
        assert found == pytest.approx(wanted, rel=1e-7, abs=1e-9)


def test_people_of_one_profile_merge_whatever_their_calendars():
    """Two people with the same levels but different calendars give the T of the two apart."""
    speeds = [{"data": 1.0}, {"data": 1.0}, {"data": 0.35}]
    capacity = np.array([[1, 1, 0, 0, 1, 1], [0, 0, 1, 1, 0.5, 0.5], [1, 1, 1, 1, 1, 1]], float)
    demand = {"data": 40.0}
    assert forecast_in_time(speeds, capacity, demand).weeks == pytest.approx(
        reference_weeks(speeds, capacity, demand), abs=1e-9
    )


def test_no_demand_is_zero_and_past_the_horizon_is_infinite():
    speeds = [{"data": 1.0}]
    assert forecast_in_time(speeds, np.ones((1, 4)), {"data": 0.0}).weeks == 0.0
    assert math.isinf(forecast_in_time(speeds, np.ones((1, 4)), {"data": 21.0}).weeks)
    assert forecast_in_time(speeds, np.ones((1, 4)), {"data": 20.0}).weeks == pytest.approx(4.0)
    assert math.isinf(forecast_in_time(speeds, np.ones((1, 4)), {"research": 1.0}).weeks)


@pytest.mark.parametrize(
    ("weeks", "day"),
    [
        (2.4, MONDAY + timedelta(days=15)),  # the Tuesday of week 2
        (3.0, MONDAY + timedelta(days=18)),  # the Friday of week 2, not the Monday after
        (1.6, MONDAY + timedelta(days=9)),  # the Wednesday of week 1
        (1e-9, MONDAY),  # rounds to 0 but is not 0: the plan start
        (0.2, MONDAY),
        (0.2000001, MONDAY),  # within the 1e-6 the finish date is counted in
        (0.200001, MONDAY + timedelta(days=1)),
        (5.0, MONDAY + timedelta(days=32)),
    ],
)
def test_the_finish_date_is_the_working_day_in_which_t_falls(weeks, day):
    assert finish_date(weeks, QUIET) == day


def test_no_work_or_never_has_no_finish_date():
    assert finish_date(0.0, QUIET) is None
    assert finish_date(math.inf, QUIET) is None


def test_a_start_at_t_is_the_working_day_it_falls_on():
    assert start_date(0.0, QUIET) == MONDAY
    assert start_date(1.0, QUIET) == MONDAY + timedelta(days=7)
    assert start_date(1.6, QUIET) == MONDAY + timedelta(days=10)


@settings(max_examples=100, deadline=None)
@given(people(), calendars())
def test_working_days_are_the_days_counted_one_by_one(team, calendar):
    """The array arithmetic against MODEL.md's definition, day by day."""
    for person in team:
        wanted = []
        for week in range(calendar.horizon_weeks):
            monday = calendar.monday(week)
            count = 0
            for offset in range(5):
                day = monday + timedelta(days=offset)
                count += (
                    (person.start is None or day >= person.start)
                    and (person.end is None or day <= person.end)
                    and day not in calendar.holidays
                    and not any(low <= day <= high for low, high in person.absences)
                )
            wanted.append(count)
        assert working_days(person, calendar, calendar.horizon_weeks).tolist() == wanted
