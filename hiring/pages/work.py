"""Planned work pages: the list with filters and totals per area, add, edit, status, delete.

Deleting has no undo, so it takes two steps without JavaScript: the list's Delete button opens a
confirmation page (GET, writes nothing) that says what the deletion changes, and only that
page's form deletes.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.db import get_session
from hiring.pages.forms import (
    STATUS_NAMES,
    ConfirmedForm,
    StatusForm,
    WorkItemForm,
    work_item_form,
)
from hiring.pages.listing import page_args
from hiring.pages.transaction import attempt
from team import assignees
from team import work as service
from team.areas import list_areas, list_skills
from team.models import WORK_STATUSES
from team.report import quickest_people
from team.schemas import WorkItemCreate, WorkItemUpdate

bp = Blueprint("work", __name__, url_prefix="/work")


@bp.route("/")
@allow(*TEAM_READERS)
def list_items():
    """Work items filtered by area and status, with open and total points per area."""
    db = get_session()
    args = page_args(sorts=service.SORTS, default_sort="id")
    areas = list_areas(session=db)
    area = request.args.get("area") or None
    status = request.args.get("status") or None
    area = area if area in {a.key for a in areas} else None
    status = status if status in WORK_STATUSES else None
    items, total = service.list_work_items(
        session=db,
        area=area,
        status=status,
        search=args.search,
        sort=args.sort,
        descending=args.descending,
        limit=args.limit,
        offset=args.offset,
    )
    return render_template(
        "work/list.html",
        items=items,
        total=total,
        args=args,
        areas=areas,
        area=area,
        status=status,
        statuses=STATUS_NAMES,
        totals=service.area_totals(session=db),
        quickest=quickest_people(session=db),
        assignees=assignees.names_by_email((i.assignee for i in items), session=db),
        status_form=StatusForm(),
    )


def _item_data(form: WorkItemForm) -> dict[str, Any]:
    """The form's values as the service schemas take them (validated there)."""
    return {
        "title": form.title.data,
        "area": form.area.data,
        "points": float(form.points.data) if form.points.data is not None else None,
        "status": form.status.data,
        "skills": list(form.skills.data or []),
        "assignee": (form.assignee.data or "").strip() or None,
    }


def _form(current: str | None = None) -> WorkItemForm:
    """The work item form with today's areas, skills and possible assignees (and the item's
    `current` assignee's email, kept as a choice even if they may no longer be chosen)."""
    db = get_session()
    kept = None
    if current:
        who = assignees.names_by_email([current], session=db).get(assignees.normalised(current))
        kept = (current, who) if who is not None else None
    members = assignees.assignable(session=db)
    return work_item_form(list_areas(session=db), list_skills(session=db), members, kept)


@bp.route("/new", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def new_item():
    """Add a work item."""
    db = get_session()
    form = _form()
    if form.validate_on_submit():
        done = attempt(
            form, lambda: service.create_work_item(WorkItemCreate(**_item_data(form)), session=db)
        )
        if done.value is not None:
            flash(f"Added “{done.value.title}”.", "success")
            return redirect(url_for("work.list_items"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("work/form.html", form=form, item=None), status


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def edit_item(item_id: int):
    """Edit a work item; a stale edit is refused with 409."""
    db = get_session()
    row = service.get_item_row(item_id, session=db)
    current = service.get_work_item(item_id, session=db)
    form = _form(current.assignee)
    if request.method == "GET":
        form.title.data, form.area.data = current.title, current.area
        form.points.data, form.status.data = current.points, current.status
        form.skills.data, form.version.data = current.skills, str(row.version)
        form.assignee.data = current.assignee or ""
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        done = attempt(
            form,
            lambda: service.update_work_item(
                item_id, WorkItemUpdate(**_item_data(form)), session=db, expected_version=version
            ),
        )
        if done.ok:
            flash("Changes saved.", "success")
            return redirect(url_for("work.list_items"))
        return render_template("work/form.html", form=form, item=current), done.status
    status = 400 if form.errors or form.form_errors else 200
    return render_template("work/form.html", form=form, item=current), status


@bp.route("/<int:item_id>/status", methods=["POST"])
@allow(*TEAM_EDITORS)
def set_status(item_id: int):
    """Move a work item to another status from the list.

    The list's script saves a status as soon as it is chosen, sending `X-Autosave: 1`: it gets
    JSON back (what was saved, in words, or why not) and stays on the page. Without the
    script, the row's Set button posts the form and the list is shown again.
    """
    form = StatusForm()
    autosave = request.headers.get("X-Autosave") == "1"
    if not form.validate_on_submit():
        if autosave:
            return jsonify({"error": "Not saved: reload the page and choose again."}), 400
        abort(400)
    item = service.update_work_item(
        item_id, WorkItemUpdate(status=form.status.data), session=get_session()
    )
    if autosave:
        name = STATUS_NAMES[item.status]
        return jsonify({"status": item.status, "message": f"Saved: {name}."})
    return redirect(
        request.referrer if _same_site(request.referrer) else url_for("work.list_items")
    )


@bp.route("/<int:item_id>/delete", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def delete_item(item_id: int):
    """Delete a work item, once confirmed on the page that says what the deletion changes.

    GET shows that page. A POST deletes only with the page's `confirm` field: any other POST
    (an old one-click button, a script with a valid token) is sent back to the page, deleting
    nothing, because a ticket deleted by accident cannot be brought back.
    """
    db = get_session()
    item = service.get_work_item(item_id, session=db)
    form = ConfirmedForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Nothing was deleted yet: confirm below, or cancel.", "warning")
            return redirect(url_for("work.delete_item", item_id=item_id), code=303)
        service.delete_work_item(item_id, session=db)  # NotFound if deleted meanwhile: 404
        flash(f"Deleted “{item.title}”.", "info")
        return redirect(url_for("work.list_items"))
    return render_template(
        "work/delete.html",
        item=item,
        area={a.key: a.name for a in list_areas(session=db)}.get(item.area, item.area),
        statuses=STATUS_NAMES,
        form=form,
    )


def _same_site(url: str | None) -> bool:
    return url is not None and url.startswith(request.host_url)
