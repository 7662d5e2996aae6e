"""`GET /openings/{id}/slate?k=` (API.md, "Deciding together")."""

from __future__ import annotations

import math
from datetime import date

from flask import g, jsonify
from pydantic import BaseModel, Field

from hiring.access import allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings.rankings import READERS
from hiring.openings.slates import OpeningSlate, opening_slate
from hiring.slate import MAX_SLATE


class SlateCandidatePublic(BaseModel):
    """One hire of the slate: when they start, when they work at full speed, who mentors."""

    id: int
    name: str
    rank: int
    start_date: date | None
    full_speed_from: date | None = Field(description="The end of their ramp-up.")
    mentor_id: int | None = Field(description="The member who shows them around (null: nobody).")
    mentor_name: str | None


class GreedyPublic(BaseModel):
    """The best one, then the best addition, ...: reported beside the slate."""

    candidate_ids: list[int]
    forecast_weeks: float | None = Field(description="null if the work is never finished.")
    weeks_saved: float | None
    finish_date: date | None


class SlatePublic(BaseModel):
    """The set of k passing candidates still in the running that makes the work land soonest
    together (MODEL.md, "Deciding together"), and the greedy set beside it."""

    opening_id: int
    k: int = Field(description="The slate's size: as asked, at most the candidates there are.")
    forecast_weeks: float | None = Field(description="With all of them; null if infinite.")
    weeks_saved: float | None
    finish_date: date | None
    team_forecast_weeks: float | None = Field(description="The team alone; null if infinite.")
    candidate_ids: list[int] = Field(description="In ranking order.")
    candidates: list[SlateCandidatePublic]
    greedy: GreedyPublic
    greedy_differs: bool
    proven: bool = Field(description="false: a step limit stopped the search (the best found).")
    eligible: int = Field(description="Candidates the slate could choose from.")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def slate_body(opening_id: int, found: OpeningSlate) -> SlatePublic:
    """The answer, from the service's slate (the page shows the same numbers)."""
    slate = found.slate
    return SlatePublic(
        opening_id=opening_id,
        k=slate.k,
        forecast_weeks=_finite(slate.forecast_weeks),
        weeks_saved=slate.weeks_saved,
        finish_date=found.finish_date,
        team_forecast_weeks=_finite(slate.team_weeks),
        candidate_ids=list(slate.ids),
        candidates=[
            SlateCandidatePublic(
                id=p.entry.id,
                name=p.entry.name,
                rank=p.entry.rank,
                start_date=p.start,
                full_speed_from=p.full_speed_from,
                mentor_id=p.mentor_id,
                mentor_name=p.mentor_name,
            )
            for p in found.people
        ],
        greedy=GreedyPublic(
            candidate_ids=list(slate.greedy_ids),
            forecast_weeks=_finite(slate.greedy_weeks),
            weeks_saved=slate.greedy_weeks_saved,
            finish_date=found.greedy_finish_date,
        ),
        greedy_differs=slate.greedy_differs,
        proven=slate.proven,
        eligible=found.eligible,
    )


@bp.get("/openings/<int:opening_id>/slate")
@allow(*READERS)
@operation(
    "The best set of k hires for an opening, and the greedy set beside it",
    response=SlatePublic,
    query=("k",),
)
def get_slate(opening_id: int):
    """Who to hire together: exact by mixed-integer programming (`hiring.slate`)."""
    args = QueryArgs()
    k = args.integer("k", 0, low=1, high=MAX_SLATE) or None  # absent: the headcount
    args.check()
    found = opening_slate(opening_id, viewer=g.api_user, session=get_session(), k=k)
    return jsonify(slate_body(opening_id, found).model_dump(mode="json"))
