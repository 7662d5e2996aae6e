"""A member's time on the team: their start and end dates and their absences (MODEL.md, "The
calendar"), with the rules that keep them consistent.

The rules live here once, as plain functions of dates, and every way in asks them: the member
services (`team.members.add_member` / `change_member`, which the forms, the API and the CSV
import all use), the absence services below, and the CSV preview, which checks a whole file
before anything is written:

- an end date is on or after the start date;
- an absence starts on or before it ends, and lies within the person's time: on or after their
  start date (if any) and on or before their end date (if any);
- a member's dates may not change so that one of their absences falls outside their time;
- someone marked as left gets no new absences.

Every refusal is an `InvalidInput` naming the field (or a `Conflict` for a member who left), and
is raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from team.errors import Conflict, InvalidInput, NotFound
from team.models import Absence, Member
from team.schemas import AbsenceCreate, AbsencePublic
from team.text import day_text

# Each absence is a step of every forecast of its member (team.calendar); thousands would slow
# every report down, and no real person takes that many separate leaves.
MAX_ABSENCES = 500

Problems = dict[str, list[str]]


class Span(Protocol):
    """An absence as the rules see it: stored rows and planned ones alike."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...

    @property
    def note(self) -> str: ...


def describe(absence: Span) -> str:
    """ "1 March 2027 to 5 March 2027 (Conference)", as messages and pages name an absence."""
    days = day_text(absence.start)
    if absence.end != absence.start:
        days += f" to {day_text(absence.end)}"
    return f"{days} ({absence.note})" if absence.note else days


def _add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def date_problems(start: date | None, end: date | None) -> Problems:
    """A member's dates: the end date, if any, is on or after the start date, if any."""
    if start is not None and end is not None and end < start:
        return {"end_date": [f"must be on or after the start date ({day_text(start)})"]}
    return {}


def stranded(start: date | None, end: date | None, absences: Iterable[Span]) -> Problems:
    """The absences that member dates `start`..`end` would leave outside the member's time,
    named on the date that strands them."""
    problems: Problems = {}
    for absence in absences:
        if start is not None and absence.start < start:
            _add(problems, "start_date", _strands(absence))
        if end is not None and absence.end > end:
            _add(problems, "end_date", _strands(absence))
    return problems


def _strands(absence: Span) -> str:
    return (
        f"would leave the absence {describe(absence)} outside their time on the team; "
        "change or delete that absence first"
    )


def absence_problems(
    start: date, end: date, member_start: date | None, member_end: date | None
) -> Problems:
    """An absence `start`..`end` of a member with those dates: in order, and within their time."""
    problems: Problems = {}
    if end < start:
        _add(problems, "end", f"must be on or after the first day away ({day_text(start)})")
    for field, day in (("start", start), ("end", end)):
        if member_start is not None and day < member_start:
            _add(
                problems, field, f"must be on or after their start date ({day_text(member_start)})"
            )
        if member_end is not None and day > member_end:
            last = day_text(member_end)
            _add(problems, field, f"must be on or before their end date ({last})")
    return problems


def check_member_dates(
    start: date | None, end: date | None, *, member_id: int | None, session: Session
) -> None:
    """Refuse member dates that are out of order or would strand one of the member's absences
    (`member_id` None: a new member, who has none)."""
    problems = date_problems(start, end)
    message = "The end date must be on or after the start date."
    if not problems and member_id is not None and (start is not None or end is not None):
        outside = [col(Absence.start) < start] if start is not None else []
        outside += [col(Absence.end) > end] if end is not None else []
        rows = session.exec(
            select(Absence)
            .where(Absence.member_id == member_id, or_(*outside))
            .order_by(col(Absence.start), col(Absence.id))
        ).all()
        problems = stranded(start, end, rows)
        message = "An absence would fall outside their time on the team."
    if problems:
        raise InvalidInput(problems, message)


def absences_by_member(*, session: Session) -> Mapping[int, list[Absence]]:
    """Every stored absence by member id, in date order (one query, for checking a CSV file)."""
    found: dict[int, list[Absence]] = {}
    for row in session.exec(select(Absence).order_by(col(Absence.start), col(Absence.id))).all():
        found.setdefault(row.member_id, []).append(row)
    return found


# Services ------------------------------------------------------------------------------------


def _public(row: Absence) -> AbsencePublic:
    return AbsencePublic(
        id=row.id or 0, member_id=row.member_id, start=row.start, end=row.end, note=row.note
    )


def _member(member_id: int, *, session: Session, for_update: bool = False) -> Member:
    """The member, or NotFound; `for_update` locks the row (as `team.members.get_member_row`
    does) so that an absence and a change of the member's dates cannot pass each other."""
    member = session.get(
        Member, member_id, with_for_update=for_update or None, populate_existing=for_update
    )
    if member is None:
        raise NotFound("no such member")
    return member


def list_absences(
    member_id: int, *, session: Session, limit: int | None = None, offset: int = 0
) -> tuple[list[AbsencePublic], int]:
    """A member's absences in date order (a page of them with `limit`), and how many in all."""
    _member(member_id, session=session)
    mine = Absence.member_id == member_id
    total = session.exec(select(func.count()).select_from(Absence).where(mine)).one()
    query = select(Absence).where(mine).order_by(col(Absence.start), col(Absence.id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_public(row) for row in session.exec(query).all()], total


def _absence_row(absence_id: int, *, session: Session) -> Absence:
    row = session.get(Absence, absence_id)
    if row is None:
        raise NotFound("no such absence")
    return row


def get_absence(absence_id: int, *, session: Session) -> AbsencePublic:
    """One absence, or NotFound."""
    return _public(_absence_row(absence_id, session=session))


def add_absence(member_id: int, data: AbsenceCreate, *, session: Session) -> AbsencePublic:
    """Record days a member is away, within their time on the team; nothing is written when a
    rule is broken."""
    member = _member(member_id, session=session, for_update=True)
    if member.left_at is not None:
        raise Conflict(f"{member.name} has left the team: absences are for people on it.")
    mine = Absence.member_id == member_id
    if session.exec(select(func.count()).select_from(Absence).where(mine)).one() >= MAX_ABSENCES:
        raise Conflict(f"{member.name} has {MAX_ABSENCES} absences already; delete old ones first.")
    problems = absence_problems(data.start, data.end, member.start_date, member.end_date)
    if problems:
        raise InvalidInput(problems, "The absence does not fit their time on the team.")
    row = Absence(member_id=member_id, start=data.start, end=data.end, note=data.note)
    session.add(row)
    session.commit()
    return _public(row)


def delete_absence(absence_id: int, *, session: Session) -> AbsencePublic:
    """Remove an absence (the member counts as working those days again); what was removed."""
    row = _absence_row(absence_id, session=session)
    removed = _public(row)
    session.delete(row)
    session.commit()
    return removed
