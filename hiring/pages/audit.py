"""The audit log page: who did what to which record, and when, in sentences, newest first.

The filters are a GET form, so a filtered view is a URL to share; the entries, their sentences,
the filters' choices and what a filter may ask all come from `hiring.openings.audit_log`, which
`GET /audit` asks too.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

from hiring.access import AUDIT_READERS, allow
from hiring.db import get_session
from hiring.forms import apply_errors
from hiring.openings.audit_log import FilterChoices, LogFilter, LogPage, filter_choices, read_log
from hiring.pages.listing import page_args
from team.errors import InvalidInput

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

EVERYONE, EVERY_ACTION = "", ""


class LogFilterForm(FlaskForm):
    """A GET form: it changes nothing, so it needs no CSRF token. Its names are the API's."""

    class Meta:
        csrf = False

    actor = SelectField("Person", default=EVERYONE)
    action = SelectField("Action", default=EVERY_ACTION)
    # Days in UTC, both ends included (the page's summary says the times are UTC).
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


def _form(choices: FilterChoices) -> LogFilterForm:
    form = LogFilterForm(request.args)
    form.actor.choices = [SelectChoice(EVERYONE, "Everyone")] + [
        SelectChoice(email, name) for email, name in choices.people
    ]
    form.action.choices = [SelectChoice(EVERY_ACTION, "Every action")] + [
        SelectChoice(action, name) for action, name in choices.actions
    ]
    return form


@bp.route("/")
@allow(*AUDIT_READERS)
def list_entries():
    """A page of the log, filtered by the form; a bad filter shows its error and no entries."""
    db = get_session()
    args = page_args(sorts={"at": None}, default_sort="at")
    form = _form(filter_choices(viewer=current_user, session=db))
    log, status = LogPage([], 0), 200
    if form.validate():
        wanted = LogFilter(
            actor=form.actor.data or None,
            action=form.action.data or None,
            since=form.since.data,
            until=form.until.data,
        )
        try:
            log = read_log(
                wanted, viewer=current_user, session=db, limit=args.limit, offset=args.offset
            )
        except InvalidInput as error:
            apply_errors(form, error.fields)
            status = 400
    else:
        status = 400
    query = {k: v for k, v in request.args.items() if k in form.data and v}
    return render_template(
        "audit/list.html", log=log, form=form, args=args, query=query, filtered=bool(query)
    ), status
