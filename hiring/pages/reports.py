"""The coverage report leadership reads: forecast, weakest area, per-area table, what-if."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from hiring.access import TEAM_READERS, allow
from hiring.accounts.forms import MultiCheckboxField
from hiring.db import get_session
from hiring.forms import AtMost, DecimalField
from hiring.numbers import duration
from hiring.pages.forms import LEVEL_CHOICES
from team.areas import list_areas
from team.csvio import encode_download, number, write_table
from team.history import DEFAULT_DAYS, HistoryPoint, change_days, forecast_history
from team.models import Area
from team.plan import Share, plan_shares
from team.report import (
    CoverageReport,
    Hypothetical,
    counted_members,
    coverage_report,
    key_people_report,
    what_if,
)
from team.schemas import MemberPublic
from team.text import day_text

bp = Blueprint("reports", __name__, url_prefix="/reports")


class WhatIfForm(FlaskForm):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    name = StringField("Name", default="New hire", validators=[Optional()])
    fte = DecimalField("FTE", places=2, default=1, validators=[Optional(), NumberRange(0.01, 1)])
    start = DateField(
        "Starts on",
        validators=[Optional()],
        description="Leave empty to count them as on the team already, at full speed; with a "
        "date they ramp up and take a mentor's time, as a hire would.",
    )
    # Checkboxes, not a multi-select: a multi-select needs Ctrl-click, which few people know and
    # no phone has. The field's name and its validation (ids of counted members only) stay.
    remove = MultiCheckboxField(
        "Remove from the team", coerce=int, validators=[Optional(), AtMost()]
    )


def what_if_form(areas: Sequence[Area], members: Sequence[MemberPublic]) -> WhatIfForm:
    """The what-if form with a level per area for the hypothetical person."""

    class Form(WhatIfForm):
        pass

    for area in areas:
        setattr(
            Form,
            f"level_{area.key}",
            SelectField(area.name, choices=[SelectChoice("", "—"), *LEVEL_CHOICES], default=""),
        )
    form = Form(request.args)
    form.remove.choices = [SelectChoice(m.id, m.name) for m in members]
    return form


def _hypothetical(form: WhatIfForm, areas: Sequence[Area]) -> Hypothetical | None:
    """The person described by the form, or None when no level was chosen."""
    levels = {a.key: getattr(form, f"level_{a.key}").data for a in areas}
    if all(not value for value in levels.values()):
        return None
    return Hypothetical(
        name=(form.name.data or "New hire").strip()[:60] or "New hire",
        fte=float(form.fte.data or 1),
        levels={key: int(value or 0) for key, value in levels.items()},
        start=form.start.data,
    )


@bp.route("/coverage")
@allow(*TEAM_READERS)
def coverage():
    """The report, and beside it the what-if when the form asked for one."""
    db = get_session()
    areas, members = list_areas(session=db), counted_members(session=db)
    form = what_if_form(areas, members)
    comparison = None
    status = 200
    if request.args.get("what_if"):
        if form.validate():
            person = _hypothetical(form, areas)
            removed = form.remove.data or []
            if person or removed:
                comparison = what_if(session=db, add=[person] if person else [], remove=removed)
        else:
            status = 400
    report = comparison.current if comparison else coverage_report(session=db, week_by_week=True)
    # "Who works where" is the ticket plan's: each person's planned tickets by area (the API's
    # `allocation` stays the forecast's divisible split, MODEL.md "Explaining").
    lanes = plan_shares(session=db)
    return render_template(
        "reports/coverage.html",
        report=report,
        comparison=comparison,
        form=form,
        areas=areas,
        members=members,
        lanes=lanes,
        chart=_chart_data(report, lanes),
        today=date.today(),
    ), status


def _chart_data(report: CoverageReport, lanes: Sequence[Share]) -> dict[str, object]:
    """What the charts draw, handed to static/charts.js as JSON (no inline script); who works
    where is each person's planned tickets by area, from the ticket plan's lanes."""
    return {
        "areas": [a.name for a in report.areas],
        "demand_share": [round(a.demand_share * 100, 1) for a in report.areas],
        "capability_share": [round(a.capability_share * 100, 1) for a in report.areas],
        "people": [lane.name for lane in lanes],
        "allocation": [
            {
                "label": a.name,
                "data": [round(lane.shares.get(a.key, 0) * 100, 1) for lane in lanes],
            }
            for a in report.areas
        ],
        "weeks": [w.monday.isoformat() for w in report.weeks],
        "capacity": [round(w.capacity, 2) for w in report.weeks],
        "ramping": [round(w.ramping, 2) for w in report.weeks],
        "mentoring": [round(w.mentoring, 2) for w in report.weeks],
        "away": [round(w.away, 2) for w in report.weeks],
        "not_on_team": [round(w.not_on_team, 2) for w in report.weeks],
        "remaining": [round(w.remaining_points, 1) for w in report.weeks],
    }


@bp.route("/history")
@allow(*TEAM_READERS)
def history():
    """How the finish date moved: one row per day on which an input changed, each with what
    changed that day (the report's chart reads the same points as JSON)."""
    db = get_session()
    points = forecast_history(session=db, days=DEFAULT_DAYS)
    return render_template(
        "reports/history.html",
        points=list(reversed(points)),
        total=change_days(session=db),
        lands=lands_text,
    )


def lands_text(point: HistoryPoint) -> str:
    """When the work would land as that day's forecast said, or why it would not: written
    here once for the history page's table and the coverage report chart's tooltip."""
    if point.finish_date:
        return day_text(point.finish_date)
    return "cannot be finished" if point.forecast_weeks is None else "nothing to do"


@bp.route("/key-people")
@allow(*TEAM_READERS)
def key_people():
    """How much later the work would land without each member, most missed first (a forecast
    per member, so a page of its own rather than a part of the report)."""
    db = get_session()
    report = coverage_report(session=db)
    return render_template(
        "reports/key_people.html", rows=key_people_report(session=db), report=report
    )


@bp.route("/history.json")
@allow(*TEAM_READERS)
def history_json():
    """The points of the report's history chart (fetched by static/charts.js), with each
    point's words as the history page writes them (`day_texts`, `lands`, `lengths`), so the
    tooltip shows what the table does rather than formatting the dates again."""
    points = forecast_history(session=get_session(), days=DEFAULT_DAYS)
    return {
        "days": [p.day.isoformat() for p in points],
        "finish": [p.finish_date.isoformat() if p.finish_date else None for p in points],
        "weeks": [None if p.forecast_weeks is None else round(p.forecast_weeks, 2) for p in points],
        "changes": [list(p.changes) for p in points],
        "day_texts": [day_text(p.day) for p in points],
        "lands": [lands_text(p) for p in points],
        "lengths": [duration(p.forecast_weeks) for p in points],
    }


@bp.route("/coverage.csv")
@allow(*TEAM_READERS)
def coverage_csv():
    """The per-area table of the report as CSV, for a spreadsheet."""
    report = coverage_report(session=get_session())
    header = [
        "area",
        "name",
        "demand_points",
        "demand_share",
        "none",
        "basic",
        "working",
        "strong",
        "expert",
        "strong_or_better",
        "pressure_weeks",
        "pressure_share",
        "forecast_weeks",
    ]
    forecast = _cell(report.forecast_weeks if report.finite else None)
    rows = [
        [
            a.key,
            a.name,
            number(a.demand_points),
            _cell(a.demand_share),
            *(str(n) for n in a.members_by_level),
            str(a.strong_or_better),
            _cell(a.pressure_weeks),
            _cell(a.pressure_share),
            forecast,
        ]
        for a in report.areas
    ]
    # write_table neutralises cells a spreadsheet would run as formulas (an area's name).
    return Response(
        encode_download(write_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=coverage.csv"},
    )


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
