"""The calendar as stored: the settings and holidays as a `team.calendar.Calendar`, and the
team's members as the `Person`s the forecast counts (dates and absences included).

The one place that says what "today's plan start" is (the setting, else the Monday of the
current week in UTC), so that every report, the ranking and a hire's start date agree on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from team.areas import get_settings, holidays
from team.calendar import Calendar, Person, candidate_start, monday_of
from team.models import Absence, Settings
from team.schemas import MemberPublic

__all__ = ["calendar_of", "current_calendar", "people_of", "start_for_candidate", "today"]


def today() -> date:
    """Today in UTC, the day the plan start follows."""
    return datetime.now(UTC).date()


def calendar_of(settings: Settings, days_off: Sequence[date], on: date | None = None) -> Calendar:
    """The calendar of these settings on day `on` (default today): the plan start is the
    setting, or the Monday of that day's week."""
    start = settings.plan_start or monday_of(on or today())
    return Calendar(
        plan_start=start,
        holidays=frozenset(days_off),
        ramp_weeks=settings.ramp_weeks,
        ramp_start=settings.ramp_start,
        mentoring_fte=settings.mentoring_fte,
        mentoring_weeks=settings.mentoring_weeks,
        horizon_weeks=settings.horizon_weeks,
    )


def current_calendar(*, session: Session) -> Calendar:
    """The calendar every report uses now."""
    return calendar_of(get_settings(session=session), holidays(session=session))


def people_of(members: Sequence[MemberPublic], *, session: Session) -> list[Person]:
    """The members as the forecast counts them: fte, levels, dates and absences."""
    ids = [m.id for m in members]
    absences: dict[int, list[tuple[date, date]]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(col(Absence.member_id), col(Absence.start), col(Absence.end))
            .where(col(Absence.member_id).in_(ids))
            .order_by(col(Absence.start), col(Absence.id))
        ).all()
        for member_id, start, end in rows:
            absences[member_id].append((start, end))
    return [
        Person(
            id=m.id,
            fte=m.fte,
            levels={k: float(v) for k, v in m.levels.items()},
            start=m.start_date,
            end=m.end_date,
            absences=tuple(absences.get(m.id, ())),
        )
        for m in members
    ]


def start_for_candidate(
    available_from: date | None, opening_start: date | None, *, session: Session
) -> date:
    """The day a candidate would start on the team (MODEL.md, "Start"), with today's calendar."""
    settings = get_settings(session=session)
    calendar = calendar_of(settings, ())
    return candidate_start(available_from, opening_start, calendar, settings.notice_weeks)
