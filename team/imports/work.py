"""Work items files in our own format (`title,area,points,status,skills,assignee`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

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
from team.imports.compact import Shared, WorkSummary
from team.models import Area, WorkItem
from team.schemas import WorkItemCreate


@dataclass(frozen=True)
class _Vocabulary:
    """What checking a work items file needs: area names and ids, skill ids, the roster, the
    titles already planned per area, and one copy of each repeated value (`compact.Shared`)."""

    area_names: Mapping[str, str]
    area_ids: Mapping[str, int]
    skill_ids: Mapping[str, int]
    members: assignees.Roster
    planned: set[tuple[str, str]]
    shared: Shared


def _plan_work_item(row: csvio.CsvRow, known: _Vocabulary) -> tuple[_Plan | None, list[str]]:
    """Check one work items row: known area and skills, and a warning for a likely duplicate.

    An assignee who is no member, or who may not be given work, does not make the row wrong:
    the item comes in with no assignee, and the summary says why (the file may come from a
    tracker whose people are not all on the team). A valid row keeps only its compact summary
    and the row the bulk writer takes: a 100,000-row file is held whole until it is written."""
    data = csvio.work_item_fields(row)
    model, problems = _validate(WorkItemCreate, data)
    area = str(data["area"]).strip().lower()
    if area and area not in known.area_names:
        problems.append(f"area: '{area}' is not a known area")
    unknown = [key for key in data["skills"] if key not in known.skill_ids]  # type: ignore[attr-defined]
    problems += [f"skills: '{key}' is not a known skill" for key in unknown]
    if model is None or problems:
        return None, _in_column_order(problems, row.cells)
    note = ""
    if (model.title.lower(), model.area) in known.planned:
        note = f"a work item with this title is already in {known.area_names[model.area]}"
    member, problem = None, None
    if written := csvio.work_item_assignee(row):
        member, problem = known.members.check(written)
    shared = known.shared.value
    summary = WorkSummary(
        title=model.title,
        area=shared(model.area),
        area_name=shared(known.area_names[model.area]),
        points=model.points,
        status=shared(model.status),
        skills=shared(tuple(model.skills)),
        note=shared(note),
        assignee=shared(member.email.lower()) if member is not None else None,
        assignee_name=shared(member.name) if member is not None else None,
        assignee_problem=shared(problem) if problem else problem,
    )
    item = ItemRow(
        title=model.title,
        area_id=known.area_ids[model.area],
        points=model.points,
        status=shared(model.status),
        assignee_id=member.id if member is not None else None,
        skill_ids=shared(tuple(known.skill_ids[key] for key in model.skills)),
    )
    return _Plan(ImportRow(row.line, "create", summary), item), []


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
    try:
        table = csvio.read_table(text, required=csvio.WORK_REQUIRED, known=csvio.WORK_COLUMNS)
    except csvio.CsvFileError as error:
        return _result([], {1: error.messages})
    titles = select(WorkItem.title, Area.key).join(Area, col(Area.id) == col(WorkItem.area_id))
    known = _Vocabulary(
        area_names={a.key: a.name for a in areas},
        area_ids={a.key: a.id or 0 for a in areas},
        skill_ids={s.key: s.id or 0 for s in list_skills(session=session)},
        members=assignees.roster(session=session),
        planned={(title.lower(), key) for title, key in session.exec(titles).all()},
        shared=Shared(),
    )
    errors: dict[int, list[str]] = {line: list(m) for line, m in table.errors.items()}
    plans: list[_Plan] = []
    for row in table.rows:
        plan, problems = _plan_work_item(row, known)
        if plan is not None:
            plans.append(plan)
        errors[row.line] = problems
    del table  # the cells are checked: only the summaries and the rows to write stay
    result = _result(plans, errors)
    if not apply or not result.ok:
        return result
    items = [plan.data for plan in plans]
    del plans

    def write() -> None:
        insert_items(items, session=session)

    write_all(write, session=session, also=(lambda: also(result)) if also else None)
    return result
