"""The ticket plan for integrations: `GET /plan` and `POST /plan/publish` (API.md, "Time, plan
and decisions"; MODEL.md, "The ticket plan")."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import g, jsonify, url_for
from pydantic import BaseModel, ConfigDict, Field

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import json_body
from hiring.api.openapi import operation
from hiring.db import get_session, write_intent
from team.plan import PlanView, Publication, current_plan, publish_plan


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: null stands for "never" (past the horizon)."""
    return value if value is not None and math.isfinite(value) else None


class PlanItemPublic(BaseModel):
    """One item of the plan: who takes it, its size for them, and when it starts and ends."""

    work_item_id: int
    member_id: int
    personal_weeks: float = Field(description="Its size for this member, in full-time weeks.")
    start_weeks: float | None = Field(description="Weeks from the plan start; null: never.")
    finish_weeks: float | None = Field(description="Weeks from the plan start; null: never.")
    start_date: dt.date | None
    finish_date: dt.date | None
    moved: bool = Field(description="The published plan had another member.")
    pinned: bool = Field(description="In progress with its assignee, who keeps it.")
    flagged: bool = Field(
        description="In progress, but its assignee left or cannot finish it: planned like any "
        "other item."
    )
    slipped_days: int | None = Field(
        description="Working days (Monday to Friday) it now finishes after the published plan's "
        "finish date; null when not later (or not published)."
    )


class UnplannedPublic(BaseModel):
    """An open item no one can finish within the horizon, and why."""

    work_item_id: int
    reason: str


class MovePublic(BaseModel):
    """A published item now planned for someone else, and why in words."""

    work_item_id: int
    from_member_id: int
    to_member_id: int
    reason: str


class PlanPublic(BaseModel):
    """The ticket plan (MODEL.md, "The ticket plan"): every open item to one member, whole,
    with the plan's finish, its lower bounds and what moved since the published plan."""

    plan_start: dt.date = Field(description="Week 0's Monday.")
    finish_weeks: float | None = Field(
        description="When the last item finishes, in weeks from the plan start; 0 with nothing "
        "to plan; null: never (past the horizon)."
    )
    finish_date: dt.date | None
    lower_bound_weeks: float | None = Field(
        description="No plan finishes earlier: the largest of forecast_weeks, item_bound_weeks "
        "and, with work in progress, the forecast of the other items in the time each member "
        "has left after their in-progress items (which come first)."
    )
    gap: float | None = Field(
        description="finish_weeks / lower_bound_weeks - 1; null with nothing planned or no finish."
    )
    published_at: dt.datetime | None = Field(description="When the latest plan was published.")
    items: list[PlanItemPublic] = Field(description="Member by member, each in queue order.")
    forecast_weeks: float | None = Field(
        description="A lower bound: the forecast T of every planned item (work divisible, "
        "nothing kept with anyone)."
    )
    item_bound_weeks: float | None = Field(
        description="A lower bound: the longest any one item takes on its fastest member, or a "
        "member takes for the items in progress with them."
    )
    baseline_weeks: float | None = Field(
        description="The finish of 'largest item first, to whoever finishes it earliest'."
    )
    proven_optimal: bool = Field(description="No plan of whole items finishes earlier.")
    method: str = Field(description="'exact', 'search' or 'none' (nothing to plan).")
    published_by: str | None
    unplanned: list[UnplannedPublic]
    moves: list[MovePublic]
    disagreements: int = Field(
        ge=0, description="Planned items whose assignee (on the team) the plan gives to another."
    )
    keeping_assignees_weeks: float | None = Field(
        description="The finish with those items kept with their assignees, minus the plan's "
        "finish; null when there are none (or either never finishes)."
    )


class PlanPublish(BaseModel):
    """Publishing takes no options: send an empty JSON object."""

    model_config = ConfigDict(extra="forbid")


class PublicationPublic(BaseModel):
    """The published plan: later plans are shown against it and keep its assignments where
    they can (MODEL.md, "Published plan")."""

    published_at: dt.datetime
    published_by: str
    plan_start: dt.date
    finish_weeks: float | None
    finish_date: dt.date | None


