"""CSV import and export of the team and the planned work: one use case per file, all or nothing.

Rows are checked with the same schemas (`team.schemas`) and staged with the same service functions
(`add_member`, `change_member`, `add_work_item`) as the forms and the API, so a file can do nothing
that a person typing in the form could not. A preview (`apply=False`) reads the database and writes
nothing; applying writes every row in one commit, or, if any row is wrong, nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from team import assignees, csvio
from team.absences import absences_by_member, date_problems, stranded
from team.areas import list_areas, list_skills
from team.errors import Conflict, InvalidInput
from team.levels import LEVEL_NAMES
from team.members import active_members, add_member, change_member, publish
from team.models import Area, Member, WorkItem
from team.schemas import MemberCreate, MemberPublic, MemberUpdate, WorkItemCreate
from team.work import add_work_item
from team.work import publish as publish_items


@dataclass(frozen=True)
class ImportRow:
    """What one good row does: `create` or `update`, and a display-ready summary of the row.

    Members: name, email, title, fte, levels {area: level}, skills {skill: level}, start_date and
    end_date (date or None) as they will be, changes (list of "what: old → new"), changed (bool),
    left (bool). Work items: title, area, area_name, points, status, skills [key], note ("" or a
    warning worth reading), assignee (email or None), assignee_name (or None) and
    assignee_problem (None, or why the file's assignee is left empty: no such member, left).
    """

    line: int
    action: str
    summary: Mapping[str, Any]


@dataclass(frozen=True)
class ImportResult:
    """The outcome of a preview or an import.

    `created` and `updated` count what the file does (or would do); an update that changes nothing
    is listed in `rows` but not counted. With errors both are 0: nothing is, or would be, written.
    `errors` maps a file line (the header is line 1) to "column: what is wrong" messages.
    `unknown_assignees` counts work item rows whose assignee names no member who may be given
    work (`team.assignees`): those items are, or would be, imported with no assignee.
    """

    created: int
    updated: int
    rows: tuple[ImportRow, ...]
    errors: Mapping[int, tuple[str, ...]]
    unknown_assignees: int = 0

    @property
    def ok(self) -> bool:
        """Whether the file has no errors (and so was, or can be, imported)."""
        return not self.errors


@dataclass(frozen=True)
class _Plan:
    """A valid row and what to stage for it."""

    row: ImportRow
    data: BaseModel
    member: Member | None = None


def _result(plans: Sequence[_Plan], errors: Mapping[int, Sequence[str]]) -> ImportResult:
    """Count the planned rows, or none when anything is wrong."""
    rows = tuple(plan.row for plan in plans)
    clean = {line: tuple(messages) for line, messages in sorted(errors.items()) if messages}
    if clean:
        return ImportResult(created=0, updated=0, rows=rows, errors=clean)
    created = sum(row.action == "create" for row in rows)
    updated = sum(row.action == "update" and bool(row.summary.get("changed")) for row in rows)
    unknown = sum(bool(row.summary.get("assignee_problem")) for row in rows)
    return ImportResult(
        created=created, updated=updated, rows=rows, errors={}, unknown_assignees=unknown
    )


def _bounds(name: str) -> str | None:
    """ "more than 0 and at most 1" for a ranged number field, read from the schemas themselves."""
    for schema in (MemberCreate, WorkItemCreate):
        info = schema.model_fields.get(name)
        if info is None:
            continue
        low = next((m.gt for m in info.metadata if hasattr(m, "gt")), None)
        high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if low is not None and high is not None:
            return f"more than {csvio.number(low)} and at most {csvio.number(high)}"
    return None


def _message(item: Mapping[str, Any]) -> str:
    """One pydantic error in the words a person filling in a spreadsheet understands."""
    kind, ctx = item.get("type", ""), item.get("ctx") or {}
    bounds = _bounds(str(item["loc"][0]))
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "may not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if bounds and kind in ("greater_than", "less_than_equal"):
        return f"must be {bounds}"
    if bounds:
        return f"must be a number {bounds}"
    return str(item.get("msg", "is not valid")).removeprefix("Value error, ")


def _column(loc: Sequence[Any]) -> str:
    """The CSV column a schema error is about: area and skill levels are columns of their own."""
    if len(loc) > 1 and loc[0] in ("levels", "skills") and isinstance(loc[1], str):
        return loc[1]
    return str(loc[0]) if loc else "row"


def _validate(schema: type[BaseModel], data: Mapping[str, object]) -> tuple[Any, list[str]]:
    """The row as a schema instance, or None and "column: message" for each problem."""
    try:
        return schema(**data), []
    except ValidationError as error:
        return None, [f"{_column(e['loc'])}: {_message(e)}" for e in error.errors()]


def _in_column_order(problems: list[str], columns: Iterable[str]) -> list[str]:
    """Sort "column: message" problems the way the columns stand in the file, to read along."""
    order = {name: index for index, name in enumerate(columns)}
    return sorted(problems, key=lambda p: order.get(p.split(":", 1)[0], len(order)))


def _service_messages(error: InvalidInput | Conflict) -> list[str]:
    """A service's refusal as row messages (`levels.research` becomes `research`)."""
    if not error.fields:
        return [error.message]
    return [
        f"{name.rsplit('.', 1)[-1]}: {message}"
        for name, messages in error.fields.items()
        for message in messages
    ]


def _stage(plans: Sequence[_Plan], stage: Any, *, session: Session) -> dict[int, list[str]]:
    """Stage every plan with `stage(plan)`; commit all if none was refused, else roll back all."""
    errors: dict[int, list[str]] = {}
    try:
        # The services flush what they must see (a new row's id) themselves; flushing before
        # every query as well made big files several times slower. Rows of one file never
        # read each other's pending changes: emails are unique within a file.
        with session.no_autoflush:
            for plan in plans:
                try:
                    stage(plan)
                except (InvalidInput, Conflict) as error:
                    errors[plan.row.line] = _service_messages(error)
        if errors:
            session.rollback()
        else:
            session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "The data changed while the file was being imported; nothing was imported. Try again."
        ) from None
    return errors


