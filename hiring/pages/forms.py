"""Forms of the team and planned-work pages: one per user action, shape rules only.

Area and skill fields are made per request, because areas and skills are data an admin changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from team.levels import LEVEL_NAMES
from team.models import WORK_STATUSES, Area, Skill

# SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples, and the test suite
# turns warnings into errors.
LEVEL_CHOICES = [SelectChoice(str(i), f"{name} ({i})") for i, name in enumerate(LEVEL_NAMES)]
STATUS_NAMES = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}


class MemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = StringField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    title = StringField("Title", validators=[Optional(), Length(max=120)])
    fte = DecimalField(
        "FTE",
        places=2,
        default=1,
        validators=[DataRequired(), NumberRange(min=0.01, max=1)],
        description="Share of a full-time week they work on the team, from 0.01 to 1.",
    )
    version = HiddenField()


def member_form(areas: Sequence[Area], skills: Sequence[Skill], **kwargs) -> MemberForm:
    """A member form with one level field per area and per skill."""

    class Form(MemberForm):
        pass

    for area in areas:
        setattr(
            Form, f"level_{area.key}", SelectField(area.name, choices=LEVEL_CHOICES, default="0")
        )
    for skill in skills:
        setattr(
            Form, f"skill_{skill.key}", SelectField(skill.name, choices=LEVEL_CHOICES, default="0")
        )
    return Form(**kwargs)


class WorkItemForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    area = SelectField("Area", validators=[DataRequired()])
    points = DecimalField(
        "Points",
        places=1,
        validators=[DataRequired(), NumberRange(min=0.1, max=1000)],
        description="Estimated as if a strong person did it; 1 point is about a day.",
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(key, name) for key, name in STATUS_NAMES.items()],
        default="planned",
    )
    skills = SelectMultipleField("Skills", validators=[Optional()])
    version = HiddenField()


def work_item_form(areas: Sequence[Area], skills: Sequence[Skill], **kwargs) -> WorkItemForm:
    """The work item form with the current areas and skills as choices."""
    form = WorkItemForm(**kwargs)
    form.area.choices = [SelectChoice(a.key, a.name) for a in areas]
    form.skills.choices = [SelectChoice(s.key, s.name) for s in skills]
    return form


class StatusForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(s, STATUS_NAMES[s]) for s in WORK_STATUSES]
    )


class ConfirmForm(FlaskForm):
    """An action button's form: only the CSRF token."""
