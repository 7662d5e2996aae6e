"""Forms of the account pages: one per user action, shape rules only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from hiring.accounts.models import ROLE_NAMES
from hiring.notifications import KINDS


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=8, max=1024)],
        description="At least 8 characters. Long passphrases are welcome.",
        render_kw={"autocomplete": "new-password"},
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=80)],
        description="What the token is for, e.g. 'ATS sync'.",
    )


class MailChoicesForm(FlaskForm):
    """Which emails the user gets: one checkbox per kind (`hiring.notifications.KINDS`)."""

    panel = BooleanField(KINDS["panel"])
    overdue = BooleanField(KINDS["overdue"])
    cards_in = BooleanField(KINDS["cards_in"])


class RevokeForm(FlaskForm):
    """An empty form: the CSRF token is its content."""


def _role_choices() -> list[SelectChoice]:
    """One checkbox per role (SelectChoice: WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(key, name) for key, name in ROLE_NAMES.items()]


class InviteUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    roles = MultiCheckboxField("Roles", choices=_role_choices(), validators=[DataRequired()])
    password = PasswordField(
        "Initial password",
        validators=[Optional(), Length(min=8, max=1024)],
        description="Leave empty to generate one; it is shown once so you can pass it on.",
    )


class EditUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField("Roles", choices=_role_choices(), validators=[DataRequired()])
    active = BooleanField("Can log in", description="Untick to disable: ends their sessions.")


class SetPasswordForm(FlaskForm):
    """An admin sets someone's password (a reset): no current password, the admin's word."""

    password = PasswordField(
        "New password",
        validators=[Optional(), Length(min=8, max=1024)],
        description="Leave empty to generate one; it is shown once so you can pass it on. "
        "Their sessions end and their API tokens are revoked.",
        render_kw={"autocomplete": "new-password"},
    )
