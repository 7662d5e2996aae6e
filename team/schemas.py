"""What the API and the CSV imports accept and return for the team and its planned work.

Shape rules live here (types, ranges, lengths); rules that need the database (an area that
exists, an email nobody else has) live in the services. Input models forbid unknown fields so
that ids, versions or owners sent along are refused rather than silently written.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

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
Key = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1),
    AfterValidator(_no_control_chars),
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberCreate(_Input):
    name: Name
    email: EmailStr
    title: Title = ""
    fte: Fte = 1.0
    levels: dict[Key, Level] = {}
    skills: dict[Key, Level] = {}

    _clean = field_validator("name", "title")(_no_control_chars)

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str) -> str:
        return value.lower()


class MemberUpdate(_Input):
    name: Name | None = None
    email: EmailStr | None = None
    title: Title | None = None
    fte: Fte | None = None
    levels: dict[Key, Level] | None = None
    skills: dict[Key, Level] | None = None

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


class WorkItemCreate(_Input):
    title: ItemTitle
    area: Key
    points: Points
    status: str = "planned"
    skills: list[Key] = []

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
    skills: list[Key] | None = None

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


def pydantic_fields(error: Exception) -> dict[str, list[str]]:
    """Turn a pydantic ValidationError into {field: [message]} named the way users send fields."""
    fields: dict[str, list[str]] = {}
    for item in getattr(error, "errors", lambda: [])():
        parts = [str(part) for part in item.get("loc", ()) if part != "[key]"]
        loc = ".".join(parts) or "body"
        message = item.get("msg", "is not valid")
        if item.get("type") == "extra_forbidden":
            message = "is not a field you can set"
        fields.setdefault(loc, []).append(message.removeprefix("Value error, "))
    return fields


LevelKey = Literal["0", "1", "2", "3", "4"]


class SettingsUpdate(_Input):
    """A change to the settings; velocities may be sent for some levels only."""

    points_per_week: Annotated[float, Field(gt=0, le=1000)] | None = None
    velocity: dict[LevelKey, Annotated[float, Field(ge=0, le=100)]] | None = None
