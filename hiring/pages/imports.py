"""CSV import and export pages for the team and the planned work.

An import is two steps: upload a file and see a preview of every row (or every bad row, with
nothing written), then confirm. The confirm form carries the CSV text back in a hidden field, so
the server keeps no upload between the steps; it comes back from the browser, so it is checked again
in full before anything is written. Hiring managers and admins import; leadership exports too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.db import get_session, write_intent
from team import csvio, imports
from team.areas import list_areas, list_skills

bp = Blueprint("imports", __name__)


class UploadForm(FlaskForm):
    """Step 1: the file to preview."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv"], "Choose a .csv file."),
        ],
        description="UTF-8 text (in Excel: Save as “CSV UTF-8”), at most "
        f"{csvio.MAX_ROWS:,} rows. Nothing is saved before you confirm.",
    )


class ConfirmImportForm(FlaskForm):
    """Step 2: the previewed file's text, sent back to be checked again and imported."""

    csv_text = HiddenField(validators=[DataRequired()])


@dataclass(frozen=True)
class Kind:
    """What differs between the two imports: names, where to go after, which service to call."""

    key: str
    noun: str
    endpoint: str
    done_endpoint: str
    example_endpoint: str
    run: Callable[[str, bool], imports.ImportResult]


def _run_members(text: str, apply: bool) -> imports.ImportResult:
    """The members import as the logged-in user (named in the rating history).

    A preview only reads: on SQLite it runs in a deferred transaction, so checking a big file
    never holds the write lock that other requests wait for.
    """
    if not apply:
        get_session().rollback()  # end the write transaction the request began with
    with write_intent(apply):
        return imports.import_members(
            text, session=get_session(), actor=current_user.email, apply=apply
        )


def _run_work(text: str, apply: bool) -> imports.ImportResult:
    """The work items import (a preview reads only, as above)."""
    if not apply:
        get_session().rollback()
    with write_intent(apply):
        return imports.import_work_items(text, session=get_session(), apply=apply)


MEMBERS = Kind(
    "members",
    "team members",
    "imports.import_members",
    "team.list_members",
    "imports.members_example",
    _run_members,
)
WORK = Kind(
    "work",
    "work items",
    "imports.import_work",
    "work.list_items",
    "imports.work_example",
    _run_work,
)


def _page(kind: Kind, template: str, status: int = 200, **context) -> tuple[str, int]:
    """Render an import page with the vocabulary every one of them shows."""
    db = get_session()
    return render_template(
        template, kind=kind, areas=list_areas(session=db), skills=list_skills(session=db), **context
    ), status


def _preview(kind: Kind, result: imports.ImportResult, text: str) -> tuple[str, int]:
    """The rows a file would create and update, or its bad rows (400) with a new upload form."""
    confirm = ConfirmImportForm(formdata=None)
    confirm.csv_text.data = text
    return _page(
        kind,
        "imports/preview.html",
        200 if result.ok else 400,
        result=result,
        confirm=confirm,
        form=UploadForm(formdata=None),
    )


def _imported(result: imports.ImportResult) -> str:
    """What an import did, in words, with the assignees it left empty."""
    message = f"Imported: {result.created} created, {result.updated} updated."
    if unknown := result.unknown_assignees:
        noun = "assignee" if unknown == 1 else "assignees"
        message += f" {unknown} {noun} not found, left empty."
    return message


def _import(kind: Kind):
    """Upload -> preview; confirm -> import all rows in one go and back to the list."""
    if request.method == "POST" and "csv_text" in request.form:
        confirm = ConfirmImportForm()
        if confirm.validate_on_submit():
            result = kind.run(confirm.csv_text.data, True)
            if not result.ok:
                return _preview(kind, result, confirm.csv_text.data)
            flash(_imported(result), "success")
            return redirect(url_for(kind.done_endpoint))
        form = UploadForm(formdata=None)
        form.form_errors.append("The confirmation came without the file; upload it again.")
        return _page(kind, "imports/upload.html", 400, form=form)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            text = csvio.decode_upload(form.file.data.read())
        except ValueError as error:
            form.file.errors = [str(error)]
        else:
            return _preview(kind, kind.run(text, False), text)
    return _page(kind, "imports/upload.html", 400 if form.errors else 200, form=form)


def _download(text: str, name: str) -> Response:
    """A CSV attachment a spreadsheet opens right: UTF-8 with a BOM, dated file name."""
    response = Response(csvio.encode_download(text), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{date.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/team/import", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def import_members():
    """Add and update team members from a CSV file, after a preview."""
    return _import(MEMBERS)


@bp.route("/team/import/example.csv")
@allow(*TEAM_EDITORS)
def members_example():
    """A small members file with today's area and skill columns, to fill in."""
    return _download(imports.example_members_csv(session=get_session()), "team-example")


@bp.route("/team/members.csv")
@allow(*TEAM_READERS)
def export_members():
    """Everyone on the team with their levels, in the format the import reads."""
    return _download(imports.export_members_csv(session=get_session()), "team-members")


@bp.route("/work/import", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def import_work():
    """Add work items from a CSV file, after a preview."""
    return _import(WORK)


@bp.route("/work/import/example.csv")
@allow(*TEAM_EDITORS)
def work_example():
    """A small work items file using today's areas and skills, to fill in."""
    return _download(imports.example_work_items_csv(session=get_session()), "work-example")


@bp.route("/work/items.csv")
@allow(*TEAM_READERS)
def export_work():
    """All work items, done ones included, in the format the import reads."""
    return _download(imports.export_work_items_csv(session=get_session()), "work-items")
