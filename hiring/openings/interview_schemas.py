"""What the pages and the API accept and return for the interview structure: the areas each
panelist covers, interview dates, and each area's level meanings and suggested questions.

Shape rules live here (lengths, counts, real dates), so the API's OpenAPI document states them
and a page's form meets the same ones; rules that need the database (an area that exists, a
user on the panel, who may change what) live in `interviews.py` and `guides.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from team.schemas import MAX_AREAS, IsoDate, Key, _Input, _no_control_chars, at_most

# An interviewer reads a level's meaning beside the rating control, so it stays a sentence; a
# question is asked aloud, so it is one too. Both bounds are far above MODEL.md's own (~45).
MEANING_LENGTH = 300
QUESTION_LENGTH = 300
# Five questions fill a 45-minute interview; more would be a questionnaire, not a guide.
MAX_QUESTIONS = 5

LevelKey = Literal["0", "1", "2", "3", "4"]
Meaning = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MEANING_LENGTH),
    AfterValidator(_no_control_chars),
]
Question = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_LENGTH),
    AfterValidator(_no_control_chars),
]


def _at_most_questions(value: Any) -> Any:
    """Refuse a sixth question before any question is checked, saying why in an admin's words
    as well as in the words every bounded list of the API uses (`team.schemas.at_most`)."""
    if isinstance(value, list) and len(value) > MAX_QUESTIONS:
        raise PydanticCustomError(
            "too_long",
            "send at most {limit} entries, not {count}: an area has at most {limit} suggested "
            "questions",
            {"limit": MAX_QUESTIONS, "count": len(value)},
        )
    return value


Questions = Annotated[
    list[Question], Field(max_length=MAX_QUESTIONS), BeforeValidator(_at_most_questions)
]
# Five levels, so at most five meanings; bounded before the keys are looked at, as every
# object of the API is.
Levels = Annotated[dict[LevelKey, Meaning], Field(max_length=5), at_most(5)]
FocusAreas = Annotated[list[Key], Field(max_length=MAX_AREAS), at_most(MAX_AREAS)]
# null clears an interview date, so the document offers it (request bodies leave null out).
InterviewDate = Annotated[
    IsoDate | None,
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
]


class FocusIn(_Input):
    """The areas one panelist covers for an opening; the list replaces the previous one."""

    areas: FocusAreas = Field(
        default=[], description="Area keys; an empty list (or none sent) clears the focus."
    )


class SeatPublic(BaseModel):
    """One panelist of an opening and the areas they cover, in the areas' display order."""

    user_id: int
    email: str
    name: str
    focus: list[str] = Field(description="Area keys this panelist's scorecard opens on.")


class PanelPublic(BaseModel):
    """An opening's panel: who interviews, and which areas each of them covers."""

    opening_id: int
    seats: list[SeatPublic]


class InterviewIn(_Input):
    """When one panelist interviews one candidate."""

    date: InterviewDate = Field(description="The interview's day (YYYY-MM-DD); null clears it.")


class InterviewPublic(BaseModel):
    """One panelist's interview with a candidate; `date` is null until it is set."""

    candidate_id: int
    user_id: int
    email: str
    name: str
    date: dt.date | None


class InterviewList(BaseModel):
    """A candidate's interviews: one per panelist of their opening, in the panel's order."""

    candidate_id: int
    items: list[InterviewPublic]


class GuideIn(_Input):
    """An area's whole guide, replacing the previous one. A level left out means what MODEL.md's
    table says; so does a meaning sent exactly as that table words it."""

    levels: Levels = Field(
        default={}, description='What each level ("0" to "4") means in this area.'
    )
    questions: Questions = Field(default=[], description="Suggested questions, in order.")


class GuidePublic(BaseModel):
    """What each level means in an area, and the questions suggested for it."""

    area: str = Field(description="The area's key.")
    name: str
    levels: dict[str, str] = Field(description='Every level "0" to "4" and its meaning.')
    edited: list[int] = Field(
        description="The levels whose meaning an admin wrote; the others are MODEL.md's."
    )
    questions: list[str]


class CardOwedPublic(BaseModel):
    """A card the caller still owes: its candidate, opening, interview date and focus areas."""

    candidate_id: int
    candidate_name: str
    opening_id: int
    opening_title: str
    draft: bool = Field(description="Whether the caller has saved a draft of it.")
    interview_date: dt.date | None
    focus: list[str] = Field(description="Area keys the caller covers for the opening.")


class CardsOwedPage(BaseModel):
    """One page of the cards the caller owes, soonest interview first (undated ones last)."""

    items: list[CardOwedPublic]
    total: int = Field(ge=0)
