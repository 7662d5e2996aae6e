"""Changing the settings every report uses: the velocity of each level and points per week."""

from __future__ import annotations

import math
from collections.abc import Mapping

from sqlmodel import Session

from team.areas import get_settings
from team.errors import InvalidInput
from team.models import Settings

MIN_VELOCITY = 0.01


def settings_problems(points_per_week: float, velocities: Mapping[int, float]) -> dict:
    """What is wrong with proposed settings, by field; empty when they are acceptable.

    Velocities must rise with the level (MODEL.md), or the forecast would prefer weaker people;
    they must be finite and non-negative, and a strong person's week must have some points.
    """
    errors: dict[str, list[str]] = {}
    if not (math.isfinite(points_per_week) and 0 < points_per_week <= 1000):
        errors["points_per_week"] = ["must be more than 0 and at most 1000"]
    for level in range(5):
        value = velocities.get(level)
        if value is None or not math.isfinite(value) or not 0 <= value <= 100:
            errors[f"velocity.{level}"] = ["must be a number from 0 to 100"]
        elif 0 < value < MIN_VELOCITY:
            # A speed this small only makes the forecast solver's numbers meaningless.
            errors[f"velocity.{level}"] = [f"must be 0 or at least {MIN_VELOCITY:g}"]
    if not errors:
        for level in range(1, 5):
            if velocities[level] <= velocities[level - 1]:
                errors[f"velocity.{level}"] = [
                    f"must be higher than level {level - 1}'s {velocities[level - 1]:g}"
                ]
    return errors


def update_settings(
    *,
    session: Session,
    points_per_week: float | None = None,
    velocities: Mapping[int, float] | None = None,
) -> Settings:
    """Change points per week and/or velocities; a rule broken refuses the whole change."""
    settings = get_settings(session=session)
    proposed_ppw = settings.points_per_week if points_per_week is None else points_per_week
    proposed = dict(enumerate(settings.velocities)) | dict(velocities or {})
    if errors := settings_problems(proposed_ppw, proposed):
        raise InvalidInput(errors, "The settings were not changed.")
    settings.points_per_week = proposed_ppw
    for level, value in proposed.items():
        setattr(settings, f"velocity_{level}", value)
    session.add(settings)
    session.commit()
    return settings
