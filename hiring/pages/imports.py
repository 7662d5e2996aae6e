"""CSV import and export pages for the team and the planned work.

An import is two steps: upload a file and see a preview of what it does (or of every bad row, with
nothing written), then confirm. The upload is kept on the server (`team.imports.uploads`), so
confirming sends only its id, whatever the file's size, and the file is checked again in full
before anything is written. A tracker's export (Jira, Linear, GitHub) previews with the source's
mapping and a control for each value that maps to no area (`hiring.pages.tracker_imports`).

With JavaScript the upload shows its progress (bytes sent, then the check), and so does the
import; closing the tab does not stop an import that started: the upload page lists each recent
upload with how it ended. Hiring managers and admins import; leadership exports too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.db import get_session
from hiring.pages import tracker_imports
from hiring.pages.import_flow import ConfirmImportForm, Kind, checked_or_imported, finish_import
from hiring.uploads import large_body
from team import csvio, imports
from team.areas import list_areas, list_skills
from team.errors import NotFound
from team.imports import uploads

bp = Blueprint("imports", __name__)

# Rows of a big file the preview lists one by one (the counts cover all of them).
PREVIEW_ROWS = 200

SOURCE_CHOICES = [
    SelectChoice("", "Tell from the file's header"),
    SelectChoice("ours", "Our format (title, area, points, …)"),
    SelectChoice("jira", "Jira CSV export"),
    SelectChoice("linear", "Linear CSV export"),
    SelectChoice("github", "GitHub project export"),
]


class UploadForm(FlaskForm):
    """Step 1: the file to preview (and, for planned work, what kind of file it is)."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv"], "Choose a .csv file."),
        ],
        description="UTF-8 text (in Excel: Save as “CSV UTF-8”), at most "
        f"{csvio.MAX_ROWS:,} rows and 50 MB. Nothing is saved before you confirm.",
    )
    source = SelectField("Kind of file", choices=SOURCE_CHOICES, default="")


def _run_members(text: str, apply: bool, also: Callable[[Any], object] | None = None):
    """The members import as the logged-in user (named in the rating history)."""
    return checked_or_imported(
        apply,
        lambda: imports.import_members(
            text, session=get_session(), actor=current_user.email, apply=apply, also=also
        ),
    )


def _run_work(text: str, apply: bool, also: Callable[[Any], object] | None = None):
    """The work items import in our own format."""
    return checked_or_imported(
        apply,
        lambda: imports.import_work_items(text, session=get_session(), apply=apply, also=also),
    )


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
KINDS = {"members": MEMBERS, "work": WORK}


def _page(kind: Kind, template: str, status: int = 200, **context) -> tuple[str, int]:
    """Render an import page with the vocabulary every one of them shows."""
    db = get_session()
    return render_template(
        template,
        kind=kind,
        areas=list_areas(session=db),
        skills=list_skills(session=db),
        recent=uploads.recent(kind.key, actor=current_user.email, session=db),
        **context,
    ), status


def _upload_page(kind: Kind, form: UploadForm, status: int = 200) -> tuple[str, int]:
    return _page(kind, "imports/upload.html", status, form=form)


def _owned(kind: Kind, upload_id: int) -> uploads.Upload:
    """The upload if the logged-in user made it, else 404."""
    try:
        return uploads.owned(upload_id, kind.key, actor=current_user.email, session=get_session())
    except NotFound:
        abort(404)


def _text(kind: Kind, upload: uploads.Upload) -> str:
    return uploads.text_of(upload.id, kind.key, actor=current_user.email, session=get_session())


def _preview(
    kind: Kind,
    upload: uploads.Upload,
    status: int | None = None,
    submitted: tracker_imports.MappingForm | None = None,
):
    """What the stored upload would do: our format's rows, or a tracker's mapped rows (with a
    refused mapping form, `submitted`, shown with its errors)."""
    if upload.state == "done":
        flash("That file was imported already; upload it again to import it once more.", "info")
        return redirect(url_for(kind.endpoint))
    text = _text(kind, upload)
    if kind is WORK and (source := tracker_imports.source(upload, text)) is not None:
        return tracker_imports.preview(kind, upload, text, source, _page, status, submitted)
    result = kind.run(text, False)
    confirm = ConfirmImportForm(formdata=None, upload_id=upload.id)
    return _page(
        kind,
        "imports/preview.html",
        status or (200 if result.ok else 400),
        result=result,
        confirm=confirm,
        upload=upload,
        shown_rows=PREVIEW_ROWS,
        form=UploadForm(formdata=None),
    )


