"""Planned work pages: the list with filters and totals per area, add, edit, status, delete."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.db import get_session
from hiring.forms import apply_errors
from hiring.pages.forms import (
    STATUS_NAMES,
    ConfirmForm,
    StatusForm,
    WorkItemForm,
    show_service_error,
    work_item_form,
)
from hiring.pages.listing import page_args
from team import work as service
from team.areas import list_areas, list_skills
from team.errors import Conflict, InvalidInput, NotFound
from team.models import WORK_STATUSES
from team.report import quickest_people
from team.schemas import WorkItemCreate, WorkItemUpdate, pydantic_fields

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
        status_form=StatusForm(),
        confirm_form=ConfirmForm(),
    )


def _item_data(form: WorkItemForm) -> dict[str, Any]:
    """The form's values as the service schemas take them (validated there)."""
    return {
        "title": form.title.data,
        "area": form.area.data,
        "points": float(form.points.data) if form.points.data is not None else None,
        "status": form.status.data,
        "skills": list(form.skills.data or []),
    }


@bp.route("/new", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def new_item():
    """Add a work item."""
    db = get_session()
    form = work_item_form(list_areas(session=db), list_skills(session=db))
    if form.validate_on_submit():
        try:
            item = service.create_work_item(WorkItemCreate(**_item_data(form)), session=db)
        except ValidationError as error:
            apply_errors(form, pydantic_fields(error))
        except (InvalidInput, Conflict) as error:
            show_service_error(form, error)
        else:
            flash(f"Added “{item.title}”.", "success")
            return redirect(url_for("work.list_items"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("work/form.html", form=form, item=None), status


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def edit_item(item_id: int):
    """Edit a work item; a stale edit is refused with 409."""
    db = get_session()
    try:
        row = service.get_item_row(item_id, session=db)
        current = service.get_work_item(item_id, session=db)
    except NotFound:
        abort(404)
    form = work_item_form(list_areas(session=db), list_skills(session=db))
    if request.method == "GET":
        form.title.data, form.area.data = current.title, current.area
        form.points.data, form.status.data = current.points, current.status
        form.skills.data, form.version.data = current.skills, str(row.version)
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            service.update_work_item(
                item_id, WorkItemUpdate(**_item_data(form)), session=db, expected_version=version
            )
        except ValidationError as error:
            apply_errors(form, pydantic_fields(error))
        except (InvalidInput, Conflict) as error:
            show_service_error(form, error)
            if isinstance(error, Conflict) and not error.fields:
                return render_template("work/form.html", form=form, item=current), 409
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("work.list_items"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("work/form.html", form=form, item=current), status


@bp.route("/<int:item_id>/status", methods=["POST"])
@allow(*TEAM_EDITORS)
def set_status(item_id: int):
    """Move a work item to another status from the list."""
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.update_work_item(
            item_id, WorkItemUpdate(status=form.status.data), session=get_session()
        )
    except NotFound:
        abort(404)
    return redirect(
        request.referrer if _same_site(request.referrer) else url_for("work.list_items")
    )


@bp.route("/<int:item_id>/delete", methods=["POST"])
@allow(*TEAM_EDITORS)
def delete_item(item_id: int):
    """Delete a work item."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.delete_work_item(item_id, session=get_session())
    except NotFound:
        abort(404)
    flash("Work item deleted.", "info")
    return redirect(url_for("work.list_items"))


def _same_site(url: str | None) -> bool:
    return url is not None and url.startswith(request.host_url)
