"""Candidate pages: one candidate with their status history, levels, rubric and scorecards;
an interviewer's own scorecard; the cards an interviewer still owes; putting a hire on the team.

Independence (DESIGN.md): a panelist sees the other cards for a candidate, and so the levels
and verdict made from them, only after submitting their own. Each page asks one screen service
(`hiring.openings.screens`), which applies the rule; these views only render what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.db import get_session
from hiring.openings import candidates as assessments
from hiring.openings import scorecards, screens, service
from hiring.openings.models import RECOMMENDATION_NAMES, Candidate
from hiring.openings.schemas import CandidateUpdate, ScorecardIn, ScorecardPublic
from hiring.pages.forms import ConfirmForm, MemberForm, member_form
from hiring.pages.hiring_forms import (
    CANDIDATE_STATUS_NAMES,
    NOT_ASSESSED,
    AvailableFromForm,
    ScorecardForm,
    StatusChangeForm,
    scorecard_form,
)
from hiring.pages.transaction import attempt
from hiring.web import day
from team.areas import list_areas
from team.errors import Conflict, Forbidden, InvalidInput
from team.models import Area
from team.schemas import MemberCreate

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.route("/mine")
@allow("interviewer")
def my_cards():
    """An interviewer's to-do list: the candidates whose card they have not submitted yet."""
    db = get_session()
    owed = scorecards.cards_owed(viewer=current_user, session=db)
    names = {area.key: area.name for area in list_areas(session=db)}
    return render_template("candidates/mine.html", owed=owed, area_names=names)


def _candidate_page(
    candidate_id: int,
    *,
    status_form: StatusChangeForm | None = None,
    available_form: AvailableFromForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Everything about one candidate this viewer may see (`screens.candidate_detail`)."""
    screen = screens.candidate_detail(candidate_id, viewer=current_user, session=get_session())
    if available_form is None:
        available_form = AvailableFromForm(formdata=None)
        available_form.available_from.data = screen.assessment.candidate.available_from
    return render_template(
        "candidates/detail.html",
        screen=screen,
        assessment=screen.assessment,
        candidate=screen.assessment.candidate,
        opening=screen.opening,
        areas=screen.areas,
        status_form=status_form or _status_form(screen.assessment.candidate.status),
        available_form=available_form,
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
        done = attempt(
            form,
            lambda: service.set_status(
                candidate_id,
                form.status.data or "",
                viewer=current_user,
                session=get_session(),
                note=form.note.data or "",
            ),
        )
        if done.value is not None:
            name = CANDIDATE_STATUS_NAMES.get(done.value.status, done.value.status)
            flash(f"{done.value.name} is now: {name}.", "success")
            return redirect(url_for("candidates.candidate", candidate_id=candidate_id))
    return _candidate_page(candidate_id, status_form=form, status=400)


@bp.route("/<int:candidate_id>/available-from", methods=["POST"])
@allow(*TEAM_EDITORS)
def change_available_from(candidate_id: int):
    """Set or clear the first day a candidate could start (the opening's hiring manager or an
    admin): the same service as the API's `PATCH /candidates/{id}`."""
    form = AvailableFromForm()
    status = 400
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: service.update_candidate(
                candidate_id,
                CandidateUpdate(available_from=form.available_from.data),
                viewer=current_user,
                session=get_session(),
            ),
        )
        if done.value is not None:
            flash(f"{done.value.name}'s first possible day is saved.", "success")
            return redirect(url_for("candidates.candidate", candidate_id=candidate_id))
        status = done.status
    return _candidate_page(candidate_id, available_form=form, status=status)


def _fill_scorecard(form: ScorecardForm, card: ScorecardPublic, areas: Sequence[Area]) -> None:
    """Show a saved card's values in the form."""
    for area in areas:
        level = card.ratings.get(area.key)
        getattr(form, f"rating_{area.key}").data = NOT_ASSESSED if level is None else str(level)
    form.recommendation.data = card.recommendation or ""
    form.notes.data = card.notes


def _scorecard_data(form: ScorecardForm, areas: Sequence[Area]) -> ScorecardIn:
    """The form's values as the service schema takes them, always as a draft: submitting is
    the confirmation page's step (validated there, and by the schema here)."""
    ratings: dict[str, int | None] = {}
    for area in areas:
        value = getattr(form, f"rating_{area.key}").data
        ratings[area.key] = None if value in (None, NOT_ASSESSED) else int(value)
    return ScorecardIn(
        ratings=ratings,
        recommendation=form.recommendation.data or None,
        notes=form.notes.data or "",
    )


def _rating_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Service field names (`ratings.<area>`) as the form's (`rating_<area>`)."""
    return {
        (f"rating_{name.split('.', 1)[1]}" if name.startswith("ratings.") else name): messages
        for name, messages in fields.items()
    }