def plan_public(view: PlanView) -> PlanPublic:
    """The plan in the API's shape but for its items (see `plan_json`); infinities become
    null."""
    published = view.published
    return PlanPublic(
        plan_start=view.plan_start,
        finish_weeks=_finite(view.finish_weeks),
        finish_date=view.finish_date,
        lower_bound_weeks=_finite(view.lower_bound_weeks),
        gap=view.gap,
        published_at=published.published_at if published else None,
        published_by=published.published_by if published else None,
        items=[],  # written by `plan_json`, as plain values
        forecast_weeks=_finite(view.forecast_weeks),
        item_bound_weeks=_finite(view.item_bound_weeks),
        baseline_weeks=_finite(view.baseline_weeks),
        proven_optimal=view.proven_optimal,
        method=view.method,
        unplanned=[
            UnplannedPublic(work_item_id=u.item_id, reason=u.reason) for u in view.unplanned
        ],
        moves=[
            MovePublic(
                work_item_id=m.item_id,
                from_member_id=m.from_member_id,
                to_member_id=m.to_member_id,
                reason=m.reason,
            )
            for m in view.moves
        ],
        disagreements=view.disagreements,
        keeping_assignees_weeks=_finite(view.keeping_assignees_weeks),
    )


def plan_json(view: PlanView) -> dict[str, Any]:
    """The plan as the JSON `PlanPublic` documents. Its items are written as plain values of
    `PlanItemPublic`'s shape rather than through 20,000 models (that took longer than reading
    them); tests/hiring/api/test_api_plan.py validates real answers against the document."""
    body = plan_public(view).model_dump(mode="json")
    body["items"] = [
        {
            "work_item_id": r.item_id,
            "member_id": r.member_id,
            "personal_weeks": r.personal_weeks,
            "start_weeks": _finite(r.start_weeks),
            "finish_weeks": _finite(r.finish_weeks),
            "start_date": r.start_date.isoformat() if r.start_date else None,
            "finish_date": r.finish_date.isoformat() if r.finish_date else None,
            "moved": r.moved,
            "pinned": r.pinned,
            "flagged": r.flagged,
            "slipped_days": r.slipped_days,
        }
        for r in view.rows
    ]
    return body


def publication_public(publication: Publication) -> PublicationPublic:
    """A publication in the API's shape."""
    return PublicationPublic(
        published_at=publication.published_at,
        published_by=publication.published_by,
        plan_start=publication.plan_start,
        finish_weeks=_finite(publication.finish_weeks),
        finish_date=publication.finish_date,
    )


@bp.get("/plan")
@allow(*TEAM_READERS)
@operation("The ticket plan: every open item to one member, with dates", response=PlanPublic)
def get_plan():
    """Every open item to one member counted in the forecast, whole, sized for them, in
    calendar time; the plan's finish and lower bounds; and what moved since the published plan
    (an item moved names the reason: whose time changed)."""
    return jsonify(plan_json(current_plan(session=get_session())))


@bp.post("/plan/publish")
@allow(*TEAM_EDITORS)
@operation("Publish the current plan", body=PlanPublish, response=PublicationPublic, status=201)
def publish():
    """Keep the current plan as the published one (body: `{}`): later plans are shown against
    it (`moved`, `slipped_days`, `moves`) and keep its assignments where they can. The answer's
    Location is the plan, where `published_at` now names this publication."""
    json_body(PlanPublish)
    db = get_session()
    # Planning from scratch takes seconds on a big team: it is done first in a read
    # transaction, so that on SQLite no write lock is held meanwhile (as the login's password
    # check does); publishing then finds the plan kept by its inputs.
    db.rollback()  # end the write transaction the request began with
    with write_intent(False):
        current_plan(session=db, with_keeping=False)
        db.rollback()
    publication = publish_plan(session=db, by=g.api_user.email)
    response = jsonify(publication_public(publication).model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_plan")
    return response
