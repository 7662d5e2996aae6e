"""The forecast's questions in calendar time: each candidate, pressure and key people, checked
against the same questions asked the plain way (capacities worked out afresh for each team)."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from team.calendar import Calendar, Person, capacities, working_days
from team.calendar_forecast import key_people, pressures, team_weeks, weeks_saved, with_each
from team.forecast import forecast_in_time, velocity_at
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
