"""Candidate pages: one candidate with their status history, levels, rubric and scorecards;
an interviewer's own scorecard; the cards an interviewer still owes; putting a hire on the team.

Independence (DESIGN.md): an interviewer sees the other interviewers' cards for a candidate, and
so the levels and verdict made from them, only after submitting their own. The services decide
who sees which card (`visible_cards`); these views only choose what to show around them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from pydantic import ValidationError

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.db import get_session
from hiring.forms import apply_errors
from hiring.openings import candidates as assessments
from hiring.openings import scorecards, service
from hiring.openings.models import RECOMMENDATION_NAMES
from hiring.openings.schemas import ScorecardIn, ScorecardPublic
from hiring.pages.forms import ConfirmForm, MemberForm, member_form, show_service_error
from hiring.pages.hiring_forms import (
    CANDIDATE_STATUS_NAMES,
    NOT_ASSESSED,
    ScorecardForm,
    StatusChangeForm,
    scorecard_form,
)
from team.areas import list_areas
from team.errors import Conflict, InvalidInput
from team.models import Area
from team.schemas import MemberCreate, pydantic_fields

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.route("/mine")
@allow("interviewer")
def my_cards():
    """An interviewer's to-do list: the candidates whose card they have not submitted yet."""
    owed = scorecards.cards_owed(viewer=current_user, session=get_session())
    return render_template("candidates/mine.html", owed=owed)


def _candidate_page(
    candidate_id: int, *, status_form: StatusChangeForm | None = None, status: int = 200
) -> tuple[str, int]:
    """Everything about one candidate this viewer may see."""
    db = get_session()
    assessment = assessments.candidate(candidate_id, viewer=current_user, session=db)
    row = assessment.candidate
    opening = service.get_opening_row(row.opening_id, viewer=current_user, session=db)
    cards = scorecards.visible_cards(candidate_id, viewer=current_user, session=db)
    manager = service.manages(opening, current_user)
    return render_template(
        "candidates/detail.html",
        assessment=assessment,
        candidate=row,
        opening=opening,
        areas=list_areas(session=db),
        history=service.status_history(candidate_id, session=db),
        revealed=scorecards.sees_all_cards(opening, candidate_id, current_user, db),
        submitted=[c for c in cards if c.status == "submitted"],
        own_draft=next(
            (c for c in cards if c.status == "draft" and c.interviewer == current_user.email),
            None,
        ),
        card_history=scorecards.card_history(candidate_id, viewer=current_user, session=db),
        on_panel=service.on_panel(opening.id or 0, current_user, db),
        manager=manager,
        can_hire=manager and row.status == "hired" and row.member_id is None,
        status_form=status_form or _status_form(row.status),
        statuses=CANDIDATE_STATUS_NAMES,
        recommendations=RECOMMENDATION_NAMES,
    ), status


def _status_form(current: str) -> StatusChangeForm:
    """A fresh status form showing the candidate's current status."""
    form = StatusChangeForm(formdata=None)
    form.status.data = current
    return form


@bp.route("/<int:candidate_id>")
@allow(*ANY_ROLE)
def candidate(candidate_id: int):
    """One candidate: status and its history, levels, verdict and who said what."""
    return _candidate_page(candidate_id)


@bp.route("/<int:candidate_id>/status", methods=["POST"])
@allow(*TEAM_EDITORS)
def change_status(candidate_id: int):
    """Move a candidate along (the opening's hiring manager or an admin), with a note.

    The decision is a person's, recorded with who made it and when; no score makes it.
    """
    form = StatusChangeForm()
    if form.validate_on_submit():
        try:
            changed = service.set_status(
                candidate_id,
                form.status.data or "",
                viewer=current_user,
                session=get_session(),
                note=form.note.data or "",
            )
        except InvalidInput as error:
            get_session().rollback()
            show_service_error(form, error)
        else:
            name = CANDIDATE_STATUS_NAMES.get(changed.status, changed.status)
            flash(f"{changed.name} is now: {name}.", "success")
            return redirect(url_for("candidates.candidate", candidate_id=candidate_id))
    return _candidate_page(candidate_id, status_form=form, status=400)


def _fill_scorecard(form: ScorecardForm, card: ScorecardPublic, areas: list[Area]) -> None:
    """Show a saved card's values in the form."""
    for area in areas:
        level = card.ratings.get(area.key)
        getattr(form, f"rating_{area.key}").data = NOT_ASSESSED if level is None else str(level)
    form.recommendation.data = card.recommendation or ""
    form.notes.data = card.notes


def _scorecard_data(form: ScorecardForm, areas: list[Area]) -> dict[str, Any]:
    """The form's values as the service schema takes them (validated there)."""
    ratings: dict[str, int | None] = {}
    for area in areas:
        value = getattr(form, f"rating_{area.key}").data
        ratings[area.key] = None if value in (None, NOT_ASSESSED) else int(value)
    return {
        "ratings": ratings,
        "recommendation": form.recommendation.data or None,
        "notes": form.notes.data or "",
        "submit": bool(form.submit_card.data),
    }


