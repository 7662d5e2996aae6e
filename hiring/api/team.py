"""Members of the team and their ratings: the API twin of the team pages.

Hiring managers and admins write; leadership reads; interviewers never see ratings.
"""

from __future__ import annotations

from flask import g, jsonify, url_for
from werkzeug.wrappers import Response

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import MemberPage
from hiring.db import get_session
from team import members as service
from team.schemas import MemberCreate, MemberPublic, MemberUpdate

MEMBER = "/members/<int:member_id>"


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
    """Add a member with levels per area and skill (missing = 0); emails are unique."""
    data = json_body(MemberCreate)
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
    """Change the fields sent; `levels` and `skills` change only the keys sent (0 clears one)."""
    data = json_body(MemberUpdate)
    member = service.update_member(member_id, data, session=get_session(), actor=g.api_user.email)
    return _member(member)


@bp.delete(MEMBER)
@allow(*TEAM_EDITORS)
@operation("Mark a member as having left", response=MemberPublic)
def mark_left(member_id: int):
    """Mark the member as left: kept with their ratings for history, counted for nothing."""
    member = service.mark_left(member_id, session=get_session(), actor=g.api_user.email)
    return _member(member)
