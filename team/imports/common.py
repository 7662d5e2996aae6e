"""What every import shares: the outcome of a preview or an import, row messages in the words of
someone filling in a spreadsheet, and staging every row in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from team import csvio
from team.errors import Conflict, InvalidInput
from team.models import Member
from team.schemas import MemberCreate, WorkItemCreate


# Slotted: a 100,000-row file holds one per row.
@dataclass(frozen=True, slots=True)
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


# Slotted: a 100,000-row file holds one per row.
@dataclass(frozen=True, slots=True)
class _Plan:
    """A valid row and what to stage for it: a schema instance, a row ready for a bulk writer,
    or nothing when the row's summary holds all of it (big files keep as little as they can)."""

    row: ImportRow
    data: Any
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


def write_all(
    write: Callable[[], object], *, session: Session, also: Callable[[], object] | None = None
) -> None:
    """Run a bulk write of a whole file and commit it, with `also` (e.g. the upload's outcome)
    in the same transaction; if the database refuses it (someone changed the same rows
    meanwhile), roll all of it back and say so."""
    try:
        write()
        if also is not None:
            also()
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "The data changed while the file was being imported; nothing was imported. Try again."
        ) from None
