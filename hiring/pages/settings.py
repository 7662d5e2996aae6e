"""The admin's settings page: level velocities and points per week."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from hiring.access import allow
from hiring.db import get_session
from hiring.forms import DecimalField, apply_errors
from team.areas import get_settings
from team.errors import InvalidInput
from team.levels import LEVEL_MEANINGS, LEVEL_NAMES
from team.settings import update_settings

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


class SettingsForm(FlaskForm):
    points_per_week = DecimalField(
        "Points per week",
        places=None,  # show stored values as they are: saving must not round them
        validators=[InputRequired(), NumberRange(min=0.01, max=1000)],
        description="The points a strong, full-time person finishes in a week.",
    )


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
    if form.validate_on_submit():
        velocities = {lv: float(getattr(form, f"velocity_{lv}").data) for lv in range(5)}
        try:
            update_settings(
                session=db, points_per_week=float(form.points_per_week.data), velocities=velocities
            )
        except InvalidInput as error:
            apply_errors(form, {k.replace(".", "_"): v for k, v in error.fields.items()})
        else:
            flash("Settings saved. Every report now uses them.", "success")
            return redirect(url_for("settings.edit"))
    status = 400 if form.errors else 200
    return render_template("settings/edit.html", form=form), status
