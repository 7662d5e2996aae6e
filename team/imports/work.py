"""Work items files in our own format (`title,area,points,status,skills,assignee`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlmodel import Session, col, select

from team import assignees, csvio
from team.areas import list_areas, list_skills
from team.imports.bulk import ItemRow, insert_items
from team.imports.common import (
    ImportResult,
    ImportRow,
    _in_column_order,
    _Plan,
    _result,
    _validate,
    write_all,
)
from team.models import Area, WorkItem
from team.schemas import WorkItemCreate


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


def import_work_items(
    text: str,
    *,
    session: Session,
    apply: bool,
    also: Callable[[ImportResult], object] | None = None,
) -> ImportResult:
    """Preview or import a work items file; every row adds a work item (an assignee who may not
    be given work is left empty and counted in `unknown_assignees`), all written in bulk;
    `also(result)` is staged in the same transaction."""
    areas = list_areas(session=session)
    skills = list_skills(session=session)
    area_names = {a.key: a.name for a in areas}
    skill_keys = {s.key for s in skills}
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
        plan, problems = _plan_work_item(row, area_names, skill_keys, planned, members)
        if plan is not None:
            plans.append(plan)
        errors[row.line] = problems
    result = _result(plans, errors)
    if not apply or not result.ok:
        return result

    area_ids = {a.key: a.id or 0 for a in areas}
    skill_ids = {s.key: s.id or 0 for s in skills}
    rows = [_item_row(plan.data, area_ids, skill_ids, members) for plan in plans]  # type: ignore[arg-type]

    def write() -> None:
        insert_items(rows, session=session)

    write_all(write, session=session, also=(lambda: also(result)) if also else None)
    return result


def _item_row(
    data: WorkItemCreate,
    area_ids: Mapping[str, int],
    skill_ids: Mapping[str, int],
    members: assignees.Roster,
) -> ItemRow:
    """A checked row as the bulk writer stores it (keys resolved to ids)."""
    member = members.members.get(data.assignee) if data.assignee else None
    return ItemRow(
        title=data.title,
        area_id=area_ids[data.area],
        points=data.points,
        status=data.status,
        assignee_id=member.id if member is not None else None,
        skill_ids=tuple(skill_ids[key] for key in data.skills),
    )
