"""Planned work items: the API twin of the work pages, the forecast's demand."""

from __future__ import annotations

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.api.schemas import WorkItemPage
from hiring.db import get_session
from team import work as service
from team.areas import list_areas
from team.models import WORK_STATUSES
from team.schemas import WORK_ITEM_NULLABLE, WorkItemCreate, WorkItemPublic, WorkItemUpdate

ITEM = "/work-items/<int:item_id>"


def _item(item: WorkItemPublic, status: int = 200) -> Response:
    """A work item as JSON; a new one also says where it lives."""
    response = jsonify(item.model_dump(mode="json"))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.get_work_item", item_id=item.id)
    return response


@bp.get("/work-items")
@allow(*TEAM_READERS)
@operation("List work items", response=WorkItemPage, query=("limit", "offset", "area", "status"))
def list_work_items():
    """A page of work items in the order they were added, optionally of one area or status."""
    args = QueryArgs()
    limit, offset = args.page()
    keys = [area.key for area in list_areas(session=get_session())]
    area = args.choice("area", keys, "area")
    status = args.choice("status", WORK_STATUSES, "status")
    args.check()
    items, total = service.list_work_items(
        session=get_session(), area=area, status=status, limit=limit, offset=offset
    )
    return jsonify(WorkItemPage(items=items, total=total).model_dump(mode="json"))


@bp.post("/work-items")
@allow(*TEAM_EDITORS)
@operation("Add a work item", body=WorkItemCreate, response=WorkItemPublic, status=201)
def create_work_item():
    """Add planned work: one area, points as if a strong person did it, optional skill keys and
    an optional `assignee`, the email of a member still on the team and not past their last
    working day (null or left out: nobody); anyone else is refused (422, nothing written)."""
    data = json_body(WorkItemCreate, nullable=WORK_ITEM_NULLABLE)
    item = service.create_work_item(data, session=get_session())
    return _item(item, 201)


@bp.get(ITEM)
@allow(*TEAM_READERS)
@operation("Read a work item", response=WorkItemPublic)
def get_work_item(item_id: int):
    """One work item."""
    return _item(service.get_work_item(item_id, session=get_session()))


@bp.patch(ITEM)
@allow(*TEAM_EDITORS)
@operation("Change a work item", body=WorkItemUpdate, response=WorkItemPublic)
def update_work_item(item_id: int):
    """Change the fields sent; `skills`, when sent, replaces the item's skills; `assignee: null`
    clears the assignee. A new assignee must be a member still on the team and not past their
    last working day (422 otherwise, nothing written); the item's current assignee may be sent
    again even if they have left since."""
    data = json_body(WorkItemUpdate, nullable=WORK_ITEM_NULLABLE)
    return _item(service.update_work_item(item_id, data, session=get_session()))


@bp.delete(ITEM)
@allow(*TEAM_EDITORS)
@operation("Delete a work item", status=204)
def delete_work_item(item_id: int):
    """Remove a work item from the planned work (no decision rests on a ticket)."""
    service.delete_work_item(item_id, session=get_session())
    return Response(status=204)
