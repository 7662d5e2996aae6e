"""Glue between service errors and WTForms: a rule broken in a service shows on its field."""

from __future__ import annotations

from flask_wtf import FlaskForm


def apply_errors(form: FlaskForm, fields: dict[str, list[str]]) -> None:
    """Attach service errors to the named form fields; the rest become form-level errors."""
    for name, messages in fields.items():
        field = getattr(form, name.split(".")[0].replace("-", "_"), None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.extend(messages)
        else:
            form.form_errors.extend(f"{name}: {m}" for m in messages)
