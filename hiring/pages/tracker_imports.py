"""The preview of a tracker's export (Jira, Linear, GitHub) and its mapping controls.

The preview lists what the file does with the source's mapping: items to add, update and leave,
rows left out and why, and every value that maps to no area with its count and a choice of area.
Choices made here are kept with the upload (`team.imports.uploads`) while the person previews
again; they become the source's saved mapping when the file is imported, in the same
transaction, so nothing at all is written before the import is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from flask import redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from hiring.db import get_session
from hiring.forms import DecimalField
from hiring.import_records import import_counts
from hiring.pages.forms import MoreThanZero
from hiring.pages.import_flow import (
    ConfirmImportForm,
    Kind,
    PreviewAgain,
    checked_or_imported,
    finish_import,
)
from team.areas import list_areas
from team.importers import SOURCES
from team.importers.mapping import ImportMapping as MappingRule
from team.importers.mapping import mapping_problems
from team.imports import trackers, uploads
from team.models import Area

SOURCE_NAMES = {"jira": "Jira", "linear": "Linear", "github": "GitHub"}
# Values listed with a control each on the preview, the most frequent first.
SHOWN_VALUES = 300


def source(upload: uploads.Upload, text: str) -> str | None:
    """The tracker the upload is an export of (chosen, or told by its header); None for ours."""
    chosen = str(upload.options.get("source") or "")
    if chosen in SOURCES:
        return chosen
    if chosen == "ours":
        return None
    return trackers.source_of(text)


def _rule(upload: uploads.Upload) -> MappingRule | None:
    """The mapping being edited on this upload's preview, or None (the saved one applies)."""
    edited = upload.options.get("mapping")
    if not isinstance(edited, dict):
        return None
    return MappingRule.from_dict(edited)


class MappingForm(FlaskForm):
    """How the export reads: the area of each value, done statuses, unestimated items."""

    done_statuses = StringField(
        "Statuses that also count as done",
        validators=[Optional(), Length(max=2000)],
        description="Separated by commas, e.g. Won't do, Duplicate. The tracker's own done "
        "statuses always count.",
    )
    default_points = DecimalField(
        "Points of an item with no estimate",
        places=None,
        validators=[Optional(), MoreThanZero(1000)],
        description="Empty: such items are left out (and counted on this page).",
    )
    points_column = StringField(
        "Column with the estimate",
        validators=[Optional(), Length(max=200)],
        description="Empty: the tracker's usual estimate columns (Story Points, Estimate).",
    )


def mapping_form(
    values: Sequence[str], rule: MappingRule, areas: Sequence[Area], **kwargs: Any
) -> MappingForm:
    """The form with one area choice per value (`value_<n>` carries the value itself)."""

    class Form(MappingForm):
        pass

    choices = [SelectChoice("", "No area")] + [SelectChoice(a.key, a.name) for a in areas]
    folded = {key.strip().casefold(): area for key, area in rule.area_by_value.items()}
    for index, value in enumerate(values):
        setattr(Form, f"value_{index}", HiddenField(default=value))
        setattr(
            Form,
            f"area_{index}",
            SelectField(value, choices=choices, default=folded.get(value.casefold(), "")),
        )
    form = Form(**kwargs)
    if not form.is_submitted():
        form.done_statuses.data = ", ".join(rule.done_statuses)
        if rule.default_points is not None:
            form.default_points.data = Decimal(str(rule.default_points))
        form.points_column.data = rule.points_column or ""
    return form


def _values(rule: MappingRule, outcome: trackers.TrackerImport) -> list[str]:
    """The values the form offers: the unmapped ones (most rows first), then those mapped."""
    unmapped = list(dict.fromkeys(v.value for v in outcome.unmapped))[:SHOWN_VALUES]
    seen = {value.casefold() for value in unmapped}
    mapped = [value for value in rule.area_by_value if value.casefold() not in seen]
    return unmapped + sorted(mapped, key=str.casefold)


