"""The coverage report leadership reads: forecast, weakest area, per-area table, what-if."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from hiring.access import TEAM_READERS, allow
from hiring.db import get_session
from hiring.forms import AtMost, DecimalField
from hiring.pages.forms import LEVEL_CHOICES
from team.areas import list_areas
from team.csvio import encode_download, number, write_table
from team.members import active_members
from team.models import Area
from team.report import CoverageReport, Hypothetical, coverage_report, what_if
from team.schemas import MemberPublic

bp = Blueprint("reports", __name__, url_prefix="/reports")


class WhatIfForm(FlaskForm):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    name = StringField("Name", default="New hire", validators=[Optional()])
    fte = DecimalField("FTE", places=2, default=1, validators=[Optional(), NumberRange(0.01, 1)])
    remove = SelectMultipleField(
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
    )


@bp.route("/coverage")
@allow(*TEAM_READERS)
def coverage():
    """The report, and beside it the what-if when the form asked for one."""
    db = get_session()
    areas, members = list_areas(session=db), active_members(session=db)
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
    report = comparison.current if comparison else coverage_report(session=db)
    return render_template(
        "reports/coverage.html",
        report=report,
        comparison=comparison,
        form=form,
        areas=areas,
        members=members,
        finish=_finish_date(report),
        chart=_chart_data(report),
        today=date.today(),
    ), status


def _finish_date(report: CoverageReport) -> date | None:
    """The calendar date the forecast implies; None when infinite or past the calendar's end."""
    if not report.finite:
        return None
    days = round(report.forecast_weeks * 7)
    if days > (date.max - date.today()).days:
        return None
    return date.today() + timedelta(days=days)


def _chart_data(report: CoverageReport) -> dict[str, object]:
    """What the two charts draw, handed to static/charts.js as JSON (no inline script)."""
    return {
        "areas": [a.name for a in report.areas],
        "demand_share": [round(a.demand_share * 100, 1) for a in report.areas],
        "capability_share": [round(a.capability_share * 100, 1) for a in report.areas],
        "people": [p.name for p in report.allocation],
        "allocation": [
            {
                "label": a.name,
                "data": [round(p.shares.get(a.key, 0) * 100, 1) for p in report.allocation],
            }
            for a in report.areas
        ],
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
