"""The OpenAPI 3.1 document of the API, generated from the views themselves.

Each view says what it takes and answers with `@operation(...)`; its path and methods come from
the URL map, who may call it from its `@allow` policy, and its schemas from the pydantic models
it validates and answers with. Nothing is written twice, so the document cannot drift from the
code, and a test fails when a route has no `@operation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import (
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema
from werkzeug.routing import Rule

from hiring.access import POLICY_ATTR, public
from hiring.api import bp
from hiring.api.inputs import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from hiring.api.schemas import ErrorBody
from hiring.openings.models import CANDIDATE_STATUSES
from team.models import WORK_STATUSES
from team.text import BIDI_CONTROLS, LINE_BREAKS

F = TypeVar("F", bound=Callable[..., Any])

OPERATION_ATTR = "_api_operation"
REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


@dataclass(frozen=True)
class Operation:
    """What one view takes and answers, as declared next to it."""

    summary: str
    response: type[BaseModel] | None = None
    status: int = 200
    body: type[BaseModel] | None = None
    csv: str = ""  # the CSV file the body holds, described; empty for no CSV body
    query: tuple[str, ...] = ()
    conflict: bool = False
    # A 404 for a record named in the query rather than the path (e.g. `?opening_id=`).
    not_found: bool = False


def operation(summary: str, **details: Any) -> Callable[[F], F]:
    """Declare a view's summary, body, answer and query parameters for the generated document."""
    declared = Operation(summary, **details)

    def mark(view: F) -> F:
        setattr(view, OPERATION_ATTR, declared)
        return view

    return mark


def _allowed_text(*, line_breaks: bool) -> str:
    """A pattern matching the text `team.text.has_control` lets through: no C0 controls (but tab
    and line breaks where `line_breaks`), no DEL or C1, no bidirectional controls. Written with
    \\u escapes, which ECMA-262 (JSON Schema's regex dialect) and Python read alike.
    """
    refused = [c for c in range(32) if not (line_breaks and chr(c) in LINE_BREAKS)]
    refused += [*range(0x7F, 0xA0), *sorted(ord(ch) for ch in BIDI_CONTROLS)]
    spans: list[list[int]] = []
    for code in refused:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    ranges = "".join(
        f"\\u{low:04x}" + (f"-\\u{high:04x}" if high > low else "") for low, high in spans
    )
    return f"^[^{ranges}]*$"


# A search, and free text (notes, descriptions) that may also hold tabs and line breaks.
NO_CONTROLS = _allowed_text(line_breaks=False)
FREE_TEXT = _allowed_text(line_breaks=True)

