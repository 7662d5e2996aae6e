"""What every form shares: number fields that take only real numbers, bounded multiple choices,
and the glue that shows a rule broken in a service on its field.

Use `DecimalField`, `IntegerField` and `FloatField` from here, never WTForms' own: theirs turn
"sNaN", "NaN" and "Infinity" into values that WTForms' `NumberRange` cannot even compare
(`math.isnan(Decimal("sNaN"))` raises, a 500), and take numbers of any length.
tests/hiring/security/test_number_fields.py sends such values to every number field of every form.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

# The longest number text a form takes. Every number here is a level, a share, a count or a few
# hundred points: 32 characters hold any of them with all the digits a float keeps.
MAX_NUMBER_LENGTH = 32


def _finite(value: Any) -> bool:
    """Whether a parsed number is an ordinary one: not NaN (quiet or signalling), not infinite,
    and within what a float (the services' type) can hold, so 1e999 counts as infinite too."""
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    return math.isfinite(float(value))


class _OrdinaryNumber(Field):
    """Reads a number as its WTForms field does, then refuses text longer than
    MAX_NUMBER_LENGTH and values that are not finite, with a message on the field.

    A refused value leaves `data` None, as WTForms does for text that is no number at all, so
    the field's validators see "no value" (and say their range) rather than a NaN that
    `NumberRange` cannot compare.
    """

    data: Any  # a Decimal, int or float as read, or None

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the sent text, refusing over-long text before it is converted at all."""
        if valuelist and len(str(valuelist[0]).strip()) > MAX_NUMBER_LENGTH:
            self.data = None
            raise ValueError(f"Enter a number of at most {MAX_NUMBER_LENGTH} characters.")
        super().process_formdata(valuelist)
        if self.data is not None and not _finite(self.data):
            self.data = None
            raise ValueError("Enter a finite number: not NaN, and not infinite or too large.")


class DecimalField(_OrdinaryNumber, wtforms.DecimalField):
    """WTForms' DecimalField that takes only ordinary numbers (see `_OrdinaryNumber`)."""


class IntegerField(_OrdinaryNumber, wtforms.IntegerField):
    """WTForms' IntegerField that takes only ordinary numbers (see `_OrdinaryNumber`)."""


class FloatField(_OrdinaryNumber, wtforms.FloatField):
    """WTForms' FloatField that takes only ordinary numbers (see `_OrdinaryNumber`)."""


class AtMost:
    """A multiple choice holds at most `limit` values (default: as many as it has choices).

    The choices a browser shows are bounded, but a hand-made request can send the same field
    250,000 times, and every value would reach the service and its queries.
    """

    def __init__(self, limit: int | None = None) -> None:
        """`limit` None: the field's number of choices."""
        self.limit = limit

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        """Refuse more values than the limit, naming the limit."""
        limit = self.limit
        if limit is None:
            limit = len(list(field.iter_choices()))  # type: ignore[attr-defined]
        if len(field.data or ()) > limit:
            raise StopValidation(f"Choose at most {limit}.")


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
