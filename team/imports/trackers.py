"""Planned work from a tracker's export (Jira, Linear, GitHub): mapped, matched and written in bulk.

API.md, "Imports of planned work". The file is read by `team.importers` (pure), each row is
mapped to an area, points and a status by the source's saved mapping (`ImportMapping`), and
matched on (source, external key) to the items an earlier import of that source made: a new key
adds an item, a known one is overwritten with what the file says (title, points, status, area,
assignee), and with `close_missing` the source's open items the file no longer lists are closed.
Nothing is written while any row is wrong or any value has no area: the answer lists them all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from team import assignees
from team.areas import list_areas
from team.csvio import BOM
from team.errors import InvalidInput
from team.importers import SOURCES, ExportFormatError, detect, read_export
from team.importers.mapping import (
    ImportMapping as MappingRule,
)
from team.importers.mapping import (
    MappedRow,
    Skipped,
    UnmappedValue,
    apply_mapping,
    mapping_problems,
)
from team.imports.bulk import ItemRow, insert_items, update_items
from team.imports.common import write_all
from team.models import ImportMapping, WorkItem, utcnow

__all__ = [
    "PreviewRow",
    "TrackerImport",
    "get_mapping",
    "import_export",
    "save_mapping",
    "source_of",
]

# Rows of a big file the preview lists one by one; the counts cover all of them.
PREVIEW_ROWS = 200


@dataclass(frozen=True)
class PreviewRow:
    """What a row of the file does: `create`, `update` or `unchanged`, and the item as it will be.

    `changes` lists "what: old → new" for an update."""

    line: int
    key: str
    action: str
    title: str
    area: str
    points: float
    status: str
    assignee: str | None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Closing:
    """An open item of the source that the file no longer lists (closed with `close_missing`)."""

    id: int
    key: str
    title: str


@dataclass(frozen=True)
class TrackerImport:
    """The outcome of a preview or an import of a tracker's export.

    With errors or unmapped values nothing is, or would be, written, and the counts are 0.
    `rows` are the first PREVIEW_ROWS rows that change something (all counted in the numbers);
    `closing` the items `close_missing` closes (or would close).
    """

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: tuple[Skipped, ...] = ()
    errors: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    unmapped: tuple[UnmappedValue, ...] = ()
    unestimated: int = 0
    unknown_assignees: int = 0
    rows: tuple[PreviewRow, ...] = ()
    closing: tuple[Closing, ...] = ()
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        """Whether the file can be (or was) imported as it is."""
        return not self.errors and not self.unmapped


def source_of(text: str) -> str | None:
    """The tracker whose export `text` is, told by its header; None for anything else (our
    own format among it)."""
    try:
        header = next(csv.reader(io.StringIO(text.removeprefix(BOM)[:65_536], newline="")), None)
    except csv.Error:
        return None
    return detect(header or [])


# Mappings ------------------------------------------------------------------------------------


def _check_source(source: str) -> None:
    if source not in SOURCES:
        message = f"'{source}' is not a source; the sources are {', '.join(SOURCES)}"
        raise InvalidInput({"source": [message]}, message[:1].upper() + message[1:] + ".")


def get_mapping(source: str, *, session: Session) -> MappingRule:
    """The saved mapping of a source, or an empty one (nothing mapped, unestimated skipped)."""
    _check_source(source)
    stored = session.get(ImportMapping, source)
    if stored is None:
        return MappingRule(area_by_value={})
    return MappingRule.from_dict(stored.model_dump())


def _stage_mapping(source: str, mapping: MappingRule, *, session: Session, actor: str) -> None:
    """Check a mapping against today's areas and stage it (no commit)."""
    _check_source(source)
    areas = [a.key for a in list_areas(session=session)]
    if problems := mapping_problems(mapping, areas):
        raise InvalidInput(problems, "The mapping names something that does not exist.")
    stored = session.get(ImportMapping, source) or ImportMapping(source=source)
    for name, value in mapping.as_dict().items():
        setattr(stored, name, value)
    stored.updated_at = utcnow()
    stored.updated_by = actor
    session.add(stored)


def save_mapping(source: str, mapping: MappingRule, *, session: Session, actor: str) -> MappingRule:
    """Save how a source's exports read (API.md `PUT /import/mappings/{source}`)."""
    _stage_mapping(source, mapping, session=session, actor=actor)
    session.commit()
    return get_mapping(source, session=session)


# Matching ------------------------------------------------------------------------------------


def _stored(source: str, session: Session) -> dict[str, ItemRow]:
    """The source's items by external key, in one query, as rows with their id and version
    (a re-import's update is the file's row with them; a closing, the stored row done)."""
    query = sa_select(
        col(WorkItem.external_key),
        col(WorkItem.id),
        col(WorkItem.version),
        col(WorkItem.title),
        col(WorkItem.area_id),
        col(WorkItem.points),
        col(WorkItem.status),
        col(WorkItem.assignee_id),
    ).where(col(WorkItem.external_source) == source)
    return {
        key: ItemRow(title, area_id, points, status, assignee_id, id=item_id or 0, version=version)
        for key, item_id, version, title, area_id, points, status, assignee_id in (
            session.connection().execute(query).all()
        )
        if key
    }


def _changes(
    before: ItemRow, after: ItemRow, names: Mapping[int, str], emails: Mapping[int, str]
) -> tuple[str, ...]:
    """Each field a re-import changes, in words."""
    found = []
    if before.title != after.title:
        found.append(f"title: {before.title} → {after.title}")
    if before.area_id != after.area_id:
        found.append(f"area: {names.get(before.area_id, '?')} → {names.get(after.area_id, '?')}")
    if before.points != after.points:
        found.append(f"points: {before.points:g} → {after.points:g}")
    if before.status != after.status:
        found.append(f"status: {before.status} → {after.status}")
    if before.assignee_id != after.assignee_id:
        old = emails.get(before.assignee_id or 0, "(nobody)")
        new = emails.get(after.assignee_id or 0, "(nobody)")
        found.append(f"assignee: {old} → {new}")
    return tuple(found)