# Members ------------------------------------------------------------------------------------


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


# Work items ---------------------------------------------------------------------------------


def _plan_work_item(
    row: csvio.CsvRow,
    area_names: Mapping[str, str],
    skills: set[str],
    planned: set[tuple],
    members: assignees.Roster,
) -> tuple[_Plan | None, list[str]]:
    """Check one work items row: known area and skills, and a warning for a likely duplicate.

    An assignee who is no member, or who may not be given work, does not make the row wrong:
    the item comes in with no assignee, and the summary says why (the file may come from a
    tracker whose people are not all on the team)."""
    data = csvio.work_item_fields(row)
    model, problems = _validate(WorkItemCreate, data)
    area = str(data["area"]).strip().lower()
    if area and area not in area_names:
        problems.append(f"area: '{area}' is not a known area")
    unknown = [key for key in data["skills"] if key not in skills]  # type: ignore[attr-defined]
    problems += [f"skills: '{key}' is not a known skill" for key in unknown]
    if model is None or problems:
        return None, _in_column_order(problems, row.cells)
    note = ""
    if (model.title.lower(), model.area) in planned:
        note = f"a work item with this title is already in {area_names[model.area]}"
    member, problem = None, None
    if written := csvio.work_item_assignee(row):
        member, problem = members.check(written)
    if member is not None:
        model = model.model_copy(update={"assignee": assignees.normalised(written)})
    summary = {
        "title": model.title,
        "area": model.area,
        "area_name": area_names[model.area],
        "points": model.points,
        "status": model.status,
        "skills": list(model.skills),
        "note": note,
        "assignee": model.assignee,
        "assignee_name": member.name if member is not None else None,
        "assignee_problem": problem,
    }
    return _Plan(ImportRow(row.line, "create", summary), model), []


def import_work_items(text: str, *, session: Session, apply: bool) -> ImportResult:
    """Preview or import a work items file; every row adds a work item (an assignee who may not
    be given work is left empty and counted in `unknown_assignees`)."""
    area_names = {a.key: a.name for a in list_areas(session=session)}
    skills = {s.key for s in list_skills(session=session)}
    members = assignees.roster(session=session)
    try:
        table = csvio.read_table(text, required=csvio.WORK_REQUIRED, known=csvio.WORK_COLUMNS)
    except csvio.CsvFileError as error:
        return _result([], {1: error.messages})
    titles = select(WorkItem.title, Area.key).join(Area, col(Area.id) == col(WorkItem.area_id))
    planned = {(title.lower(), key) for title, key in session.exec(titles).all()}
    errors: dict[int, list[str]] = {line: list(m) for line, m in table.errors.items()}
    plans: list[_Plan] = []
    for row in table.rows:
        plan, problems = _plan_work_item(row, area_names, skills, planned, members)
        if plan is not None:
            plans.append(plan)
        errors[row.line] = problems
    result = _result(plans, errors)
    if not apply or not result.ok:
        return result

    def stage(plan: _Plan) -> None:
        """Add the row's work item."""
        add_work_item(plan.data, session=session, members=members)  # type: ignore[arg-type]

    return _result(plans, _stage(plans, stage, session=session))


# Exports ------------------------------------------------------------------------------------


def _keys(session: Session) -> tuple[list[str], list[str]]:
    """Area and skill keys in display order: the columns of a members file."""
    return [a.key for a in list_areas(session=session)], [
        s.key for s in list_skills(session=session)
    ]


def export_members_csv(*, session: Session) -> str:
    """Everyone on the team (not those who left) in the members import format, without a BOM.

    Serve it with `csvio.encode_download` for spreadsheets.
    """
    area_keys, skill_keys = _keys(session)
    return csvio.write_members(
        active_members(session=session), area_keys=area_keys, skill_keys=skill_keys
    )


def export_work_items_csv(*, session: Session) -> str:
    """Every work item, done ones included, in the work items import format, without a BOM."""
    items = list(session.exec(select(WorkItem).order_by(col(WorkItem.id))).all())
    return csvio.write_work_items(publish_items(items, session=session))


def example_members_csv(*, session: Session) -> str:
    """A two-row members file with today's area and skill columns, to fill in."""
    return csvio.example_members(*_keys(session))


def example_work_items_csv(*, session: Session) -> str:
    """A two-row work items file using today's areas and skills."""
    return csvio.example_work_items(*_keys(session))
