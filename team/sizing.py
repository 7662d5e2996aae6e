"""Personalised ticket sizes: how long a ticket takes a given person (the seed's practice).

Points are estimated as if a strong person did the ticket (1 point is about one of their days).
A person at another level gets through `velocity(level)` strong-days of work per day, and a
part-time person works `fte` of each day on the team, so a ticket of `p` points takes
`p / (velocity * fte)` working days of that person's calendar.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from team.forecast import velocity_at
from team.schemas import MemberPublic, WorkItemPublic


@dataclass(frozen=True)
class TicketTime:
    """How many working days one ticket takes one person (inf: they cannot do it at all)."""

    item: WorkItemPublic
    days: float


@dataclass(frozen=True)
class Quickest:
    """A person who would finish tickets of an area among the fastest, and their days per point."""

    member_id: int
    name: str
    days_per_point: float


def days_for(points: float, level: float, fte: float, velocities: Sequence[float]) -> float:
    """Working days a ticket of `points` takes a person at `level` with `fte`."""
    speed = velocity_at(level, velocities) * fte
    return math.inf if speed <= 0 else points / speed


def ticket_times(
    member: MemberPublic, items: Iterable[WorkItemPublic], velocities: Sequence[float]
) -> list[TicketTime]:
    """Each open ticket's length for this person, in the order given."""
    return [
        TicketTime(
            item, days_for(item.points, member.levels.get(item.area, 0), member.fte, velocities)
        )
        for item in items
    ]


def quickest_by_area(
    team: Sequence[MemberPublic],
    areas: Iterable[str],
    velocities: Sequence[float],
    top: int = 2,
) -> Mapping[str, tuple[Quickest, ...]]:
    """For each area, the `top` people who would finish its tickets fastest (ties by name)."""
    result: dict[str, tuple[Quickest, ...]] = {}
    for area in areas:
        ranked = sorted(
            (
                Quickest(m.id, m.name, days_for(1.0, m.levels.get(area, 0), m.fte, velocities))
                for m in team
            ),
            key=lambda q: (q.days_per_point, q.name),
        )
        result[area] = tuple(q for q in ranked[:top] if math.isfinite(q.days_per_point))
    return result
