"""The coverage report leadership reads: forecast, weakest area, per-area table, what-if."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from hiring.access import TEAM_READERS, allow
from hiring.db import get_session
from hiring.pages.forms import LEVEL_CHOICES
from team.areas import list_areas
from team.members import active_members
from team.report import CoverageReport, Hypothetical, coverage_report, what_if

bp = Blueprint("reports", __name__, url_prefix="/reports")


class WhatIfForm(FlaskForm):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    name = StringField("Name", default="New hire", validators=[Optional()])
    fte = DecimalField("FTE", places=2, default=1, validators=[Optional(), NumberRange(0.01, 1)])
    remove = SelectMultipleField("Remove from the team", coerce=int, validators=[Optional()])


def what_if_form(areas, members) -> WhatIfForm:
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


def _hypothetical(form: WhatIfForm, areas) -> Hypothetical | None:
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
    if not report.finite:
        return None
    return date.today() + timedelta(days=round(report.forecast_weeks * 7))


def _chart_data(report: CoverageReport) -> dict:
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
    )
    for a in report.areas:
        writer.writerow(
            [
                a.key,
                a.name,
                a.demand_points,
                round(a.demand_share, 6),
                *a.members_by_level,
                a.strong_or_better,
                _cell(a.pressure_weeks),
                _cell(a.pressure_share),
                _cell(report.forecast_weeks if report.finite else None),
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=coverage.csv"},
    )


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