QUERY_PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {
        "description": "How many items to answer.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    "offset": {
        "description": "How many matching items to skip.",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    },
    "active": {
        "description": "Only members still on the team (true) or only those who left (false).",
        "schema": {"type": "boolean"},
    },
    "q": {
        "description": "Search in name, email and title.",
        "schema": {"type": "string", "maxLength": 100, "pattern": NO_CONTROLS},
    },
    "area": {"description": "Only items of this area (its key).", "schema": {"type": "string"}},
    "opening_id": {
        "description": "Only this opening (its id); every opening the caller reads when absent.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
    "status": {
        "description": "Only items with this status.",
        "schema": {"type": "string", "enum": list(WORK_STATUSES)},
    },
    # Named apart from the work items' `status` above; sent as `status`, repeated for several.
    "candidate_status": {
        "name": "status",
        "description": "Only candidates in these statuses, the parameter repeated for several "
        "(`?status=offer&status=interviewing`); every status when left out.",
        "schema": {
            "type": "array",
            "items": {"type": "string", "enum": list(CANDIDATE_STATUSES)},
        },
        "style": "form",
        "explode": True,
    },
    "k": {
        "description": "How many hires the slate holds (the opening's headcount when absent).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 5},
    },
    "source": {
        "description": "Which tracker's CSV export the body is (`jira`, `linear`, `github`); "
        "told by the header when left out. Leave it out for our own format too.",
        "schema": {"type": "string", "enum": ["jira", "linear", "github"]},
    },
    "close_missing": {
        "description": "Close (status done) the open items of this source that the file no "
        "longer lists.",
        "schema": {"type": "boolean", "default": False},
    },
    # Named apart from the members' `q` above (users have no title); sent as `q`.
    "user_q": {
        "name": "q",
        "description": "Search in name and email.",
        "schema": {"type": "string", "maxLength": 100, "pattern": NO_CONTROLS},
    },
    "action": {
        "description": "Only entries of this action (e.g. `candidate.status`).",
        "schema": {"type": "string", "maxLength": 60, "pattern": NO_CONTROLS},
    },
    # The audit log's person; sent as `actor`.
    "audit_actor": {
        "name": "actor",
        "description": "Only entries by this person (their email, any case).",
        "schema": {"type": "string", "maxLength": 254, "pattern": NO_CONTROLS},
    },
    "since": {
        "description": "Only entries from this day on (UTC, the day included).",
        "schema": {"type": "string", "format": "date"},
    },
    "until": {
        "description": "Only entries up to this day (UTC, the day included); on or after `since`.",
        "schema": {"type": "string", "format": "date"},
    },
    "compare": {
        "name": "c",
        "required": True,
        "description": "The candidates to compare, 2 to 4 of the opening's, by id, the "
        "parameter repeated (`?c=17&c=23`).",
        "schema": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "minItems": 2,
            "maxItems": 4,
            "uniqueItems": True,
        },
        "style": "form",
        "explode": True,
    },
}

ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body is not valid JSON."),
    401: ("Unauthorized", "No token, or a token that is unknown, revoked or of a disabled user."),
    403: ("Forbidden", "The token's user does not hold a role allowed here."),
    404: ("NotFound", "No such record."),
    409: ("Conflict", "The change collides with stored data (e.g. an email already in use)."),
    415: ("UnsupportedMediaType", "The body is not of the content type this operation takes."),
    422: ("ValidationError", "Some values are not valid; `fields` (or `rows`) says which."),
}


