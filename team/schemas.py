"""What the API and the CSV imports accept and return for the team and its planned work.

Shape rules live here (types, ranges, lengths); rules that need the database (an area that
exists, an email nobody else has) live in the services. Input models forbid unknown fields so
that ids, versions or owners sent along are refused rather than silently written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from team.emails import Email
from team.models import WORK_STATUSES
from team.text import has_control

Level = Annotated[int, Field(ge=0, le=4, strict=True)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Fte = Annotated[float, Field(gt=0, le=1)]
Points = Annotated[float, Field(gt=0, le=1000)]
ItemTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _no_control_chars(value: str | None) -> str | None:
    """Refuse NUL and other control characters (team.text): they corrupt exports and databases."""
    if value is not None and has_control(value):
        raise ValueError("must not contain control characters")
    return value


# Keys are looked up in the database, where a NUL byte is an error on PostgreSQL: refuse them here.
# No stored key is longer than 40 (team.models), and a longer one would be echoed in the error.
KEY_LENGTH = 40
Key = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=KEY_LENGTH),
    AfterValidator(_no_control_chars),
]

# How many entries a list or object in a body may hold. Areas and skills are data, so these are
# not their counts but ceilings far above any real team's, low enough that every entry can be
# looked up in one query; which keys exist is the services' check ("is not a known area").
MAX_AREAS = 100
MAX_SKILLS = 500


def at_most(limit: int) -> BeforeValidator:
    """Refuse a list or object longer than `limit` before its entries are validated.

    pydantic checks a dict's `max_length` only after validating every entry, so a body with
    380,000 bad keys would cost seconds and list 380,000 errors; this refuses it at once. Used
    beside `Field(max_length=limit)`, which puts `maxItems`/`maxProperties` in the OpenAPI document.
    """

    def check(value: Any) -> Any:
        if isinstance(value, list | dict) and len(value) > limit:
            raise PydanticCustomError(
                "too_long",
                "send at most {limit} entries, not {count}",
                {"limit": limit, "count": len(value)},
            )
        return value

    return BeforeValidator(check)


Levels = Annotated[dict[Key, Level], Field(max_length=MAX_AREAS), at_most(MAX_AREAS)]
SkillLevels = Annotated[dict[Key, Level], Field(max_length=MAX_SKILLS), at_most(MAX_SKILLS)]
SkillKeys = Annotated[list[Key], Field(max_length=MAX_SKILLS), at_most(MAX_SKILLS)]


# Dates ---------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """JSON has no dates: an ISO `YYYY-MM-DD` string becomes one (the API validates strictly,
    so nothing else turns into a date), and anything else is refused on its field."""
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise PydanticCustomError("date", "must be a date like 2027-01-04")
    return value


# A date in the API: ISO text in, ISO text out.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# A date a body may clear: null there means "no date" (a member's start or end date), so the
# OpenAPI document offers null for these fields, unlike for every other body field.
DateOrNone = Annotated[
    IsoDate | None,
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
]
# The member fields that null clears (PATCH) or leaves empty (POST); every other field of a
# member body refuses null (hiring.api.inputs.json_body).
MEMBER_DATES = ("start_date", "end_date")
START_DATE = "Their first working day; null: on the team since before the plan start."
END_DATE = "Their last working day (a known departure); null: staying."


class _Input(BaseModel):
    # allow_inf_nan=False: NaN and infinity are refused as "a finite number" on every float
    # field, rather than left to each field's range check to catch.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class MemberCreate(_Input):
    name: Name
    email: Email
    title: Title = ""
    fte: Fte = 1.0
    levels: Levels = {}
    skills: SkillLevels = {}
    start_date: DateOrNone = Field(default=None, description=START_DATE)
    end_date: DateOrNone = Field(default=None, description=END_DATE)

    _clean = field_validator("name", "title")(_no_control_chars)

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str) -> str:
        return value.lower()


class MemberUpdate(_Input):
    name: Name | None = None
    email: Email | None = None
    title: Title | None = None
    fte: Fte | None = None
    levels: Levels | None = None
    skills: SkillLevels | None = None
    # Null clears a date; left out, it stays as it is (`model_fields_set` tells them apart).
    start_date: DateOrNone = Field(default=None, description=START_DATE)
    end_date: DateOrNone = Field(default=None, description=END_DATE)

    _clean = field_validator("name", "title")(_no_control_chars)

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class MemberPublic(BaseModel):
    id: int
    name: str
    email: str
    title: str
    fte: float
    active: bool
    levels: dict[str, int]
    skills: dict[str, int]
    start_date: date | None = Field(default=None, description=START_DATE)
    end_date: date | None = Field(default=None, description=END_DATE)


AbsenceNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class AbsenceCreate(_Input):
    """Days a member does not work (leave, parental leave, a conference), both ends included.

    That `start` is on or before `end`, and both within the member's time on the team, is the
    service's rule (team.absences), since it needs the member's dates."""

    start: IsoDate = Field(description="The first day away.")
    end: IsoDate = Field(description="The last day away (the same as `start` for one day).")
    note: AbsenceNote = ""

    _clean = field_validator("note")(_no_control_chars)


class AbsencePublic(BaseModel):
    id: int
    member_id: int
    start: date
    end: date
    note: str


# A work item's assignee, named by the member's email, trimmed and lowercased. Which emails
# name someone who may take work (a member, not left, not past their last day) is the rule of
# team.assignees, which needs the database. Null clears the assignee (PATCH) or leaves the item
# with nobody (POST), so the OpenAPI document offers null here, as for a member's dates.
EMAIL_LENGTH = 254
AssigneeEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=EMAIL_LENGTH),
    AfterValidator(_no_control_chars),
]
AssigneeOrNone = Annotated[
    AssigneeEmail | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "email", "maxLength": EMAIL_LENGTH},
                {"type": "null"},
            ]
        }
    ),
]
# The work item fields that null clears (PATCH) or leaves empty (POST); every other field of a
# work item body refuses null (hiring.api.inputs.json_body).
WORK_ITEM_NULLABLE = ("assignee",)
ASSIGNEE = (
    "The email of the member who has it (a member still on the team, not past their last "
    "working day); null: nobody."
)


class WorkItemCreate(_Input):
    title: ItemTitle
    area: Key
    points: Points
    status: str = "planned"
    skills: SkillKeys = []
    assignee: AssigneeOrNone = Field(default=None, description=ASSIGNEE)

    _clean = field_validator("title")(_no_control_chars)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in WORK_STATUSES:
            raise ValueError(f"must be one of {', '.join(WORK_STATUSES)}")
        return value


class WorkItemUpdate(_Input):
    title: ItemTitle | None = None
    area: Key | None = None
    points: Points | None = None
    status: str | None = None
    skills: SkillKeys | None = None
    # Null clears the assignee; left out, it stays as it is (`model_fields_set` tells them apart).
    assignee: AssigneeOrNone = Field(default=None, description=ASSIGNEE)

    _clean = field_validator("title")(_no_control_chars)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value is not None and value not in WORK_STATUSES:
            raise ValueError(f"must be one of {', '.join(WORK_STATUSES)}")
        return value


class WorkItemPublic(BaseModel):
    id: int
    title: str
    area: str
    points: float
    status: str
    skills: list[str]
    assignee: str | None = Field(
        default=None, description="The email of the member who has it; null: nobody."
    )


class SkillPublic(BaseModel):
    key: str
    name: str


class AreaPublic(BaseModel):
    key: str
    name: str
    skills: list[SkillPublic]


class SettingsPublic(BaseModel):
    points_per_week: float
    velocity: dict[str, float]
    plan_start: date | None = Field(description="A Monday; null: the Monday of this week.")
    holidays: list[date] = Field(description="Days nobody works, oldest first.")
    ramp_weeks: int = Field(description="Weeks until a newcomer works at full speed (0: at once).")
    ramp_start: float = Field(description="A newcomer's share of full speed in their first week.")
    mentoring_fte: float = Field(description="Share of a mentor's week a newcomer takes (0: none).")
    mentoring_weeks: int = Field(description="A newcomer's weeks with a mentor.")
    notice_weeks: int = Field(
        description="Weeks after the plan start a candidate starts when nothing else is known."
    )
    horizon_weeks: int = Field(description="Work that takes longer cannot be finished.")
    card_due_days: int = Field(
        description="Days after an interview that its scorecard is overdue (the interviewer is "
        "reminded by email then)."
    )


# An error answer lists at most this many problems and shortens field names and messages, so
# that a huge body (250,000 bad emails, a key of a million characters) never gets a huge answer:
# pydantic names every bad entry, and a dict key or unknown field is part of the name it gives.
MAX_LISTED_PROBLEMS = 20
MAX_FIELD_NAME = 80
MAX_MESSAGE = 300


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def pydantic_fields(error: Exception) -> dict[str, list[str]]:
    """Turn a pydantic ValidationError into {field: [message]} named the way users send fields.

    At most MAX_LISTED_PROBLEMS problems are listed; the rest are counted under "body".
    """
    items = (
        error.errors(include_url=False, include_input=False)
        if isinstance(error, ValidationError)
        else []
    )
    fields: dict[str, list[str]] = {}
    listed = unlisted = 0
    for item in items:
        parts = [str(part) for part in item.get("loc", ()) if part != "[key]"]
        loc = _shortened(".".join(parts) or "body", MAX_FIELD_NAME)
        message = item.get("msg", "is not valid")
        if item.get("type") == "extra_forbidden":
            message = "is not a field you can set"
        message = _shortened(message.removeprefix("Value error, "), MAX_MESSAGE)
        if message in fields.get(loc, ()):
            continue  # shortened names can collide: say each thing once
        if listed == MAX_LISTED_PROBLEMS:
            unlisted += 1
            continue
        fields.setdefault(loc, []).append(message)
        listed += 1
    if unlisted:
        fields.setdefault("body", []).append(f"and {unlisted} more problems not listed here")
    return fields


LevelKey = Literal["0", "1", "2", "3", "4"]
Velocities = Annotated[
    dict[LevelKey, Annotated[float, Field(ge=0, le=100)]], Field(max_length=5), at_most(5)
]


MAX_HOLIDAYS = 1000


class SettingsUpdate(_Input):
    """A change to the settings; velocities may be sent for some levels only, and `holidays`
    replaces the whole list. `plan_start: null` goes back to the Monday of the current week."""

    points_per_week: Annotated[float, Field(gt=0, le=1000)] | None = None
    velocity: Velocities | None = None
    plan_start: IsoDate | None = None
    holidays: (
        Annotated[
            list[IsoDate],
            Field(max_length=MAX_HOLIDAYS, json_schema_extra={"uniqueItems": True}),
            at_most(MAX_HOLIDAYS),
        ]
        | None
    ) = None
    ramp_weeks: Annotated[int, Field(ge=0, le=104)] | None = None
    ramp_start: Annotated[float, Field(ge=0, le=1)] | None = None
    mentoring_fte: Annotated[float, Field(ge=0, le=1)] | None = None
    mentoring_weeks: Annotated[int, Field(ge=0, le=52)] | None = None
    notice_weeks: Annotated[int, Field(ge=0, le=52)] | None = None
    horizon_weeks: Annotated[int, Field(ge=1, le=1040)] | None = None
    card_due_days: Annotated[int, Field(ge=1, le=60)] | None = None
