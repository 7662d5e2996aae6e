"""Reports and settings for integrations: `GET /coverage` and `PATCH /settings` (API.md)."""

from __future__ import annotations

import datetime as dt
import math
from datetime import date

from flask import jsonify
from pydantic import BaseModel, Field

from hiring.access import TEAM_READERS, allow
from hiring.api import bp
from hiring.api.inputs import MAX_LIMIT, QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.weakest import weakest_saves, weakest_words
from team.areas import settings_public
from team.history import DEFAULT_DAYS, change_days, forecast_history
from team.report import CoverageReport, coverage_report, key_people_report
from team.schemas import SettingsPublic, SettingsUpdate
from team.settings import CALENDAR_RANGES, update_settings


class AreaCoveragePublic(BaseModel):
    """One area of the coverage report."""

    key: str
    name: str
    demand_points: float
    demand_share: float
    members_by_level: list[int] = Field(description="Members at level 0, 1, 2, 3 and 4.")
    strong_or_better: int
    pressure_weeks: float | None = Field(
        description="Weeks one more strong full-time specialist here would save; null if the "
        "forecast is infinite."
    )
    pressure_share: float | None


class AllocationPublic(BaseModel):
    """A member's share of time per area in the plan that finishes soonest."""

    member_id: int
    shares: dict[str, float]


class WeakestAreaWhyPublic(BaseModel):
    """Why the weakest area holds the team back, in words and the facts they say."""

    sentence: str = Field(
        description="In words a leader reads, as the coverage page says it: 'Data engineering: "
        "54% of the open work, 2 of 13 people strong or better; one strong hire here saves "
        "2.5 days'. Lengths under 2 weeks read in working days, 5 to a week."
    )
    demand_share: float = Field(description="The area's share of all open points, 0 to 1.")
    strong_or_better: int = Field(description="Members at level strong (3) or expert (4) there.")
    people: int = Field(description="Members the forecast counts.")
    saves: str | None = Field(
        description="What one more strong full-time person there would save, as shown: the "
        "forecast minus the forecast with them, each rounded as shown first (a tenth of a week, "
        "or half a working day under 2 weeks); null when the work cannot be finished. "
        "`pressure_weeks` of the area keeps the unrounded weeks."
    )


class CoveragePublic(BaseModel):
    """The coverage report (MODEL.md): forecast, weakest area, per-area aggregates, plan."""

    forecast_weeks: float | None = Field(description="null when the work cannot be finished")
    plan_start: date = Field(description="Week 0's Monday: the setting, or this week's Monday")
    finish_date: date | None = Field(
        description="The working day in which the forecast falls; null with no work or when "
        "the work cannot be finished (MODEL.md, 'Finish date')"
    )
    points_per_week: float
    weakest_area: str | None
    weakest_area_why: WeakestAreaWhyPublic | None = Field(
        description="Why the weakest area holds the team back; null when no area does"
    )
    areas: list[AreaCoveragePublic]
    allocation: list[AllocationPublic]


def coverage_public(report: CoverageReport) -> CoveragePublic:
    """The report in the API's shape; infinities become null."""
    finite = math.isfinite(report.forecast_weeks)
    return CoveragePublic(
        forecast_weeks=report.forecast_weeks if finite else None,
        plan_start=report.plan_start,
        finish_date=report.finish_date,
        points_per_week=report.points_per_week,
        weakest_area=report.weakest_area,
        weakest_area_why=_weakest_why(report),
        areas=[
            AreaCoveragePublic(
                key=a.key,
                name=a.name,
                demand_points=a.demand_points,
                demand_share=a.demand_share,
                members_by_level=list(a.members_by_level),
                strong_or_better=a.strong_or_better,
                pressure_weeks=a.pressure_weeks,
                pressure_share=a.pressure_share,
            )
            for a in report.areas
        ],
        allocation=[
            AllocationPublic(member_id=p.member_id, shares=dict(p.shares))
            for p in report.allocation
        ],
    )