def preview(
    kind: Kind,
    upload: uploads.Upload,
    text: str,
    source_key: str,
    page: Callable[..., Any],
    status: int | None = None,
    submitted: MappingForm | None = None,
) -> Any:
    """Preview the export with the mapping being edited (or the saved one); `submitted` is a
    mapping form that was refused, shown with its errors instead of the kept mapping."""
    db = get_session()

    def check() -> tuple[MappingRule, trackers.TrackerImport]:
        rule = _rule(upload) or trackers.get_mapping(source_key, session=db)
        outcome = trackers.import_export(
            text, session=db, apply=False, source=source_key, mapping=rule, close_missing=True
        )
        return rule, outcome

    rule, outcome = checked_or_imported(False, check)
    areas = list_areas(session=db)
    form = submitted or mapping_form(_values(rule, outcome), rule, areas, formdata=None)
    confirm = ConfirmImportForm(formdata=None, upload_id=upload.id)
    confirm.close_missing.data = bool(upload.options.get("close_missing"))
    return page(
        kind,
        "imports/tracker_preview.html",
        status or (200 if outcome.ok else 400),
        outcome=outcome,
        source_name=SOURCE_NAMES[source_key],
        upload=upload,
        mapping=form,
        confirm=confirm,
        area_names={a.key: a.name for a in areas},
        shown_values=SHOWN_VALUES,
    )


def change_mapping(
    kind: Kind, upload: uploads.Upload, text: str, preview_again: PreviewAgain
) -> Any:
    """Keep the submitted mapping with the upload and preview again; a bad field re-renders
    the preview with the message, keeping nothing."""
    source_key = source(upload, text)
    if source_key is None or upload.state == "done":
        return redirect(url_for(kind.endpoint))
    db = get_session()
    saved = _rule(upload) or trackers.get_mapping(source_key, session=db)
    areas = list_areas(session=db)
    # The values the page offered come back with the form; read them to build its fields.
    count = sum(1 for name in request.form if name.startswith("value_"))
    values = [request.form.get(f"value_{n}", "") for n in range(count)]
    form = mapping_form(values, saved, areas)
    if not form.validate_on_submit():
        return preview_again(kind, upload, 400, submitted=form)
    area_by_value = {}
    for index, value in enumerate(values):
        chosen = getattr(form, f"area_{index}").data
        if value.strip() and chosen:
            area_by_value[value.strip()] = chosen
    points = form.default_points.data
    rule = MappingRule(
        area_by_value=area_by_value,
        done_statuses=tuple(
            s.strip() for s in (form.done_statuses.data or "").split(",") if s.strip()
        ),
        default_points=float(points) if points is not None else None,
        points_column=(form.points_column.data or "").strip() or None,
    )
    if problems := mapping_problems(rule, [a.key for a in areas]):
        form.form_errors.extend(m for messages in problems.values() for m in messages)
        return preview_again(kind, upload, 400, submitted=form)
    uploads.set_options(
        upload.id, kind.key, {"mapping": rule.as_dict()}, actor=current_user.email, session=db
    )
    return redirect(url_for("imports.preview_work", upload_id=upload.id))


def confirm(
    kind: Kind,
    upload: uploads.Upload,
    text: str,
    source_key: str,
    form: ConfirmImportForm,
    preview_again: PreviewAgain,
) -> Any:
    """Import the export (mapping kept with it), or show why not and keep nothing."""
    rule = _rule(upload)
    return finish_import(
        kind,
        upload,
        lambda ended: trackers.import_export(
            text,
            session=get_session(),
            apply=True,
            source=source_key,
            close_missing=bool(form.close_missing.data),
            mapping=rule,
            actor=current_user.email,
            also=ended,
        ),
        message=message,
        preview_again=preview_again,
    )


def message(outcome: trackers.TrackerImport) -> str:
    """What a tracker import did, in words."""
    n = import_counts(outcome)
    text = (
        f"Imported from {SOURCE_NAMES.get(outcome.source, outcome.source)}: {n['created']} "
        f"created, {n['updated']} updated, {n['unchanged']} unchanged"
    )
    if n["closed"]:
        text += f", {n['closed']} closed"
    if n["skipped"]:
        text += f", {n['skipped']} left out"
    text += "."
    if unknown := outcome.unknown_assignees:
        text += f" {unknown} {'assignee' if unknown == 1 else 'assignees'} not found, left empty."
    return text
