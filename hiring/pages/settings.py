"""The admin's settings page: level velocities, points per week and the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hiring.access import allow
from hiring.db import get_session
from hiring.forms import DecimalField, IntegerField
from hiring.pages.transaction import attempt
from team.areas import get_settings, holidays
from team.levels import LEVEL_MEANINGS, LEVEL_NAMES
from team.settings import CALENDAR_RANGES, update_settings

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _range(name: str) -> NumberRange:
    """The browser's first check of a calendar setting: its range from team.settings, the one
    place it is stated (the service checks it again)."""
    _kind, low, high = CALENDAR_RANGES[name]
    return NumberRange(min=low, max=high)


class SettingsForm(FlaskForm):
    points_per_week = DecimalField(
        "Points per week",
        places=None,  # show stored values as they are: saving must not round them
        validators=[InputRequired(), NumberRange(min=0.01, max=1000)],
        description="The points a strong, full-time person finishes in a week.",
    )
    # The calendar (MODEL.md): ranges come from team.settings; `calendar_problems` decides.
    plan_start = DateField(
        "Plan start",
        validators=[Optional()],
        description="A Monday to forecast from (to plan ahead or to reproduce a report); "
        "empty: the Monday of the current week.",
    )
    holidays = TextAreaField(
        "Holidays",
        validators=[Optional(), Length(max=20000)],
        description="Days nobody works, one date a line (2027-12-24).",
        render_kw={"rows": 4},
    )
    ramp_weeks = IntegerField(
        "Ramp-up weeks",
        validators=[InputRequired(), _range("ramp_weeks")],
        description="Weeks until a newcomer works at full speed; 0 turns ramp-up off.",
    )
    ramp_start = DecimalField(
        "Speed in the first week",
        places=None,
        validators=[InputRequired(), _range("ramp_start")],
        description="A newcomer's share of full speed in their first week, from 0 to 1.",
    )
    mentoring_fte = DecimalField(
        "Mentor's time",
        places=None,
        validators=[InputRequired(), _range("mentoring_fte")],
        description="The share of a week a newcomer's mentor spends showing them around; "
        "0 turns it off.",
    )
    mentoring_weeks = IntegerField(
        "Mentoring weeks",
        validators=[InputRequired(), _range("mentoring_weeks")],
        description="How many of a newcomer's first weeks their mentor gives that time.",
    )
    notice_weeks = IntegerField(
        "Notice weeks",
        validators=[InputRequired(), _range("notice_weeks")],
        description="When a candidate has no date of their own or of the opening, they are "
        "assumed to start this many weeks after the plan start.",
    )
    horizon_weeks = IntegerField(
        "Horizon in weeks",
        validators=[InputRequired(), _range("horizon_weeks")],
        description="Work that would take longer than this reads as “cannot be finished”.",
    )
    card_due_days = IntegerField(
        "Days to write a scorecard",
        validators=[InputRequired(), _range("card_due_days")],
        description="Days after an interview that its scorecard is overdue; the interviewer "
        "is reminded by email then.",
    )


def _holidays(text: str) -> tuple[list[date], list[str]]:
    """The holidays typed one a line, and the lines that are not dates."""
    days, bad = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            days.append(date.fromisoformat(line))
        except ValueError:
            bad.append(f"“{line[:40]}” is not a date like 2027-12-24")
    return days, bad


def settings_form(**kwargs: Any) -> SettingsForm:
    """The form with one velocity field per level."""

    class Form(SettingsForm):
        pass

    for level, name in enumerate(LEVEL_NAMES):
        setattr(
            Form,
            f"velocity_{level}",
            DecimalField(
                f"{name.capitalize()} ({level})",
                places=None,  # show stored values as they are: saving must not round them
                validators=[InputRequired(), NumberRange(min=0, max=100)],
                description=LEVEL_MEANINGS[level],
            ),
        )
    return Form(**kwargs)


@bp.route("/", methods=["GET", "POST"])
@allow("admin")
def edit():
    """Show and change the settings; velocities that do not rise with the level are refused."""
    db = get_session()
    settings = get_settings(session=db)
    form = settings_form(obj=settings)
    if request.method == "GET":
        form.holidays.data = "\n".join(day.isoformat() for day in holidays(session=db))
    if form.validate_on_submit():
        days, bad = _holidays(form.holidays.data or "")
        if bad:
            form.holidays.errors = [*form.holidays.errors, *bad]
            return render_template("settings/edit.html", form=form), 400
        velocities = {lv: float(getattr(form, f"velocity_{lv}").data) for lv in range(5)}
        calendar = {name: float(getattr(form, name).data) for name in CALENDAR_RANGES}
        done = attempt(
            form,
            lambda: update_settings(
                session=db,
                points_per_week=float(form.points_per_week.data),
                velocities=velocities,
                calendar=calendar,
                plan_start=form.plan_start.data,
                clear_plan_start=form.plan_start.data is None,
                holidays=days,
            ),
            lambda fields: {k.replace(".", "_"): v for k, v in fields.items()},
        )
        if done.ok:
            flash("Settings saved. Every report now uses them.", "success")
            return redirect(url_for("settings.edit"))
        return render_template("settings/edit.html", form=form), done.status
    status = 400 if form.errors else 200
    return render_template("settings/edit.html", form=form), status