def imported_message(result: imports.ImportResult) -> str:
    """What an import did, in words, with the assignees it left empty."""
    message = f"Imported: {result.created} created, {result.updated} updated."
    if unknown := result.unknown_assignees:
        noun = "assignee" if unknown == 1 else "assignees"
        message += f" {unknown} {noun} not found, left empty."
    return message


def _confirm(kind: Kind):
    """Import a previewed upload in one go (checked again in full), then back to the list."""
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        form = UploadForm(formdata=None)
        form.form_errors.append("The confirmation came without its file; upload it again.")
        return _upload_page(kind, form, 400)
    upload = _owned(kind, int(confirm.upload_id.data))
    db = get_session()
    if not uploads.begin(upload.id, kind.key, actor=current_user.email, session=db):
        flash("That file is being imported, or was imported already.", "info")
        return redirect(url_for(kind.endpoint))
    text = _text(kind, upload)
    if kind is WORK and (source := tracker_imports.source(upload, text)) is not None:
        return tracker_imports.confirm(kind, upload, text, source, confirm, _preview)
    return finish_import(
        kind,
        upload,
        lambda ended: kind.run(text, True, ended),
        message=imported_message,
        preview_again=_preview,
    )


def _import(kind: Kind):
    """Upload -> keep the file and preview it; confirm -> import it."""
    if request.method == "POST" and "upload_id" in request.form:
        return _confirm(kind)
    form = UploadForm()
    if kind is MEMBERS:
        form.source.data = ""
    if not form.validate_on_submit():
        return _upload_page(kind, form, 400 if form.errors else 200)
    try:
        text = csvio.decode_upload(form.file.data.read())
    except ValueError as error:
        form.file.errors = [str(error)]
        return _upload_page(kind, form, 400)
    upload = uploads.store(
        kind.key,
        text,
        filename=form.file.data.filename or "",
        actor=current_user.email,
        options={"source": form.source.data or ""},
        session=get_session(),
    )
    if request.headers.get("X-Upload") == "1":
        # The page's script sent the file (to show its progress) and goes to the preview itself.
        return jsonify({"preview": url_for(f"imports.preview_{kind.key}", upload_id=upload.id)})
    return _preview(kind, upload)


def _download(text: str, name: str) -> Response:
    """A CSV attachment a spreadsheet opens right: UTF-8 with a BOM, dated file name."""
    response = Response(csvio.encode_download(text), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{date.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/team/import", methods=["GET", "POST"])
@large_body
@allow(*TEAM_EDITORS)
def import_members():
    """Add and update team members from a CSV file, after a preview."""
    return _import(MEMBERS)


@bp.get("/team/import/<int:upload_id>")
@allow(*TEAM_EDITORS)
def preview_members(upload_id: int):
    """The preview of an uploaded members file."""
    return _preview(MEMBERS, _owned(MEMBERS, upload_id))


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
@large_body
@allow(*TEAM_EDITORS)
def import_work():
    """Add work items from a CSV file (ours, or a tracker's export), after a preview."""
    return _import(WORK)


@bp.get("/work/import/<int:upload_id>")
@allow(*TEAM_EDITORS)
def preview_work(upload_id: int):
    """The preview of an uploaded work items file or tracker export."""
    return _preview(WORK, _owned(WORK, upload_id))


@bp.post("/work/import/<int:upload_id>/mapping")
@allow(*TEAM_EDITORS)
def map_values(upload_id: int):
    """Keep the mapping chosen on a tracker export's preview, then preview again with it."""
    upload = _owned(WORK, upload_id)
    return tracker_imports.change_mapping(WORK, upload, _text(WORK, upload), _preview)


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
