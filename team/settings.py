"""Changing the settings every report uses: the velocity of each level, points per week and the
calendar (plan start, holidays, ramp-up, mentoring, notice and horizon; MODEL.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session, col, select

from team.areas import get_settings
from team.errors import InvalidInput
from team.models import Holiday, Settings
from team.text import day_text

MIN_VELOCITY = 0.01
# A plan start far enough from any date arithmetic's end (a horizon of 20 years after it).
PLAN_START_YEARS = (1970, 2999)

# Each calendar setting: its type and inclusive range (API.md, "Time, plan and decisions").
CALENDAR_RANGES: dict[str, tuple[type, float, float]] = {
    "ramp_weeks": (int, 0, 104),
    "ramp_start": (float, 0, 1),
    "mentoring_fte": (float, 0, 1),
    "mentoring_weeks": (int, 0, 52),
    "notice_weeks": (int, 0, 52),
    "horizon_weeks": (int, 1, 1040),
    # Checked and saved with the calendar, though no forecast reads it: the days after an
    # interview that its scorecard is overdue and its interviewer is reminded by email.
    "card_due_days": (int, 1, 60),
}


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


def calendar_problems(
    plan_start: date | None, calendar: Mapping[str, float], holidays: Sequence[date] | None
) -> dict[str, list[str]]:
    """What is wrong with proposed calendar settings, by field (the pages' forms and the API
    check shapes; this is the one place the rules live)."""
    errors: dict[str, list[str]] = {}
    if plan_start is not None and plan_start.weekday() != 0:
        errors["plan_start"] = [f"must be a Monday ({plan_start:%A} {day_text(plan_start)} is not)"]
    elif plan_start is not None:
        first_year, last_year = PLAN_START_YEARS
        if not first_year <= plan_start.year <= last_year:
            errors["plan_start"] = [f"must be a Monday from {first_year} to {last_year}"]
    for name, value in calendar.items():
        kind, low, high = CALENDAR_RANGES[name]
        whole = kind is int and float(value).is_integer()
        if not math.isfinite(value) or not low <= value <= high or (kind is int and not whole):
            what = "a whole number" if kind is int else "a number"
            errors[name] = [f"must be {what} from {low:g} to {high:g}"]
    if holidays is not None and len(set(holidays)) != len(holidays):
        errors["holidays"] = ["lists a day twice"]
    return errors


def update_settings(
    *,
    session: Session,
    points_per_week: float | None = None,
    velocities: Mapping[int, float] | None = None,
    calendar: Mapping[str, float] | None = None,
    plan_start: date | None = None,
    clear_plan_start: bool = False,
    holidays: Sequence[date] | None = None,
) -> Settings:
    """Change any of the settings; a rule broken refuses the whole change (nothing written).

    `calendar` maps names of CALENDAR_RANGES to values; `holidays`, when given, replaces the
    list; `clear_plan_start` goes back to the Monday of the current week.
    """
    settings = get_settings(session=session)
    proposed_ppw = settings.points_per_week if points_per_week is None else points_per_week
    proposed = dict(enumerate(settings.velocities)) | dict(velocities or {})
    errors = settings_problems(proposed_ppw, proposed)
    errors |= calendar_problems(plan_start, calendar or {}, holidays)
    if errors:
        raise InvalidInput(errors, "The settings were not changed.")
    settings.points_per_week = proposed_ppw
    for level, value in proposed.items():
        setattr(settings, f"velocity_{level}", value)
    for name, value in (calendar or {}).items():
        setattr(settings, name, CALENDAR_RANGES[name][0](value))
    if plan_start is not None or clear_plan_start:
        settings.plan_start = plan_start
    if holidays is not None:
        # Row by row, not one DELETE: the forecast's history notes each day added or removed.
        wanted = set(holidays)
        for kept in session.exec(select(Holiday)).all():
            if kept.day not in wanted:
                session.delete(kept)
        have = set(session.exec(select(col(Holiday.day))).all())
        session.add_all(Holiday(day=day) for day in sorted(wanted - have))
    session.add(settings)
    session.commit()
    return settings
