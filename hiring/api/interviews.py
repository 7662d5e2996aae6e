"""The interview structure's API: each panelist's focus areas, interview dates, and the cards an
interviewer owes; the twin of the panel page, the interview dates page and "cards to write".

`@allow` admits the roles; the services decide per record, as on the pages: an opening the
caller may not see is 404, one they see but do not manage is 403 for a change.
"""

from __future__ import annotations

from flask import g, jsonify

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings import interviews, scorecards
from hiring.openings.interview_schemas import (
    CardOwedPublic,
    CardsOwedPage,
    FocusIn,
    InterviewIn,
    InterviewList,
    InterviewPublic,
    PanelPublic,
    SeatPublic,
)
from team.errors import InvalidInput

PANEL = "/openings/<int:opening_id>/panel"
INTERVIEWS = "/candidates/<int:candidate_id>/interviews"


def _seat(seat: interviews.Seat) -> SeatPublic:
    return SeatPublic(
        user_id=seat.user_id, email=seat.email, name=seat.name, focus=list(seat.focus)
    )


def _slot(slot: interviews.Slot) -> InterviewPublic:
    return InterviewPublic(
        candidate_id=slot.candidate_id,
        user_id=slot.user_id,
        email=slot.email,
        name=slot.name,
        date=slot.scheduled_on,
    )


@bp.get(PANEL)
@allow(*ANY_ROLE)
@operation("Read an opening's panel and each panelist's focus areas", response=PanelPublic)
def get_panel(opening_id: int):
    """Who interviews for the opening, and which areas each of them covers: their scorecard
    opens on those areas. Anyone who may see the opening reads it."""
    seats = interviews.panel_seats(opening_id, viewer=g.api_user, session=get_session())
    body = PanelPublic(opening_id=opening_id, seats=[_seat(s) for s in seats])
    return jsonify(body.model_dump(mode="json"))


@bp.put(f"{PANEL}/<int:user_id>/focus")
@allow(*TEAM_EDITORS)
@operation("Set the areas one panelist covers", body=FocusIn, response=SeatPublic)
def set_focus(opening_id: int, user_id: int):
    """Replace the areas the panelist (`user_id`, on the opening's panel) covers for the
    opening; `areas` are area keys, and an empty list clears them. Only the opening's hiring
    manager or an admin; 422 names an unknown area or someone not on the panel."""
    data = json_body(FocusIn)
    seat = interviews.set_focus(
        opening_id, user_id, data.areas, viewer=g.api_user, session=get_session()
    )
    return jsonify(_seat(seat).model_dump(mode="json"))


@bp.get(INTERVIEWS)
@allow(*ANY_ROLE)
@operation("List a candidate's interviews", response=InterviewList)
def list_interviews(candidate_id: int):
    """One entry per panelist of the candidate's opening, with the day they interview the
    candidate (null: not set). Anyone who may see the candidate reads it."""
    slots = interviews.candidate_interviews(candidate_id, viewer=g.api_user, session=get_session())
    body = InterviewList(candidate_id=candidate_id, items=[_slot(s) for s in slots])
    return jsonify(body.model_dump(mode="json"))


@bp.put(f"{INTERVIEWS}/<int:user_id>")
@allow(*TEAM_EDITORS)
@operation(
    "Set or clear when a panelist interviews a candidate",
    body=InterviewIn,
    response=InterviewPublic,
)
def set_interview(candidate_id: int, user_id: int):
    """Set the day the panelist (`user_id`, on the opening's panel) interviews the candidate,
    or clear it with `date: null`. Only the opening's hiring manager or an admin; a date that is
    not a real day (2027-02-30), or someone not on the panel, is a 422 and nothing is written."""
    data = json_body(InterviewIn, nullable=("date",))
    try:
        slots = interviews.schedule_interviews(
            candidate_id, {user_id: data.date}, viewer=g.api_user, session=get_session()
        )
    except InvalidInput as error:  # the service names a stranger by id; here it is the path's
        problems = [message for messages in error.fields.values() for message in messages]
        raise InvalidInput({"user_id": problems}, error.message) from None
    slot = next(s for s in slots if s.user_id == user_id)
    return jsonify(_slot(slot).model_dump(mode="json"))


@bp.get("/cards-to-write")
@allow("interviewer")
@operation("List the cards you still owe", response=CardsOwedPage, query=("limit", "offset"))
def list_cards_owed():
    """The candidates on the caller's panels whose card they have not submitted, soonest
    interview first (undated ones last), with the areas the caller covers for each opening:
    the "cards to write" page."""
    args = QueryArgs()
    limit, offset = args.page()
    args.check()
    owed = scorecards.cards_owed(viewer=g.api_user, session=get_session())
    items = [
        CardOwedPublic(
            candidate_id=card.candidate.id or 0,
            candidate_name=card.candidate.name,
            opening_id=card.opening.id or 0,
            opening_title=card.opening.title,
            draft=card.started,
            interview_date=card.interview_on,
            focus=list(card.focus),
        )
        for card in owed[offset : offset + limit]
    ]
    return jsonify(CardsOwedPage(items=items, total=len(owed)).model_dump(mode="json"))
