"""CSV imports of members and work items: the whole file is applied, or nothing of it.

The rules for each row live in `team.imports` (the same ones the import pages use); this module
only reads the body and turns the outcome into the API's answer.
"""

from __future__ import annotations

from flask import g, jsonify, make_response
from werkzeug.wrappers import Response

from hiring.access import TEAM_EDITORS, allow
from hiring.api import bp
from hiring.api.inputs import csv_body
from hiring.api.openapi import operation
from hiring.api.schemas import ImportCounts, WorkItemImportCounts
from hiring.db import get_session
from hiring.errors import json_error
from team import imports

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
@allow(*TEAM_EDITORS)
@operation("Import members from CSV", csv=MEMBERS_CSV, response=ImportCounts)
def import_members():
    """Add the members of a CSV file and update those whose email exists, all or none."""
    text = csv_body()
    result = imports.import_members(text, session=get_session(), actor=g.api_user.email, apply=True)
    counts = ImportCounts(created=result.created, updated=result.updated)
    return _refused(result) or jsonify(counts.model_dump())


@bp.post("/import/work-items")
@allow(*TEAM_EDITORS)
@operation("Import work items from CSV", csv=WORK_ITEMS_CSV, response=WorkItemImportCounts)
def import_work_items():
    """Add the work items of a CSV file, all or none; assignees who may not be given work are
    left empty and counted."""
    result = imports.import_work_items(csv_body(), session=get_session(), apply=True)
    counts = WorkItemImportCounts(
        created=result.created,
        updated=result.updated,
        unknown_assignees=result.unknown_assignees,
    )
    return _refused(result) or jsonify(counts.model_dump())