@dataclass
class _Plan:
    """What the file does, row by row, before anything is written."""

    new: list[ItemRow] = field(default_factory=list)
    changed: list[ItemRow] = field(default_factory=list)
    unchanged: int = 0
    unknown_assignees: int = 0
    rows: list[PreviewRow] = field(default_factory=list)


def _plan(
    source: str, mapped: Sequence[MappedRow], stored: Mapping[str, ItemRow], session: Session
) -> _Plan:
    """Match each mapped row to a stored item by key: new, changed or unchanged."""
    areas = list_areas(session=session)
    area_ids = {a.key: a.id or 0 for a in areas}
    area_names = {a.id or 0: a.name for a in areas}
    roster = assignees.roster(session=session)
    emails = {m.id or 0: m.email for m in roster.members.values()}
    plan = _Plan()
    for row in mapped:
        member = None
        if row.assignee:
            member, _problem = roster.check_person(row.assignee)
            plan.unknown_assignees += member is None
        item = ItemRow(
            title=row.title,
            area_id=area_ids[row.area],
            points=row.points,
            status=row.status,
            assignee_id=member.id if member is not None else None,
            external_source=source,
            external_key=row.key,
        )
        before = stored.get(row.key)
        changes: tuple[str, ...] = ()
        if before is None:
            plan.new.append(item)
            action = "create"
        elif changes := _changes(before, item, area_names, emails):
            plan.changed.append(_as_update(item, before))
            action = "update"
        else:
            plan.unchanged += 1
            continue
        if len(plan.rows) < PREVIEW_ROWS:
            plan.rows.append(
                PreviewRow(
                    row.line,
                    row.key,
                    action,
                    row.title,
                    row.area,
                    row.points,
                    row.status,
                    member.email if member is not None else None,
                    changes,
                )
            )
    return plan


def _as_update(item: ItemRow, before: ItemRow) -> ItemRow:
    """The file's values for a stored item, with its id and version."""
    return replace(item, id=before.id, version=before.version)


def _closing(
    stored: Mapping[str, ItemRow], listed: set[str]
) -> tuple[list[ItemRow], tuple[Closing, ...]]:
    """The source's open items whose key the file does not list, closed (status done)."""
    updates, shown = [], []
    for key, before in stored.items():
        if key in listed or before.status == "done":
            continue
        updates.append(replace(before, status="done"))
        shown.append(Closing(before.id or 0, key, before.title))
    return updates, tuple(shown)


# The import ----------------------------------------------------------------------------------


def import_export(
    text: str,
    *,
    session: Session,
    apply: bool,
    source: str | None = None,
    close_missing: bool = False,
    mapping: MappingRule | None = None,
    estimate_column: str | None = None,
    actor: str = "",
    also: Callable[[TrackerImport], object] | None = None,
) -> TrackerImport:
    """Preview or import a tracker's export, all rows or none.

    `source` None: told by the header. `mapping` None: the source's saved one; given, it is
    used instead and, when the file imports, saved as the source's mapping in the same
    transaction (the page's mapping controls). `estimate_column` names a GitHub export's
    estimate field when the mapping does not. `also(outcome)` is staged with the rows, in their
    transaction (the page records the upload's end there).
    """
    if source is not None:
        _check_source(source)
    given = mapping
    # The source decides the saved mapping, which may name the estimate column: the file is
    # read once, with it. A file of no tracker is refused by the reader, in its words.
    found = source or source_of(text)
    rule = mapping or (get_mapping(found, session=session) if found else MappingRule({}))
    try:
        export = read_export(text, found, estimate_column=estimate_column or rule.points_column)
    except ExportFormatError as error:
        return TrackerImport(source=found or "", errors={1: tuple(error.messages)})
    areas = [a.key for a in list_areas(session=session)]
    if problems := mapping_problems(rule, areas):
        messages = tuple(f"{name}: {m}" for name, ms in problems.items() for m in ms)
        return TrackerImport(source=export.source, errors={1: messages})
    mapped = apply_mapping(export, rule, areas)
    outcome = TrackerImport(
        source=export.source,
        skipped=mapped.skipped,
        errors=mapped.errors,
        unmapped=mapped.unmapped,
        unestimated=mapped.unestimated,
        total_rows=len(export.rows) + len(export.errors),
    )
    if not outcome.ok:
        return outcome
    stored = _stored(export.source, session)
    plan = _plan(export.source, mapped.rows, stored, session)
    closing: list[ItemRow] = []
    shown: tuple[Closing, ...] = ()
    if close_missing:
        listed = {row.key for row in mapped.rows} | {s.key for s in mapped.skipped}
        closing, shown = _closing(stored, listed)
    outcome = TrackerImport(
        source=export.source,
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        closed=len(closing),
        skipped=mapped.skipped,
        unestimated=mapped.unestimated,
        unknown_assignees=plan.unknown_assignees,
        rows=tuple(plan.rows),
        closing=shown,
        total_rows=outcome.total_rows,
    )
    if apply:

        def write() -> None:
            insert_items(plan.new, session=session)
            update_items([*plan.changed, *closing], session=session)
            if given is not None:
                _stage_mapping(export.source, given, session=session, actor=actor)

        write_all(write, session=session, also=(lambda: also(outcome)) if also else None)
    return outcome
