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
from hiring.api.schemas import ImportCounts
from hiring.db import get_session
from hiring.errors import json_error


def _answer(result) -> Response:  # TEMP until team.imports lands
    """200 with the counts, or 422 naming every bad line of the file (nothing was written)."""
    if not result.ok:
        rows = {str(line): list(messages) for line, messages in sorted(result.errors.items())}
        what = "1 line of the file has" if len(rows) == 1 else f"{len(rows)} lines of the file have"
        message = f"{what} problems; nothing was imported."
        return make_response(json_error(422, message, rows=rows))
    return jsonify(ImportCounts(created=result.created, updated=result.updated).model_dump())


@bp.post("/import/members")
@allow(*TEAM_EDITORS)
@operation("Import members from CSV", csv=True, response=ImportCounts)
def import_members():
    """Add the members of a CSV file and update those whose email exists, all or none."""
    from team import imports  # TEMP

    text = csv_body()
    result = imports.import_members(text, session=get_session(), actor=g.api_user.email, apply=True)
    return _answer(result)


@bp.post("/import/work-items")
@allow(*TEAM_EDITORS)
@operation("Import work items from CSV", csv=True, response=ImportCounts)
def import_work_items():
    """Add the work items of a CSV file, all or none."""
    from team import imports  # TEMP

    result = imports.import_work_items(csv_body(), session=get_session(), apply=True)
    return _answer(result)
