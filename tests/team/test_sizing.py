"""Personalised ticket sizes, computed by hand."""

from __future__ import annotations

import math

import pytest

from team.levels import DEFAULT_VELOCITIES
from team.schemas import MemberPublic, WorkItemPublic
from team.sizing import days_for, quickest_by_area, ticket_times


def _member(id: int, name: str, fte: float, **levels: int) -> MemberPublic:
    return MemberPublic(
        id=id,
        name=name,
        email=f"{id}@x.org",
        title="",
        fte=fte,
        active=True,
        levels=levels,
        skills={},
    )


def test_three_research_points_take_a_basic_person_about_eight_and_a_half_days():
    # 3 points / velocity(basic) 0.35 = 8.571... days
    assert days_for(3, 1, 1.0, DEFAULT_VELOCITIES) == pytest.approx(8.5714285714)


def test_part_time_spreads_the_days_and_fractional_levels_interpolate():
    # 2.5 -> 0.825; at half time 3 points take 3 / (0.825 * 0.5) = 7.2727... days
    assert days_for(3, 2.5, 0.5, DEFAULT_VELOCITIES) == pytest.approx(7.272727272727)


def test_a_level_with_zero_velocity_never_finishes():
    assert days_for(3, 0, 1.0, (0.0, 0.35, 0.65, 1.0, 1.3)) == math.inf


def test_ticket_times_follow_each_items_area():
    ada = _member(1, "Ada", 1.0, research=4, data=1)
    items = [
        WorkItemPublic(
            id=1, title="Model", area="research", points=2.6, status="planned", skills=[]
        ),
        WorkItemPublic(
            id=2, title="Pipeline", area="data", points=3.5, status="planned", skills=[]
        ),
    ]
    times = ticket_times(ada, items, DEFAULT_VELOCITIES)
    assert [t.days for t in times] == pytest.approx([2.0, 10.0])


def test_quickest_people_per_area_rank_by_speed_then_name():
    team = [
        _member(1, "Ada", 1.0, research=4),
        _member(2, "Bo", 0.5, research=4),  # expert at half time: 1 / 0.65 days a point
        _member(3, "Cy", 1.0, research=3),  # strong full time: 1 day a point
    ]
    quickest = quickest_by_area(team, ["research"], DEFAULT_VELOCITIES, top=2)["research"]
    assert [q.name for q in quickest] == ["Ada", "Cy"]
    assert quickest[0].days_per_point == pytest.approx(1 / 1.3)


def test_more_points_a_week_means_fewer_days_per_point():
    # At 10 points a week a strong person finishes 2 points a working day: 3 points in 1.5 days.
    assert days_for(3, 3, 1.0, DEFAULT_VELOCITIES, points_per_week=10) == pytest.approx(1.5)
