"""`GET /openings/{id}/compare?c=..`: the compare page's numbers (`hiring.openings.compare`)."""

from __future__ import annotations

import math
from datetime import date

from flask import g, jsonify, request
from pydantic import BaseModel, Field

from hiring.access import allow
from hiring.accounts.names import name_of, user_names
from hiring.api import bp
from hiring.api.openapi import operation
from hiring.api.ranking import HiddenCandidatePublic
from hiring.db import get_session
from hiring.openings.compare import Compared, compare
from hiring.openings.rankings import READERS
from hiring.openings.schemas import RubricPublic
from hiring.ranking import RankedCandidate


class ComparedCardPublic(BaseModel):
    """One interviewer's newest submitted card for the candidate."""

    interviewer: str = Field(description="The interviewer's email.")
    name: str = Field(description="The interviewer's name (the email where no user has it).")
    ratings: dict[str, int | None]
    recommendation: str | None


class ComparedCandidatePublic(BaseModel):
    """One compared candidate: the ranking's numbers for them alone, and who said what."""

    id: int
    name: str
    status: str
    on_team: bool = Field(description="A hire already added to the team.")
    levels: dict[str, float | None] = Field(description="The median of the submitted ratings.")
    levels_low: dict[str, int | None] = Field(description="The lowest submitted rating.")
    levels_high: dict[str, int | None] = Field(description="The highest submitted rating.")
    rubric: RubricPublic
    start_date: date | None = Field(description="The day the forecast assumes they start.")
    forecast_weeks: float | None = Field(description="With the candidate; null if infinite.")
    finish_date: date | None = Field(description="When the work would land with them.")
    weeks_saved: float | None = Field(description="As on the ranking; negative: a delay.")
    weeks_saved_low: float | None
    weeks_saved_high: float | None
    allocation: dict[str, float] = Field(description="Their share of time per area.")
    cards: list[ComparedCardPublic]


class TogetherPublic(BaseModel):
    """The forecast with every compared candidate the caller may read on the team at once."""

    candidate_ids: list[int]
    without_weeks: float | None = Field(
        description="The team without any hires among them; null if infinite."
    )
    forecast_weeks: float | None = Field(description="With all of them; null if infinite.")
    finish_date: date | None
    weeks_saved: float | None


class ComparisonPublic(BaseModel):
    """Two to four candidates side by side, in the order asked for."""

    opening_id: int
    plan_start: date
    forecast_weeks: float | None = Field(description="The team alone; null if infinite.")
    finish_date: date | None = Field(description="When the work lands with the team alone.")
    candidates: list[ComparedCandidatePublic]
    hidden: list[HiddenCandidatePublic] = Field(
        description="Asked for, but the caller must submit a card for them first: named, and "
        "left out of every number here."
    )
    together: TogetherPublic


def _finite(value: float) -> float | None:
    """JSON has no infinity: a forecast that never finishes is null."""
    return value if math.isfinite(value) else None


def _candidate(c: Compared, e: RankedCandidate, names: dict[str, str]) -> ComparedCandidatePublic:
    """One readable candidate (`e`: their ranking row) as the API answers them."""
    row = c.assessment.candidate
    return ComparedCandidatePublic(
        id=e.id,
        name=e.name,
        status=row.status,
        on_team=c.on_team,
        levels=dict(e.levels),
        levels_low={k: None if v is None else int(v) for k, v in c.low.items()},
        levels_high={k: None if v is None else int(v) for k, v in c.high.items()},
        rubric=RubricPublic(passes=e.rubric.passes, verdict=e.rubric.verdict),
        start_date=e.start,
        forecast_weeks=_finite(e.forecast_weeks),
        finish_date=e.finish_date,
        weeks_saved=e.weeks_saved,
        weeks_saved_low=e.weeks_saved_low,
        weeks_saved_high=e.weeks_saved_high,
        allocation=dict(e.allocation),
        cards=[
            ComparedCardPublic(
                interviewer=card.interviewer,
                name=name_of(card.interviewer, names),
                ratings=dict(card.ratings),
                recommendation=card.recommendation,
            )
            for card in c.assessment.cards
        ],
    )


@bp.get("/openings/<int:opening_id>/compare")
@allow(*READERS)
@operation("Compare 2 to 4 candidates side by side", response=ComparisonPublic, query=("compare",))
def get_comparison(opening_id: int):
    """The compare page's numbers: each candidate's row as the ranking has it, their cards,
    and the forecast with all of them on the team together (each from their own start). Name
    2 to 4 different candidates of the opening with `c`, repeated (`?c=17&c=23`): another
    count, a repeat or a value that is not an id is 422; an id that is not one of the
    opening's candidates is 404."""
    session = get_session()
    result = compare(opening_id, request.args.getlist("c"), viewer=g.api_user, session=session)
    names = user_names(session=session, emails=result.interviewers)
    together = result.together
    body = ComparisonPublic(
        opening_id=opening_id,
        plan_start=result.calendar.plan_start,
        forecast_weeks=_finite(result.team_weeks),
        finish_date=result.team_finish,
        candidates=[_candidate(c, c.entry, names) for c in result.shown if c.entry],
        hidden=[
            HiddenCandidatePublic(id=c.id, name=c.assessment.candidate.name)
            for c in result.candidates
            if c.hidden
        ],
        together=TogetherPublic(
            candidate_ids=list(together.candidate_ids),
            without_weeks=_finite(together.without_weeks),
            forecast_weeks=_finite(together.forecast_weeks),
            finish_date=together.finish_date,
            weeks_saved=together.weeks_saved,
        ),
    )
    return jsonify(body.model_dump(mode="json"))