def _weakest_why(report: CoverageReport) -> WeakestAreaWhyPublic | None:
    """The weakest area's sentence and facts, worded as the page words them (hiring/weakest)."""
    facts = report.weakest
    sentence = weakest_words(facts)
    if facts is None or sentence is None:
        return None
    saves = weakest_saves(facts)
    return WeakestAreaWhyPublic(
        sentence=sentence,
        demand_share=facts.demand_share,
        strong_or_better=facts.strong_or_better,
        people=facts.people,
        saves=None if saves is None else str(saves),
    )


@bp.get("/coverage")
@allow(*TEAM_READERS)
@operation(
    "The coverage report: forecast, weakest area and per-area aggregates", response=CoveragePublic
)
def get_coverage():
    """The forecast for the planned work and what holds the team back, computed now."""
    report = coverage_report(session=get_session())
    return jsonify(coverage_public(report).model_dump(mode="json"))


class KeyPersonPublic(BaseModel):
    """How much later the work would land without this member."""

    member_id: int
    name: str
    weeks: float | None = Field(description="null: the work could never be finished without them")


class KeyPeoplePublic(BaseModel):
    """Members counted in the forecast, the most missed first (MODEL.md, 'Key people')."""

    items: list[KeyPersonPublic]


@bp.get("/coverage/key-people")
@allow(*TEAM_READERS)
@operation(
    "Key people: how much later the work would land without each member",
    response=KeyPeoplePublic,
)
def get_key_people():
    """`T(team without them) - T` for each member; a forecast per member, so apart from
    /coverage."""
    rows = key_people_report(session=get_session())
    return jsonify(
        KeyPeoplePublic(
            items=[KeyPersonPublic(member_id=r.member_id, name=r.name, weeks=r.weeks) for r in rows]
        ).model_dump(mode="json")
    )


class HistoryPointPublic(BaseModel):
    """The forecast as it stood at the end of a day on which its inputs changed."""

    date: dt.date
    forecast_weeks: float | None = Field(description="null: it could not be finished then")
    finish_date: dt.date | None


class HistoryPublic(BaseModel):
    """One point per day (UTC) on which the forecast's inputs changed, oldest first: the most
    recent `limit` of them (`total` days in all)."""

    items: list[HistoryPointPublic]
    total: int


@bp.get("/coverage/history")
@allow(*TEAM_READERS)
@operation(
    "How the forecast and its finish date moved, day by day",
    response=HistoryPublic,
    query=("limit",),
)
def get_coverage_history():
    """Each past day rebuilt from the recorded changes and forecast with that day's plan start;
    each is a forecast of its own, so `?limit=` (default 50, at most 500) days, the newest."""
    args = QueryArgs()
    limit = args.integer("limit", DEFAULT_DAYS, 1, MAX_LIMIT)
    args.check()
    db = get_session()
    points = forecast_history(session=db, days=limit)
    return jsonify(
        HistoryPublic(
            items=[
                HistoryPointPublic(
                    date=p.day, forecast_weeks=p.forecast_weeks, finish_date=p.finish_date
                )
                for p in points
            ],
            total=change_days(session=db),
        ).model_dump(mode="json")
    )


@bp.patch("/settings")
@allow("admin")
@operation(
    "Change the velocities, points per week or the calendar",
    body=SettingsUpdate,
    response=SettingsPublic,
)
def patch_settings():
    """Change settings; velocities that would not rise with the level are refused (422)."""
    change = json_body(SettingsUpdate, nullable=("plan_start",))  # null: this week's Monday
    velocities = {int(level): value for level, value in (change.velocity or {}).items()}
    calendar = {
        name: getattr(change, name)
        for name in CALENDAR_RANGES
        if name in change.model_fields_set and getattr(change, name) is not None
    }
    db = get_session()
    update_settings(
        session=db,
        points_per_week=change.points_per_week,
        velocities=velocities,
        calendar=calendar,
        plan_start=change.plan_start,
        clear_plan_start="plan_start" in change.model_fields_set and change.plan_start is None,
        holidays=change.holidays,
    )
    return jsonify(settings_public(session=db).model_dump(mode="json"))
