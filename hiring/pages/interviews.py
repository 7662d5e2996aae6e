"""Interview pages: an opening's panel with the areas each panelist covers and the candidates'
interview dates, and one candidate's interview dates to set.

Everyone who sees an opening reads its panel page (focus areas and dates say nothing of what a
card says); only the opening's hiring manager and admins are shown the forms, and the services
refuse anyone else (`hiring.openings.interviews`). The API twins are in `hiring/api/interviews.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice
from wtforms.validators import Optional

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.accounts.forms import MultiCheckboxField
from hiring.db import get_session
from hiring.forms import AtMost
from hiring.openings import interviews, service
from hiring.pages.hiring_forms import CANDIDATE_STATUS_NAMES
from hiring.pages.listing import page_args
from hiring.pages.transaction import attempt
from team.areas import list_areas
from team.errors import Forbidden
from team.models import Area

bp = Blueprint("interviews", __name__)


class FocusForm(FlaskForm):
    """The areas one panelist covers (one form per seat, told apart by its prefix)."""

    # validate_choice=False: the service names an unknown area in the API's words.
    areas = MultiCheckboxField("Areas they cover", validate_choice=False, validators=[AtMost()])


def focus_form(user_id: int, areas: Sequence[Area], **kwargs: Any) -> FocusForm:
    """The focus form of one seat, with the current areas as choices."""
    form = FocusForm(prefix=f"focus-{user_id}", **kwargs)
    form.areas.choices = [SelectChoice(a.key, a.name) for a in areas]
    return form


# What a date field says when the browser sent something that is no day (a hand-made post, or
# a browser without a date picker): WTForms' own "Not a valid date value." does not say what to do.
NOT_A_DAY = "Not a real day: give a date like 2027-03-01."


class InterviewDatesForm(FlaskForm):
    """One date per panelist (`date_<user id>`), added per request: panels are data."""


def interview_dates_form(screen: interviews.ScheduleScreen, **kwargs: Any) -> InterviewDatesForm:
    """The dates form with a field for each panelist, labelled with their name, and their
    email and focus areas beneath it."""

    class Form(InterviewDatesForm):
        pass

    for slot in screen.slots:
        covers = ", ".join(screen.focus.get(slot.user_id, ())) or "no area in particular"
        setattr(
            Form,
            f"date_{slot.user_id}",
            DateField(
                slot.name,
                validators=[Optional()],
                description=f"{slot.email} · covers {covers}",
                invalid_value_message=NOT_A_DAY,
            ),
        )
    return Form(**kwargs)


def _panel_page(
    opening_id: int, failed: tuple[int, FocusForm] | None = None, status: int = 200
) -> tuple[str, int]:
    """The panel page; a focus form that failed (user id, form) replaces its twin so its
    errors show."""
    args = page_args(sorts={"name": None}, default_sort="name")
    screen = interviews.panel_screen(
        opening_id,
        viewer=current_user,
        session=get_session(),
        search=args.search,
        limit=args.limit,
        offset=args.offset,
    )
    forms: dict[int, FocusForm] = {}
    if screen.manager:
        for seat in screen.seats:
            forms[seat.user_id] = focus_form(
                seat.user_id, screen.areas, formdata=None, data={"areas": list(seat.focus)}
            )
        if failed is not None:
            forms[failed[0]] = failed[1]
    return render_template(
        "interviews/panel.html",
        screen=screen,
        forms=forms,
        args=args,
        opening=screen.opening,
        statuses=CANDIDATE_STATUS_NAMES,
    ), status


@bp.route("/openings/<int:opening_id>/panel")
@allow(*ANY_ROLE)
def panel(opening_id: int):
    """An opening's panel: the areas each panelist covers and when they meet each candidate."""
    return _panel_page(opening_id)


@bp.route("/openings/<int:opening_id>/panel/<int:user_id>/focus", methods=["POST"])
@allow(*TEAM_EDITORS)
def set_focus(opening_id: int, user_id: int):
    """Give one panelist the areas they cover (the opening's hiring manager or an admin)."""
    db = get_session()
    if not service.manages(
        service.get_opening_row(opening_id, viewer=current_user, session=db), current_user
    ):
        raise Forbidden()
    areas = list_areas(session=db)
    form = focus_form(user_id, areas)
    status = 400
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: interviews.set_focus(
                opening_id, user_id, list(form.areas.data or []), viewer=current_user, session=db
            ),
            _seat_fields,
        )
        if done.value is not None:
            names = {a.key: a.name for a in areas}
            covered = ", ".join(names[k] for k in done.value.focus) or "no area in particular"
            flash(f"{done.value.name} covers {covered}.", "success")
            return redirect(url_for("interviews.panel", opening_id=opening_id))
        status = done.status
    return _panel_page(opening_id, failed=(user_id, form), status=status)


def _seat_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """A seat that is gone is said once, above the page (the service's message), not as a field
    of a form the page no longer shows."""
    return {k: v for k, v in fields.items() if k != "user_id"}


def _date_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service names a panelist by user id; the form's field is `date_<id>`."""
    return {(f"date_{k}" if k.isdigit() else k): v for k, v in fields.items()}


@bp.route("/candidates/<int:candidate_id>/interviews", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def candidate_interviews(candidate_id: int):
    """Set when each panelist interviews one candidate (the opening's hiring manager or an
    admin); an empty date clears it. The same service as `PUT /candidates/{id}/interviews/..`."""
    db = get_session()
    screen = interviews.schedule_screen(candidate_id, viewer=current_user, session=db)
    form = interview_dates_form(screen)
    status = 200
    if request.method == "GET":
        for slot in screen.slots:
            getattr(form, f"date_{slot.user_id}").data = slot.scheduled_on
    elif form.validate_on_submit():
        wanted = {s.user_id: getattr(form, f"date_{s.user_id}").data for s in screen.slots}
        done = attempt(
            form,
            lambda: interviews.schedule_interviews(
                candidate_id, wanted, viewer=current_user, session=db
            ),
            _date_fields,
        )
        if done.ok:
            flash(f"Interview dates for {screen.candidate.name} saved.", "success")
            return redirect(url_for("interviews.panel", opening_id=screen.opening.id))
        status = done.status
    else:
        status = 400
    return render_template("interviews/candidate.html", form=form, screen=screen), status
