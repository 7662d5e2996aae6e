"""`GET /openings/{id}/ranking` (API.md, "Ranking")."""

from __future__ import annotations

import math
from datetime import date

from flask import g, jsonify, request
from pydantic import BaseModel, Field

from hiring.access import allow
from hiring.api import bp
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings.rankings import READERS, opening_ranking
from hiring.openings.schemas import RubricPublic


class RankedCandidatePublic(BaseModel):
    """One candidate's place and numbers."""

    rank: int
    id: int
    name: str
    levels: dict[str, float | None]
    rubric: RubricPublic
    forecast_weeks: float | None = Field(description="With the candidate; null if infinite.")
    weeks_saved: float | None = Field(
        description="null where the team alone never finishes; negative: they would delay it."
    )
    start_date: date | None = Field(description="The day the forecast assumes they start.")
    finish_date: date | None = Field(description="When the work would land with them.")
    weeks_saved_low: float | None = Field(
        description="Weeks saved with each area at the lowest submitted rating."
    )
    weeks_saved_high: float | None = Field(
        description="Weeks saved with each area at the highest submitted rating."
    )
    too_close_to_call: bool = Field(
        description="Its weeks-saved range overlaps the range of the row above (both passing "
        "the rubric, or both not): the panel's disagreement cannot tell the two apart."
    )


class HiddenCandidatePublic(BaseModel):
    """A candidate left out of this caller's ranking until they submit their card for them."""

    id: int
    name: str


class RankingPublic(BaseModel):
    """Every candidate of the opening the caller may see in the statuses asked for, in ranked
    order (MODEL.md, "Ranking"); ranks are numbered over these rows."""

    opening_id: int
    statuses: list[str] = Field(description="The candidate statuses ranked (all by default).")
    forecast_weeks: float | None = Field(description="The team alone; null if infinite.")
    plan_start: date
    finish_date: date | None = Field(description="When the work lands with the team alone.")
    candidates: list[RankedCandidatePublic]
    hidden: list[HiddenCandidatePublic] = Field(
        description="Candidates this caller must submit a card for before seeing them ranked."
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@bp.get("/openings/<int:opening_id>/ranking")
@allow(*READERS)
@operation(
    "Rank an opening's candidates by the weeks they would save",
    response=RankingPublic,
    query=("candidate_status",),
)
def get_ranking(opening_id: int):
    """The ranking as the page shows it; the rank never decides anything by itself. Every
    status is ranked unless `status` is given, repeated for several
    (`?status=offer&status=interviewing`); ranks are numbered over the rows answered, and an
    unknown status is refused (422) by name."""
    statuses = request.args.getlist("status") or None
    result = opening_ranking(
        opening_id, viewer=g.api_user, session=get_session(), explain=0, statuses=statuses
    )
    body = RankingPublic(
        opening_id=opening_id,
        statuses=list(result.statuses),
        forecast_weeks=_finite(result.ranking.forecast_weeks),
        plan_start=result.ranking.calendar.plan_start,
        finish_date=result.ranking.finish_date,
        candidates=[
            RankedCandidatePublic(
                rank=e.rank,
                id=e.id,
                name=e.name,
                levels=dict(e.levels),
                rubric=RubricPublic(passes=e.rubric.passes, verdict=e.rubric.verdict),
                forecast_weeks=_finite(e.forecast_weeks),
                weeks_saved=e.weeks_saved,
                start_date=e.start,
                finish_date=e.finish_date,
                weeks_saved_low=e.weeks_saved_low,
                weeks_saved_high=e.weeks_saved_high,
                too_close_to_call=result.too_close(e.id),
            )
            for e in result.ranking.entries
        ],
        hidden=[HiddenCandidatePublic(id=id_, name=name) for id_, name in result.hidden],
    )
    return jsonify(body.model_dump(mode="json"))
