"""Team pages: the skills matrix, members with their ratings, dates and absences, and the
rating history.

Hiring managers and admins edit; leadership reads; interviewers never see ratings. Marking
someone as left, and deleting an absence, take two steps without JavaScript: the member page's
button opens a confirmation page (GET, writes nothing) that says what changes, and only its form
acts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow, may_open
from hiring.db import get_session
from hiring.pages.forms import AbsenceForm, ConfirmedForm, MemberForm, member_form
from hiring.pages.listing import page_args
from hiring.pages.transaction import attempt
from team import absences
from team import members as service
from team.areas import list_areas, list_skills
from team.models import Area, Skill
from team.plan import current_plan, member_rows
from team.report import member_ticket_sizes, what_if
from team.schemas import AbsenceCreate, MemberCreate, MemberUpdate

bp = Blueprint("team", __name__, url_prefix="/team")


@bp.route("/")
@allow(*TEAM_READERS)
def matrix():
    """The skills matrix: everyone on the team against every area, expandable to skills."""
    db = get_session()
    return render_template(
        "team/matrix.html",
        members=service.active_members(session=db),
        areas=list_areas(session=db),
        skills=list_skills(session=db),
        summary=service.matrix_summary(session=db),
    )


@bp.route("/members")
@allow(*TEAM_READERS)
def list_members():
    """Members with search, sorting and pages; those who left are shown on request."""
    args = page_args(sorts=service.SORTS, default_sort="name")
    show = request.args.get("show", "active")
    show = show if show in ("active", "left", "all") else "active"
    active = {"active": True, "left": False}.get(show)
    members, total = service.list_members(
        session=get_session(),
        active=active,
        search=args.search,
        sort=args.sort,
        descending=args.descending,
        limit=args.limit,
        offset=args.offset,
    )
    return render_template(
        "team/members.html",
        members=members,
        total=total,
        args=args,
        show=show,
        areas=list_areas(session=get_session()),
    )


def _member_data(
    form: MemberForm, areas: Sequence[Area], skills: Sequence[Skill]
) -> dict[str, Any]:
    """The form's values as the service schemas take them (validated there); an empty date is
    no date (it clears a stored one)."""
    return {
        "name": form.name.data,
        "email": form.email.data,
        "title": form.title.data or "",
        "fte": float(form.fte.data) if form.fte.data is not None else None,
        "levels": {a.key: int(getattr(form, f"level_{a.key}").data) for a in areas},
        "skills": {s.key: int(getattr(form, f"skill_{s.key}").data) for s in skills},
        "start_date": form.start_date.data,  # type: ignore[attr-defined]
        "end_date": form.end_date.data,  # type: ignore[attr-defined]
    }


@bp.route("/members/new", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def new_member():
    """Add a member with a level per area, optional skill levels and optional dates."""
    db = get_session()
    areas, skills = list_areas(session=db), list_skills(session=db)
    form = member_form(areas, skills, dates=True)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: service.create_member(
                MemberCreate(**_member_data(form, areas, skills)),
                session=db,
                actor=current_user.email,
            ),
        )
        if done.value is not None:
            flash(f"{done.value.name} added to the team.", "success")
            return redirect(url_for("team.member", member_id=done.value.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "team/member_form.html", form=form, areas=areas, skills=skills, member=None
    ), status


@bp.route("/members/<int:member_id>")
@allow(*TEAM_READERS)
def member(member_id: int):
    """One member: details and dates, levels by name, absences, and their rating history."""
    return _member_page(member_id, AbsenceForm())


def _member_page(member_id: int, absence_form: AbsenceForm, status: int = 200):
    """The member page, with the absence form as given (blank, or with its errors)."""
    db = get_session()
    found = service.get_member(member_id, session=db)
    away, _total = absences.list_absences(member_id, session=db)
    # Their queue in the ticket plan, for those who may see the plan (kept per process by its
    # inputs, so it is worked out once for every member's page, the plan page and the exports).
    shows_queue = found.active and may_open("plan.show_plan")
    return render_template(
        "team/member.html",
        member=found,
        queue=member_rows(current_plan(session=db, with_keeping=False), member_id)
        if shows_queue
        else None,
        areas=list_areas(session=db),
        skills=list_skills(session=db),
        history=service.rating_history(session=db, member_id=member_id),
        sizes=member_ticket_sizes(found, session=db) if found.active else (),
        absences=away,
        absence_form=absence_form,
    ), status


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def edit_member(member_id: int):
    """Edit a member; an edit based on a stale version is refused, never silently lost."""
    db = get_session()
    row = service.get_member_row(member_id, session=db)
    current = service.get_member(member_id, session=db)
    areas, skills = list_areas(session=db), list_skills(session=db)
    form = member_form(areas, skills, dates=True)
    if request.method == "GET":
        form.name.data, form.email.data = current.name, current.email
        form.title.data, form.fte.data = current.title, current.fte
        form.start_date.data = current.start_date  # type: ignore[attr-defined]
        form.end_date.data = current.end_date  # type: ignore[attr-defined]
        form.version.data = str(row.version)
        for area in areas:
            getattr(form, f"level_{area.key}").data = str(current.levels.get(area.key, 0))
        for skill in skills:
            getattr(form, f"skill_{skill.key}").data = str(current.skills.get(skill.key, 0))
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        done = attempt(
            form,
            lambda: service.update_member(
                member_id,
                MemberUpdate(**_member_data(form, areas, skills)),
                session=db,
                actor=current_user.email,
                expected_version=version,
            ),
        )
        if done.ok:
            flash("Changes saved.", "success")
            return redirect(url_for("team.member", member_id=member_id))
        return render_template(
            "team/member_form.html", form=form, areas=areas, skills=skills, member=current
        ), done.status
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "team/member_form.html", form=form, areas=areas, skills=skills, member=current
    ), status


@bp.route("/members/<int:member_id>/leave", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def mark_left(member_id: int):
    """Mark a member as having left (kept for history, no longer counted), once confirmed.

    GET shows the confirmation page with what it changes: the forecast with and without them,
    worked out as the what-if does, nothing saved. A POST acts only with that page's `confirm`
    field; any other POST is sent back to the page and changes nothing.
    """
    db = get_session()
    found = service.get_member(member_id, session=db)
    form = ConfirmedForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(f"{found.name} is not marked as left yet: confirm below, or cancel.", "warning")
            return redirect(url_for("team.mark_left", member_id=member_id), code=303)
        found = service.mark_left(member_id, session=db, actor=current_user.email)
        flash(f"{found.name} is marked as having left. Their ratings stay in the history.", "info")
        return redirect(url_for("team.member", member_id=member_id))
    return render_template(
        "team/leave.html",
        member=found,
        change=what_if(session=db, remove=[member_id]) if found.active else None,
        form=form,
    )


@bp.route("/members/<int:member_id>/absences", methods=["POST"])
@allow(*TEAM_EDITORS)
def add_absence(member_id: int):
    """Record days a member is away (the member page's form); a refused absence shows the page
    again with the problem on its field, and nothing saved."""
    db = get_session()
    service.get_member_row(member_id, session=db)  # 404 before anything else
    form = AbsenceForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: absences.add_absence(
                member_id,
                AbsenceCreate(start=form.start.data, end=form.end.data, note=form.note.data or ""),
                session=db,
            ),
        )
        if done.value is not None:
            flash(f"Absence {absences.describe(done.value)} added.", "success")
            return redirect(url_for("team.member", member_id=member_id, _anchor="absences"))
        return _member_page(member_id, form, done.status)
    return _member_page(member_id, form, 400)


@bp.route("/absences/<int:absence_id>/delete", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def delete_absence(absence_id: int):
    """Delete an absence, once confirmed on the page that says what the deletion changes.

    GET shows that page. A POST deletes only with the page's `confirm` field; any other POST is
    sent back to the page and deletes nothing.
    """
    db = get_session()
    absence = absences.get_absence(absence_id, session=db)
    form = ConfirmedForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Nothing was deleted yet: confirm below, or cancel.", "warning")
            return redirect(url_for("team.delete_absence", absence_id=absence_id), code=303)
        absences.delete_absence(absence_id, session=db)  # NotFound if deleted meanwhile: 404
        flash(f"Absence {absences.describe(absence)} deleted.", "info")
        return redirect(url_for("team.member", member_id=absence.member_id, _anchor="absences"))
    return render_template(
        "team/absence_delete.html",
        absence=absence,
        member=service.get_member(absence.member_id, session=db),
        form=form,
    )


@bp.route("/history")
@allow(*TEAM_READERS)
def history():
    """Who changed which level when, newest first."""
    return render_template(
        "team/history.html", history=service.rating_history(session=get_session(), limit=500)
    )
