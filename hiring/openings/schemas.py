"""What the hiring pages and API accept and return for openings, candidates and scorecards.

Input models forbid unknown fields, so ids, owners, versions or statuses sent along are refused
rather than silently written (mass assignment).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from team.emails import Email
from team.schemas import MAX_AREAS, DateOrNone, Key, _Input, _no_control_chars, at_most
from team.text import has_control

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Notes = Annotated[str, StringConstraints(max_length=10000)]
# A status change's note, as long as `StatusChange.note` holds.
StatusNote = Annotated[str, StringConstraints(max_length=2000)]
Rating = Annotated[int, Field(ge=0, le=4, strict=True)]
Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]
CandidateStatus = Literal["applied", "interviewing", "offer", "hired", "rejected", "withdrawn"]
# A panel is a handful of interviewers; a list far longer is refused before any email is checked.
MAX_PANEL = 50
Panel = Annotated[list[Email], Field(max_length=MAX_PANEL), at_most(MAX_PANEL)]

# The API's document leaves null out of request bodies, where it would mean "unchanged"; on a
# scorecard null is a value of its own ("not assessed", "no recommendation"), so say so.
RatingOrNone = Annotated[
    Rating | None,
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 4}, {"type": "null"}]}),
]
RecommendationOrNone = Annotated[
    Recommendation | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": ["strong_no", "no", "yes", "strong_yes"]},
                {"type": "null"},
            ]
        }
    ),
]
START_DATE = "When a hire for it would start; null: `notice_weeks` after the plan start."
AVAILABLE_FROM = "The first day they could start; null: the opening's start date."


def _no_controls_but_newlines(value: str | None) -> str | None:
    """Free text may have line breaks and tabs, but no NUL or other control characters."""
    if value is not None and has_control(value, line_breaks=True):
        raise ValueError("must not contain control characters")
    return value


class OpeningCreate(_Input):
    title: Title
    description: Text = ""
    target_area: Key | None = None
    headcount: Annotated[int, Field(ge=1, le=100, strict=True)] = 1
    status: Literal["open", "closed"] = "open"
    panel: Panel = []
    start_date: DateOrNone = Field(default=None, description=START_DATE)

    _clean_title = field_validator("title")(_no_control_chars)
    _clean_text = field_validator("description")(_no_controls_but_newlines)


class OpeningUpdate(_Input):
    title: Title | None = None
    description: Text | None = None
    target_area: Key | None = None
    headcount: Annotated[int, Field(ge=1, le=100, strict=True)] | None = None
    status: Literal["open", "closed"] | None = None
    panel: Panel | None = None
    start_date: DateOrNone = Field(default=None, description=START_DATE)

    _clean_title = field_validator("title")(_no_control_chars)
    _clean_text = field_validator("description")(_no_controls_but_newlines)


class OpeningPublic(BaseModel):
    id: int
    title: str
    description: str
    target_area: str | None
    headcount: int
    status: str
    hiring_manager: str
    panel: list[str]
    start_date: date | None = Field(description=START_DATE)


class RubricPublic(BaseModel):
    passes: bool
    verdict: str


class CandidateCreate(_Input):
    name: Name
    email: Email
    available_from: DateOrNone = Field(default=None, description=AVAILABLE_FROM)

    _clean = field_validator("name")(_no_control_chars)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class CandidateUpdate(_Input):
    """A decision on a candidate (a new status, with why) and their first possible day."""

    # A note is the reason for a status change, so it comes with one (`service.update_candidate`).
    model_config = ConfigDict(json_schema_extra={"dependentRequired": {"note": ["status"]}})

    status: CandidateStatus | None = Field(
        default=None,
        description="The new status, recorded with who, when and the note. `hired` marks "
        "the decision; putting the hire on the team is a step of its own "
        "(`POST /candidates/{id}/hire`).",
    )
    note: StatusNote | None = Field(
        default=None, description="Why: kept with the status change (send it with a status)."
    )
    available_from: DateOrNone = Field(default=None, description=AVAILABLE_FROM)

    _clean = field_validator("note")(_no_controls_but_newlines)


class CandidatePublic(BaseModel):
    id: int
    name: str
    email: str
    status: str
    levels: dict[str, float | None]
    rubric: RubricPublic
    available_from: date | None = Field(description=AVAILABLE_FROM)
    start_date: date | None = Field(
        description="The day the forecast assumes they would start (MODEL.md, Start)."
    )


class ScorecardIn(_Input):
    ratings: Annotated[
        dict[Key, RatingOrNone], Field(max_length=MAX_AREAS), at_most(MAX_AREAS)
    ] = {}
    recommendation: RecommendationOrNone = None
    notes: Notes = ""
    submit: bool = False

    _clean = field_validator("notes")(_no_controls_but_newlines)


class ScorecardPublic(BaseModel):
    id: int
    candidate_id: int
    interviewer: str
    revision: int
    status: Literal["draft", "submitted"]
    ratings: dict[str, int | None]
    recommendation: str | None
    notes: str
    submitted_at: str | None
    revised_after_panel: bool = Field(
        default=False,
        description="Its author could read another panelist's card first: a correction "
        "submitted after another card was in, or a card by someone who could read the "
        "opening's cards off its panel and was seated after another card came in.",
    )
