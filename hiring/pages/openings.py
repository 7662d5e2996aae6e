"""Openings pages: the list, a new or changed opening with its panel, and one opening with its
candidates, where its hiring manager adds candidates one by one or from a CSV file.

Everyone logged in opens the list, and sees only the openings the services show them (admins
and leadership all, hiring managers their own, interviewers those whose panel they sit on); an
opening they may not see is a 404. Only its hiring manager or an admin changes an opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from hiring.access import ANY_ROLE, TEAM_EDITORS, allow
from hiring.db import get_session
from hiring.openings import screens, service
from hiring.openings.candidate_files import read_candidate_upload, rows_by_line
from hiring.openings.models import OPENING_STATUSES
from hiring.openings.schemas import CandidateCreate, OpeningCreate, OpeningUpdate
from hiring.pages.hiring_forms import (
    CANDIDATE_STATUS_NAMES,
    CandidateForm,
    CandidateUploadForm,
    OpeningForm,
    opening_form,
)
from hiring.pages.listing import page_args
from hiring.pages.transaction import attempt
from team.areas import list_areas
from team.errors import Conflict, Forbidden, InvalidInput
from team.report import coverage_report

bp = Blueprint("openings", __name__, url_prefix="/openings")


@bp.route("/")
@allow(*ANY_ROLE)
def list_openings():
    """The openings this user may see, with search, sorting, open/closed and candidate counts."""
    db = get_session()
    args = page_args(sorts=service.SORTS, default_sort="status")
    show = request.args.get("show", "")
    show = show if show in OPENING_STATUSES else ""
    openings, total = service.list_openings(
        viewer=current_user,
        session=db,
        status=show or None,
        search=args.search,
        sort=args.sort,
        descending=args.descending,
        limit=args.limit,
        offset=args.offset,
    )
    return render_template(
        "openings/list.html",
        openings=openings,
        total=total,
        args=args,
        show=show,
        counts=service.candidate_counts([o.id for o in openings], session=db),
        area_names={a.key: a.name for a in list_areas(session=db)},
        statuses=CANDIDATE_STATUS_NAMES,
    )


def _opening_data(form: OpeningForm) -> dict[str, Any]:
    """The form's values as the service schemas take them (validated there)."""
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "target_area": form.target_area.data or None,
        "headcount": form.headcount.data,
        "status": form.status.data,
        "panel": list(form.panel.data or []),
        "start_date": form.start_date.data,  # None: no date of its own
    }


def _form_page(form: OpeningForm, opening: Any, status: int) -> tuple[str, int]:
    """The new/edit opening page, with the coverage report's suggested target area."""
    db = get_session()
    report = coverage_report(session=db)
    weakest = report.area(report.weakest_area) if report.weakest_area else None
    return render_template(
        "openings/form.html", form=form, opening=opening, report=report, weakest=weakest
    ), status


