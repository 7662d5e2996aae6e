"""The caller's own email settings: the API twin of the profile page's "Email" form.

Every role has a profile, so every role reads and changes its own choices here; nobody reads
or changes anyone else's (there is no user id in the path to get wrong).
"""

from __future__ import annotations

from flask import g, jsonify
from pydantic import BaseModel, Field

from hiring import notifications
from hiring.access import ANY_ROLE, allow
from hiring.api import bp
from hiring.api.inputs import json_body
from hiring.api.openapi import operation
from hiring.db import get_session
from team.schemas import _Input

PANEL = "Mail when you are put on an opening's interview panel."
OVERDUE = "Mail when one of your scorecards is overdue (settings: `card_due_days`)."
CARDS_IN = "Mail when every scorecard for a candidate of an opening you manage is in."


class EmailChoicesPublic(BaseModel):
    """Which kinds of email the caller gets."""

    panel: bool = Field(description=PANEL)
    overdue: bool = Field(description=OVERDUE)
    cards_in: bool = Field(description=CARDS_IN)


class EmailChoicesUpdate(_Input):
    """The kinds sent are turned on (true) or off (false); the others stay as they are."""

    panel: bool | None = Field(default=None, description=PANEL)
    overdue: bool | None = Field(default=None, description=OVERDUE)
    cards_in: bool | None = Field(default=None, description=CARDS_IN)


def _public(choices: notifications.MailChoices) -> dict:
    return EmailChoicesPublic(
        panel=choices.panel, overdue=choices.overdue, cards_in=choices.cards_in
    ).model_dump(mode="json")


@bp.get("/profile/email")
@allow(*ANY_ROLE)
@operation("Read which emails you get", response=EmailChoicesPublic)
def get_email_choices():
    """The caller's own choices, as their profile page shows them."""
    choices = notifications.mail_choices(g.api_user.id, session=get_session())
    return jsonify(_public(choices))


@bp.patch("/profile/email")
@allow(*ANY_ROLE)
@operation("Turn kinds of email on or off", body=EmailChoicesUpdate, response=EmailChoicesPublic)
def update_email_choices():
    """Change the caller's own choices: each kind sent, true or false."""
    change = json_body(EmailChoicesUpdate)
    wanted = {
        kind: getattr(change, kind)
        for kind in notifications.KINDS
        if kind in change.model_fields_set
    }
    choices = notifications.set_mail_choices(g.api_user.id, wanted, session=get_session())
    return jsonify(_public(choices))
