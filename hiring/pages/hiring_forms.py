"""Forms of the hiring pages (openings, candidates, scorecards): one per user action, shape only.

The rules (who may, which emails are interviewers, which areas exist, whether a card is final)
live in the services; these forms only read what the browser sent. Area-dependent fields are
made per request, because areas are data an admin changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from hiring.accounts.forms import MultiCheckboxField
from hiring.accounts.models import User
from hiring.forms import AtMost, IntegerField
from hiring.openings.models import (
    CANDIDATE_STATUS_NAMES,
    CANDIDATE_STATUSES,
    RECOMMENDATION_NAMES,
)
from hiring.openings.schemas import MAX_PANEL
from team import csvio
from team.levels import LEVEL_NAMES
from team.models import Area

# SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples, and the test suite
# turns warnings into errors.
OPENING_STATUS_CHOICES = [SelectChoice("open", "Open"), SelectChoice("closed", "Closed")]
NOT_ASSESSED = ""
RATING_CHOICES = [SelectChoice(NOT_ASSESSED, "Not assessed")] + [
    SelectChoice(str(i), f"{name} ({i})") for i, name in enumerate(LEVEL_NAMES)
]
RECOMMENDATION_CHOICES = [SelectChoice("", "No recommendation")] + [
    SelectChoice(key, name) for key, name in RECOMMENDATION_NAMES.items()
]


class OpeningForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)], render_kw={"rows": 4}
    )
    # validate_choice=False: the service names an unknown area or a non-interviewer itself,
    # in the same words the API uses.
    target_area = SelectField("Target area", validate_choice=False)
    headcount = IntegerField(
        "Headcount",
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        description="How many people this opening hires, from 1 to 100.",
    )
    status = SelectField("Status", choices=OPENING_STATUS_CHOICES, default="open")
    start_date = DateField(
        "Start date",
        validators=[Optional()],
        description="When a hire for this opening would start. Empty: the notice period "
        "(a setting) after the plan start.",
    )
    panel = MultiCheckboxField(
        "Interview panel",
        validate_choice=False,
        # The API's bound too: a hand-made post of 250,000 emails stops here, not in a query.
        validators=[AtMost(MAX_PANEL)],
        description="The interviewers who write scorecards for this opening's candidates.",
    )
    version = HiddenField()


def opening_form(areas: Sequence[Area], panel: Sequence[User], **kwargs: Any) -> OpeningForm:
    """The opening form with the current areas and interviewers as choices."""
    form = OpeningForm(**kwargs)
    form.target_area.choices = [SelectChoice("", "No target area")] + [
        SelectChoice(a.key, a.name) for a in areas
    ]
    form.panel.choices = [SelectChoice(u.email, f"{u.name} ({u.email})") for u in panel]
    return form


class CandidateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = StringField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    available_from = DateField(
        "Available from",
        validators=[Optional()],
        description="The first day they could start, if known. Empty: the opening's start date.",
    )


class CandidateUploadForm(FlaskForm):
    file = FileField(
        "CSV of candidates",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv"], "Choose a .csv file."),
        ],
        description="A header line name,email and one candidate a line, UTF-8, at most "
        f"{csvio.MAX_ROWS:,} rows. Either every candidate is added or none is.",
    )


class StatusChangeForm(FlaskForm):
    status = SelectField(
        "New status",
        choices=[SelectChoice(s, CANDIDATE_STATUS_NAMES[s]) for s in CANDIDATE_STATUSES],
    )
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=2000)],
        description="Why: kept with the decision in the candidate's history.",
        render_kw={"rows": 2},
    )


class AvailableFromForm(FlaskForm):
    available_from = DateField(
        "Available from",
        validators=[Optional()],
        description="The first day they could start. Empty: the opening's start date.",
    )


class ScorecardForm(FlaskForm):
    recommendation = SelectField("Overall recommendation", choices=RECOMMENDATION_CHOICES)
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=10000)],
        description="What you asked and what you saw, so others can follow your ratings.",
        render_kw={"rows": 8},
    )
    save_draft = SubmitField("Save draft")
    submit_card = SubmitField("Submit")


def scorecard_form(areas: Sequence[Area], **kwargs: Any) -> ScorecardForm:
    """A scorecard form with one rating field per area ("Not assessed" or a level)."""

    class Form(ScorecardForm):
        pass

    for area in areas:
        setattr(
            Form,
            f"rating_{area.key}",
            SelectField(area.name, choices=RATING_CHOICES, default=NOT_ASSESSED),
        )
    return Form(**kwargs)