def _rating_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Service field names (`ratings.<area>`) as the form's (`rating_<area>`)."""
    return {
        (f"rating_{name.split('.', 1)[1]}" if name.startswith("ratings.") else name): messages
        for name, messages in fields.items()
    }


def _scorecard_page(form: ScorecardForm, candidate_id: int, status: int = 200):
    """The viewer's card: a form while a draft, read-only once submitted."""
    db = get_session()
    row = service.get_candidate_row(candidate_id, viewer=current_user, session=db)
    opening = service.get_opening_row(row.opening_id, viewer=current_user, session=db)
    return render_template(
        "candidates/scorecard.html",
        form=form,
        candidate=row,
        opening=opening,
        card=scorecards.my_card(candidate_id, viewer=current_user, session=db),
        areas=list_areas(session=db),
        revise_form=ConfirmForm(formdata=None),
        recommendations=RECOMMENDATION_NAMES,
    ), status


@bp.route("/<int:candidate_id>/scorecard", methods=["GET", "POST"])
@allow("interviewer")
def scorecard(candidate_id: int):
    """Write, save as a draft, or submit one's own card (panel interviewers only)."""
    db = get_session()
    row = service.get_candidate_row(candidate_id, viewer=current_user, session=db)
    if not service.on_panel(row.opening_id, current_user, db):
        raise service.Forbidden()
    areas = list_areas(session=db)
    form = scorecard_form(areas)
    if request.method == "GET":
        card = scorecards.my_card(candidate_id, viewer=current_user, session=db)
        if card is not None:
            _fill_scorecard(form, card, areas)
    elif form.validate_on_submit():
        try:
            data = ScorecardIn(**_scorecard_data(form, areas))
            saved = scorecards.save_card(candidate_id, data, viewer=current_user, session=db)
        except ValidationError as error:
            apply_errors(form, _rating_fields(pydantic_fields(error)))
        except InvalidInput as error:
            db.rollback()
            apply_errors(form, _rating_fields(error.fields))
        except Conflict as error:
            db.rollback()
            form.form_errors.append(error.message)
            return _scorecard_page(form, candidate_id, 409)
        else:
            if saved.status == "submitted":
                flash("Your card is submitted. You can now read the others' cards.", "success")
            else:
                flash("Draft saved. It counts for nothing until you submit it.", "info")
            return redirect(url_for("candidates.scorecard", candidate_id=candidate_id))
    return _scorecard_page(form, candidate_id, 400 if form.errors else 200)


@bp.route("/<int:candidate_id>/scorecard/revise", methods=["POST"])
@allow("interviewer")
def revise_card(candidate_id: int):
    """Correct a submitted card: a new draft revision; the submitted one stays in the history."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    scorecards.revise_card(candidate_id, viewer=current_user, session=get_session())
    flash(
        "A new draft of your card is open. Your submitted card stays in the history, "
        "and still counts until you submit the correction.",
        "info",
    )
    return redirect(url_for("candidates.scorecard", candidate_id=candidate_id))


def _hire_data(form: MemberForm, areas: list[Area]) -> dict[str, Any]:
    """The hire form's values as the team's member schema takes them."""
    return {
        "name": form.name.data,
        "email": form.email.data,
        "title": form.title.data or "",
        "fte": float(form.fte.data) if form.fte.data is not None else None,
        "levels": {a.key: int(getattr(form, f"level_{a.key}").data) for a in areas},
    }


@bp.route("/<int:candidate_id>/hire", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def add_to_team(candidate_id: int):
    """Put a hired candidate on the team, starting from the levels the panel found."""
    db = get_session()
    assessment = assessments.candidate(candidate_id, viewer=current_user, session=db)
    row = assessment.candidate
    opening = service.get_opening_row(row.opening_id, viewer=current_user, session=db)
    if not service.manages(opening, current_user):
        raise service.Forbidden()
    if row.member_id is not None:
        flash(f"{row.name} is already on the team.", "info")
        return redirect(url_for("team.member", member_id=row.member_id))
    if row.status != "hired":
        raise Conflict("Mark the candidate as hired first.")
    areas = list_areas(session=db)
    form = member_form(areas, [])
    if request.method == "GET":
        form.name.data, form.email.data, form.title.data = row.name, row.email, opening.title
        for key, level in assessments.proposed_member_levels(assessment).items():
            getattr(form, f"level_{key}").data = str(level)
    elif form.validate_on_submit():
        try:
            data = MemberCreate(**_hire_data(form, areas))
            member = assessments.add_hire_to_team(
                candidate_id, data, viewer=current_user, session=db
            )
        except ValidationError as error:
            apply_errors(form, pydantic_fields(error))
        except (InvalidInput, Conflict) as error:
            db.rollback()
            show_service_error(form, error)
        else:
            flash(f"{member.name} joined the team; the coverage report now counts them.", "success")
            return redirect(url_for("team.member", member_id=member.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "candidates/hire.html", form=form, candidate=row, opening=opening, areas=areas
    ), status
