"""Reading what a client sent: JSON bodies, CSV bodies and query parameters, strictly.

Unlike the pages, which forgive a hand-edited URL, the API answers every bad value with an error
naming it: a script that asks for `limit=5000` learns that 500 is the most, instead of
silently getting fewer items than it thinks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from flask import abort, make_response, request
from pydantic import BaseModel, ValidationError

from hiring.errors import json_error
from team.csvio import decode_upload
from team.errors import InvalidInput
from team.schemas import pydantic_fields
from team.text import has_control

M = TypeVar("M", bound=BaseModel)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Twelve digits; the OpenAPI document says so too, so a client that pages further learns it
# from the document rather than from a 422.
MAX_OFFSET = 10**12 - 1
CSV_TYPES = ("text/csv", "text/plain", "application/octet-stream")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_MAX_DIGITS = 12  # longer numbers are out of every range here, and are not worth converting
# A JSON integer longer than this is out of every range a body has. It is read as a float
# (infinite past ~309 digits) so that its field refuses it with a 422 naming it; read as an int,
# 4,300 digits or more would fail the whole body as "not valid JSON", and fewer cost bignum work.
_MAX_JSON_DIGITS = 30


def _json_integer(digits: str) -> int | float:
    """A JSON integer: exact when of a sane length, else a float its field's check refuses."""
    return int(digits) if len(digits) <= _MAX_JSON_DIGITS else float(digits)


def json_body(model: type[M], nullable: Collection[str] = ()) -> M:
    """The JSON object in the body, validated by `model`; 415, 400 or 422 (naming fields) if not.

    Validation is strict (JSON types as sent: `"1"` is not a number, `true` is not 1) because
    the OpenAPI document promises exactly those types. A null is refused (leave a field out to
    keep it) except in the `nullable` fields, where null is a value of its own (e.g. a
    scorecard's "no recommendation").
    """
    if not request.is_json:
        abort(415)
    try:
        data: Any = json.loads(request.get_data(), parse_int=_json_integer)
    except (ValueError, RecursionError):
        abort(400, description="The body is not valid JSON.")
    if not isinstance(data, dict):
        raise InvalidInput({"body": ["send a JSON object"]}, "The body must be a JSON object.")
    try:
        parsed = model.model_validate(data, strict=True)
    except ValidationError as error:
        raise InvalidInput(pydantic_fields(error)) from None
    nulls = {
        name: ["may not be null"]
        for name in parsed.model_fields_set
        if data[name] is None and name not in nullable
    }
    if nulls:
        raise InvalidInput(nulls)
    return parsed


def csv_body() -> str:
    """The body as CSV text (UTF-8, a BOM allowed); 415 for another type, 422 if not UTF-8."""
    if request.mimetype not in CSV_TYPES:
        message = "Send the CSV file as the body, with Content-Type text/csv."
        abort(make_response(json_error(415, message)))
    try:
        text = decode_upload(request.get_data())
    except ValueError as error:
        raise InvalidInput({"body": [str(error)]}, str(error)) from None
    if not text.strip():
        raise InvalidInput({"body": ["is empty; send a CSV file with a header row"]})
    return text


class QueryArgs:
    """Query parameters read one by one, every problem collected, then refused at once."""

    def __init__(self) -> None:
        """Start with no problems found."""
        self.errors: dict[str, list[str]] = {}

    def integer(self, name: str, default: int, low: int, high: int | None = None) -> int:
        """A whole number in [low, high], or `default` when the parameter is absent."""
        raw = request.args.get(name)
        if raw is None:
            return default
        number = raw.strip()
        if not _WHOLE_NUMBER.fullmatch(number):
            self.errors[name] = ["must be a whole number"]
            return default
        # Past twelve digits a number is past every bound the API has: refuse it unconverted.
        value = int(number) if len(number.lstrip("-")) <= _MAX_DIGITS else None
        if value is None or value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"{low} or more"
            self.errors[name] = [f"must be {span}"]
            return default
        return value

    def page(self) -> tuple[int, int]:
        """`?limit=` (1 to 500, default 50) and `?offset=` (0 or more, default 0)."""
        limit = self.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        return limit, self.integer("offset", 0, 0, MAX_OFFSET)

    def boolean(self, name: str) -> bool | None:
        """`true` or `false`, or None when the parameter is absent."""
        raw = request.args.get(name)
        if raw is None:
            return None
        value = {"true": True, "false": False}.get(raw.strip().lower())
        if value is None:
            self.errors[name] = ["must be true or false"]
        return value

    def choice(self, name: str, choices: Iterable[str], what: str) -> str | None:
        """One of `choices` (e.g. a known area key), or None when the parameter is absent."""
        raw = request.args.get(name)
        if raw is None:
            return None
        options = list(choices)
        value = raw.strip().lower()
        if value not in options:
            self.errors[name] = [f"is not a known {what} ({', '.join(options)})"]
            return None
        return value

    def text(self, name: str, max_length: int = 100) -> str | None:
        """Free text such as a search, or None when absent or blank.

        Length and characters are checked as sent, before the surrounding spaces are trimmed,
        which is what the OpenAPI document's `maxLength` and `pattern` describe.
        """
        raw = request.args.get(name) or ""
        if len(raw) > max_length:
            self.errors[name] = [f"use at most {max_length} characters"]
            return None
        if has_control(raw):  # team.text's rule, as the OpenAPI pattern says; NUL breaks PostgreSQL
            self.errors[name] = ["must not contain control characters"]
            return None
        return raw.strip() or None

    def check(self) -> None:
        """Refuse the request (422) naming every bad parameter, if there was any."""
        if self.errors:
            raise InvalidInput(self.errors, "Some query parameters are not valid.")
