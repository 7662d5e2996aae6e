"""Personalised ticket sizes: how long a ticket takes a given person (the seed's practice).

Points are estimated as if a strong person did the ticket (1 point is about one of their days).
That holds at the default of 5 points a week; in general a strong full-time person finishes
`points_per_week / 5` points a working day. A person at another level works at `velocity(level)`
of that pace and a part-time person gives `fte` of each day to the team, so a ticket of `p`
points takes `p * 5 / (points_per_week * velocity * fte)` working days of their calendar.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from team.forecast import velocity_at

if TYPE_CHECKING:  # Only their shapes: this module stays pure (no database at import).
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


WORKING_DAYS_PER_WEEK = 5


def days_for(
    points: float,
    level: float,
    fte: float,
    velocities: Sequence[float],
    points_per_week: float = WORKING_DAYS_PER_WEEK,
) -> float:
    """Working days a ticket of `points` takes a person at `level` with `fte`."""
    per_day = points_per_week / WORKING_DAYS_PER_WEEK * velocity_at(level, velocities) * fte
    return math.inf if per_day <= 0 else points / per_day


def ticket_times(
    member: MemberPublic,
    items: Iterable[WorkItemPublic],
    velocities: Sequence[float],
    points_per_week: float = WORKING_DAYS_PER_WEEK,
) -> list[TicketTime]:
    """Each open ticket's length for this person, in the order given."""
    return [
        TicketTime(
            item,
            days_for(
                item.points,
                member.levels.get(item.area, 0),
                member.fte,
                velocities,
                points_per_week,
            ),
        )
        for item in items
    ]


def quickest_by_area(
    team: Sequence[MemberPublic],
    areas: Iterable[str],
    velocities: Sequence[float],
    top: int = 2,
    points_per_week: float = WORKING_DAYS_PER_WEEK,
) -> Mapping[str, tuple[Quickest, ...]]:
    """For each area, the `top` people who would finish its tickets fastest (ties by name)."""
    result: dict[str, tuple[Quickest, ...]] = {}
    for area in areas:
        ranked = sorted(
            (
                Quickest(
                    m.id,
                    m.name,
                    days_for(1.0, m.levels.get(area, 0), m.fte, velocities, points_per_week),
                )
                for m in team
            ),
            key=lambda q: (q.days_per_point, q.name),
        )
        result[area] = tuple(q for q in ranked[:top] if math.isfinite(q.days_per_point))
    return result
