"""Forms of the team and planned-work pages: one per user action, shape rules only.

Area and skill fields are made per request, because areas and skills are data an admin changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from hiring.forms import DecimalField
from team.assignees import Assignee
from team.levels import LEVEL_NAMES
from team.models import WORK_STATUSES, Area, Member, Skill

# SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples, and the test suite
# turns warnings into errors.
LEVEL_CHOICES = [SelectChoice(str(i), f"{name} ({i})") for i, name in enumerate(LEVEL_NAMES)]
STATUS_NAMES = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}


class MoreThanZero:
    """Points are more than 0 (MODEL.md) and at most `at_most`; NaN and infinity are refused.

    WTForms' NumberRange is inclusive, so it cannot say "more than 0" the way the API does.
    """

    def __init__(self, at_most: float) -> None:
        self.at_most = at_most
        self.message = f"Must be more than 0 and at most {at_most:g}."

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        value = field.data
        if value is None or not value.is_finite() or not 0 < value <= self.at_most:
            raise ValidationError(self.message)


class MemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = StringField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    title = StringField("Title", validators=[Optional(), Length(max=120)])
    # places=None shows a stored value as it is: rounding it for display (0.125 -> "0.12")
    # would silently change it when the form is saved unchanged.
    fte = DecimalField(
        "FTE",
        places=None,
        default=1,
        # InputRequired, not DataRequired: 0 must get the range message, and "abc" the
        # "not a number" one, instead of both being told the field is missing.
        validators=[InputRequired(), NumberRange(min=0.01, max=1)],
        description="Share of a full-time week they work on the team, from 0.01 to 1.",
    )
    version = HiddenField()


# The member's dates as the form asks for them (Optional: an empty date is no date, rather than
# "Not a valid date value.").
MEMBER_DATES = {
    "start_date": (
        "Start date",
        "Their first working day. Empty: on the team since before the plan starts.",
    ),
    "end_date": ("End date", "Their last working day, if they are leaving. Empty: staying."),
}


def member_form(
    areas: Sequence[Area], skills: Sequence[Skill], *, dates: bool = False, **kwargs: Any
) -> MemberForm:
    """A member form with one level field per area and per skill, and with `dates` their start
    and end dates (the team's own forms; adding a hire takes the start the forecast assumed)."""

    class Form(MemberForm):
        pass

    if dates:
        for name, (label, help_text) in MEMBER_DATES.items():
            setattr(Form, name, DateField(label, [Optional()], description=help_text))

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
        places=None,  # as for FTE: never round a stored value on its way through the form
        validators=[InputRequired(), MoreThanZero(at_most=1000)],
        description="Estimated as if a strong person did it; 1 point is about a day.",
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(key, name) for key, name in STATUS_NAMES.items()],
        default="planned",
    )
    skills = SelectMultipleField("Skills", validators=[Optional()])
    # Who may be chosen is the service's rule (team.assignees), which also names the person it
    # refuses; a choice check here would only say "Not a valid choice".
    assignee = SelectField(
        "Assignee",
        default="",
        validate_choice=False,
        validators=[Optional()],
        description="Optional: who on the team has it. An item in progress stays with them in "
        "the plan; on a planned item it is a wish the plan weighs.",
    )
    version = HiddenField()


def work_item_form(
    areas: Sequence[Area],
    skills: Sequence[Skill],
    members: Sequence[Member] = (),
    current: tuple[str, Assignee] | None = None,
    **kwargs: Any,
) -> WorkItemForm:
    """The work item form with the current areas and skills as choices, and as assignees the
    `members` who may be given work by name, after "Nobody". `current` is the item's assignee
    (email and name) when they are no longer among them: kept as a choice, so that saving the
    item unchanged keeps them."""
    form = WorkItemForm(**kwargs)
    form.area.choices = [SelectChoice(a.key, a.name) for a in areas]
    form.skills.choices = [SelectChoice(s.key, s.name) for s in skills]
    people = [SelectChoice("", "Nobody")]
    people += [SelectChoice(m.email, m.name) for m in members]
    if current is not None and current[0] not in {m.email for m in members}:
        email, who = current
        label = f"{who.name} ({who.reason})" if who.reason else who.name
        people.append(SelectChoice(email, label))
    form.assignee.choices = people
    return form


class AbsenceForm(FlaskForm):
    """Days a member is away, both ends included; the dates' rules are the service's."""

    start = DateField("First day away", validators=[InputRequired()])
    end = DateField(
        "Last day away",
        validators=[InputRequired()],
        description="The same as the first day for a single day.",
    )
    note = StringField(
        "Note",
        validators=[Optional(), Length(max=200)],
        description="Optional: leave, parental leave, a conference…",
    )


class StatusForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(s, STATUS_NAMES[s]) for s in WORK_STATUSES]
    )


class ConfirmForm(FlaskForm):
    """An action button's form: only the CSRF token."""


class ConfirmedForm(FlaskForm):
    """The form of a confirmation page: it acts only with `confirm=yes`.

    The field is what tells a deliberate confirmation apart from an old one-click button or a
    scripted POST carrying a valid token: without it the view shows the confirmation page
    instead of acting.
    """

    # No default: a missing field must stay missing, not turn into "yes". The page writes the
    # value into the hidden input itself.
    confirm = HiddenField(validators=[AnyOf(["yes"])])
