"""The API's own answer shapes: list pages, import counts and the error body (API.md).

The views build their answers through these models, and the OpenAPI document describes them
from the same classes, so what is documented is what is sent.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, RootModel

from hiring.openings.schemas import CandidatePublic, OpeningPublic, ScorecardPublic
from team.schemas import AbsencePublic, AreaPublic, MemberPublic, WorkItemPublic


class MemberPage(BaseModel):
    """One page of members and how many match in all."""

    items: list[MemberPublic]
    total: int = Field(ge=0)


class AbsencePage(BaseModel):
    """One page of a member's absences, in date order, and how many they have in all."""

    items: list[AbsencePublic]
    total: int = Field(ge=0)


class WorkItemPage(BaseModel):
    """One page of work items and how many match in all."""

    items: list[WorkItemPublic]
    total: int = Field(ge=0)


class OpeningPage(BaseModel):
    """One page of the openings the caller may see and how many they see in all."""

    items: list[OpeningPublic]
    total: int = Field(ge=0)


class CandidatePage(BaseModel):
    """One page of an opening's candidates, assessed, and how many the opening has in all."""

    items: list[CandidatePublic]
    total: int = Field(ge=0)


class ScorecardList(BaseModel):
    """The scorecards of one candidate the caller may read (the independence rule decides)."""

    items: list[ScorecardPublic]
    total: int = Field(ge=0)


class AreaList(RootModel[list[AreaPublic]]):
    """Every area with its skills, in display order."""


class ImportCounts(BaseModel):
    """What a CSV import wrote: rows that made new records and rows that updated existing ones."""

    created: int = Field(ge=0)
    updated: int = Field(ge=0)


class WorkItemImportCounts(ImportCounts):
    """What a work items import wrote, and how many of its assignees were left empty."""

    unknown_assignees: int = Field(
        ge=0,
        description="Rows whose assignee is no member who may be given work (no member has "
        "that email, they left the team, or their last working day is before the plan start): "
        "those items were imported with no assignee.",
    )


class NoOptions(BaseModel):
    """This step takes no options: send an empty JSON object."""

    model_config = ConfigDict(extra="forbid")


class CandidatesAdded(BaseModel):
    """A file of candidates added to an opening: how many, and their ids in the file's order."""

    created: int = Field(ge=0)
    ids: list[int]


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message for people, and where (fields or CSV lines)."""

    code: str = Field(
        description="validation_error, unauthorized, forbidden, not_found, conflict, "
        "unsupported_media_type, method_not_allowed, too_large or server_error"
    )
    message: str
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Each bad field (or query parameter) and its problems."
    )
    rows: dict[str, list[str]] = Field(
        default_factory=dict,
        description="CSV imports: each bad line of the file (the header is line 1) and its "
        "problems.",
    )


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail
