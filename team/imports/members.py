"""Members files: new emails add members, known emails update them, all or nothing."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from team import csvio
from team.absences import absences_by_member, date_problems, stranded
from team.areas import list_areas, list_skills
from team.bulk import runs_beside
from team.imports.common import (
    ImportResult,
    ImportRow,
    _in_column_order,
    _Plan,
    _result,
    _validate,
    write_all,
)
from team.imports.compact import Shared, Summary
from team.imports.members_bulk import MembersWriter, MemberWrite, Vocabulary, write_members
from team.imports.members_stored import StoredMember, stored_members
from team.levels import LEVEL_NAMES, level_changes
from team.schemas import MemberCreate, MemberUpdate


@dataclass(frozen=True)
class _Team:
    """What checking a members file needs to know: the vocabulary (keys to names and ids, in
    display order), who is there already and their absences (a row's dates may not strand one),
    and the values many rows share."""

    area_names: Mapping[str, str]
    skill_names: Mapping[str, str]
    area_ids: Mapping[str, int]
    skill_ids: Mapping[str, int]
    current: Mapping[str, StoredMember]
    absences: Mapping[int, Sequence[Any]]
    shared: Shared


def _load_team(session: Session) -> _Team:
    """Areas, skills and every member (those who left too: emails stay unique) by email."""
    areas, skills = list_areas(session=session), list_skills(session=session)
    shared = Shared()
    return _Team(
        area_names={a.key: a.name for a in areas},
        skill_names={s.key: s.name for s in skills},
        area_ids={a.key: a.id or 0 for a in areas},
        skill_ids={s.key: s.id or 0 for s in skills},
        current=stored_members(session, shared),
        absences=absences_by_member(session=session),
        shared=shared,
    )


def _level_changes(
    names: Mapping[str, str],
    before: Mapping[str, int],
    given: Mapping[str, int] | None,
    shared: Shared,
) -> list[str]:
    """ "ML research: working → strong" for each level the row changes."""
    given = given or {}
    return [
        shared.value(f"{names[key]}: {LEVEL_NAMES[old]} → {LEVEL_NAMES[level]}")
        for key, old, level in level_changes(given, before, given)
    ]


def _member_changes(data: MemberUpdate, current: StoredMember, team: _Team) -> list[str]:
    """Each difference between the stored member and the row, in words (the same words for
    many rows are one string: a file that gives everyone a new title says so 100,000 times)."""
    changes = []
    shared = team.shared.value
    if data.name is not None and data.name != current.name:
        changes.append(f"name: {current.name} → {data.name}")
    if data.title is not None and data.title != current.title:
        changes.append(shared(f"title: {current.title or '(none)'} → {data.title or '(none)'}"))
    if data.fte is not None and data.fte != current.fte:
        changes.append(shared(f"FTE: {csvio.number(current.fte)} → {csvio.number(data.fte)}"))
    for field, label in (("start_date", "start date"), ("end_date", "end date")):
        before, after = getattr(current, field), getattr(data, field)
        if field in data.model_fields_set and after != before:
            changes.append(shared(f"{label}: {_day(before)} → {_day(after)}"))
    changes += _level_changes(team.area_names, current.levels, data.levels, team.shared)
    changes += _level_changes(team.skill_names, current.skills, data.skills, team.shared)
    return changes


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "(none)"


def _dates(data: Any, current: StoredMember | None) -> tuple[date | None, date | None]:
    """The start and end dates the row leaves the member with: a date column in the file sets
    it (empty: none), one not in the file keeps the stored date."""
    start, end = (current.start_date, current.end_date) if current else (None, None)
    if "start_date" in data.model_fields_set:
        start = data.start_date
    if "end_date" in data.model_fields_set:
        end = data.end_date
    return start, end


def _member_summary(data: Any, email: str, current: StoredMember | None, team: _Team) -> Summary:
    """The member as the row leaves them, and what changes, for the preview."""
    if current is None:
        name, title, fte = data.name, data.title, data.fte
        levels, skills, changes = dict(data.levels), dict(data.skills), []
    else:
        name = data.name if data.name is not None else current.name
        title = data.title if data.title is not None else current.title
        fte = data.fte if data.fte is not None else current.fte
        levels = {**current.levels, **(data.levels or {})}
        skills = {**current.skills, **(data.skills or {})}
        changes = _member_changes(data, current, team)
    start_date, end_date = _dates(data, current)
    return Summary(
        name=name,
        email=email,
        title=title,
        fte=fte,
        levels=team.shared.mapping({key: levels.get(key, 0) for key in team.area_names}),
        skills=team.shared.mapping(
            {key: skills[key] for key in team.skill_names if skills.get(key)}
        ),
        start_date=start_date,
        end_date=end_date,
        changes=changes,
        changed=current is None or bool(changes),
        left=bool(current and not current.active),
    )


def _date_problems(data: Any, current: StoredMember | None, team: _Team) -> list[str]:
    """The calendar rules (team.absences) for the dates the row leaves the member with, checked
    here too so that the preview lists them: out of order, or stranding one of their absences."""
    start, end = _dates(data, current)
    problems = date_problems(start, end)
    changed = current is None or (start, end) != (current.start_date, current.end_date)
    if not problems and changed and current is not None:
        problems = stranded(start, end, team.absences.get(current.id, ()))
    return [f"{column}: {m}" for column, messages in problems.items() for m in messages]


def _plan_member(
    row: csvio.CsvRow, team: _Team, first_line: dict[str, int]
) -> tuple[ImportRow | None, list[str]]:
    """Check one members row: a new member, or an update of the member with that email."""
    data, cell_errors = csvio.member_fields(
        row, area_keys=team.area_names, skill_keys=team.skill_names
    )
    problems = [f"{column}: {m}" for column, messages in cell_errors.items() for m in messages]
    email = str(data["email"]).lower()
    if email in first_line:
        problems.append(f"email: duplicated on line {first_line[email]}")
    elif email:
        first_line[email] = row.line
    current = team.current.get(email)
    if current is None:
        model, schema_errors = _validate(MemberCreate, data)
    else:
        changes = {k: v for k, v in data.items() if k != "email"}
        model, schema_errors = _validate(MemberUpdate, changes)
    problems += schema_errors
    if model is not None:
        problems += _date_problems(model, current, team)
    if problems:
        return None, _in_column_order(problems, row.cells)
    summary = _member_summary(model, email, current, team)
    return ImportRow(row.line, "update" if current is not None else "create", summary), []


def import_members(
    text: str,
    *,
    session: Session,
    actor: str,
    apply: bool,
    also: Callable[[ImportResult], object] | None = None,
) -> ImportResult:
    """Preview or import a members file: new emails add members, known emails update them.

    Only the columns present are changed on an update (an empty level cell sets the level to 0,
    an empty date cell clears the date). An import makes each member what the row's summary
    says, in bulk (`members_bulk`), with `also(result)` staged in the same transaction.

    On PostgreSQL an import writes each row as soon as it is checked (the server stores the
    first chunks while the rest is checked: a 100,000-member file took twice as long the other
    way) and rolls all of it back at the first bad row; the answer is the same either way.
    On SQLite the file is checked whole first, as writing holds the database's one write lock.
    """
    team = _load_team(session)
    known = csvio.member_columns(team.area_names, team.skill_names)
    try:
        table = csvio.read_table(text, required=csvio.MEMBER_REQUIRED, known=known)
    except csvio.CsvFileError as error:
        return _result([], {1: error.messages})
    errors: dict[int, list[str]] = {line: list(m) for line, m in table.errors.items() if m}
    # Each row's cells are let go once it is checked: a 100,000-row file's are some 80 MB.
    pending = deque(table.rows)
    del table
    vocabulary = Vocabulary(team.area_ids, team.skill_ids, actor)
    if not apply or errors:
        return _check(pending, team, errors, None)
    if not runs_beside(session):
        result = _check(pending, team, errors, None)
        if result.ok:
            write_all(
                lambda: write_members(_writes(result.rows, team), vocabulary, session=session),
                session=session,
                also=(lambda: also(result)) if also else None,
            )
        return result
    outcome: list[ImportResult] = []

    def write() -> None:
        writer = MembersWriter(vocabulary, session=session)
        outcome.append(_check(pending, team, errors, writer))
        if not outcome[0].ok:
            raise _Refused
        writer.finish()

    try:
        write_all(write, session=session, also=(lambda: also(outcome[0])) if also else None)
    except _Refused:
        session.rollback()
    return outcome[0]


class _Refused(Exception):
    """A row of the file is wrong: what was written of it is rolled back."""


def _check(
    pending: deque[csvio.CsvRow],
    team: _Team,
    errors: dict[int, list[str]],
    writer: MembersWriter | None,
) -> ImportResult:
    """Check every row (each let go once checked); with a `writer`, hand each good row to it
    until the first bad one, when it is abandoned (the caller rolls back)."""
    plans: list[_Plan] = []
    first_line: dict[str, int] = {}
    try:
        while pending:
            row = pending.popleft()
            checked, problems = _plan_member(row, team, first_line)
            if checked is not None:
                # No schema instance is kept (`data` None): the summary says what the row makes
                # of the member, and that is what is written; 100,000 instances take 100 MB.
                plans.append(_Plan(checked, None))
                if writer is not None:
                    for write in _writes((checked,), team):
                        writer.add(write)
            elif problems:
                errors[row.line] = problems
                if writer is not None:
                    writer.abandon()
                    writer = None
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    return _result(plans, errors)


def _writes(rows: Sequence[ImportRow], team: _Team) -> Iterator[MemberWrite]:
    """What to write for each row: a new member, or a member whose row changes something (a
    row that changes nothing writes nothing, not even a new version)."""
    for row in rows:
        if row.action == "create":
            yield MemberWrite(row.summary)
        elif row.summary["changed"]:
            yield MemberWrite(row.summary, team.current[row.summary["email"]])