def _scorecard_page(
    form: ScorecardForm,
    candidate_id: int,
    status: int = 200,
    screen: screens.ScorecardScreen | None = None,
):
    """The viewer's card: a form while a draft, read-only once submitted (`screen`: the one
    the view has worked out already, which a failed save's rollback leaves as it was)."""
    if screen is None:
        screen = screens.scorecard_screen(candidate_id, viewer=current_user, session=get_session())
    return render_template(
        "candidates/scorecard.html",
        form=form,
        candidate=screen.candidate.candidate,
        opening=screen.opening,
        card=screen.card,
        areas=screen.areas,
        revise_form=ConfirmForm(formdata=None),
        recommendations=RECOMMENDATION_NAMES,
        screen=screen,
    ), status


@bp.route("/<int:candidate_id>/scorecard", methods=["GET", "POST"])
@allow("interviewer")
def scorecard(candidate_id: int):
    """Write or save one's own card as a draft (panel interviewers only). "Submit" saves the
    draft too, then asks once on the confirmation page, since submitting is final."""
    db = get_session()
    screen = screens.scorecard_screen(candidate_id, viewer=current_user, session=db)
    form = scorecard_form(screen.areas)
    if request.method == "GET":
        if screen.card is not None:
            _fill_scorecard(form, screen.card, screen.areas)
    elif form.validate_on_submit():
        submitting = bool(form.submit_card.data)

        def save() -> ScorecardPublic:
            data = _scorecard_data(form, screen.areas)
            problems = scorecards.submission_problems(data.ratings, data.recommendation)
            if submitting and problems:
                raise InvalidInput(problems, scorecards.SUBMIT_RULE)
            return scorecards.save_card(candidate_id, data, viewer=current_user, session=db)

        done = attempt(form, save, _rating_fields)
        if done.ok and submitting:
            return redirect(url_for("candidates.submit_card", candidate_id=candidate_id))
        if done.ok:
            flash("Draft saved. It counts for nothing until you submit it.", "info")
            return redirect(url_for("candidates.scorecard", candidate_id=candidate_id))
        return _scorecard_page(form, candidate_id, done.status, screen)
    return _scorecard_page(form, candidate_id, 400 if form.errors else 200, screen)


@bp.route("/<int:candidate_id>/scorecard/submit", methods=["GET", "POST"])
@allow("interviewer")
def submit_card(candidate_id: int):
    """Ask once before submitting the saved draft: it is final, and the viewer then reads the
    panel's cards. GET shows the draft and the question; POST submits it."""
    db = get_session()
    form = ConfirmForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            done = attempt(
                form, lambda: scorecards.submit_card(candidate_id, viewer=current_user, session=db)
            )
            if done.ok:
                return _after_submitting(candidate_id)
            status = done.status
    screen = screens.scorecard_screen(candidate_id, viewer=current_user, session=db)
    if screen.card is None or screen.card.status != "draft":
        return redirect(url_for("candidates.scorecard", candidate_id=candidate_id))
    problems = scorecards.submission_problems(screen.card.ratings, screen.card.recommendation)
    return render_template(
        "candidates/submit.html",
        form=form,
        candidate=screen.candidate.candidate,
        opening=screen.opening,
        card=screen.card,
        areas=screen.areas,
        problems=[m for messages in problems.values() for m in messages],
        recommendations=RECOMMENDATION_NAMES,
    ), status


def _after_submitting(candidate_id: int):
    """Take the interviewer on to the next card they owe (soonest interview first), or back
    to their list when none is left; the flash says which, and that the panel's cards for the
    candidate just submitted are now theirs to read."""
    db = get_session()
    done = db.get(Candidate, candidate_id)
    name = done.name if done else "this candidate"
    upcoming = scorecards.next_card_owed(viewer=current_user, session=db)
    if upcoming is None:
        flash(
            f"Your card is submitted. You can now read the others' cards for {name}. "
            "That was the last card you owe.",
            "success",
        )
        return redirect(url_for("candidates.my_cards"))
    when = f", interview on {day(upcoming.interview_on)}" if upcoming.interview_on else ""
    flash(
        f"Your card is submitted. You can now read the others' cards for {name}. "
        f"Next: your card for {upcoming.candidate.name} ({upcoming.opening.title}{when}).",
        "success",
    )
    return redirect(url_for("candidates.scorecard", candidate_id=upcoming.candidate.id))


@bp.route("/<int:candidate_id>/scorecard/revise", methods=["POST"])
@allow("interviewer")
def revise_card(candidate_id: int):
    """Correct a submitted card: a new draft revision; the submitted one stays in the history."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    scorecards.revise_card(candidate_id, viewer=current_user, session=get_session())
    flash(
        "A new draft of your card is open. Your submitted card stays in the history, "
        "and still counts until you submit the correction. If others' cards are in, the "
        "correction is marked as made after reading them.",
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
        raise Forbidden()
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
        done = attempt(
            form,
            lambda: assessments.add_hire_to_team(
                candidate_id,
                MemberCreate(**_hire_data(form, areas)),
                viewer=current_user,
                session=db,
            ),
        )
        if done.value is not None:
            flash(
                f"{done.value.name} joined the team; the coverage report now counts them.",
                "success",
            )
            return redirect(url_for("team.member", member_id=done.value.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "candidates/hire.html",
        form=form,
        candidate=row,
        opening=opening,
        areas=areas,
        start=assessment.start,
    ), status
