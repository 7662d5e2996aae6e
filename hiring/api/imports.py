"""CSV imports of members and work items: the whole file is applied, or nothing of it.

The rules for each row live in `team.imports` (the same ones the import pages use); this module
only reads the body and turns the outcome into the API's answer.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify, make_response
from werkzeug.wrappers import Response

from hiring.access import TEAM_EDITORS, allow
from hiring.api import bp
from hiring.api.import_schemas import (
    ImportMappingBody,
    ImportMappingPublic,
    SkippedRow,
    TrackerImportCounts,
)
from hiring.api.inputs import QueryArgs, csv_body, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import ImportCounts, WorkItemImportCounts
from hiring.db import get_session
from hiring.errors import json_error
from hiring.import_records import audited
from hiring.uploads import large_body
from team import imports
from team.errors import InvalidInput
from team.importers import SOURCES
from team.importers.mapping import ImportMapping as MappingRule
from team.imports import trackers

MEMBERS_CSV = (
    "A members CSV file, UTF-8 with or without BOM. Header `name,email,title,fte,<area key>...,"
    "<skill key>...` (area and skill columns optional, empty = 0); a row whose email exists "
    "updates that member. Every row is imported, or none."
)
WORK_ITEMS_CSV = (
    "A work items CSV file, UTF-8 with or without BOM. Header "
    "`title,area,points,status,skills,assignee` (`status` optional, default `planned`; `skills` "
    "separated by `;`; `assignee` optional, a member's email). Every row is imported, or none; "
    "an assignee who is no member, has left or is past their last working day does not refuse "
    "the row: the item is imported with no assignee, and `unknown_assignees` counts them."
)


def _refused(result: imports.ImportResult) -> Response | None:
    """422 naming every bad line of the file (nothing was written), or None if there is none."""
    if result.ok:
        return None
    rows = {str(line): list(messages) for line, messages in sorted(result.errors.items())}
    what = "1 line of the file has" if len(rows) == 1 else f"{len(rows)} lines of the file have"
    message = f"{what} problems; nothing was imported."
    return make_response(json_error(422, message, rows=rows))


@bp.post("/import/members")
@large_body
@allow(*TEAM_EDITORS)
@operation("Import members from CSV", csv=MEMBERS_CSV, response=ImportCounts)
def import_members():
    """Add the members of a CSV file and update those whose email exists, all or none."""
    text = csv_body()
    db = get_session()
    result = imports.import_members(
        text,
        session=db,
        actor=g.api_user.email,
        apply=True,
        also=audited("members", g.api_user, db),
    )
    counts = ImportCounts(created=result.created, updated=result.updated)
    return _refused(result) or jsonify(counts.model_dump())


MAPPING = "/import/mappings/<source>"
TRACKER_CSV = (
    "A work items CSV file in our format (see above), or the CSV export of Jira, Linear or a "
    "GitHub project as it comes (told by the header, or by `?source=`). An export is read with "
    "the source's saved mapping (`PUT /import/mappings/{source}`) and matched on its keys "
    "(Jira `Issue key`, Linear `ID`, GitHub `URL`): known keys update their item, new ones add "
    "one. Every row is imported, or none; a 422 lists the bad rows and, under `unmapped`, every "
    "value of the rows with no mapped area, with its count."
)


@bp.post("/import/work-items")
@large_body
@allow(*TEAM_EDITORS)
@operation(
    "Import work items from CSV (ours, or a Jira, Linear or GitHub export)",
    csv=WORK_ITEMS_CSV + " " + TRACKER_CSV,
    response=WorkItemImportCounts,
    query=("source", "close_missing"),
    conflict=True,
)
def import_work_items():
    """Add the work items of a CSV file, all or none; a tracker's export also updates the items
    an earlier import of it made (see `import_tracker_export`)."""
    args = QueryArgs()
    source = args.choice("source", SOURCES, "source")
    close_missing = args.boolean("close_missing")
    args.check()
    text = csv_body()
    if source is not None or trackers.source_of(text) is not None:
        return _tracker(text, source, bool(close_missing))
    if close_missing:
        raise InvalidInput(
            {"close_missing": ["applies to a Jira, Linear or GitHub export only"]},
            "close_missing applies to a tracker's export only.",
        )
    db = get_session()
    result = imports.import_work_items(
        text, session=db, apply=True, also=audited("work", g.api_user, db)
    )
    counts = WorkItemImportCounts(
        created=result.created,
        updated=result.updated,
        unknown_assignees=result.unknown_assignees,
    )
    return _refused(result) or jsonify(counts.model_dump())


def _tracker(text: str, source: str | None, close_missing: bool) -> Response:
    """Import a tracker's export with its saved mapping: counts, or 422 naming every bad row
    and every unmapped value."""
    db = get_session()
    outcome = trackers.import_export(
        text,
        session=db,
        apply=True,
        source=source,
        close_missing=close_missing,
        actor=g.api_user.email,
        also=audited("work", g.api_user, db),
    )
    if not outcome.ok:
        rows = {str(line): list(messages) for line, messages in sorted(outcome.errors.items())}
        # One entry per value, as a mapping names it: a value that is both a label and a
        # component on some rows keeps its larger count.
        unmapped: dict[str, int] = {}
        for value in outcome.unmapped:
            unmapped[value.value] = max(unmapped.get(value.value, 0), value.count)
        parts = []
        if rows:
            parts.append(f"{len(rows)} line(s) of the file have problems")
        if unmapped:
            parts.append(
                f"{len(unmapped)} value(s) map to no area (map them with "
                f"PUT /api/v1/import/mappings/{outcome.source or '{source}'})"
            )
        message = "; ".join(parts) + "; nothing was imported."
        extra: dict[str, Any] = {"rows": rows} if rows else {}
        if unmapped:
            extra["unmapped"] = unmapped
        return make_response(json_error(422, message[:1].upper() + message[1:], **extra))
    counts = TrackerImportCounts(
        source=outcome.source,
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        closed=outcome.closed,
        skipped=[SkippedRow(line=s.line, key=s.key, reason=s.reason) for s in outcome.skipped],
        unestimated=outcome.unestimated,
        unknown_assignees=outcome.unknown_assignees,
    )
    return jsonify(counts.model_dump())


def _known(source: str) -> None:
    """A source that is not a tracker is no such resource: 404, like an unknown id."""
    if source not in SOURCES:
        abort(
            make_response(json_error(404, f"No such source; the sources are {', '.join(SOURCES)}."))
        )


def _mapping_public(source: str, mapping: MappingRule) -> ImportMappingPublic:
    """A mapping as the API shows it."""
    return ImportMappingPublic(source=source, **mapping.as_dict())


@bp.get(MAPPING)
@allow(*TEAM_EDITORS)
@operation("A tracker's saved import mapping", response=ImportMappingPublic)
def get_import_mapping(source: str):
    """How `source`'s exports read: the saved mapping, or an empty one."""
    _known(source)
    mapping = trackers.get_mapping(source, session=get_session())
    return jsonify(_mapping_public(source, mapping).model_dump())


@bp.put(MAPPING)
@allow(*TEAM_EDITORS)
@operation("Save a tracker's import mapping", body=ImportMappingBody, response=ImportMappingPublic)
def put_import_mapping(source: str):
    """Replace `source`'s mapping; an area that does not exist is a 422 naming the value."""
    _known(source)
    body = json_body(ImportMappingBody, nullable=("default_points", "points_column"))
    rule = MappingRule.from_dict(body.model_dump())
    saved = trackers.save_mapping(source, rule, session=get_session(), actor=g.api_user.email)
    return jsonify(_mapping_public(source, saved).model_dump())
