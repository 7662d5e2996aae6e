"""Members files: new emails add members, known emails update them, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from team import csvio
from team.absences import absences_by_member, date_problems, stranded
from team.areas import list_areas, list_skills
from team.imports.common import (
    ImportResult,
    ImportRow,
    _in_column_order,
    _Plan,
    _result,
    _stage,
    _validate,
)
from team.levels import LEVEL_NAMES
from team.members import add_member, change_member, publish
from team.models import Member
from team.schemas import MemberCreate, MemberPublic, MemberUpdate


@dataclass(frozen=True)
class _Team:
    """What checking a members file needs to know: the vocabulary, who is there already and
    their absences (a row's dates may not strand one)."""

    area_names: Mapping[str, str]
    skill_names: Mapping[str, str]
    rows: Mapping[str, Member]
    current: Mapping[str, MemberPublic]
    absences: Mapping[int, Sequence[Any]]


def _load_team(session: Session) -> _Team:
    """Areas, skills and every member (those who left too: emails stay unique) by email."""
    rows = list(session.exec(select(Member)).all())
    return _Team(
        area_names={a.key: a.name for a in list_areas(session=session)},
        skill_names={s.key: s.name for s in list_skills(session=session)},
        rows={m.email.lower(): m for m in rows},
        current={m.email.lower(): m for m in publish(rows, session=session)},
        absences=absences_by_member(session=session),
    )


def _level_changes(
    names: Mapping[str, str], before: Mapping[str, int], given: Mapping[str, int] | None
) -> list[str]:
    """ "ML research: working → strong" for each level the row changes."""
    return [
        f"{names[key]}: {LEVEL_NAMES[before.get(key, 0)]} → {LEVEL_NAMES[level]}"
        for key, level in (given or {}).items()
        if before.get(key, 0) != level
    ]


def _member_changes(data: MemberUpdate, current: MemberPublic, team: _Team) -> list[str]:
    """Each difference between the stored member and the row, in words."""
    changes = []
    if data.name is not None and data.name != current.name:
        changes.append(f"name: {current.name} → {data.name}")
    if data.title is not None and data.title != current.title:
        changes.append(f"title: {current.title or '(none)'} → {data.title or '(none)'}")
    if data.fte is not None and data.fte != current.fte:
        changes.append(f"FTE: {csvio.number(current.fte)} → {csvio.number(data.fte)}")
    for field, label in (("start_date", "start date"), ("end_date", "end date")):
        before, after = getattr(current, field), getattr(data, field)
        if field in data.model_fields_set and after != before:
            changes.append(f"{label}: {_day(before)} → {_day(after)}")
    changes += _level_changes(team.area_names, current.levels, data.levels)
    changes += _level_changes(team.skill_names, current.skills, data.skills)
    return changes


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "(none)"


def _dates(data: Any, current: MemberPublic | None) -> tuple[date | None, date | None]:
    """The start and end dates the row leaves the member with: a date column in the file sets
    it (empty: none), one not in the file keeps the stored date."""
    start, end = (current.start_date, current.end_date) if current else (None, None)
    if "start_date" in data.model_fields_set:
        start = data.start_date
    if "end_date" in data.model_fields_set:
        end = data.end_date
    return start, end


def _member_summary(data: Any, email: str, current: MemberPublic | None, team: _Team) -> dict:
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
    return {
        "name": name,
        "email": email,
        "title": title,
        "fte": fte,
        "levels": {key: levels.get(key, 0) for key in team.area_names},
        "skills": {key: skills[key] for key in team.skill_names if skills.get(key)},
        "start_date": start_date,
        "end_date": end_date,
        "changes": changes,
        "changed": current is None or bool(changes),
        "left": bool(current and not current.active),
    }


def _date_problems(
    data: Any, current: MemberPublic | None, existing: Member | None, team: _Team
) -> list[str]:
    """The calendar rules (team.absences) for the dates the row leaves the member with, checked
    here too so that the preview lists them: out of order, or stranding one of their absences."""
    start, end = _dates(data, current)
    problems = date_problems(start, end)
    changed = current is None or (start, end) != (current.start_date, current.end_date)
    if not problems and changed and existing is not None and existing.id is not None:
        problems = stranded(start, end, team.absences.get(existing.id, ()))
    return [f"{column}: {m}" for column, messages in problems.items() for m in messages]


def _plan_member(
    row: csvio.CsvRow, team: _Team, first_line: dict[str, int]
) -> tuple[_Plan | None, list[str]]:
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
    existing = team.rows.get(email)
    if existing is None:
        model, schema_errors = _validate(MemberCreate, data)
    else:
        changes = {k: v for k, v in data.items() if k != "email"}
        model, schema_errors = _validate(MemberUpdate, changes)
    problems += schema_errors
    if model is not None:
        problems += _date_problems(model, team.current.get(email), existing, team)
    if problems:
        return None, _in_column_order(problems, row.cells)
    summary = _member_summary(model, email, team.current.get(email), team)
    action = "update" if existing is not None else "create"
    return _Plan(ImportRow(row.line, action, summary), model, existing), []


def import_members(text: str, *, session: Session, actor: str, apply: bool) -> ImportResult:
    """Preview or import a members file: new emails add members, known emails update them.

    Only the columns present are changed on an update (an empty level cell sets the level to 0,
    an empty date cell clears the date).
    """
    team = _load_team(session)
    known = csvio.member_columns(team.area_names, team.skill_names)
    try:
        table = csvio.read_table(text, required=csvio.MEMBER_REQUIRED, known=known)
    except csvio.CsvFileError as error:
        return _result([], {1: error.messages})
    errors: dict[int, list[str]] = {line: list(m) for line, m in table.errors.items()}
    plans: list[_Plan] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        plan, problems = _plan_member(row, team, first_line)
        if plan is not None:
            plans.append(plan)
        errors[row.line] = problems
    result = _result(plans, errors)
    if not apply or not result.ok:
        return result

    def stage(plan: _Plan) -> None:
        """Add a new member, or change one whose row changes something."""
        if plan.member is None:
            add_member(plan.data, session=session, actor=actor)  # type: ignore[arg-type]
        elif plan.row.summary["changed"]:
            change_member(plan.member, plan.data, session=session, actor=actor)  # type: ignore[arg-type]

    return _result(plans, _stage(plans, stage, session=session))