@bp.route("/new", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def new_opening():
    """Open a role: the creator becomes its hiring manager; the weakest area is suggested."""
    db = get_session()
    form = opening_form(list_areas(session=db), service.interviewers(session=db))
    if request.method == "GET":
        form.target_area.data = coverage_report(session=db).weakest_area or ""
    elif form.validate_on_submit():
        done = attempt(
            form,
            lambda: service.create_opening(
                OpeningCreate(**_opening_data(form)), viewer=current_user, session=db
            ),
        )
        if done.value is not None:
            flash(f"Opening “{done.value.title}” created.", "success")
            return redirect(url_for("openings.opening", opening_id=done.value.id))
        return _form_page(form, None, done.status)
    return _form_page(form, None, 400 if form.errors else 200)


@bp.route("/<int:opening_id>/edit", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def edit_opening(opening_id: int):
    """Change an opening and its panel; an edit based on a stale version is refused (409)."""
    db = get_session()
    row = service.get_opening_row(opening_id, viewer=current_user, session=db)
    if not service.manages(row, current_user):
        raise Forbidden()
    current = service.get_opening(opening_id, viewer=current_user, session=db)
    form = opening_form(list_areas(session=db), service.interviewers(session=db))
    if request.method == "GET":
        form.title.data, form.description.data = current.title, current.description
        form.headcount.data, form.target_area.data = current.headcount, current.target_area or ""
        form.status.data, form.panel.data = current.status, current.panel
        form.start_date.data = current.start_date
        form.version.data = str(row.version)
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        done = attempt(
            form,
            lambda: service.update_opening(
                opening_id,
                OpeningUpdate(**_opening_data(form)),
                viewer=current_user,
                session=db,
                expected_version=version,
            ),
        )
        if done.ok:
            flash("Changes saved.", "success")
            return redirect(url_for("openings.opening", opening_id=opening_id))
        return _form_page(form, current, done.status)
    return _form_page(form, current, 400 if form.errors else 200)


def _detail_page(
    opening_id: int,
    *,
    candidate_form: CandidateForm | None = None,
    upload_form: CandidateUploadForm | None = None,
    upload_problems: tuple[str, ...] = (),
    status: int = 200,
) -> tuple[str, int]:
    """One opening: its panel and its candidates with levels and rubric verdicts, as this
    viewer may see them (`screens.opening_detail` applies the independence rule), by rank
    with the weeks each would save for those who may read the ranking."""
    # By rank for those who may read the ranking (`screens.opening_detail`); `?sort=name` lists
    # by name, as everyone else sees it.
    args = page_args(sorts={"rank": None, "name": None}, default_sort="rank")
    screen = screens.opening_detail(
        opening_id,
        viewer=current_user,
        session=get_session(),
        limit=args.limit,
        offset=args.offset,
        by_name=args.sort == "name",
    )
    return render_template(
        "openings/detail.html",
        screen=screen,
        opening=screen.opening,
        areas=screen.areas,
        args=args,
        statuses=CANDIDATE_STATUS_NAMES,
        candidate_form=candidate_form or CandidateForm(formdata=None),
        upload_form=upload_form or CandidateUploadForm(formdata=None),
        upload_problems=upload_problems,
    ), status


@bp.route("/<int:opening_id>")
@allow(*ANY_ROLE)
def opening(opening_id: int):
    """One opening with its panel and candidates."""
    return _detail_page(opening_id)


@bp.route("/<int:opening_id>/candidates", methods=["POST"])
@allow(*TEAM_EDITORS)
def add_candidate(opening_id: int):
    """Add one candidate by name and email, and the first day they could start if known (the
    opening's hiring manager or an admin)."""
    db = get_session()
    form = CandidateForm()
    status = 400
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: service.add_candidate(
                opening_id,
                CandidateCreate(
                    name=form.name.data,
                    email=form.email.data,
                    available_from=form.available_from.data,
                ),
                viewer=current_user,
                session=db,
            ),
        )
        if done.value is not None:
            flash(f"{done.value.name} added as a candidate.", "success")
            return redirect(url_for("openings.opening", opening_id=opening_id))
        status = done.status
    return _detail_page(opening_id, candidate_form=form, status=status)


def _shown(problems: Sequence[tuple[int | None, str]]) -> tuple[str, ...]:
    """Problems of a file as the page lists them: "Line 3: what is wrong."."""
    return tuple(f"Line {line}: {message}." if line else message for line, message in problems)


def _line_problems(error: InvalidInput | Conflict, lines: list[int]) -> tuple[str, ...]:
    """Service problems named by row index (`rows.<i>.email`), told by line of the file."""
    found = rows_by_line(error.fields, lines)
    return _shown([(line, m) for line, messages in found.items() for m in messages]) or (
        error.message,
    )


@bp.route("/<int:opening_id>/candidates/upload", methods=["POST"])
@allow(*TEAM_EDITORS)
def upload_candidates(opening_id: int):
    """Add every candidate of a `name,email` CSV file in one go, or none with each bad line."""
    db = get_session()
    row = service.get_opening_row(opening_id, viewer=current_user, session=db)
    if not service.manages(row, current_user):
        raise Forbidden()
    form = CandidateUploadForm()
    problems: tuple[str, ...] = ()
    status = 400
    if form.validate_on_submit():
        parsed = read_candidate_upload(form.file.data.read())
        problems = _shown(parsed.problems)
        if not problems:
            try:
                added = service.add_candidates(
                    opening_id, [c for _, c in parsed.rows], viewer=current_user, session=db
                )
            except (InvalidInput, Conflict) as error:
                db.rollback()
                problems = _line_problems(error, parsed.lines)
                status = 409 if problems == (error.message,) else 400
            else:
                flash(f"{len(added)} candidates added.", "success")
                return redirect(url_for("openings.opening", opening_id=opening_id))
    return _detail_page(opening_id, upload_form=form, upload_problems=problems, status=status)
