"""The ranking in calendar time (MODEL.md, "Start", "Gap fill", "Disagreement"): hand-worked.

Ada alone, strong in research (5 points a week), with 10 research points open: T = 2 weeks
from Monday 4 January 2027, the work lands on Friday 15 January.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hiring.ranking import RankInput, rank_candidates
from hiring.rubric import verdict
from team.calendar import Calendar, Person

MONDAY = date(2027, 1, 4)
AREAS = {"research": "research", "data": "data"}
ADA = Person(1, 1.0, {"research": 3})
DEMAND = {"research": 10.0, "data": 0.0}
CALENDAR = Calendar(MONDAY)  # ramp-up 12 weeks from 25%, a mentor's fifth for 8 weeks


def candidate(id: int, name: str, levels: dict, start: date, **ranges) -> RankInput:
    return RankInput(id, name, levels, verdict(levels, AREAS), start=start, **ranges)


def test_a_newcomer_in_week_one_costs_their_mentor_more_than_they_add():
    """Basil (basic research, 1.75 a week) starts in week 1 at 25% speed: 0.4375 points that
    week, while Ada gives a fifth of hers (1 point) to show him around. By the end of week 1
    the two have done 5 + 4.4375; in week 2 Ada does 4 and Basil 1.75 x 0.3125: the last
    0.5625 points take 0.5625 / 4.546875 of it. The work lands later: Basil delays it."""
    basil = candidate(7, "Basil", {"research": 1, "data": 1}, MONDAY + timedelta(days=7))
    ranking = rank_candidates([ADA], DEMAND, [basil], calendar=CALENDAR)
    assert ranking.forecast_weeks == pytest.approx(2.0)
    assert ranking.finish_date == date(2027, 1, 15)
    (entry,) = ranking.entries
    with_basil = 2 + 0.5625 / 4.546875
    assert entry.forecast_weeks == pytest.approx(with_basil)
    assert entry.weeks_saved == pytest.approx(2 - with_basil)
    assert entry.weeks_saved < 0
    assert entry.start == MONDAY + timedelta(days=7)
    assert entry.finish_date == date(2027, 1, 18)  # 2.12 weeks: the Monday of week 2


def test_a_start_after_the_work_lands_changes_nothing():
    late = candidate(8, "Late", {"research": 4, "data": 1}, MONDAY + timedelta(days=21))
    (entry,) = rank_candidates([ADA], DEMAND, [late], calendar=CALENDAR).entries
    assert entry.weeks_saved == 0.0
    assert entry.forecast_weeks == pytest.approx(2.0)


def test_the_range_comes_from_the_lowest_and_highest_ratings_and_never_moves_the_order():
    """Two candidates from the plan start with the same median; Cleo's panel disagrees
    (research 2 and 4), Dev's does not (3 and 3). Both rank by the median alone."""
    start = MONDAY
    cleo = candidate(
        1, "Cleo", {"research": 3, "data": 1}, start,
        low={"research": 2, "data": 1}, high={"research": 4, "data": 1},
    )  # fmt: skip
    dev = candidate(2, "Dev", {"research": 3, "data": 1}, start)
    ranking = rank_candidates([ADA], DEMAND, [dev, cleo], calendar=CALENDAR)
    by_name = {e.name: e for e in ranking.entries}
    assert [e.name for e in ranking.entries] == ["Cleo", "Dev"]  # a tie: then by name
    c, d = by_name["Cleo"], by_name["Dev"]
    assert c.weeks_saved == pytest.approx(d.weeks_saved)
    assert c.weeks_saved_low < c.weeks_saved < c.weeks_saved_high
    assert d.weeks_saved_low == pytest.approx(d.weeks_saved) == pytest.approx(d.weeks_saved_high)


def test_without_ramp_up_mentoring_or_notice_a_hire_from_the_plan_start_is_the_timeless_one():
    """Dana strong in research from the plan start at full speed: 10 points at 10 a week."""
    quiet = Calendar(MONDAY, ramp_weeks=0, mentoring_fte=0.0)
    dana = candidate(3, "Dana", {"research": 3, "data": 1}, MONDAY)
    (entry,) = rank_candidates([ADA], DEMAND, [dana], calendar=quiet).entries
    assert entry.forecast_weeks == pytest.approx(1.0)
    assert entry.weeks_saved == pytest.approx(1.0)
    assert entry.allocation == pytest.approx({"research": 1.0})


def test_a_hire_whose_mentoring_pushes_the_work_past_the_horizon_saves_no_number_of_weeks():
    """Ada finishes 49.5 points in 9.9 of the 10 weeks the horizon allows; a newcomer from
    week 8 takes all her time (mentoring 1.0) and adds too little: with them it never lands.
    No number of weeks says that (and JSON has no infinity): weeks saved are None."""
    horizon = Calendar(MONDAY, mentoring_fte=1.0, horizon_weeks=10)
    late = candidate(9, "Late", {"research": 1, "data": 1}, MONDAY + timedelta(days=56))
    ranking = rank_candidates([ADA], {"research": 49.5, "data": 0.0}, [late], calendar=horizon)
    assert ranking.forecast_weeks == pytest.approx(9.9)
    (entry,) = ranking.entries
    assert entry.forecast_weeks == float("inf")
    assert entry.weeks_saved is None
    assert entry.weeks_saved_low is None and entry.weeks_saved_high is None
    assert entry.finish_date is None
