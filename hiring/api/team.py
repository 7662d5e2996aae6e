"""Members of the team, their ratings, dates and absences: the API twin of the team pages.

Hiring managers and admins write; leadership reads; interviewers never see ratings (nor dates
or absences: they are as personal).
"""

from __future__ import annotations

from flask import g, jsonify, url_for
from werkzeug.wrappers import Response

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import AbsencePage, MemberPage
from hiring.db import get_session
from team import absences
from team import members as service
from team.schemas import (
    MEMBER_DATES,
    AbsenceCreate,
    AbsencePublic,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
)

MEMBER = "/members/<int:member_id>"
ABSENCE = "/absences/<int:absence_id>"


def _member(member: MemberPublic, status: int = 200) -> Response:
    """A member as JSON; a new one also says where it lives."""
    response = jsonify(member.model_dump(mode="json"))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.get_member", member_id=member.id)
    return response


@bp.get("/members")
@allow(*TEAM_READERS)
@operation("List members", response=MemberPage, query=("limit", "offset", "active", "q"))
def list_members():
    """A page of members (those who left included unless `active` says otherwise), by name."""
    args = QueryArgs()
    limit, offset = args.page()
    active, search = args.boolean("active"), args.text("q")
    args.check()
    items, total = service.list_members(
        session=get_session(), active=active, search=search, limit=limit, offset=offset
    )
    return jsonify(MemberPage(items=items, total=total).model_dump(mode="json"))


@bp.post("/members")
@allow(*TEAM_EDITORS)
@operation("Add a member", body=MemberCreate, response=MemberPublic, status=201, conflict=True)
def create_member():
    """Add a member with levels per area and skill (missing = 0); emails are unique.
    `start_date` and `end_date` are their first and last working days (null or left out: on the
    team since before the plan start, and staying); the end date is on or after the start date."""
    data = json_body(MemberCreate, nullable=MEMBER_DATES)
    member = service.create_member(data, session=get_session(), actor=g.api_user.email)
    return _member(member, 201)


@bp.get(MEMBER)
@allow(*TEAM_READERS)
@operation("Read a member", response=MemberPublic)
def get_member(member_id: int):
    """One member with their ratings, also after they left (`active` is then false)."""
    return _member(service.get_member(member_id, session=get_session()))


@bp.patch(MEMBER)
@allow(*TEAM_EDITORS)
@operation("Change a member", body=MemberUpdate, response=MemberPublic, conflict=True)
def update_member(member_id: int):
    """Change the fields sent; `levels` and `skills` change only the keys sent (0 clears one);
    `start_date: null` and `end_date: null` clear a date. Dates that would leave one of the
    member's absences outside their time on the team are refused (422, naming the absence)."""
    data = json_body(MemberUpdate, nullable=MEMBER_DATES)
    member = service.update_member(member_id, data, session=get_session(), actor=g.api_user.email)
    return _member(member)


@bp.delete(MEMBER)
@allow(*TEAM_EDITORS)
@operation("Mark a member as having left", response=MemberPublic)
def mark_left(member_id: int):
    """Mark the member as left: kept with their ratings for history, counted for nothing."""
    member = service.mark_left(member_id, session=get_session(), actor=g.api_user.email)
    return _member(member)


@bp.get(f"{MEMBER}/absences")
@allow(*TEAM_READERS)
@operation("List a member's absences", response=AbsencePage, query=("limit", "offset"))
def list_absences(member_id: int):
    """The days the member is away (both ends included), earliest first."""
    args = QueryArgs()
    limit, offset = args.page()
    args.check()
    items, total = absences.list_absences(
        member_id, session=get_session(), limit=limit, offset=offset
    )
    return jsonify(AbsencePage(items=items, total=total).model_dump(mode="json"))


@bp.post(f"{MEMBER}/absences")
@allow(*TEAM_EDITORS)
@operation("Add an absence", body=AbsenceCreate, response=AbsencePublic, status=201, conflict=True)
def add_absence(member_id: int):
    """Record days the member is away: `start` on or before `end`, both within their time on
    the team (on or after their start date, on or before their end date); 409 for someone
    marked as left."""
    data = json_body(AbsenceCreate)
    absence = absences.add_absence(member_id, data, session=get_session())
    response = jsonify(absence.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_absence", absence_id=absence.id)
    return response


@bp.get(ABSENCE)
@allow(*TEAM_READERS)
@operation("Read an absence", response=AbsencePublic)
def get_absence(absence_id: int):
    """One absence of a member."""
    absence = absences.get_absence(absence_id, session=get_session())
    return jsonify(absence.model_dump(mode="json"))


@bp.delete(ABSENCE)
@allow(*TEAM_EDITORS)
@operation("Delete an absence", status=204)
def delete_absence(absence_id: int):
    """Remove an absence: the member counts as working those days again."""
    absences.delete_absence(absence_id, session=get_session())
    return Response(status=204)