def documented(app: Flask) -> Iterator[tuple[Rule, str, Callable[..., Any], Operation]]:
    """Every (rule, method, view, operation) of the API that carries an `@operation`."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != bp.name:
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, OPERATION_ATTR, None)
        if declared is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, view, declared


def openapi_path(rule: Rule) -> str:
    """`/api/v1/members/<int:member_id>` as OpenAPI writes it under the server URL."""
    path = _PARAM.sub(r"{\3}", rule.rule)
    return path.removeprefix(bp.url_prefix or "") or "/"


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    """Path parameters, typed by their URL converter."""
    integer, text = {"type": "integer", "minimum": 0}, {"type": "string"}
    return [
        {"name": name, "in": "path", "required": True, "schema": integer if kind == "int" else text}
        for kind, _args, name in _PARAM.findall(rule.rule)
    ]


def _request_body(declared: Operation, refs: dict) -> dict[str, Any] | None:
    """The request body: a JSON object validated by the declared model, or a CSV file."""
    if declared.csv:
        text = {"schema": {"type": "string", "minLength": 1}}  # an empty file is refused (422)
        media = ("text/csv", "text/plain", "application/octet-stream")
        return {
            "required": True,
            "description": declared.csv,
            "content": {m: text for m in media},
        }
    if declared.body is None:
        return None
    schema = refs[(declared.body, "validation")]
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _responses(rule: Rule, declared: Operation, policy: Any, refs: dict) -> dict[str, Any]:
    """The success answer and every error answer this operation can give."""
    success: dict[str, Any] = {"description": declared.summary}
    if declared.status != 204:
        schema = refs[(declared.response, "serialization")] if declared.response else {}
        success["content"] = {"application/json": {"schema": schema or {"type": "object"}}}
    if declared.status == 201:
        success["headers"] = {
            "Location": {"description": "The new record's URL.", "schema": {"type": "string"}}
        }
    codes: set[int] = set()
    if policy != "public":
        codes |= {401, 403}
    if rule.arguments or declared.not_found:
        codes.add(404)
    if declared.body is not None:
        codes |= {400, 415, 422}
    if declared.csv:
        codes |= {415, 422}
    if declared.query:
        codes.add(422)
    if declared.conflict:
        codes.add(409)
    errors = {str(c): {"$ref": f"#/components/responses/{ERRORS[c][0]}"} for c in sorted(codes)}
    return {str(declared.status): success} | errors


def _operation(
    rule: Rule, view: Callable[..., Any], declared: Operation, refs: dict
) -> dict[str, Any]:
    """One operation object."""
    policy = getattr(view, POLICY_ATTR, None)
    roles = sorted(policy) if isinstance(policy, frozenset) else []
    who = "Anyone, no token needed." if policy == "public" else f"Roles: {', '.join(roles)}."
    found: dict[str, Any] = {
        "operationId": rule.endpoint.partition(".")[2],
        "summary": declared.summary,
        "description": f"{(view.__doc__ or '').strip()}\n\n{who}",
        "responses": _responses(rule, declared, policy, refs),
        "x-roles": roles,
    }
    query = [{"name": n, "in": "query", **QUERY_PARAMETERS[n]} for n in declared.query]
    if parameters := _path_parameters(rule) + query:
        found["parameters"] = parameters
    if policy == "public":
        found["security"] = []
    if body := _request_body(declared, refs):
        found["requestBody"] = body
    return found


class _NoNullInBodies(GenerateJsonSchema):
    """Request bodies refuse null (leave a field out to keep its value), so none is offered.

    The update models type their fields `X | None = None` only to tell "not sent" apart.
    """

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        """`X | None` is just X in a body; answers keep their nulls."""
        if self.mode == "validation":
            return self.generate_inner(schema["schema"])
        return super().nullable_schema(schema)

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        """A `None` default in a body means "unchanged", not a value to send."""
        if self.mode == "validation" and schema.get("default", ...) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        """Say what the models' validators check, where JSON Schema can say it exactly.

        Free text (notes, descriptions) refuses control characters other than tabs and line
        breaks; a work item's status is one of a few words. (Names and keys refuse control
        characters too, but after trimming the ends, which a pattern cannot follow exactly.)
        """
        found = super().function_after_schema(schema)
        if self.mode != "validation" or found.get("type") != "string":
            return found
        rule = getattr(schema["function"]["function"], "__name__", "")
        if rule == "_no_controls_but_newlines":
            return found | {"pattern": FREE_TEXT}
        if rule == "_known_status":
            return found | {"enum": list(WORK_STATUSES)}
        return found


def _schemas(app: Flask) -> tuple[dict, dict[str, Any]]:
    """JSON Schemas of every model the API takes or answers, as refs and as components."""
    # A dict keeps the first-seen order and drops repeats (several views answer the same model).
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    wanted[(ErrorBody, "serialization")] = None
    for _rule, _method, _view, declared in documented(app):
        if declared.body is not None:
            wanted[(declared.body, "validation")] = None
        if declared.response is not None:
            wanted[(declared.response, "serialization")] = None
    refs, top = models_json_schema(list(wanted), ref_template=REF, schema_generator=_NoNullInBodies)
    return refs, top.get("$defs", {})


def _error_responses(refs: dict) -> dict[str, Any]:
    """Shared error answers, all with the one error body."""
    body = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    answers: dict[str, Any] = {
        name: {"description": text, "content": body} for name, text in ERRORS.values()
    }
    answers["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}
    }
    return answers


def build_document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of the API as it is registered on `app`."""
    refs, schemas = _schemas(app)
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, view, declared in documented(app):
        paths.setdefault(openapi_path(rule), {})[method.lower()] = _operation(
            rule, view, declared, refs
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hiring gap analysis API",
            "version": "1",
            "description": "The team, its planned work and its skills matrix, for integrations "
            "and scripts. Levels are numbers 0-4; areas and skills are named by their key.",
        },
        "servers": [{"url": bp.url_prefix}],
        "security": [{"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": _error_responses(refs),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from your profile page or `flask create-token`.",
                }
            },
        },
    }


@bp.get("/openapi.json")
@public
@operation("This OpenAPI document")
def openapi_document():
    """The API described for client generators and people; it holds no data, so it is public."""
    document = current_app.extensions.get("api_openapi")
    if document is None:
        document = current_app.extensions["api_openapi"] = build_document(current_app)
    return jsonify(document)
