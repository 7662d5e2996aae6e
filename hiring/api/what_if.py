"""The what-if of the coverage report, and of a member's "take off the team" page: the report as
it would be with hypothetical people added and members removed, beside the report as it is.

The same `team.report.what_if` the pages ask; nothing is saved, so it is a POST only because its
question (levels per area for each person) does not fit a URL well.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import jsonify
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from hiring.access import TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import json_body
from hiring.api.openapi import operation
from hiring.api.reports import CoveragePublic, coverage_public
from hiring.db import get_session, write_intent
from hiring.web import MAX_ID
from team.report import WHAT_IF_ID, Hypothetical, WhatIf, what_if
from team.schemas import Fte, IsoDate, Levels, _Input, _no_control_chars, at_most

# A what-if is two forecasts, and each person tried makes the second dearer: a few people at
# once is what a decision weighs (the page tries one).
MAX_PEOPLE = 5
MAX_REMOVED = 500
PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_no_control_chars),
]
MemberId = Annotated[int, Field(ge=1, le=MAX_ID)]
START = (
    "Their first working day: they ramp up and take a mentor's time, as a hire would. Left "
    "out: counted as on the team already, at full speed."
)


class PersonIn(_Input):
    """Someone not on the team, tried on it: levels per area (areas left out are 0)."""

    name: PersonName = "New hire"
    fte: Fte = 1.0
    levels: Levels = {}
    start: IsoDate | None = Field(default=None, description=START)


class WhatIfIn(_Input):
    """People to try on the team and members to take off it (by id), at once."""

    add: Annotated[list[PersonIn], Field(max_length=MAX_PEOPLE), at_most(MAX_PEOPLE)] = []
    remove: Annotated[
        list[MemberId],
        Field(
            max_length=MAX_REMOVED,
            description="Members the forecast counts (on the team, not past their last day).",
        ),
        at_most(MAX_REMOVED),
    ] = []


class PersonPublic(BaseModel):
    """A person tried on the team, and their share of time per area in the changed plan."""

    name: str
    fte: float
    levels: dict[str, float]
    start: date | None
    shares: dict[str, float]


class RemovedPublic(BaseModel):
    """A member taken off the team in the what-if."""

    member_id: int
    name: str


class WhatIfPublic(BaseModel):
    """The report as it is and as it would be (its `allocation` lists members only: the people
    tried carry their own `shares`)."""

    current: CoveragePublic
    changed: CoveragePublic
    weeks_saved: float | None = Field(
        description="Weeks the change saves (negative: it costs weeks); null when either "
        "forecast is infinite."
    )
    added: list[PersonPublic]
    removed: list[RemovedPublic]


def what_if_public(result: WhatIf) -> WhatIfPublic:
    """The comparison in the API's shape: the people tried take their shares out of the
    changed report's allocation, where their made-up ids would mean nothing to a client."""
    changed = coverage_public(result.changed)
    shares = {
        p.member_id - WHAT_IF_ID: dict(p.shares)
        for p in result.changed.allocation
        if p.member_id >= WHAT_IF_ID
    }
    changed.allocation = [a for a in changed.allocation if a.member_id < WHAT_IF_ID]
    return WhatIfPublic(
        current=coverage_public(result.current),
        changed=changed,
        weeks_saved=result.weeks_saved,
        added=[
            PersonPublic(
                name=h.name,
                fte=h.fte,
                levels=dict(h.levels),
                start=h.start,
                shares=shares.get(n, {}),
            )
            for n, h in enumerate(result.added)
        ],
        removed=[RemovedPublic(member_id=m.id, name=m.name) for m in result.removed],
    )


@bp.post("/coverage/what-if")
@allow(*TEAM_READERS)
@operation(
    "What if: the coverage report with people added or members taken off the team",
    body=WhatIfIn,
    response=WhatIfPublic,
)
def what_if_report():
    """The forecast and the per-area aggregates as they are (`current`) and with the people
    in `add` on the team and the members in `remove` off it (`changed`), and the weeks that
    saves. Nothing is saved. A level in an unknown area, or a member the forecast does not
    count, is a 422."""
    data = json_body(WhatIfIn)
    people = [
        Hypothetical(name=p.name, fte=p.fte, levels=dict(p.levels), start=p.start) for p in data.add
    ]
    db = get_session()
    # Two forecasts: read in a deferred transaction (the request began a write one), so that
    # on SQLite no writer waits for them.
    db.rollback()
    with write_intent(False):
        result = what_if(session=db, add=people, remove=data.remove, strict=True)
    return jsonify(what_if_public(result).model_dump(mode="json"))
