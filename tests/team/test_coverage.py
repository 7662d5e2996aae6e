"""Coverage aggregates (MODEL.md, "Weakest areas") on a small hand-built team."""

from __future__ import annotations

import pytest

from team.coverage import CoverageItem, CoverageMember, coverage, demand_by_area

AREAS = [("research", "ML research"), ("engineering", "Engineering"), ("data", "Data")]
SKILLS = [
    ("pytorch", "PyTorch", "research"),
    ("k8s", "Kubernetes", "engineering"),
    ("streaming", "Streaming", "data"),
    ("sql", "SQL", "data"),
    ("spark", "Spark", "data"),
]
MEMBERS = [
    CoverageMember(1, {"research": 4, "engineering": 2}, {"pytorch": 3}),
    CoverageMember(2, {"research": 3, "engineering": 1, "data": 0}, {"pytorch": 1, "sql": 2}),
    CoverageMember(3, {"engineering": 3}, {"k8s": 0}),
]
ITEMS = [
    CoverageItem("research", 10.0, "planned", ("pytorch",)),
    CoverageItem("research", 5.0, "done", ("pytorch",)),
    CoverageItem("engineering", 8.0, "in_progress", ("k8s", "k8s")),
    CoverageItem("data", 2.0, "planned", ("streaming", "sql")),
    CoverageItem("data", 100.0, "done", ("spark",)),
]


def by_key(rows: tuple) -> dict:
    return {row.key: row for row in rows}


def test_area_demand_counts_only_work_not_done() -> None:
    result = coverage(AREAS, SKILLS, MEMBERS, ITEMS)
    assert result.total_demand == 20.0
    assert [a.key for a in result.areas] == ["research", "engineering", "data"]
    assert [a.name for a in result.areas] == ["ML research", "Engineering", "Data"]
    assert [a.demand_points for a in result.areas] == [10.0, 8.0, 2.0]
    assert [a.demand_share for a in result.areas] == pytest.approx([0.5, 0.4, 0.1], rel=1e-12)


def test_area_levels_and_bus_factor() -> None:
    areas = by_key(coverage(AREAS, SKILLS, MEMBERS, ITEMS).areas)
    # research: 4, 3, unrated(0); engineering: 2, 1, 3; data: 0 (explicit), unrated, unrated.
    assert areas["research"].members_by_level == (1, 0, 0, 1, 1)
    assert areas["engineering"].members_by_level == (0, 1, 1, 1, 0)
    assert areas["data"].members_by_level == (3, 0, 0, 0, 0)
    assert [a.strong_or_better for a in areas.values()] == [2, 1, 0]
    assert [a.at_risk for a in areas.values()] == [False, True, True]


def test_skill_rows() -> None:
    skills = by_key(coverage(AREAS, SKILLS, MEMBERS, ITEMS).skills)
    assert list(skills) == ["pytorch", "k8s", "streaming", "sql", "spark"]
    assert skills["pytorch"].area == "research"
    assert skills["pytorch"].name == "PyTorch"
    assert skills["pytorch"].members_by_level == (1, 1, 0, 1, 0)
    assert skills["pytorch"].strong_or_better == 1
    assert skills["pytorch"].at_risk
    assert skills["sql"].members_by_level == (2, 0, 1, 0, 0)
    assert skills["k8s"].members_by_level == (3, 0, 0, 0, 0)
    # Open items only, and an item naming a skill twice counts once.
    assert {k: s.demand_points for k, s in skills.items()} == {
        "pytorch": 10.0,
        "k8s": 8.0,
        "streaming": 2.0,
        "sql": 2.0,
        "spark": 0.0,
    }


def test_uncovered_skills_are_those_open_work_needs_and_nobody_has() -> None:
    # k8s: member 3 is rated 0, nobody else; streaming: nobody. sql and pytorch are covered;
    # spark is named only by done work.
    assert coverage(AREAS, SKILLS, MEMBERS, ITEMS).uncovered_skills == ("k8s", "streaming")


def test_level_one_covers_a_skill() -> None:
    members = [*MEMBERS, CoverageMember(4, {}, {"k8s": 1})]
    assert coverage(AREAS, SKILLS, members, ITEMS).uncovered_skills == ("streaming",)


def test_no_open_work_gives_zero_shares() -> None:
    done = [CoverageItem("research", 3.0, "done")]
    result = coverage(AREAS, SKILLS, MEMBERS, done)
    assert result.total_demand == 0.0
    assert [a.demand_share for a in result.areas] == [0.0, 0.0, 0.0]
    assert result.uncovered_skills == ()


def test_empty_team_is_a_risk_everywhere() -> None:
    result = coverage(AREAS, SKILLS, [], ITEMS)
    assert all(a.members_by_level == (0, 0, 0, 0, 0) for a in result.areas)
    assert all(a.strong_or_better == 0 and a.at_risk for a in result.areas)
    assert result.uncovered_skills == ("pytorch", "k8s", "streaming", "sql")


def test_demand_by_area_is_in_display_order() -> None:
    assert list(demand_by_area(AREAS[::-1], ITEMS).items()) == [
        ("data", 2.0),
        ("engineering", 8.0),
        ("research", 10.0),
    ]


def test_refuses_unknown_area_skill_or_level() -> None:
    with pytest.raises(ValueError, match="unknown area"):
        coverage(AREAS, SKILLS, MEMBERS, [CoverageItem("design", 1.0)])
    with pytest.raises(ValueError, match="unknown skill"):
        coverage(AREAS, SKILLS, MEMBERS, [CoverageItem("data", 1.0, "planned", ("rust",))])
    with pytest.raises(ValueError, match="level"):
        coverage(AREAS, SKILLS, [CoverageMember(1, {"data": 5})], [])
