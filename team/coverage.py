"""The skills-matrix aggregates of MODEL.md ("Weakest areas"): demand and who is at which level.

These are the plain counts people expect next to the forecast: how much planned work each area and
skill has, how many members are at each level, and the bus factor (how many are strong or better;
0 or 1 is a risk). Pure: plain values in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from team.levels import LEVEL_MAX, LEVEL_MIN, STRONG

__all__ = [
    "AreaCoverage",
    "Coverage",
    "CoverageItem",
    "CoverageMember",
    "OpenDemand",
    "SkillCoverage",
    "coverage",
    "coverage_of_demand",
    "demand_by_area",
]

BASIC = 1
# With this few people strong or better, losing one stalls the work: the bus factor risk.
RISKY_STRONG_COUNT = 1
DONE = "done"


@dataclass(frozen=True)
class CoverageMember:
    """An active member's ratings: area key -> level and skill key -> level (missing = 0)."""

    id: int
    levels: Mapping[str, int] = field(default_factory=dict)
    skills: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CoverageItem:
    """A work item as coverage needs it; `status` is planned, in_progress or done."""

    area: str
    points: float
    status: str = "planned"
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaCoverage:
    """One area's open demand and how many members are at each level 0-4."""

    key: str
    name: str
    demand_points: float
    demand_share: float
    members_by_level: tuple[int, ...]
    strong_or_better: int
    at_risk: bool


@dataclass(frozen=True)
class SkillCoverage:
    """One skill's open demand (items naming it) and how many members are at each level 0-4."""

    key: str
    name: str
    area: str
    demand_points: float
    members_by_level: tuple[int, ...]
    strong_or_better: int
    at_risk: bool


@dataclass(frozen=True)
class Coverage:
    """Areas and skills in display order, and open work's skills no one has at basic or better."""

    total_demand: float
    areas: tuple[AreaCoverage, ...]
    skills: tuple[SkillCoverage, ...]
    uncovered_skills: tuple[str, ...]


def demand_by_area(
    areas: Sequence[tuple[str, str]], items: Iterable[CoverageItem]
) -> dict[str, float]:
    """Points of work not yet done, per area in display order: the demand the forecast takes."""
    demand = {key: 0.0 for key, _ in areas}
    for item in items:
        if item.area not in demand:
            raise ValueError(f"work item in unknown area {item.area!r}")
        if item.status != DONE:
            demand[item.area] += item.points
    return demand


def coverage(
    areas: Sequence[tuple[str, str]],
    skills: Sequence[tuple[str, str, str]],
    members: Sequence[CoverageMember],
    items: Sequence[CoverageItem],
) -> Coverage:
    """Aggregate the team's ratings and the open work, per area and per skill.

    `areas` is `(key, name)` and `skills` is `(key, name, area key)`, both in display order;
    `members` are the active members only (the caller drops those who left).
    """
    named = {key for key, _, _ in skills if _named_by_open_work(key, items)}
    return coverage_of_demand(
        areas,
        skills,
        members,
        OpenDemand(demand_by_area(areas, items), _skill_demand(skills, items), frozenset(named)),
    )


@dataclass(frozen=True)
class OpenDemand:
    """The open work summed up: points per area and per skill, and the skills some open item
    names. It is all `coverage` needs of the items, so a caller with thousands of items can
    sum them in the database and pass this instead."""

    by_area: Mapping[str, float]
    by_skill: Mapping[str, float]
    named_skills: frozenset[str]


def coverage_of_demand(
    areas: Sequence[tuple[str, str]],
    skills: Sequence[tuple[str, str, str]],
    members: Sequence[CoverageMember],
    demand: OpenDemand,
) -> Coverage:
    """`coverage` from the open work's sums; areas and skills without open work have 0 points."""
    by_area = {key: float(demand.by_area.get(key, 0.0)) for key, _ in areas}
    unknown = set(demand.by_area) - set(by_area)
    if unknown:
        raise ValueError(f"work item in unknown area {sorted(unknown)[0]!r}")
    total = sum(by_area.values())
    area_rows = tuple(
        _area_row(key, name, by_area[key], total, [m.levels.get(key, 0) for m in members])
        for key, name in areas
    )
    skill_rows = tuple(
        _skill_row(
            key,
            name,
            area,
            float(demand.by_skill.get(key, 0.0)),
            [m.skills.get(key, 0) for m in members],
        )
        for key, name, area in skills
    )
    uncovered = tuple(
        row.key for row in skill_rows if row.key in demand.named_skills and _nobody(row)
    )
    return Coverage(total, area_rows, skill_rows, uncovered)


def _area_row(key: str, name: str, points: float, total: float, levels: list[int]) -> AreaCoverage:
    """One area's row; its share is 0 when there is no open work at all, not a division by zero."""
    counts = _count_levels(levels)
    strong = sum(counts[STRONG:])
    share = points / total if total > 0 else 0.0
    return AreaCoverage(key, name, points, share, counts, strong, strong <= RISKY_STRONG_COUNT)


def _skill_row(key: str, name: str, area: str, points: float, levels: list[int]) -> SkillCoverage:
    """One skill's row, counted the same way as an area's."""
    counts = _count_levels(levels)
    strong = sum(counts[STRONG:])
    return SkillCoverage(key, name, area, points, counts, strong, strong <= RISKY_STRONG_COUNT)


def _count_levels(levels: Iterable[int]) -> tuple[int, ...]:
    """Members at each level 0-4; a level outside 0-4 is a bug upstream, so it is refused."""
    counts = [0] * (LEVEL_MAX + 1)
    for level in levels:
        if not LEVEL_MIN <= level <= LEVEL_MAX or int(level) != level:
            raise ValueError(f"level must be a whole number from 0 to 4, got {level!r}")
        counts[int(level)] += 1
    return tuple(counts)


def _skill_demand(
    skills: Sequence[tuple[str, str, str]], items: Iterable[CoverageItem]
) -> dict[str, float]:
    """Points of open items naming each skill; an item naming a skill twice counts once."""
    demand = {key: 0.0 for key, _, _ in skills}
    for item in items:
        if item.status == DONE:
            continue
        for key in set(item.skills):
            if key not in demand:
                raise ValueError(f"work item names unknown skill {key!r}")
            demand[key] += item.points
    return demand


def _named_by_open_work(skill: str, items: Iterable[CoverageItem]) -> bool:
    """Whether some item not yet done needs this skill."""
    return any(item.status != DONE and skill in item.skills for item in items)


def _nobody(row: SkillCoverage) -> bool:
    """Whether no member has the skill at basic or better."""
    return sum(row.members_by_level[BASIC:]) == 0
