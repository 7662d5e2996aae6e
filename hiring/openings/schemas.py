"""What the hiring pages and API accept and return for openings, candidates and scorecards.

Input models forbid unknown fields, so ids, owners, versions or statuses sent along are refused
rather than silently written (mass assignment).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from team.schemas import MAX_AREAS, Key, _Input, _no_control_chars, at_most
from team.text import has_control

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Notes = Annotated[str, StringConstraints(max_length=10000)]
Rating = Annotated[int, Field(ge=0, le=4, strict=True)]
Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]
CandidateStatus = Literal["applied", "interviewing", "offer", "hired", "rejected"]
# A panel is a handful of interviewers; a list far longer is refused before any email is checked.
MAX_PANEL = 50
Panel = Annotated[list[EmailStr], Field(max_length=MAX_PANEL), at_most(MAX_PANEL)]

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

    _clean_title = field_validator("title")(_no_control_chars)
    _clean_text = field_validator("description")(_no_controls_but_newlines)


class OpeningUpdate(_Input):
    title: Title | None = None
    description: Text | None = None
    target_area: Key | None = None
    headcount: Annotated[int, Field(ge=1, le=100, strict=True)] | None = None
    status: Literal["open", "closed"] | None = None
    panel: Panel | None = None

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


class RubricPublic(BaseModel):
    passes: bool
    verdict: str


class CandidateCreate(_Input):
    name: Name
    email: EmailStr

    _clean = field_validator("name")(_no_control_chars)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class CandidatePublic(BaseModel):
    id: int
    name: str
    email: str
    status: str
    levels: dict[str, float | None]
    rubric: RubricPublic


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
