"""`GET /calibration?opening_id=` (API.md, "Time, plan and decisions"; MODEL.md, "Deciding
together"): how each interviewer rates against the panel, and how far the panel agrees."""

from __future__ import annotations

from typing import Literal

from flask import g, jsonify, request
from pydantic import BaseModel, Field

from hiring.access import allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings.calibration import READERS, CalibrationReport, calibration_report
from hiring.web import MAX_ID


class AreaBiasPublic(BaseModel):
    """An interviewer's bias in one area."""

    n: int = Field(description="Their ratings here of candidates someone else also rated here.")
    bias: float | None = Field(
        description="Mean of (their rating - the others' median), in levels; null when n = 0."
    )


class InterviewerCalibrationPublic(BaseModel):
    """One interviewer against the rest of the panel."""

    email: str
    name: str
    cards: int = Field(description="Their current submitted cards counted here.")
    n: int = Field(description="Their ratings compared with someone else's, every area.")
    bias: float | None = Field(
        description="Mean of (their rating - the others' median), in levels; null when n = 0."
    )
    by_area: dict[str, AreaBiasPublic]
    flag: Literal["rates_high", "rates_low"] | None = Field(
        description="Set when |bias| >= 0.5 over n >= 5 ratings. It informs: ratings are never "
        "adjusted."
    )


class CalibrationPublic(BaseModel):
    """Calibration over the current submitted cards the caller may read (drafts and
    corrected revisions never count; nor do cards the independence rule hides from them)."""

    opening_id: int | None = Field(description="The opening asked for; null: every one.")
    interviewers: list[InterviewerCalibrationPublic] = Field(description="By name.")
    agreement: dict[str, float | None] = Field(
        description="Per area, Krippendorff's alpha (ordinal, levels 0-4) over candidates x "
        "interviewers; null where undefined (fewer than two pairable ratings, or one value)."
    )
    agreement_n: dict[str, int] = Field(
        description="Per area, the pairable ratings alpha rests on (of candidates two or more "
        "interviewers rated there)."
    )


def calibration_public(report: CalibrationReport) -> CalibrationPublic:
    """The report in the API's shape (API.md), areas in display order."""
    keys = [a.key for a in report.areas]
    return CalibrationPublic(
        opening_id=report.opening.id if report.opening else None,
        interviewers=[
            InterviewerCalibrationPublic(
                email=report.people[i.interviewer].email,
                name=report.people[i.interviewer].name,
                cards=i.cards,
                n=i.n,
                bias=i.bias,
                by_area={
                    key: AreaBiasPublic(n=i.by_area[key].n, bias=i.by_area[key].bias)
                    for key in keys
                },
                flag=i.flag,
            )
            for i in report.interviewers
        ],
        agreement={key: report.agreement[key].alpha for key in keys},
        agreement_n={key: report.agreement[key].ratings for key in keys},
    )


@bp.get("/calibration")
@allow(*READERS)
@operation(
    "How each interviewer rates against the panel, and how far the panel agrees",
    response=CalibrationPublic,
    query=("opening_id",),
    not_found=True,
)
def get_calibration():
    """Per interviewer their bias (overall and per area, with n) and flag; per area the
    agreement. A hiring manager reads the openings they manage; leadership and admins every
    opening. An opening the caller does not see is a 404, one they only sit on the panel of a
    403."""
    args = QueryArgs()
    opening_id = None
    if "opening_id" in request.args:
        opening_id = args.integer("opening_id", 0, 1, MAX_ID)
    args.check()
    report = calibration_report(viewer=g.api_user, session=get_session(), opening_id=opening_id)
    return jsonify(calibration_public(report).model_dump(mode="json"))
