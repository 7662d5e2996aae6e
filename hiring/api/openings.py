"""Openings, their candidates and the panel's scorecards: the API twin of the hiring pages.

Who may call a route is decided twice: `@allow` admits the roles of API.md's table, and the
services decide per record (an opening not visible to the caller is 404, one visible but not
theirs to change is 403). Every view calls the same service function as its page, and gets
candidates already masked by the independence rule (`hiring.openings.independence`), so the
rule and the rubric cannot differ between the two.
"""

from __future__ import annotations

from flask import g, jsonify, url_for
from werkzeug.wrappers import Response

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import CandidatePage, OpeningPage, ScorecardList
from hiring.db import get_session
from hiring.openings import candidates, scorecards, service
from hiring.openings.schemas import (
    CandidateCreate,
    CandidatePublic,
    CandidateUpdate,
    OpeningCreate,
    OpeningPublic,
    OpeningUpdate,
    ScorecardIn,
    ScorecardPublic,
)

OPENING = "/openings/<int:opening_id>"
CANDIDATE = "/candidates/<int:candidate_id>"


def _created(body: OpeningPublic | CandidatePublic, location: str) -> Response:
    """A new record as JSON with 201 and the URL where it can be read back."""
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = location
    return response


@bp.get("/openings")
@allow(*ANY_ROLE)
@operation("List openings", response=OpeningPage, query=("limit", "offset"))
def list_openings():
    """A page of the openings the caller sees (open ones first, newest first): all of them for
    admins and leadership, a hiring manager's own, an interviewer's panels."""
    args = QueryArgs()
    limit, offset = args.page()
    args.check()
    items, total = service.list_openings(
        viewer=g.api_user, session=get_session(), limit=limit, offset=offset
    )
    return jsonify(OpeningPage(items=items, total=total).model_dump(mode="json"))


@bp.post("/openings")
@allow(*TEAM_EDITORS)
@operation("Open a role", body=OpeningCreate, response=OpeningPublic, status=201)
def create_opening():
    """Open a role; the caller becomes its hiring manager. Panel emails must be interviewers.
    `start_date` is when a hire would start (null or left out: `notice_weeks` after the plan
    start)."""
    data = json_body(OpeningCreate, nullable=("start_date",))
    opening = service.create_opening(data, viewer=g.api_user, session=get_session())
    return _created(opening, url_for("api.get_opening", opening_id=opening.id))


@bp.get(OPENING)
@allow(*ANY_ROLE)
@operation("Read an opening", response=OpeningPublic)
def get_opening(opening_id: int):
    """One opening the caller may see (404 for one they may not, so ids reveal nothing)."""
    opening = service.get_opening(opening_id, viewer=g.api_user, session=get_session())
    return jsonify(opening.model_dump(mode="json"))


@bp.patch(OPENING)
@allow(*TEAM_EDITORS)
@operation("Change an opening", body=OpeningUpdate, response=OpeningPublic)
def update_opening(opening_id: int):
    """Change the fields sent (`panel` replaces the whole panel; `target_area: null` and
    `start_date: null` clear them); only the opening's hiring manager or an admin may, others
    who can see it get 403."""
    data = json_body(OpeningUpdate, nullable=("target_area", "start_date"))
    opening = service.update_opening(opening_id, data, viewer=g.api_user, session=get_session())
    return jsonify(opening.model_dump(mode="json"))


@bp.get(f"{OPENING}/candidates")
@allow(*ANY_ROLE)
@operation("List an opening's candidates", response=CandidatePage, query=("limit", "offset"))
def list_candidates(opening_id: int):
    """A page of the opening's candidates by name, with levels from submitted cards only and
    the rubric's verdict; an interviewer sees a candidate's levels and verdict once their own
    card for them is submitted."""
    args = QueryArgs()
    limit, offset = args.page()
    args.check()
    found, total = candidates.visible_candidates(
        opening_id, viewer=g.api_user, session=get_session(), limit=limit, offset=offset
    )
    page = CandidatePage(items=[a.public() for a in found], total=total)
    return jsonify(page.model_dump(mode="json"))


@bp.post(f"{OPENING}/candidates")
@allow(*TEAM_EDITORS)
@operation(
    "Add a candidate",
    body=CandidateCreate,
    response=CandidatePublic,
    status=201,
    conflict=True,
)
def add_candidate(opening_id: int):
    """Add a candidate to an open opening (409 if it is closed or the email is already on it).
    `available_from` is the first day they could start (null or left out: the opening's)."""
    data = json_body(CandidateCreate, nullable=("available_from",))
    session = get_session()
    row = service.add_candidate(opening_id, data, viewer=g.api_user, session=session)
    public = candidates.candidate(row.id or 0, viewer=g.api_user, session=session).public()
    return _created(public, url_for("api.get_candidate", candidate_id=public.id))


@bp.get(CANDIDATE)
@allow(*ANY_ROLE)
@operation("Read a candidate", response=CandidatePublic)
def get_candidate(candidate_id: int):
    """One candidate of an opening the caller may see, with levels and the rubric's verdict (for
    an interviewer, once their own card for the candidate is submitted)."""
    found = candidates.candidate(candidate_id, viewer=g.api_user, session=get_session())
    return jsonify(found.public().model_dump(mode="json"))


@bp.patch(CANDIDATE)
@allow(*TEAM_EDITORS)
@operation(
    "Decide on a candidate, or change their first possible day",
    body=CandidateUpdate,
    response=CandidatePublic,
    conflict=True,
)
def update_candidate(candidate_id: int):
    """Change the candidate's `status` (recorded with who, when and the `note`, as the
    candidate page records it) and their `available_from` (null clears it), all or nothing.
    Only the opening's hiring manager or an admin; others who can see the candidate get 403.
    `hired` records the decision only: the hire joins the team through its own step,
    `POST /candidates/{id}/hire` (the candidate page's "Add to the team"). Once on the team,
    their start date lives on their team record (409 here)."""
    data = json_body(CandidateUpdate, nullable=("available_from",))
    session = get_session()
    service.update_candidate(candidate_id, data, viewer=g.api_user, session=session)
    found = candidates.candidate(candidate_id, viewer=g.api_user, session=session)
    return jsonify(found.public().model_dump(mode="json"))


@bp.post(f"{CANDIDATE}/scorecards")
@allow("interviewer")
@operation(
    "Save or submit your scorecard",
    body=ScorecardIn,
    response=ScorecardPublic,
    conflict=True,
)
def save_scorecard(candidate_id: int):
    """Save the caller's draft card, or submit it with `submit: true`. Only the opening's panel
    writes cards; a submitted card is final (409), and an unrated area is sent as null."""
    data = json_body(ScorecardIn, nullable=("recommendation",))
    card = scorecards.save_card(candidate_id, data, viewer=g.api_user, session=get_session())
    return jsonify(card.model_dump(mode="json"))


@bp.get(f"{CANDIDATE}/scorecards")
@allow(*ANY_ROLE)
@operation("List a candidate's scorecards", response=ScorecardList, query=("limit", "offset"))
def list_scorecards(candidate_id: int):
    """The cards the caller may read: an interviewer their own, and the others' submitted cards
    once theirs is submitted; the hiring manager, leadership and admins every submitted card.
    Nobody reads another person's draft."""
    args = QueryArgs()
    limit, offset = args.page()
    args.check()
    cards = scorecards.visible_cards(candidate_id, viewer=g.api_user, session=get_session())
    page = ScorecardList(items=cards[offset : offset + limit], total=len(cards))
    return jsonify(page.model_dump(mode="json"))
