"""The JSON shapes of the trackers' imports (API.md, "Imports of planned work")."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from hiring.api.schemas import ImportCounts
from team.schemas import Key, at_most

# A tracker's value (a label, component, team, project or status) as a mapping names it, and
# ceilings far above any real backlog's vocabulary.
Value = Annotated[str, StringConstraints(min_length=1, max_length=300)]
MAX_VALUES = 10_000
MAX_STATUSES = 1_000


class ImportMappingBody(BaseModel):
    """How one source's exports read as planned work; the whole mapping is replaced."""

    model_config = ConfigDict(extra="forbid")

    area_by_value: Annotated[
        dict[Value, Key], Field(max_length=MAX_VALUES), at_most(MAX_VALUES)
    ] = Field(
        default_factory=dict,
        description="A component, label, team or project value (trimmed, any case) -> an area "
        "key. A row's area is its first value found here: components, then labels, then "
        "team, then project.",
    )
    done_statuses: Annotated[list[Value], Field(max_length=MAX_STATUSES), at_most(MAX_STATUSES)] = (
        Field(
            default_factory=list,
            description="Statuses that count as done besides the source's own notion.",
        )
    )
    default_points: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Points of an item with no estimate (or 0); null: such items are skipped.",
    )
    points_column: str | None = Field(
        default=None,
        max_length=200,
        description="The column holding the estimate (e.g. a GitHub project's field); null: "
        "the source's usual estimate columns.",
    )

    @field_validator("default_points")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class ImportMappingPublic(ImportMappingBody):
    """A source's saved mapping (an empty one when none is saved)."""

    source: str


class SkippedRow(BaseModel):
    """A row the import leaves out, and why (no estimate and no default, done with no area)."""

    line: int
    key: str
    reason: str


class TrackerImportCounts(ImportCounts):
    """What an import of a tracker's export did."""

    source: str
    unchanged: int = Field(ge=0, description="Rows naming an item that already says the same.")
    closed: int = Field(ge=0, description="Items of the source the file no longer lists, closed.")
    skipped: list[SkippedRow]
    unestimated: int = Field(ge=0, description="Items given `default_points` (no estimate).")
    unknown_assignees: int = Field(
        ge=0, description="Rows whose assignee is no member who may be given work (left empty)."
    )
