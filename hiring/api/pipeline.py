"""Moving candidates along, the API twin of the steps on the opening and candidate pages that
hiring/api/openings.py does not have: a file of candidates added at once, a panelist's saved draft
submitted as it is or a submitted card reopened for a correction, and a hire put on the team.

Each view calls the service its page calls (`service.add_candidates`, `scorecards.submit_card`,
`scorecards.revise_card`, `candidates.add_hire_to_team`), so the rules, the independence of the
panel and the audit entries are the page's.
"""

from __future__ import annotations

from flask import g, jsonify, make_response, url_for

from hiring.access import TEAM_EDITORS, allow
from hiring.api import bp
from hiring.api.inputs import csv_body, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import CandidatesAdded, NoOptions
from hiring.db import get_session
from hiring.errors import json_error
from hiring.openings import candidates as assessments
from hiring.openings import scorecards, service
from hiring.openings.candidate_files import read_candidates, rows_by_line
from hiring.openings.schemas import ScorecardPublic
from team.errors import Conflict, Forbidden
from team.schemas import MEMBER_DATES, MemberCreate, MemberPublic

OPENING = "/openings/<int:opening_id>"
CANDIDATE = "/candidates/<int:candidate_id>"

CANDIDATES_CSV = (
    "A CSV file of candidates, UTF-8 with or without BOM, with exactly the two columns "
    "`name,email` (header in any case and order). Every candidate is added, or none."
)


def _by_line(rows: dict[int, list[str]]) -> dict[str, list[str]]:
    return {str(line): messages for line, messages in rows.items()}


@bp.post(f"{OPENING}/candidates/import")
@allow(*TEAM_EDITORS)
@operation(
    "Add an opening's candidates from a CSV file",
    csv=CANDIDATES_CSV,
    response=CandidatesAdded,
    conflict=True,
)
def import_candidates(opening_id: int):
    """Add every candidate of the file to an open opening (its hiring manager or an admin), all
    or none. A bad line is a 422 naming it under `rows` (the header is line 1); an email already
    on the opening, or twice in the file, a 409 naming its line; a closed opening a 409."""
    db = get_session()
    opening = service.get_opening_row(opening_id, viewer=g.api_user, session=db)
    if not service.manages(opening, g.api_user):
        raise Forbidden()
    parsed = read_candidates(csv_body())
    if parsed.problems:
        lines: dict[int, list[str]] = {}
        for line, problem in parsed.problems:
            if line is not None:
                lines.setdefault(line, []).append(problem)
        whole = [problem for line, problem in parsed.problems if line is None]
        message = "The file has problems; nobody was added."
        fields = {"body": whole} if whole else None
        return make_response(json_error(422, message, fields, rows=_by_line(lines)))
    try:
        added = service.add_candidates(
            opening_id, [row for _, row in parsed.rows], viewer=g.api_user, session=db
        )
    except Conflict as error:
        rows = rows_by_line(error.fields, parsed.lines)
        if not rows:
            raise
        return make_response(json_error(409, error.message, rows=_by_line(rows)))
    body = CandidatesAdded(created=len(added), ids=[c.id or 0 for c in added])
    return jsonify(body.model_dump(mode="json"))


@bp.post(f"{CANDIDATE}/scorecards/submit")
@allow("interviewer")
@operation(
    "Submit your saved draft as it is",
    body=NoOptions,
    response=ScorecardPublic,
    conflict=True,
)
def submit_card(candidate_id: int):
    """Submit the caller's saved draft card unchanged (body `{}`), as the page's confirmation
    step does: it is final, and the caller then reads the panel's cards. A draft without a
    recommendation or any area rated is a 422; no draft, or one already submitted, a 409."""
    json_body(NoOptions)
    card = scorecards.submit_card(candidate_id, viewer=g.api_user, session=get_session())
    return jsonify(card.model_dump(mode="json"))


@bp.post(f"{CANDIDATE}/scorecards/revise")
@allow("interviewer")
@operation(
    "Reopen your submitted card for a correction",
    body=NoOptions,
    response=ScorecardPublic,
    conflict=True,
)
def revise_card(candidate_id: int):
    """Open a new draft revision of the caller's submitted card, copied from it (body `{}`);
    the submitted card stays in the history and still counts until the correction is submitted
    (marked as made after reading the panel's cards where others were in). Save it with
    `POST .../scorecards` and submit it like a first card. No submitted card: 409."""
    json_body(NoOptions)
    card = scorecards.revise_card(candidate_id, viewer=g.api_user, session=get_session())
    return jsonify(card.model_dump(mode="json"))


@bp.post(f"{CANDIDATE}/hire")
@allow(*TEAM_EDITORS)
@operation(
    "Put a hired candidate on the team",
    body=MemberCreate,
    response=MemberPublic,
    status=201,
    conflict=True,
)
def hire_candidate(candidate_id: int):
    """Make a candidate marked `hired` a member of the team, with the member's fields as for
    `POST /members` (the candidate page proposes the panel's levels rounded down: their `levels`
    in `GET /candidates/{id}`). Without a `start_date` they start when the forecast assumed
    (MODEL.md, "Start"). Only the opening's hiring manager or an admin; a candidate not hired,
    or already on the team, is a 409."""
    data = json_body(MemberCreate, nullable=MEMBER_DATES)
    member = assessments.add_hire_to_team(
        candidate_id, data, viewer=g.api_user, session=get_session()
    )
    response = jsonify(member.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_member", member_id=member.id)
    return response
